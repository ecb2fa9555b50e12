//! All SQL of the engine: opening, migrations, reads and the writes the writer task applies.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::sqlite::{
    SqliteAutoVacuum, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteRow, SqliteSynchronous,
};
use sqlx::{Connection, QueryBuilder, Row, Sqlite, SqliteConnection};

use crate::config::EngineConfig;
use crate::error::{Error, JobError, Result};
use crate::model::{
    JobId, JobQuery, JobRecord, JobStatus, PartialRecord, StatusCounts, StepRecord, StepStatus,
};

/// The embedded migrations from the workspace's `migrations/` folder.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

const JOB_COLUMNS: &str = "id, kind, title, status, progress, message, current_step, input, result, error, \
     session_id, entity_id, entity_type, attempt, seq, pinned, created_at, started_at, updated_at, \
     finished_at, seen_at";

/// Largest page a list returns.
pub const MAX_PAGE: u32 = 500;
const DEFAULT_PAGE: u32 = 50;

fn connect_options(config: &EngineConfig) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(&config.path)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(config.busy_timeout)
        .auto_vacuum(SqliteAutoVacuum::Incremental)
}

/// Opens the write connection, refuses newer schemas and applies migrations.
pub(crate) async fn open_writer(config: &EngineConfig) -> Result<SqliteConnection> {
    let path = &config.path;
    let opts = connect_options(config).create_if_missing(true);
    let mut conn = SqliteConnection::connect_with(&opts)
        .await
        .map_err(|e| Error::from_sqlx(e, path))?;
    // Touch the schema so that a file that is not a database fails here, clearly.
    sqlx::query("SELECT count(*) FROM sqlite_schema")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| Error::from_sqlx(e, path))?;
    check_schema_version(&mut conn, path).await?;
    MIGRATOR.run(&mut conn).await.map_err(|e| match e {
        sqlx::migrate::MigrateError::Execute(inner) => Error::from_sqlx(inner, path),
        other => Error::Migrate(other),
    })?;
    Ok(conn)
}

/// Opens the pool of read-only connections used for queries (they inherit WAL from the file).
pub(crate) async fn open_readers(config: &EngineConfig) -> Result<SqlitePool> {
    let opts = SqliteConnectOptions::new()
        .filename(&config.path)
        .foreign_keys(true)
        .busy_timeout(config.busy_timeout)
        .read_only(true);
    SqlitePoolOptions::new()
        .max_connections(config.read_connections.max(1))
        .connect_with(opts)
        .await
        .map_err(|e| Error::from_sqlx(e, &config.path))
}

fn newest_known_migration() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

async fn check_schema_version(conn: &mut SqliteConnection, path: &Path) -> Result<()> {
    let has_table: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| Error::from_sqlx(e, path))?;
    if has_table == 0 {
        return Ok(());
    }
    let found: Option<i64> = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations")
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| Error::from_sqlx(e, path))?;
    let supported = newest_known_migration();
    match found {
        Some(found) if found > supported => Err(Error::SchemaTooNew {
            path: path.to_path_buf(),
            found,
            supported,
        }),
        _ => Ok(()),
    }
}

fn json_text(value: &serde_json::Value) -> String {
    value.to_string()
}

fn parse_json(text: &str, what: &str) -> Result<serde_json::Value> {
    serde_json::from_str(text).map_err(|e| Error::Corrupt(format!("{what}: {e}")))
}

fn statuses_json(statuses: &[JobStatus]) -> String {
    let names: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
    serde_json::Value::from(names).to_string()
}

fn ids_json(ids: &[JobId]) -> String {
    let names: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
    serde_json::Value::from(names).to_string()
}

