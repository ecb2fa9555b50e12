//! Decoding stored rows into the engine's types, and the named rows reads return.

use std::str::FromStr;

use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use crate::error::{Error, JobError, Result};
use crate::model::{JobId, JobRecord, JobStatus, PartialRecord, Pause, StepRecord, StepStatus};

/// The columns [`job_from_row`] reads, in a `SELECT` list.
pub(super) const JOB_COLUMNS: &str = "id, kind, title, status, progress, message, current_step, input, result, error, \
     session_id, attempt, seq, pinned, created_at, started_at, updated_at, finished_at, seen_at, \
     pause, kind_version, unique_key, spend_limit, cost_micros, tokens, forked_from, fork_step";

fn get_err(e: sqlx::Error) -> Error {
    Error::Corrupt(e.to_string())
}

fn parse_json(text: &str, what: &str) -> Result<serde_json::Value> {
    serde_json::from_str(text).map_err(|e| Error::Corrupt(format!("{what}: {e}")))
}

pub(super) fn job_from_row(row: &SqliteRow) -> Result<JobRecord> {
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
    let pause: Option<String> = row.try_get("pause").map_err(get_err)?;
    let pause = match pause {
        Some(text) => Some(
            serde_json::from_str::<Pause>(&text)
                .map_err(|e| Error::Corrupt(format!("pause of {id}: {e}")))?,
        ),
        None => None,
    };
    let forked_from: Option<String> = row.try_get("forked_from").map_err(get_err)?;
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
        pause,
        kind_version: row
            .try_get::<i64, _>("kind_version")
            .map_err(get_err)?
            .max(0) as u32,
        unique_key: row.try_get("unique_key").map_err(get_err)?,
        spend_limit: row.try_get("spend_limit").map_err(get_err)?,
        cost_micros: row.try_get("cost_micros").map_err(get_err)?,
        tokens: row.try_get("tokens").map_err(get_err)?,
        forked_from: forked_from.as_deref().map(JobId::from_str).transpose()?,
        fork_step: row
            .try_get::<Option<i64>, _>("fork_step")
            .map_err(get_err)?
            .map(|i| i.max(0) as u32),
    })
}

pub(super) fn step_from_row(row: &SqliteRow) -> Result<StepRecord> {
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

pub(super) fn partial_from_row(row: &SqliteRow) -> Result<PartialRecord> {
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

/// The `job_id` column of a step or partial row.
pub(super) fn job_id_of(row: &SqliteRow) -> Result<JobId> {
    let id: String = row.try_get("job_id").map_err(get_err)?;
    JobId::from_str(&id)
}

/// The light columns of a job, enough for an engine event.
#[derive(Debug, Clone)]
pub(crate) struct JobHead {
    pub id: JobId,
    pub kind: String,
    pub title: String,
    pub session_id: Option<String>,
    pub status: JobStatus,
    pub progress: f64,
}

pub(super) fn head_from_row(row: &SqliteRow) -> Result<JobHead> {
    let id: String = row.try_get("id").map_err(get_err)?;
    let status: String = row.try_get("status").map_err(get_err)?;
    Ok(JobHead {
        id: JobId::from_str(&id)?,
        kind: row.try_get("kind").map_err(get_err)?,
        title: row.try_get("title").map_err(get_err)?,
        session_id: row.try_get("session_id").map_err(get_err)?,
        status: JobStatus::from_str(&status)?,
        progress: row.try_get("progress").map_err(get_err)?,
    })
}

/// A job a bulk action's filters matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MatchedJob {
    pub id: JobId,
    pub status: JobStatus,
}

pub(super) fn matched_from_row(row: &SqliteRow) -> Result<MatchedJob> {
    let id: String = row.try_get("id").map_err(get_err)?;
    let status: String = row.try_get("status").map_err(get_err)?;
    Ok(MatchedJob {
        id: JobId::from_str(&id)?,
        status: JobStatus::from_str(&status)?,
    })
}

/// The learned mean duration of one step of one kind, keyed by its index (the stored
/// name is only for people reading the table).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StepStatRow {
    pub kind: String,
    pub index: u32,
    pub samples: u32,
    pub mean_ms: f64,
}

pub(super) fn step_stat_from_row(row: &SqliteRow) -> Result<StepStatRow> {
    Ok(StepStatRow {
        kind: row.try_get("kind").map_err(get_err)?,
        index: row.try_get::<i64, _>("idx").map_err(get_err)?.max(0) as u32,
        samples: row.try_get::<i64, _>("samples").map_err(get_err)?.max(0) as u32,
        mean_ms: row.try_get("mean_ms").map_err(get_err)?,
    })
}
