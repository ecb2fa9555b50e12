//! The engine's data types: ids, statuses, records, snapshots, events and queries.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, JobError};

/// A job's id: a UUIDv7, so ids sort by creation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(transparent)]
pub struct JobId(pub uuid::Uuid);

impl JobId {
    /// A fresh time-ordered id.
    pub fn new() -> Self {
        JobId(uuid::Uuid::now_v7())
    }

    /// The smallest id that can have been created at `unix_ms` (for time-range bounds).
    pub(crate) fn lower_bound_at(unix_ms: i64) -> String {
        let ms = unix_ms.clamp(0, 0xFFFF_FFFF_FFFF) as u64;
        let bytes = ms.to_be_bytes();
        let mut raw = [0u8; 16];
        raw[..6].copy_from_slice(&bytes[2..8]);
        uuid::Uuid::from_bytes(raw).hyphenated().to_string()
    }
}

impl Default for JobId {
    fn default() -> Self {
        JobId::new()
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.hyphenated())
    }
}

impl FromStr for JobId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        uuid::Uuid::parse_str(s)
            .map(JobId)
            .map_err(|e| Error::Corrupt(format!("bad job id `{s}`: {e}")))
    }
}

/// Where a job is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting to run (or for a concurrency slot).
    Pending,
    /// Running now.
    Running,
    /// Finished with a result.
    Completed,
    /// Finished with an error.
    Failed,
    /// Stopped at the user's request.
    Cancelled,
    /// The process stopped while it ran; Retry resumes it.
    Interrupted,
}

impl JobStatus {
    /// Every status, in display order.
    pub(crate) const ALL: [JobStatus; 6] = [
        JobStatus::Pending,
        JobStatus::Running,
        JobStatus::Completed,
        JobStatus::Failed,
        JobStatus::Cancelled,
        JobStatus::Interrupted,
    ];

    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Running => "running",
            JobStatus::Completed => "completed",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
            JobStatus::Interrupted => "interrupted",
        }
    }

    /// Pending or running.
    pub fn is_active(self) -> bool {
        matches!(self, JobStatus::Pending | JobStatus::Running)
    }

    /// Completed, failed, cancelled or interrupted.
    pub fn is_finished(self) -> bool {
        !self.is_active()
    }

    /// Whether the lifecycle allows going from `self` to `to`.
    pub(crate) fn can_become(self, to: JobStatus) -> bool {
        use JobStatus::*;
        matches!(
            (self, to),
            (Pending, Running)
                | (Pending, Cancelled)
                | (Pending, Interrupted)
                | (Running, Completed)
                | (Running, Failed)
                | (Running, Cancelled)
                | (Running, Interrupted)
                | (Running, Pending) // recovery resumes a job left running by a dead process
                | (Failed, Pending)
                | (Cancelled, Pending)
                | (Interrupted, Pending)
        )
    }

    /// The statuses from which `to` may be reached.
    pub(crate) fn sources_of(to: JobStatus) -> Vec<JobStatus> {
        JobStatus::ALL
            .into_iter()
            .filter(|s| s.can_become(to))
            .collect()
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JobStatus {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        JobStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| Error::Corrupt(format!("unknown job status `{s}`")))
    }
}

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
}

/// Status of one checkpointed step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Started, not finished.
    Running,
    /// Finished; its output is stored and will not run again.
    Completed,
    /// Returned an error.
    Failed,
}

impl StepStatus {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Running => "running",
            StepStatus::Completed => "completed",
            StepStatus::Failed => "failed",
        }
    }
}

impl FromStr for StepStatus {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "running" => Ok(StepStatus::Running),
            "completed" => Ok(StepStatus::Completed),
            "failed" => Ok(StepStatus::Failed),
            _ => Err(Error::Corrupt(format!("unknown step status `{s}`"))),
        }
    }
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

/// One change to one job, as a watcher sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct JobEvent {
    /// Job id.
    pub job_id: JobId,
    /// Per-job sequence number, strictly increasing.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub seq: u64,
    /// Unix ms.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub at: i64,
    /// What changed.
    pub change: JobChange,
}

/// What changed in a [`JobEvent`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum JobChange {
    /// A run started (attempt counted).
    Started {
        /// Attempt number.
        attempt: u32,
    },
    /// Progress moved.
    Progress {
        /// 0–100.
        progress: f64,
        /// Message.
        message: Option<Arc<str>>,
    },
    /// A step began.
    StepStarted {
        /// Step index.
        index: u32,
        /// Step name.
        name: Arc<str>,
    },
    /// A step finished and its checkpoint is committed.
    StepCompleted {
        /// Step index.
        index: u32,
        /// Step name.
        name: Arc<str>,
        /// Duration.
        #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
        duration_ms: i64,
        /// True when the output came from an earlier run's checkpoint.
        resumed: bool,
    },
    /// A step returned an error.
    StepFailed {
        /// Step index.
        index: u32,
        /// Step name.
        name: Arc<str>,
        /// Its error.
        error: JobError,
    },
    /// A partial output.
    Partial {
        /// Step it belongs to.
        step_index: Option<u32>,
        /// The value.
        #[cfg_attr(feature = "specta", specta(type = specta_typescript::Unknown))]
        value: Arc<serde_json::Value>,
    },
    /// No activity for longer than the stall threshold.
    Stalled {
        /// Unix ms of the last activity.
        #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
        since: i64,
    },
    /// The job reached a terminal state, already committed; the snapshot is final.
    Finished {
        /// The final state.
        snapshot: Box<Snapshot>,
    },
    /// The outcome could not be saved (storage failure); the job shows as
    /// interrupted at the next start and can be retried from its checkpoints.
    Lost {
        /// Why the outcome was not saved.
        reason: String,
    },
}

