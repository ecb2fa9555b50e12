//! The write side: every change the writer task applies, as one [`WriteOp`] each.

use rusqlite::{Connection, params};

use super::helpers::{
    copy_checkpoints, drop_steps_from, exec, guard, insert_job, insert_usage, pause_job, set_pause,
    to_json,
};
use super::recover::reset_unfinished_work;
use super::{ids_json, statuses_json};
use crate::error::{Error, JobError, Result};
use crate::live::MEAN_WINDOW;
use crate::model::{JobId, JobRecord, JobStatus, Pause, StepStatus, Usage};

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

/// Values written when an active job pauses.
#[derive(Debug, Clone)]
pub(crate) struct PauseRow {
    pub id: JobId,
    pub pause: Pause,
    pub progress: f64,
    pub message: Option<String>,
    pub seq: u64,
    pub at: i64,
}

/// Retention of one terminal status: its unpinned jobs finished before `finished_before`
/// (unix ms) go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PruneCutoff {
    pub status: JobStatus,
    pub finished_before: i64,
}

/// What applying one op did, when the database itself did not fail.
#[derive(Debug)]
pub(crate) enum Applied {
    /// Done; this many rows changed.
    Rows(u64),
    /// A guard refused it (no such job, or a transition the lifecycle forbids); nothing changed.
    Refused(Error),
}

impl Applied {
    /// Rows changed, or the refusal as the caller's error.
    pub(crate) fn into_result(self) -> Result<u64> {
        match self {
            Applied::Rows(n) => Ok(n),
            Applied::Refused(e) => Err(e),
        }
    }
}

/// Rows changed by an op that names one job, or its absence as a refusal.
fn found(id: JobId, rows: u64) -> Applied {
    if rows == 0 {
        Applied::Refused(Error::NotFound(id))
    } else {
        Applied::Rows(rows)
    }
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
        /// False when resuming from a pause (a resume is not an attempt).
        count_attempt: bool,
    },
    Finish(Box<FinishRow>),
    /// Queues a job again from one of `from`; drops unfinished work and checkpoints of
    /// steps at or after `keep_below`, and records the kind version it now runs with.
    Requeue {
        id: JobId,
        owner: String,
        seq: u64,
        at: i64,
        from: Vec<JobStatus>,
        keep_below: Option<u32>,
        kind_version: u32,
    },
    /// An active (pending or running) job pauses.
    Pause(Box<PauseRow>),
    /// Inserts a job run again from another: the source's completed checkpoints (and
    /// their partials) of steps before `below` are copied to it.
    Fork {
        job: Box<JobRecord>,
        owner: String,
        source: JobId,
        below: u32,
    },
    /// Stores a model call and adds it to the job's totals.
    Usage {
        id: JobId,
        step_index: Option<u32>,
        usage: Box<Usage>,
        at: i64,
    },
    /// Raises a job's spending cap.
    RaiseLimit {
        id: JobId,
        extra: i64,
    },
    /// Replaces the pause of a paused job.
    SetPause {
        id: JobId,
        pause: Box<Pause>,
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
    /// Deletes the finished ones of these jobs (active ones are kept by the guard).
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
    Prune(Vec<PruneCutoff>),
    Vacuum,
    Flush,
}