fn job_from_row(row: &SqliteRow) -> Result<JobRecord> {
    let get_err = |e: sqlx::Error| Error::Corrupt(e.to_string());
    let id: String = row.try_get("id").map_err(get_err)?;
    let status: String = row.try_get("status").map_err(get_err)?;
    let input: String = row.try_get("input").map_err(get_err)?;
    let result: Option<String> = row.try_get("result").map_err(get_err)?;
    let error: Option<String> = row.try_get("error").map_err(get_err)?;
    let error = match error {
        Some(text) => Some(
            serde_json::from_str::<JobError>(&text)
                .map_err(|e| Error::Corrupt(format!("job error of {id}: {e}")))?,
        ),
        None => None,
    };
    Ok(JobRecord {
        id: JobId::from_str(&id)?,
        kind: row.try_get("kind").map_err(get_err)?,
        title: row.try_get("title").map_err(get_err)?,
        status: JobStatus::from_str(&status)?,
        progress: row.try_get("progress").map_err(get_err)?,
        message: row.try_get("message").map_err(get_err)?,
        current_step: row.try_get("current_step").map_err(get_err)?,
        input: parse_json(&input, "job input")?,
        result: result
            .as_deref()
            .map(|r| parse_json(r, "job result"))
            .transpose()?,
        error,
        session_id: row.try_get("session_id").map_err(get_err)?,
        entity_id: row.try_get("entity_id").map_err(get_err)?,
        entity_type: row.try_get("entity_type").map_err(get_err)?,
        attempt: row.try_get::<i64, _>("attempt").map_err(get_err)? as u32,
        seq: row.try_get::<i64, _>("seq").map_err(get_err)? as u64,
        pinned: row.try_get::<i64, _>("pinned").map_err(get_err)? != 0,
        created_at: row.try_get("created_at").map_err(get_err)?,
        started_at: row.try_get("started_at").map_err(get_err)?,
        updated_at: row.try_get("updated_at").map_err(get_err)?,
        finished_at: row.try_get("finished_at").map_err(get_err)?,
        seen_at: row.try_get("seen_at").map_err(get_err)?,
        stalled: false,
        eta_ms: None,
    })
}

fn step_from_row(row: &SqliteRow) -> Result<StepRecord> {
    let get_err = |e: sqlx::Error| Error::Corrupt(e.to_string());
    let status: String = row.try_get("status").map_err(get_err)?;
    let output: Option<String> = row.try_get("output").map_err(get_err)?;
    Ok(StepRecord {
        index: row.try_get::<i64, _>("idx").map_err(get_err)? as u32,
        name: row.try_get("name").map_err(get_err)?,
        status: StepStatus::from_str(&status)?,
        output: output
            .as_deref()
            .map(|o| parse_json(o, "step output"))
            .transpose()?,
        attempt: row.try_get::<i64, _>("attempt").map_err(get_err)? as u32,
        started_at: row.try_get("started_at").map_err(get_err)?,
        finished_at: row.try_get("finished_at").map_err(get_err)?,
    })
}

