//! The read side: every query the engine asks, on a pool of read-only connections.

use std::collections::HashMap;
use std::path::PathBuf;
use std::str::FromStr;

use sqlx::sqlite::SqlitePool;
use sqlx::{QueryBuilder, Sqlite};

use super::ids_json;
use super::rows::{
    JOB_COLUMNS, JobHead, MatchedJob, StepStatRow, head_from_row, job_from_row, job_id_of,
    matched_from_row, partial_from_row, step_from_row, step_stat_from_row,
};
use crate::error::{Error, Result};
use crate::model::{
    JobId, JobQuery, JobRecord, JobStatus, PartialRecord, Pause, PauseReason, StatusCounts,
    StepRecord, Usage, UsageRecord,
};

/// Largest page a list returns.
const MAX_PAGE: u32 = 500;
const DEFAULT_PAGE: u32 = 50;

/// One keyset page of stored jobs, newest first.
#[derive(Debug, Clone)]
pub(crate) struct Listed {
    pub items: Vec<JobRecord>,
    /// The last item's id when more follow.
    pub next: Option<JobId>,
}

/// What a job had done when its run stopped: its steps and partial outputs.
#[derive(Debug, Clone, Default)]
pub(crate) struct JobWork {
    pub steps: Vec<StepRecord>,
    pub partials: Vec<PartialRecord>,
}

/// Read side: queries on the read pool.
#[derive(Clone)]
pub(crate) struct Reader {
    pool: SqlitePool,
    path: PathBuf,
}

impl Reader {
    pub(crate) fn new(pool: SqlitePool, path: PathBuf) -> Self {
        Reader { pool, path }
    }

    fn err(&self, e: sqlx::Error) -> Error {
        Error::from_sqlx(e, &self.path)
    }