impl JobChange {
    /// True for the change that ends a watch.
    pub(crate) fn is_final(&self) -> bool {
        matches!(self, JobChange::Finished { .. } | JobChange::Lost { .. })
    }
}

/// What a watcher receives.
#[derive(Debug, Clone, PartialEq)]
pub enum WatchItem {
    /// The next event, in order, exactly once.
    Event(JobEvent),
    /// The watcher fell behind: replace the view with this snapshot, events continue after it.
    Resync(Box<Snapshot>),
}

/// Kind of change on the engine-wide stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A job was created.
    Created,
    /// A run started.
    Started,
    /// Progress (coalesced to the persistence rate).
    Progress,
    /// Flagged as stalled.
    Stalled,
    /// Reached a terminal state (committed).
    Finished,
    /// Marked interrupted (recovery, or its outcome could not be saved).
    Interrupted,
    /// Queued again by retry or recovery.
    Retried,
    /// Deleted by the user (retention deletes old jobs without announcing each).
    Deleted,
    /// Marked seen.
    Seen,
    /// Pinned or unpinned.
    Pinned,
}

/// One change on the engine-wide stream, for lists, the tray and notifications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EngineEvent {
    /// Job id.
    pub job_id: JobId,
    /// Kind name.
    pub kind: Arc<str>,
    /// Title.
    pub title: Arc<str>,
    /// Session, if any.
    pub session_id: Option<Arc<str>>,
    /// Status after the change.
    pub status: JobStatus,
    /// Progress after the change.
    pub progress: f64,
    /// What changed.
    pub change: ChangeKind,
}

/// A request to start a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StartJob {
    /// Registered kind name.
    pub kind: String,
    /// Human label.
    pub title: String,
    /// Input, checked against the kind's input type before anything is stored.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Unknown))]
    pub input: serde_json::Value,
    /// Session (initiative) id.
    pub session_id: Option<String>,
}

impl StartJob {
    /// A request for `kind` with a title and JSON input.
    pub fn new(
        kind: impl Into<String>,
        title: impl Into<String>,
        input: serde_json::Value,
    ) -> Self {
        StartJob {
            kind: kind.into(),
            title: title.into(),
            input,
            session_id: None,
        }
    }

    /// Sets the session.
    pub fn session(mut self, session_id: impl Into<String>) -> Self {
        self.session_id = Some(session_id.into());
        self
    }
}

/// Filters and paging for [`crate::Engine::list`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct JobQuery {
    /// Only these statuses (empty: all).
    pub statuses: Vec<JobStatus>,
    /// Only this kind.
    pub kind: Option<String>,
    /// Only this session.
    pub session_id: Option<String>,
    /// Case-insensitive substring of the title.
    pub text: Option<String>,
    /// Created at or after (unix ms).
    #[cfg_attr(feature = "specta", specta(type = Option<specta_typescript::Number>))]
    pub created_from: Option<i64>,
    /// Created before (unix ms).
    #[cfg_attr(feature = "specta", specta(type = Option<specta_typescript::Number>))]
    pub created_to: Option<i64>,
    /// Page size (default 50, at most 500).
    pub limit: Option<u32>,
    /// Continue after this job (the `next` of the previous page).
    pub after: Option<JobId>,
}

/// Counts per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StatusCounts {
    /// Pending.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub pending: u64,
    /// Running.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub running: u64,
    /// Completed.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub completed: u64,
    /// Failed.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub failed: u64,
    /// Cancelled.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub cancelled: u64,
    /// Interrupted.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub interrupted: u64,
}

impl StatusCounts {
    /// Sum over all statuses.
    pub fn total(&self) -> u64 {
        self.pending
            + self.running
            + self.completed
            + self.failed
            + self.cancelled
            + self.interrupted
    }

    pub(crate) fn add(&mut self, status: JobStatus, n: u64) {
        match status {
            JobStatus::Pending => self.pending += n,
            JobStatus::Running => self.running += n,
            JobStatus::Completed => self.completed += n,
            JobStatus::Failed => self.failed += n,
            JobStatus::Cancelled => self.cancelled += n,
            JobStatus::Interrupted => self.interrupted += n,
        }
    }
}

/// One page of jobs, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Page {
    /// The jobs.
    pub items: Vec<JobRecord>,
    /// Pass as `after` to get the next page; `None` on the last page.
    pub next: Option<JobId>,
    /// Counts per status for the query's kind and session (text and time filters aside).
    pub counts: StatusCounts,
}