fn partial_from_row(row: &SqliteRow) -> Result<PartialRecord> {
    let get_err = |e: sqlx::Error| Error::Corrupt(e.to_string());
    let value: String = row.try_get("value").map_err(get_err)?;
    Ok(PartialRecord {
        seq: row.try_get::<i64, _>("seq").map_err(get_err)? as u64,
        step_index: row
            .try_get::<Option<i64>, _>("step_idx")
            .map_err(get_err)?
            .map(|i| i as u32),
        value: parse_json(&value, "partial output")?,
        created_at: row.try_get("created_at").map_err(get_err)?,
    })
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
    pub(crate) async fn work_of(
        &self,
        ids: &[JobId],
    ) -> Result<HashMap<JobId, (Vec<StepRecord>, Vec<PartialRecord>)>> {
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
        let mut out: HashMap<JobId, (Vec<StepRecord>, Vec<PartialRecord>)> = HashMap::new();
        let job_of = |row: &SqliteRow| -> Result<JobId> {
            let id: String = row
                .try_get("job_id")
                .map_err(|e| Error::Corrupt(e.to_string()))?;
            JobId::from_str(&id)
        };
        for row in &steps {
            out.entry(job_of(row)?)
                .or_default()
                .0
                .push(step_from_row(row)?);
        }
        for row in &partials {
            out.entry(job_of(row)?)
                .or_default()
                .1
                .push(partial_from_row(row)?);
        }
        Ok(out)
    }

    pub(crate) async fn list(&self, q: &JobQuery) -> Result<(Vec<JobRecord>, Option<JobId>)> {
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
        Ok((items, next))
    }

    /// Id and status of every job matching the query's filters, oldest first; `limit`
    /// and `after` are ignored (bulk actions act on everything the filters match).
    pub(crate) async fn matching(&self, q: &JobQuery) -> Result<Vec<(JobId, JobStatus)>> {
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT id, status FROM jobs WHERE 1 = 1");
        push_filters(&mut qb, q);
        qb.push(" ORDER BY id");
        let rows: Vec<(String, String)> = qb
            .build_query_as()
            .fetch_all(&self.pool)
            .await
            .map_err(|e| self.err(e))?;
        rows.iter()
            .map(|(id, status)| Ok((JobId::from_str(id)?, JobStatus::from_str(status)?)))
            .collect()
    }

    /// What the engine stream needs to announce these jobs (no input, result or error).
    pub(crate) async fn heads(&self, ids: &[JobId]) -> Result<Vec<JobHead>> {
        let rows: Vec<(String, String, String, Option<String>, String, f64)> = sqlx::query_as(
            "SELECT id, kind, title, session_id, status, progress FROM jobs \
             WHERE id IN (SELECT value FROM json_each(?1)) ORDER BY id",
        )
        .bind(ids_json(ids))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.err(e))?;
        rows.into_iter()
            .map(|(id, kind, title, session_id, status, progress)| {
                Ok(JobHead {
                    id: JobId::from_str(&id)?,
                    kind,
                    title,
                    session_id,
                    status: JobStatus::from_str(&status)?,
                    progress,
                })
            })
            .collect()
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

    pub(crate) async fn step_stats(&self) -> Result<Vec<(String, String, u32, u32, f64)>> {
        let rows: Vec<(String, String, i64, i64, f64)> =
            sqlx::query_as("SELECT kind, name, idx, samples, mean_ms FROM step_stats")
                .fetch_all(&self.pool)
                .await
                .map_err(|e| self.err(e))?;
        Ok(rows
            .into_iter()
            .map(|(k, n, i, c, m)| (k, n, i.max(0) as u32, c.max(0) as u32, m))
            .collect())
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

/// The light columns of a job, enough for an engine event.
#[derive(Debug, Clone)]
pub(crate) struct JobHead {
    /// Job id.
    pub id: JobId,
    /// Kind name.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Session, if any.
    pub session_id: Option<String>,
    /// Status now.
    pub status: JobStatus,
    /// Progress now.
    pub progress: f64,
}

/// Progress values written by a coalesced flush.
#[derive(Debug, Clone)]
pub(crate) struct ProgressRow {
    pub id: JobId,
    pub progress: f64,
    pub message: Option<String>,
    pub seq: u64,
    pub at: i64,
}

/// Terminal values written when a job finishes.
#[derive(Debug, Clone)]
pub(crate) struct FinishRow {
    pub id: JobId,
    pub to: JobStatus,
    pub result: Option<serde_json::Value>,
    pub error: Option<JobError>,
    pub progress: f64,
    pub message: Option<String>,
    pub seq: u64,
    pub at: i64,
}

/// One write the writer task applies; see [`crate::writer`].
#[derive(Debug)]
pub(crate) enum WriteOp {
    Insert {
        job: Box<JobRecord>,
        owner: String,
    },
    MarkRunning {
        id: JobId,
        owner: String,
        seq: u64,
        at: i64,
    },
    Finish(Box<FinishRow>),
    Requeue {
        id: JobId,
        owner: String,
        seq: u64,
        at: i64,
    },
    Progress(Vec<ProgressRow>),
    StepStarted {
        id: JobId,
        index: u32,
        name: String,
        attempt: u32,
        seq: u64,
        at: i64,
    },
    StepFinished {
        id: JobId,
        kind: String,
        index: u32,
        name: String,
        status: StepStatus,
        output: Option<String>,
        seq: u64,
        started_at: i64,
        at: i64,
    },
    Partial {
        id: JobId,
        seq: u64,
        step_index: Option<u32>,
        value: String,
        at: i64,
    },
    Delete(Vec<JobId>),
    MarkSeen {
        ids: Vec<JobId>,
        at: i64,
    },
    Pin {
        id: JobId,
        pinned: bool,
        at: i64,
    },
    Prune(Vec<(JobStatus, i64)>),
    Vacuum,
    Flush,
}

impl WriteOp {
    /// Applies the op inside the caller's transaction; the value is rows affected.
    /// A guard that does not match is an `Ok` error value, not a database error.
    pub(crate) async fn apply(
        &self,
        conn: &mut SqliteConnection,
    ) -> std::result::Result<Result<u64>, sqlx::Error> {
        match self {
            WriteOp::Insert { job, owner } => {
                let r = sqlx::query(
                    "INSERT INTO jobs (id, kind, title, status, progress, input, session_id, entity_id, \
                     entity_type, attempt, seq, pinned, created_at, started_at, updated_at, owner) \
                     VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?)",
                )
                .bind(job.id.to_string())
                .bind(&job.kind)
                .bind(&job.title)
                .bind(job.status.as_str())
                .bind(json_text(&job.input))
                .bind(&job.session_id)
                .bind(&job.entity_id)
                .bind(&job.entity_type)
                .bind(i64::from(job.attempt))
                .bind(job.created_at)
                .bind(job.started_at)
                .bind(job.updated_at)
                .bind(owner)
                .execute(&mut *conn)
                .await?;
                Ok(Ok(r.rows_affected()))
            }
            WriteOp::MarkRunning { id, owner, seq, at } => {
                let r = sqlx::query(
                    "UPDATE jobs SET status = 'running', attempt = attempt + 1, started_at = ?1, \
                     updated_at = ?1, owner = ?2, seq = max(seq, ?3), finished_at = NULL \
                     WHERE id = ?4 AND status = 'pending'",
                )
                .bind(at)
                .bind(owner)
                .bind(*seq as i64)
                .bind(id.to_string())
                .execute(&mut *conn)
                .await?;
                guard(conn, *id, JobStatus::Running, r.rows_affected()).await
            }
            WriteOp::Finish(f) => {
                let from = statuses_json(&JobStatus::sources_of(f.to));
                let error = match &f.error {
                    Some(e) => Some(
                        serde_json::to_string(e).map_err(|e| sqlx::Error::Encode(Box::new(e)))?,
                    ),
                    None => None,
                };
                let r = sqlx::query(
                    "UPDATE jobs SET status = ?1, result = ?2, error = ?3, progress = ?4, message = ?5, \
                     seq = max(seq, ?6), updated_at = ?7, finished_at = ?7 \
                     WHERE id = ?8 AND status IN (SELECT value FROM json_each(?9))",
                )
                .bind(f.to.as_str())
                .bind(f.result.as_ref().map(json_text))
                .bind(error)
                .bind(f.progress.clamp(0.0, 100.0))
                .bind(&f.message)
                .bind(f.seq as i64)
                .bind(f.at)
                .bind(f.id.to_string())
                .bind(from)
                .execute(&mut *conn)
                .await?;
                guard(conn, f.id, f.to, r.rows_affected()).await
            }
            WriteOp::Requeue { id, owner, seq, at } => {
                let from = statuses_json(&JobStatus::sources_of(JobStatus::Pending));
                let r = sqlx::query(
                    "UPDATE jobs SET status = 'pending', error = NULL, result = NULL, finished_at = NULL, \
                     seen_at = NULL, owner = ?1, seq = max(seq, ?2), updated_at = ?3 \
                     WHERE id = ?4 AND status IN (SELECT value FROM json_each(?5))",
                )
                .bind(owner)
                .bind(*seq as i64)
                .bind(at)
                .bind(id.to_string())
                .bind(from)
                .execute(&mut *conn)
                .await?;
                let outcome = guard(conn, *id, JobStatus::Pending, r.rows_affected()).await?;
                if outcome.is_ok() {
                    reset_unfinished_work(conn, &ids_json(&[*id])).await?;
                }
                Ok(outcome)
            }
            WriteOp::Progress(rows) => {
                let mut n = 0;
                for p in rows {
                    let r = sqlx::query(
                        "UPDATE jobs SET progress = ?1, message = ?2, seq = max(seq, ?3), updated_at = ?4 \
                         WHERE id = ?5 AND status = 'running'",
                    )
                    .bind(p.progress.clamp(0.0, 100.0))
                    .bind(&p.message)
                    .bind(p.seq as i64)
                    .bind(p.at)
                    .bind(p.id.to_string())
                    .execute(&mut *conn)
                    .await?;
                    n += r.rows_affected();
                }
                Ok(Ok(n))
            }
            WriteOp::StepStarted {
                id,
                index,
                name,
                attempt,
                seq,
                at,
            } => {
                sqlx::query(
                    "INSERT INTO job_steps (job_id, idx, name, status, output, attempt, started_at, finished_at) \
                     VALUES (?1, ?2, ?3, 'running', NULL, ?4, ?5, NULL) \
                     ON CONFLICT (job_id, idx) DO UPDATE SET name = excluded.name, status = 'running', \
                     output = NULL, attempt = excluded.attempt, started_at = excluded.started_at, finished_at = NULL",
                )
                .bind(id.to_string())
                .bind(i64::from(*index))
                .bind(name)
                .bind(i64::from(*attempt))
                .bind(at)
                .execute(&mut *conn)
                .await?;
                let r = sqlx::query(
                    "UPDATE jobs SET current_step = ?1, seq = max(seq, ?2), updated_at = ?3 \
                     WHERE id = ?4 AND status = 'running'",
                )
                .bind(name)
                .bind(*seq as i64)
                .bind(at)
                .bind(id.to_string())
                .execute(&mut *conn)
                .await?;
                Ok(Ok(r.rows_affected()))
            }
            WriteOp::StepFinished {
                id,
                kind,
                index,
                name,
                status,
                output,
                seq,
                started_at,
                at,
            } => {
                let r = sqlx::query(
                    "UPDATE job_steps SET status = ?1, output = ?2, finished_at = ?3 \
                     WHERE job_id = ?4 AND idx = ?5",
                )
                .bind(status.as_str())
                .bind(output)
                .bind(at)
                .bind(id.to_string())
                .bind(i64::from(*index))
                .execute(&mut *conn)
                .await?;
                sqlx::query("UPDATE jobs SET seq = max(seq, ?1), updated_at = ?2 WHERE id = ?3")
                    .bind(*seq as i64)
                    .bind(at)
                    .bind(id.to_string())
                    .execute(&mut *conn)
                    .await?;
                if *status == StepStatus::Completed {
                    let duration = (at - started_at).max(0) as f64;
                    sqlx::query(
                        "INSERT INTO step_stats (kind, name, idx, samples, mean_ms) VALUES (?1, ?2, ?3, 1, ?4) \
                         ON CONFLICT (kind, name) DO UPDATE SET samples = samples + 1, idx = excluded.idx, \
                         mean_ms = mean_ms + (excluded.mean_ms - mean_ms) / min(samples + 1, 20)",
                    )
                    .bind(kind)
                    .bind(name)
                    .bind(i64::from(*index))
                    .bind(duration)
                    .execute(&mut *conn)
                    .await?;
                }
                Ok(Ok(r.rows_affected()))
            }
            WriteOp::Partial {
                id,
                seq,
                step_index,
                value,
                at,
            } => {
                let r = sqlx::query(
                    "INSERT OR REPLACE INTO job_partials (job_id, seq, step_idx, value, created_at) \
                     VALUES (?, ?, ?, ?, ?)",
                )
                .bind(id.to_string())
                .bind(*seq as i64)
                .bind(step_index.map(i64::from))
                .bind(value)
                .bind(at)
                .execute(&mut *conn)
                .await?;
                Ok(Ok(r.rows_affected()))
            }
            WriteOp::Delete(ids) => {
                let r = sqlx::query(
                    "DELETE FROM jobs WHERE id IN (SELECT value FROM json_each(?1)) \
                     AND status NOT IN ('pending', 'running')",
                )
                .bind(ids_json(ids))
                .execute(&mut *conn)
                .await?;
                Ok(Ok(r.rows_affected()))
            }
            WriteOp::MarkSeen { ids, at } => {
                let r = sqlx::query(
                    "UPDATE jobs SET seen_at = ?1 WHERE id IN (SELECT value FROM json_each(?2)) \
                     AND seen_at IS NULL AND finished_at IS NOT NULL",
                )
                .bind(at)
                .bind(ids_json(ids))
                .execute(&mut *conn)
                .await?;
                Ok(Ok(r.rows_affected()))
            }
            WriteOp::Pin { id, pinned, at } => {
                let r = sqlx::query("UPDATE jobs SET pinned = ?1, updated_at = ?2 WHERE id = ?3")
                    .bind(i64::from(*pinned))
                    .bind(at)
                    .bind(id.to_string())
                    .execute(&mut *conn)
                    .await?;
                if r.rows_affected() == 0 {
                    return Ok(Err(Error::NotFound(*id)));
                }
                Ok(Ok(r.rows_affected()))
            }
            WriteOp::Prune(cutoffs) => {
                let mut n = 0;
                for (status, before) in cutoffs {
                    let r = sqlx::query(
                        "DELETE FROM jobs WHERE status = ?1 AND finished_at < ?2 AND pinned = 0",
                    )
                    .bind(status.as_str())
                    .bind(before)
                    .execute(&mut *conn)
                    .await?;
                    n += r.rows_affected();
                }
                Ok(Ok(n))
            }
            WriteOp::Vacuum => {
                sqlx::query("PRAGMA incremental_vacuum")
                    .execute(&mut *conn)
                    .await?;
                Ok(Ok(0))
            }
            WriteOp::Flush => Ok(Ok(0)),
        }
    }

    /// Ops that write with one statement (a failed guard only reads afterwards), so that
    /// alone in a batch they can run in autocommit mode: one round trip instead of three.
    pub(crate) fn is_single_statement(&self) -> bool {
        match self {
            WriteOp::Insert { .. }
            | WriteOp::MarkRunning { .. }
            | WriteOp::Finish(_)
            | WriteOp::Partial { .. }
            | WriteOp::Delete(_)
            | WriteOp::MarkSeen { .. }
            | WriteOp::Pin { .. }
            | WriteOp::Flush => true,
            WriteOp::Progress(rows) => rows.len() <= 1,
            _ => false,
        }
    }

    /// Vacuum cannot run inside a transaction.
    pub(crate) fn needs_own_statement(&self) -> bool {
        matches!(self, WriteOp::Vacuum)
    }
}

/// Turns "no row matched the guard" into the typed reason.
async fn guard(
    conn: &mut SqliteConnection,
    id: JobId,
    to: JobStatus,
    affected: u64,
) -> std::result::Result<Result<u64>, sqlx::Error> {
    if affected > 0 {
        return Ok(Ok(affected));
    }
    let current: Option<String> = sqlx::query_scalar("SELECT status FROM jobs WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(Err(match current {
        None => Error::NotFound(id),
        Some(s) => match JobStatus::from_str(&s) {
            Ok(from) => Error::IllegalTransition { id, from, to },
            Err(e) => e,
        },
    }))
}

