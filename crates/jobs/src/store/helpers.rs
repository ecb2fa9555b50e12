//! Helpers of the write ops: the guard that types a refused transition, and dropping
//! checkpoints a kind's new version cannot read.

use std::str::FromStr;

use rusqlite::{Connection, OptionalExtension, params};

use super::write::Applied;
use super::write::PauseRow;
use crate::error::Error;
use crate::model::{JobId, JobRecord, JobStatus, Pause, Usage};

/// A write statement's result: rows changed.
pub(super) type Rows = rusqlite::Result<u64>;

/// Runs one write statement through the connection's statement cache.
pub(super) fn exec(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Rows {
    Ok(conn.prepare_cached(sql)?.execute(params)? as u64)
}

/// JSON text of a value stored in a column, or the encoding failure as a write error.
pub(super) fn to_json(value: &impl serde::Serialize) -> rusqlite::Result<String> {
    serde_json::to_string(value).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

/// Drops a job's checkpoints (and their partials) from step `from` on: its kind's
/// current version cannot read them.
pub(super) fn drop_steps_from(conn: &Connection, id: JobId, from: u32) -> Rows {
    let id = id.to_string();
    let partials = exec(
        conn,
        "DELETE FROM job_partials WHERE job_id = ?1 AND step_idx >= ?2",
        params![id, from],
    )?;
    let steps = exec(
        conn,
        "DELETE FROM job_steps WHERE job_id = ?1 AND idx >= ?2",
        params![id, from],
    )?;
    Ok(partials + steps)
}

/// Turns "no row matched the guard" into the typed reason.
pub(super) fn guard(
    conn: &Connection,
    id: JobId,
    to: JobStatus,
    affected: u64,
) -> rusqlite::Result<Applied> {
    if affected > 0 {
        return Ok(Applied::Rows(affected));
    }
    let current: Option<String> = conn
        .prepare_cached("SELECT status FROM jobs WHERE id = ?1")?
        .query_row([id.to_string()], |row| row.get(0))
        .optional()?;
    Ok(Applied::Refused(match current {
        None => Error::NotFound(id),
        Some(s) => match JobStatus::from_str(&s) {
            Ok(from) => Error::IllegalTransition { id, from, to },
            Err(e) => e,
        },
    }))
}

/// Stores one model call and adds it to its job's totals.
pub(super) fn insert_usage(
    conn: &Connection,
    id: JobId,
    step_index: Option<u32>,
    usage: &Usage,
    at: i64,
) -> rusqlite::Result<Applied> {
    let id = id.to_string();
    exec(
        conn,
        "INSERT INTO usage (job_id, step_idx, model, prompt_tokens, completion_tokens, \
         estimated, latency_ms, cost_micros, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            step_index,
            usage.model,
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.estimated,
            usage.latency_ms,
            usage.cost_micros,
            at
        ],
    )?;
    let rows = exec(
        conn,
        "UPDATE jobs SET cost_micros = cost_micros + ?1, tokens = tokens + ?2 WHERE id = ?3",
        params![
            usage.cost_micros,
            i64::from(usage.prompt_tokens) + i64::from(usage.completion_tokens),
            id
        ],
    )?;
    Ok(Applied::Rows(rows))
}

/// Pauses a pending or running job.
pub(super) fn pause_job(conn: &Connection, p: &PauseRow) -> rusqlite::Result<Applied> {
    let rows = exec(
        conn,
        "UPDATE jobs SET status = 'paused', pause = ?1, error = NULL, progress = ?2, message = ?3, \
         seq = max(seq, ?4), updated_at = ?5 WHERE id = ?6 AND status IN ('pending', 'running')",
        params![
            to_json(&p.pause)?,
            p.progress.clamp(0.0, 100.0),
            p.message,
            p.seq as i64,
            p.at,
            p.id.to_string()
        ],
    )?;
    guard(conn, p.id, JobStatus::Paused, rows)
}

/// Replaces the pause of a paused job.
pub(super) fn set_pause(
    conn: &Connection,
    id: JobId,
    pause: &Pause,
    at: i64,
) -> rusqlite::Result<Applied> {
    let rows = exec(
        conn,
        "UPDATE jobs SET pause = ?1, updated_at = ?2 WHERE id = ?3 AND status = 'paused'",
        params![to_json(pause)?, at, id.to_string()],
    )?;
    guard(conn, id, JobStatus::Paused, rows)
}

/// Inserts a new job row.
pub(super) fn insert_job(conn: &Connection, job: &JobRecord, owner: &str) -> Rows {
    exec(
        conn,
        "INSERT INTO jobs (id, kind, title, status, progress, input, session_id, \
         attempt, seq, pinned, created_at, started_at, updated_at, owner, kind_version, \
         unique_key, spend_limit, forked_from, fork_step) \
         VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7, ?8, 0, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        params![
            job.id.to_string(),
            job.kind,
            job.title,
            job.status.as_str(),
            job.input.to_string(),
            job.session_id,
            job.attempt,
            job.seq as i64,
            job.created_at,
            job.started_at,
            job.updated_at,
            owner,
            job.kind_version,
            job.unique_key,
            job.spend_limit,
            job.forked_from.map(|f| f.to_string()),
            job.fork_step
        ],
    )
}

/// Copies the completed checkpoints of `source`'s steps before `below`, with their
/// partials, to `target`.
pub(super) fn copy_checkpoints(
    conn: &Connection,
    source: JobId,
    target: JobId,
    below: u32,
) -> rusqlite::Result<Applied> {
    let (source, target) = (source.to_string(), target.to_string());
    let rows = exec(
        conn,
        "INSERT INTO job_steps (job_id, idx, name, status, output, attempt, started_at, finished_at) \
         SELECT ?1, idx, name, status, output, attempt, started_at, finished_at FROM job_steps \
         WHERE job_id = ?2 AND status = 'completed' AND idx < ?3",
        params![target, source, below],
    )?;
    exec(
        conn,
        "INSERT INTO job_partials (job_id, seq, step_idx, value, created_at) \
         SELECT ?1, seq, step_idx, value, created_at FROM job_partials WHERE job_id = ?2 \
         AND step_idx IN (SELECT idx FROM job_steps WHERE job_id = ?1)",
        params![target, source],
    )?;
    Ok(Applied::Rows(rows))
}