    pub(crate) async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) async fn job(&self, id: JobId) -> Result<Option<JobRecord>> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?");
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
        row.as_ref().map(job_from_row).transpose()
    }

    pub(crate) async fn steps(&self, id: JobId) -> Result<Vec<StepRecord>> {
        let rows = sqlx::query(
            "SELECT idx, name, status, output, attempt, started_at, finished_at \
             FROM job_steps WHERE job_id = ? ORDER BY idx",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        rows.iter().map(step_from_row).collect()
    }

    pub(crate) async fn partials(&self, id: JobId) -> Result<Vec<PartialRecord>> {
        let rows = sqlx::query(
            "SELECT seq, step_idx, value, created_at FROM job_partials WHERE job_id = ? ORDER BY seq",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        rows.iter().map(partial_from_row).collect()
    }

    /// Steps and partials of many jobs in two queries (recovery loads hundreds at once).
    pub(crate) async fn work_of(&self, ids: &[JobId]) -> Result<HashMap<JobId, JobWork>> {
        let ids_json = ids_json(ids);
        let steps = sqlx::query(
            "SELECT job_id, idx, name, status, output, attempt, started_at, finished_at \
             FROM job_steps WHERE job_id IN (SELECT value FROM json_each(?)) ORDER BY job_id, idx",
        )
        .bind(&ids_json)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        let partials = sqlx::query(
            "SELECT job_id, seq, step_idx, value, created_at FROM job_partials \
             WHERE job_id IN (SELECT value FROM json_each(?)) ORDER BY job_id, seq",
        )
        .bind(&ids_json)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        let mut out: HashMap<JobId, JobWork> = HashMap::new();
        for row in &steps {
            out.entry(job_id_of(row)?)
                .or_default()
                .steps
                .push(step_from_row(row)?);
        }
        for row in &partials {
            out.entry(job_id_of(row)?)
                .or_default()
                .partials
                .push(partial_from_row(row)?);
        }
        Ok(out)
    }

    pub(crate) async fn list(&self, q: &JobQuery) -> Result<Listed> {
        let limit = q.limit.unwrap_or(DEFAULT_PAGE).clamp(1, MAX_PAGE);
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT ");
        qb.push(JOB_COLUMNS).push(" FROM jobs WHERE 1 = 1");
        push_filters(&mut qb, q);
        if let Some(after) = q.after {
            qb.push(" AND id < ").push_bind(after.to_string());
        }
        qb.push(" ORDER BY id DESC LIMIT ")
            .push_bind(i64::from(limit) + 1);
        let rows = qb
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
        let mut items = rows.iter().map(job_from_row).collect::<Result<Vec<_>>>()?;
        let next = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|j| j.id)
        } else {
            None
        };
        Ok(Listed { items, next })
    }

    /// Id and status of every job matching the query's filters, oldest first; `limit`
    /// and `after` are ignored (bulk actions act on everything the filters match).
    pub(crate) async fn matching(&self, q: &JobQuery) -> Result<Vec<MatchedJob>> {
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT id, status FROM jobs WHERE 1 = 1");
        push_filters(&mut qb, q);
        qb.push(" ORDER BY id");
        let rows = qb
            .build()
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
        rows.iter().map(matched_from_row).collect()
    }

    /// How many jobs match the query's filters; `limit` and `after` are ignored.
    pub(crate) async fn count_matching(&self, q: &JobQuery) -> Result<u64> {
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT count(*) FROM jobs WHERE 1 = 1");
        push_filters(&mut qb, q);
        let n: i64 = qb
            .build_query_scalar()
            .fetch_one(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
        Ok(n.max(0) as u64)
    }

    /// What the engine stream needs to announce these jobs (no input, result or error).
    pub(crate) async fn heads(&self, ids: &[JobId]) -> Result<Vec<JobHead>> {
        let rows = sqlx::query(
            "SELECT id, kind, title, session_id, status, progress FROM jobs \
             WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id",
        )
        .bind(ids_json(ids))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        rows.iter().map(head_from_row).collect()
    }

    /// Which of these ids still have a row.
    pub(crate) async fn existing(&self, ids: &[JobId]) -> Result<Vec<JobId>> {
        let rows: Vec<String> =
            sqlx::query_scalar("SELECT id FROM jobs WHERE id IN (SELECT value FROM json_each(?1))")
                .bind(ids_json(ids))
                .fetch_all(&self.pool)
                .await
                .map_err(|e| self.err(e))?;
        rows.iter().map(|id| JobId::from_str(id)).collect()
    }

    pub(crate) async fn counts(
        &self,
        kind: Option<&str>,
        session: Option<&str>,
    ) -> Result<StatusCounts> {
        let rows: Vec<(String, i64)> = match session {
            None => sqlx::query_as(
                "SELECT status, sum(n) FROM job_counts WHERE (?1 IS NULL OR kind = ?1) GROUP BY status",
            )
            .bind(kind)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.err(e))?,
            Some(session) => sqlx::query_as(
                "SELECT status, count(*) FROM jobs WHERE session_id = ?1 AND (?2 IS NULL OR kind = ?2) \
                 GROUP BY status",
            )
            .bind(session)
            .bind(kind)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.err(e))?,
        };
        let mut counts = StatusCounts::default();
        for (status, n) in rows {
            counts.add(JobStatus::from_str(&status)?, n.max(0) as u64);
        }
        Ok(counts)
    }

    pub(crate) async fn latest_by_session(
        &self,
        session: &str,
        kind: Option<&str>,
    ) -> Result<Option<JobRecord>> {
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE session_id = ?1 AND (?2 IS NULL OR kind = ?2) \
             ORDER BY id DESC LIMIT 1"
        );
        let row = sqlx::query(&sql)
            .bind(session)
            .bind(kind)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
        row.as_ref().map(job_from_row).transpose()
    }

    pub(crate) async fn recent_completions(
        &self,
        since: i64,
        limit: u32,
    ) -> Result<Vec<JobRecord>> {
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE seen_at IS NULL AND finished_at IS NOT NULL \
             AND finished_at >= ? ORDER BY finished_at DESC LIMIT ?"
        );
        let rows = sqlx::query(&sql)
            .bind(since)
            .bind(i64::from(limit.clamp(1, MAX_PAGE)))
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
        rows.iter().map(job_from_row).collect()
    }

    /// How many finished jobs the user has not seen.
    pub(crate) async fn unseen_count(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM jobs WHERE seen_at IS NULL AND finished_at IS NOT NULL",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The learned step durations of every kind, for ETAs.
    pub(crate) async fn step_stats(&self) -> Result<Vec<StepStatRow>> {
        let rows = sqlx::query("SELECT kind, idx, samples, mean_ms FROM step_stats")
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
        rows.iter().map(step_stat_from_row).collect()
    }

    /// The pending, running or paused job of `kind` holding `key`, if any.
    pub(crate) async fn holder_of(&self, kind: &str, key: &str) -> Result<Option<JobId>> {
        let id: Option<String> = sqlx::query_scalar(
            "SELECT id FROM jobs WHERE kind = ?1 AND unique_key = ?2 \
             AND status IN ('pending', 'running', 'paused') LIMIT 1",
        )
        .bind(kind)
        .bind(key)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        id.as_deref().map(JobId::from_str).transpose()
    }

    /// A job's model calls, oldest first.
    pub(crate) async fn usage(&self, id: JobId) -> Result<Vec<UsageRecord>> {
        type Row = (Option<i64>, String, i64, i64, bool, i64, i64, i64);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT step_idx, model, prompt_tokens, completion_tokens, estimated, latency_ms, \
             cost_micros, at FROM usage WHERE job_id = ? ORDER BY rowid",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        let n = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
        Ok(rows
            .into_iter()
            .map(
                |(step, model, prompt, completion, estimated, latency, cost, at)| UsageRecord {
                    step_index: step.map(n),
                    at,
                    usage: Usage {
                        model,
                        prompt_tokens: n(prompt),
                        completion_tokens: n(completion),
                        estimated,
                        latency_ms: n(latency),
                        cost_micros: cost,
                    },
                },
            )
            .collect())
    }

    /// Every paused job with its pause, oldest first.
    pub(crate) async fn paused(&self) -> Result<Vec<(JobId, Pause)>> {
        let rows: Vec<(String, Option<String>)> =
            sqlx::query_as("SELECT id, pause FROM jobs WHERE status = 'paused' ORDER BY id")
                .fetch_all(&self.pool)
                .await
                .map_err(|e| self.err(e))?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, pause) in rows {
            let id = JobId::from_str(&id)?;
            let pause = match pause {
                Some(text) => serde_json::from_str(&text)
                    .map_err(|e| Error::Corrupt(format!("pause of {id}: {e}")))?,
                None => Pause::now(PauseReason::ByUser),
            };
            out.push((id, pause));
        }
        Ok(out)
    }

    /// Active jobs owned by `owner` (those recovery queued again), oldest first.
    pub(crate) async fn owned_active(&self, owner: &str) -> Result<Vec<JobRecord>> {
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE status = 'pending' AND owner = ? ORDER BY id"
        );
        let rows = sqlx::query(&sql)
            .bind(owner)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
        rows.iter().map(job_from_row).collect()
    }
}

fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Appends the query's filters (statuses, kind, session, title text, creation time) as
/// `AND` clauses with every value bound; shared by paging and bulk actions so they agree.
fn push_filters(qb: &mut QueryBuilder<'_, Sqlite>, q: &JobQuery) {
    if !q.statuses.is_empty() {
        qb.push(" AND status IN (");
        let mut sep = qb.separated(", ");
        for s in &q.statuses {
            sep.push_bind(s.as_str());
        }
        sep.push_unseparated(")");
    }
    if let Some(kind) = &q.kind {
        qb.push(" AND kind = ").push_bind(kind.clone());
    }
    if let Some(session) = &q.session_id {
        qb.push(" AND session_id = ").push_bind(session.clone());
    }
    if let Some(text) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        qb.push(" AND title LIKE ")
            .push_bind(like_pattern(text))
            .push(" ESCAPE '\\'");
    }
    if let Some(from) = q.created_from {
        qb.push(" AND id >= ")
            .push_bind(JobId::lower_bound_at(from));
    }
    if let Some(to) = q.created_to {
        qb.push(" AND id < ").push_bind(JobId::lower_bound_at(to));
    }
}
