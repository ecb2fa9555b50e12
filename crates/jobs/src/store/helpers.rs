//! Helpers of the write ops: the guard that types a refused transition, and dropping
//! checkpoints a kind's new version cannot read.

use std::str::FromStr;

use sqlx::SqliteConnection;

use super::write::Applied;
use super::write::PauseRow;
use crate::error::Error;
use crate::model::{JobId, JobRecord, JobStatus, Pause, Usage};

/// Drops a job's checkpoints (and their partials) from step `from` on: its kind's
/// current version cannot read them.
pub(super) async fn drop_steps_from(
    conn: &mut SqliteConnection,
    id: JobId,
    from: u32,
) -> std::result::Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM job_partials WHERE job_id = ?1 AND step_idx >= ?2")
        .bind(id.to_string())
        .bind(i64::from(from))
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM job_steps WHERE job_id = ?1 AND idx >= ?2")
        .bind(id.to_string())
        .bind(i64::from(from))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Turns "no row matched the guard" into the typed reason.
pub(super) async fn guard(
    conn: &mut SqliteConnection,
    id: JobId,
    to: JobStatus,
    affected: u64,
) -> std::result::Result<Applied, sqlx::Error> {
    if affected > 0 {
        return Ok(Applied::Rows(affected));
    }
    let current: Option<String> = sqlx::query_scalar("SELECT status FROM jobs WHERE id = ?")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(Applied::Refused(match current {
        None => Error::NotFound(id),
        Some(s) => match JobStatus::from_str(&s) {
            Ok(from) => Error::IllegalTransition { id, from, to },
            Err(e) => e,
        },
    }))
}

/// Stores one model call and adds it to its job's totals.
pub(super) async fn insert_usage(
    conn: &mut SqliteConnection,
    id: JobId,
    step_index: Option<u32>,
    usage: &Usage,
    at: i64,
) -> std::result::Result<Applied, sqlx::Error> {
    sqlx::query(
        "INSERT INTO usage (job_id, step_idx, model, prompt_tokens, completion_tokens, \
         estimated, latency_ms, cost_micros, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(step_index.map(i64::from))
    .bind(&usage.model)
    .bind(i64::from(usage.prompt_tokens))
    .bind(i64::from(usage.completion_tokens))
    .bind(usage.estimated)
    .bind(i64::from(usage.latency_ms))
    .bind(usage.cost_micros)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    let r = sqlx::query(
        "UPDATE jobs SET cost_micros = cost_micros + ?1, tokens = tokens + ?2 WHERE id = ?3",
    )
    .bind(usage.cost_micros)
    .bind(i64::from(usage.prompt_tokens) + i64::from(usage.completion_tokens))
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(Applied::Rows(r.rows_affected()))
}

/// Pauses a pending or running job.
pub(super) async fn pause_job(
    conn: &mut SqliteConnection,
    p: &PauseRow,
) -> std::result::Result<Applied, sqlx::Error> {
    let pause = serde_json::to_string(&p.pause).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let r = sqlx::query(
        "UPDATE jobs SET status = 'paused', pause = ?1, error = NULL, progress = ?2, message = ?3, \
         seq = max(seq, ?4), updated_at = ?5 WHERE id = ?6 AND status IN ('pending', 'running')",
    )
    .bind(pause)
    .bind(p.progress.clamp(0.0, 100.0))
    .bind(&p.message)
    .bind(p.seq as i64)
    .bind(p.at)
    .bind(p.id.to_string())
    .execute(&mut *conn)
    .await?;
    guard(conn, p.id, JobStatus::Paused, r.rows_affected()).await
}

/// Replaces the pause of a paused job.
pub(super) async fn set_pause(
    conn: &mut SqliteConnection,
    id: JobId,
    pause: &Pause,
    at: i64,
) -> std::result::Result<Applied, sqlx::Error> {
    let pause = serde_json::to_string(pause).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let r = sqlx::query(
        "UPDATE jobs SET pause = ?1, updated_at = ?2 WHERE id = ?3 AND status = 'paused'",
    )
    .bind(pause)
    .bind(at)
    .bind(id.to_string())
    .execute(&mut *conn)
    .await?;
    guard(conn, id, JobStatus::Paused, r.rows_affected()).await
}

/// Inserts a new job row.
pub(super) async fn insert_job(
    conn: &mut SqliteConnection,
    job: &JobRecord,
    owner: &str,
) -> std::result::Result<Applied, sqlx::Error> {
    let r = sqlx::query(
        "INSERT INTO jobs (id, kind, title, status, progress, input, session_id, \
         attempt, seq, pinned, created_at, started_at, updated_at, owner, kind_version, \
         unique_key, spend_limit, forked_from, fork_step) \
         VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(job.id.to_string())
    .bind(&job.kind)
    .bind(&job.title)
    .bind(job.status.as_str())
    .bind(job.input.to_string())
    .bind(&job.session_id)
    .bind(i64::from(job.attempt))
    .bind(job.seq as i64)
    .bind(job.created_at)
    .bind(job.started_at)
    .bind(job.updated_at)
    .bind(owner)
    .bind(i64::from(job.kind_version))
    .bind(&job.unique_key)
    .bind(job.spend_limit)
    .bind(job.forked_from.map(|f| f.to_string()))
    .bind(job.fork_step.map(i64::from))
    .execute(&mut *conn)
    .await?;
    Ok(Applied::Rows(r.rows_affected()))
}

/// Copies the completed checkpoints of `source`'s steps before `below`, with their
/// partials, to `target`.
pub(super) async fn copy_checkpoints(
    conn: &mut SqliteConnection,
    source: JobId,
    target: JobId,
    below: u32,
) -> std::result::Result<Applied, sqlx::Error> {
    let r = sqlx::query(
        "INSERT INTO job_steps (job_id, idx, name, status, output, attempt, started_at, finished_at) \
         SELECT ?1, idx, name, status, output, attempt, started_at, finished_at FROM job_steps \
         WHERE job_id = ?2 AND status = 'completed' AND idx < ?3",
    )
    .bind(target.to_string())
    .bind(source.to_string())
    .bind(i64::from(below))
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO job_partials (job_id, seq, step_idx, value, created_at) \
         SELECT ?1, seq, step_idx, value, created_at FROM job_partials WHERE job_id = ?2 \
         AND step_idx IN (SELECT idx FROM job_steps WHERE job_id = ?1)",
    )
    .bind(target.to_string())
    .bind(source.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(Applied::Rows(r.rows_affected()))
}