/// Drops what an unfinished run left behind (steps not completed, partials outside
/// completed steps) so a resumed run neither duplicates nor loses anything.
async fn reset_unfinished_work(
    conn: &mut SqliteConnection,
    ids: &str,
) -> std::result::Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM job_partials WHERE job_id IN (SELECT value FROM json_each(?1)) \
         AND (step_idx IS NULL OR NOT EXISTS (SELECT 1 FROM job_steps s WHERE s.job_id = job_partials.job_id \
         AND s.idx = job_partials.step_idx AND s.status = 'completed'))",
    )
    .bind(ids)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM job_steps WHERE job_id IN (SELECT value FROM json_each(?1)) AND status <> 'completed'",
    )
    .bind(ids)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What recovery did at open.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Jobs queued again to resume from their checkpoints.
    pub resumed: Vec<JobId>,
    /// Jobs marked interrupted.
    pub interrupted: Vec<JobId>,
}

/// Resumes or interrupts every job a dead engine left active, in one transaction.
pub(crate) async fn recover(
    conn: &mut SqliteConnection,
    path: &Path,
    owner: &str,
    resumable_kinds: &[String],
    now: i64,
) -> Result<RecoveryReport> {
    let map = |e| Error::from_sqlx(e, path);
    let mut tx = conn.begin().await.map_err(map)?;
    let kinds = serde_json::Value::from(resumable_kinds.to_vec()).to_string();
    let resumed: Vec<String> = sqlx::query_scalar(
        "UPDATE jobs SET status = 'pending', owner = ?1, updated_at = ?2 \
         WHERE status IN ('pending', 'running') AND kind IN (SELECT value FROM json_each(?3)) RETURNING id",
    )
    .bind(owner)
    .bind(now)
    .bind(&kinds)
    .fetch_all(&mut *tx)
    .await
    .map_err(map)?;
    let error = JobError::retryable(
        crate::error::ErrorCode::Interrupted,
        "Charter stopped while this job was running. Retry resumes it after its last completed step.",
    );
    let error = serde_json::to_string(&error).map_err(|e| Error::Corrupt(e.to_string()))?;
    let interrupted: Vec<String> = sqlx::query_scalar(
        "UPDATE jobs SET status = 'interrupted', error = ?1, updated_at = ?2, finished_at = ?2 \
         WHERE status IN ('pending', 'running') AND owner IS NOT ?3 RETURNING id",
    )
    .bind(&error)
    .bind(now)
    .bind(owner)
    .fetch_all(&mut *tx)
    .await
    .map_err(map)?;
    if !resumed.is_empty() {
        let ids = serde_json::Value::from(resumed.clone()).to_string();
        reset_unfinished_work(&mut tx, &ids).await.map_err(map)?;
    }
    tx.commit().await.map_err(map)?;
    let parse = |v: Vec<String>| {
        v.iter()
            .map(|s| JobId::from_str(s))
            .collect::<Result<Vec<_>>>()
    };
    Ok(RecoveryReport {
        resumed: parse(resumed)?,
        interrupted: parse(interrupted)?,
    })
}