impl WriteOp {
    /// Applies the op inside the caller's transaction. A guard that does not match is
    /// [`Applied::Refused`], not a database error.
    pub(crate) fn apply(&self, conn: &Connection) -> rusqlite::Result<Applied> {
        match self {
            WriteOp::Insert { job, owner } => insert_job(conn, job, owner).map(Applied::Rows),
            WriteOp::Fork {
                job,
                owner,
                source,
                below,
            } => {
                insert_job(conn, job, owner)?;
                copy_checkpoints(conn, *source, job.id, *below)
            }
            WriteOp::MarkRunning {
                id,
                owner,
                seq,
                at,
                count_attempt,
            } => {
                let rows = exec(
                    conn,
                    "UPDATE jobs SET status = 'running', attempt = attempt + ?5, started_at = ?1, \
                     updated_at = ?1, owner = ?2, seq = max(seq, ?3), finished_at = NULL, pause = NULL \
                     WHERE id = ?4 AND status = 'pending'",
                    params![at, owner, *seq as i64, id.to_string(), count_attempt],
                )?;
                guard(conn, *id, JobStatus::Running, rows)
            }
            WriteOp::Finish(f) => {
                let error = f.error.as_ref().map(to_json).transpose()?;
                let rows = exec(
                    conn,
                    "UPDATE jobs SET status = ?1, result = ?2, error = ?3, progress = ?4, message = ?5, \
                     seq = max(seq, ?6), updated_at = ?7, finished_at = ?7, pause = NULL \
                     WHERE id = ?8 AND status IN (SELECT value FROM json_each(?9))",
                    params![
                        f.to.as_str(),
                        f.result.as_ref().map(serde_json::Value::to_string),
                        error,
                        f.progress.clamp(0.0, 100.0),
                        f.message,
                        f.seq as i64,
                        f.at,
                        f.id.to_string(),
                        statuses_json(&JobStatus::sources_of(f.to))
                    ],
                )?;
                guard(conn, f.id, f.to, rows)
            }
            WriteOp::Requeue {
                id,
                owner,
                seq,
                at,
                from,
                keep_below,
                kind_version,
            } => {
                let rows = exec(
                    conn,
                    "UPDATE jobs SET status = 'pending', error = NULL, result = NULL, finished_at = NULL, \
                     seen_at = NULL, pause = NULL, owner = ?1, seq = max(seq, ?2), updated_at = ?3, \
                     kind_version = ?6 WHERE id = ?4 AND status IN (SELECT value FROM json_each(?5))",
                    params![
                        owner,
                        *seq as i64,
                        at,
                        id.to_string(),
                        statuses_json(from),
                        kind_version
                    ],
                )?;
                let outcome = guard(conn, *id, JobStatus::Pending, rows)?;
                if let Applied::Rows(_) = outcome {
                    if let Some(keep) = keep_below {
                        drop_steps_from(conn, *id, *keep)?;
                    }
                    reset_unfinished_work(conn, &ids_json(&[*id]))?;
                }
                Ok(outcome)
            }
            WriteOp::Pause(p) => pause_job(conn, p),
            WriteOp::Usage {
                id,
                step_index,
                usage,
                at,
            } => insert_usage(conn, *id, *step_index, usage, *at),
            WriteOp::RaiseLimit { id, extra } => {
                let rows = exec(
                    conn,
                    "UPDATE jobs SET spend_limit = coalesce(spend_limit, 0) + ?1 WHERE id = ?2",
                    params![extra, id.to_string()],
                )?;
                Ok(found(*id, rows))
            }
            WriteOp::SetPause { id, pause, at } => set_pause(conn, *id, pause, *at),
            WriteOp::Progress(rows) => {
                let mut n = 0;
                for p in rows {
                    n += exec(
                        conn,
                        "UPDATE jobs SET progress = ?1, message = ?2, seq = max(seq, ?3), updated_at = ?4 \
                         WHERE id = ?5 AND status = 'running'",
                        params![
                            p.progress.clamp(0.0, 100.0),
                            p.message,
                            p.seq as i64,
                            p.at,
                            p.id.to_string()
                        ],
                    )?;
                }
                Ok(Applied::Rows(n))
            }
            WriteOp::StepStarted {
                id,
                index,
                name,
                attempt,
                seq,
                at,
            } => {
                let id = id.to_string();
                exec(
                    conn,
                    "INSERT INTO job_steps (job_id, idx, name, status, output, attempt, started_at, finished_at) \
                     VALUES (?1, ?2, ?3, 'running', NULL, ?4, ?5, NULL) \
                     ON CONFLICT (job_id, idx) DO UPDATE SET name = excluded.name, status = 'running', \
                     output = NULL, attempt = excluded.attempt, started_at = excluded.started_at, finished_at = NULL",
                    params![id, index, name, attempt, at],
                )?;
                let rows = exec(
                    conn,
                    "UPDATE jobs SET current_step = ?1, seq = max(seq, ?2), updated_at = ?3 \
                     WHERE id = ?4 AND status = 'running'",
                    params![name, *seq as i64, at, id],
                )?;
                Ok(Applied::Rows(rows))
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
                let id = id.to_string();
                let rows = exec(
                    conn,
                    "UPDATE job_steps SET status = ?1, output = ?2, finished_at = ?3 \
                     WHERE job_id = ?4 AND idx = ?5",
                    params![status.as_str(), output, at, id, index],
                )?;
                exec(
                    conn,
                    "UPDATE jobs SET seq = max(seq, ?1), updated_at = ?2 WHERE id = ?3",
                    params![*seq as i64, at, id],
                )?;
                if *status == StepStatus::Completed {
                    // Keyed by index: step names may differ per run ("Reading <source>").
                    // The same running mean as `EtaModel::learn` keeps in memory.
                    let duration = (at - started_at).max(0) as f64;
                    exec(
                        conn,
                        "INSERT INTO step_stats (kind, idx, name, samples, mean_ms) VALUES (?1, ?2, ?3, 1, ?4) \
                         ON CONFLICT (kind, idx) DO UPDATE SET samples = samples + 1, name = excluded.name, \
                         mean_ms = mean_ms + (excluded.mean_ms - mean_ms) / min(samples + 1, ?5)",
                        params![kind, index, name, duration, MEAN_WINDOW],
                    )?;
                }
                Ok(Applied::Rows(rows))
            }
            WriteOp::Partial {
                id,
                seq,
                step_index,
                value,
                at,
            } => exec(
                conn,
                "INSERT OR REPLACE INTO job_partials (job_id, seq, step_idx, value, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id.to_string(), *seq as i64, step_index, value, at],
            )
            .map(Applied::Rows),
            WriteOp::Delete(ids) => exec(
                conn,
                "DELETE FROM jobs WHERE id IN (SELECT value FROM json_each(?1)) \
                 AND status NOT IN ('pending', 'running', 'paused')",
                [ids_json(ids)],
            )
            .map(Applied::Rows),
            WriteOp::MarkSeen { ids, at } => exec(
                conn,
                "UPDATE jobs SET seen_at = ?1 WHERE id IN (SELECT value FROM json_each(?2)) \
                 AND seen_at IS NULL AND finished_at IS NOT NULL",
                params![at, ids_json(ids)],
            )
            .map(Applied::Rows),
            WriteOp::Pin { id, pinned, at } => {
                let rows = exec(
                    conn,
                    "UPDATE jobs SET pinned = ?1, updated_at = ?2 WHERE id = ?3",
                    params![pinned, at, id.to_string()],
                )?;
                Ok(found(*id, rows))
            }
            WriteOp::Prune(cutoffs) => {
                let mut n = 0;
                for cutoff in cutoffs {
                    n += exec(
                        conn,
                        "DELETE FROM jobs WHERE status = ?1 AND finished_at < ?2 AND pinned = 0",
                        params![cutoff.status.as_str(), cutoff.finished_before],
                    )?;
                }
                Ok(Applied::Rows(n))
            }
            WriteOp::Vacuum => {
                // Each step of the pragma is a row; stepping through them frees the pages.
                conn.prepare_cached("PRAGMA incremental_vacuum")?
                    .query_map([], |_| Ok(()))?
                    .collect::<rusqlite::Result<Vec<()>>>()?;
                Ok(Applied::Rows(0))
            }
            WriteOp::Flush => Ok(Applied::Rows(0)),
        }
    }

    /// Ops that write with one statement (a failed guard only reads afterwards), so that
    /// alone in a batch they can run in autocommit mode: one round trip instead of three.
    pub(crate) fn is_single_statement(&self) -> bool {
        match self {
            WriteOp::Insert { .. }
            | WriteOp::MarkRunning { .. }
            | WriteOp::Finish(_)
            | WriteOp::Pause(_)
            | WriteOp::SetPause { .. }
            | WriteOp::RaiseLimit { .. }
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
