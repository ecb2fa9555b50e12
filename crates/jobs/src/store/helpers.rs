//! Helpers of the write ops: the guard that types a refused transition, and dropping
//! checkpoints a kind's new version cannot read.

use std::str::FromStr;

use sqlx::SqliteConnection;

use super::write::Applied;
use super::write::PauseRow;
use crate::error::Error;
use crate::model::{JobId, JobStatus, Pause, Usage};

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
