//! The engine's data types: ids and statuses here; records and snapshots in `record`,
//! events in `event`, requests, queries and pages in `query`.

mod event;
mod pause;
mod query;
mod record;
mod usage;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

pub use event::{ChangeKind, EngineEvent, JobChange, JobEvent, WatchItem};
pub use pause::{Pause, PauseReason, Wait};
pub use query::{JobQuery, Page, StartJob, Started, StatusCounts};
pub use record::{JobRecord, PartialRecord, Snapshot, StepRecord};
pub use usage::{JobUsage, StepUsage, Usage, UsageRecord, UsageTotals};

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
    /// Waiting for a cause outside it (see its `pause`); holds no slot, keeps its work.
    Paused,
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
    pub(crate) const ALL: [JobStatus; 7] = [
        JobStatus::Pending,
        JobStatus::Running,
        JobStatus::Paused,
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
            JobStatus::Paused => "paused",
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

    /// Paused: neither active nor finished.
    pub fn is_paused(self) -> bool {
        self == JobStatus::Paused
    }

    /// Completed, failed, cancelled or interrupted.
    pub fn is_finished(self) -> bool {
        !self.is_active() && !self.is_paused()
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
                | (Pending, Paused)
                | (Running, Paused)
                | (Paused, Pending) // resume
                | (Paused, Cancelled)
                | (Paused, Interrupted) // resumed after an update that cannot read its checkpoints
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
    /// Stopped because the job paused; runs again on resume.
    Paused,
}

impl StepStatus {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Running => "running",
            StepStatus::Completed => "completed",
            StepStatus::Failed => "failed",
            StepStatus::Paused => "paused",
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
            "paused" => Ok(StepStatus::Paused),
            _ => Err(Error::Corrupt(format!("unknown step status `{s}`"))),
        }
    }
}
