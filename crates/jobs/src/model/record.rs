//! What is stored about a job: its record, its steps and partial outputs, and the
//! snapshot a view draws from.

use serde::{Deserialize, Serialize};

use super::{JobId, JobStatus, Pause, StepStatus};
use crate::error::JobError;

/// A job as stored, with live values overlaid while it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct JobRecord {
    /// Id.
    pub id: JobId,
    /// Registered kind name.
    pub kind: String,
    /// Human label, e.g. "Coffee Shop — program".
    pub title: String,
    /// Lifecycle status.
    pub status: JobStatus,
    /// 0–100.
    pub progress: f64,
    /// Latest progress message.
    pub message: Option<String>,
    /// Name of the step running now (or last run).
    pub current_step: Option<String>,
    /// Input as given at start.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Unknown))]
    pub input: serde_json::Value,
    /// Output when completed.
    #[cfg_attr(feature = "specta", specta(type = Option<specta_typescript::Unknown>))]
    pub result: Option<serde_json::Value>,
    /// Error when failed, cancelled or interrupted.
    pub error: Option<JobError>,
    /// The initiative (session) it belongs to.
    pub session_id: Option<String>,
    /// Runs started so far (counted before each run begins).
    pub attempt: u32,
    /// Last event sequence number.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub seq: u64,
    /// Pinned jobs are never pruned.
    pub pinned: bool,
    /// Unix ms.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub created_at: i64,
    /// Unix ms of the latest run's start.
    #[cfg_attr(feature = "specta", specta(type = Option<specta_typescript::Number>))]
    pub started_at: Option<i64>,
    /// Unix ms of the latest change.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub updated_at: i64,
    /// Unix ms of the terminal state.
    #[cfg_attr(feature = "specta", specta(type = Option<specta_typescript::Number>))]
    pub finished_at: Option<i64>,
    /// Unix ms when the user saw the outcome.
    #[cfg_attr(feature = "specta", specta(type = Option<specta_typescript::Number>))]
    pub seen_at: Option<i64>,
    /// Running with no activity for longer than the stall threshold.
    pub stalled: bool,
    /// Estimated ms to completion, learned from past steps of this kind.
    #[cfg_attr(feature = "specta", specta(type = Option<specta_typescript::Number>))]
    pub eta_ms: Option<u64>,
    /// Why it waits, while paused.
    #[serde(default)]
    pub pause: Option<Pause>,
    /// Version of its kind it started with.
    #[serde(default = "one")]
    pub kind_version: u32,
    /// No other job of its kind with this key may be pending, running or paused.
    #[serde(default)]
    pub unique_key: Option<String>,
    /// Spending cap of the run in micros (millionths of the price table's currency).
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = Option<specta_typescript::Number>))]
    pub spend_limit: Option<i64>,
    /// Cost of its model calls so far, in micros.
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub cost_micros: i64,
    /// Tokens (prompt + completion) of its model calls so far.
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub tokens: i64,
    /// The job it was run again from.
    #[serde(default)]
    pub forked_from: Option<JobId>,
    /// The step it was run again from (steps before it were copied).
    #[serde(default)]
    pub fork_step: Option<u32>,
}

fn one() -> u32 {
    1
}

/// One step checkpoint of a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepRecord {
    /// Position in the job, from 0.
    pub index: u32,
    /// Step name, e.g. "Scheduling".
    pub name: String,
    /// Step status.
    pub status: StepStatus,
    /// Output when completed.
    #[cfg_attr(feature = "specta", specta(type = Option<specta_typescript::Unknown>))]
    pub output: Option<serde_json::Value>,
    /// Attempt that ran it.
    pub attempt: u32,
    /// Unix ms.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub started_at: i64,
    /// Unix ms.
    #[cfg_attr(feature = "specta", specta(type = Option<specta_typescript::Number>))]
    pub finished_at: Option<i64>,
}

/// One streamed partial output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PartialRecord {
    /// Event sequence number it was emitted with.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub seq: u64,
    /// Step it was emitted in.
    pub step_index: Option<u32>,
    /// The value.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Unknown))]
    pub value: serde_json::Value,
    /// Unix ms.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub created_at: i64,
}

/// Everything a view needs to draw a job; events with a higher `seq` follow it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Snapshot {
    /// The job.
    pub job: JobRecord,
    /// Its steps in order.
    pub steps: Vec<StepRecord>,
    /// Partial outputs so far, in order.
    pub partials: Vec<PartialRecord>,
}

impl Snapshot {
    /// The sequence number this snapshot is current to.
    pub(crate) fn seq(&self) -> u64 {
        self.job.seq
    }
}
