//! Changes as they are announced: per job to its watchers, and engine-wide.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{JobId, JobStatus, Snapshot};
use crate::error::JobError;

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
    /// The job paused (committed); the snapshot holds its pause. The watch ends here:
    /// a resumed job is watched again.
    Paused {
        /// The state it paused in.
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
        matches!(
            self,
            JobChange::Finished { .. } | JobChange::Paused { .. } | JobChange::Lost { .. }
        )
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
    /// Paused, or its pause changed (reason, next check).
    Paused,
    /// Resumed from a pause (queued again).
    Resumed,
    /// Its token and cost totals changed.
    Usage,
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
