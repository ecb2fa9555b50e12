//! What callers send and get back: a request to start a job, list filters, counts
//! per status and a page of jobs.

use serde::{Deserialize, Serialize};

use super::{JobId, JobRecord, JobStatus};

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
    /// With [`crate::Engine::start_or_join`]: joins the pending, running or paused job of
    /// this kind with the same key instead of starting another.
    #[serde(default)]
    pub unique_key: Option<String>,
    /// Spending cap of the run in micros; reaching it pauses the job `over_budget`.
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = Option<specta_typescript::Number>))]
    pub spend_limit: Option<i64>,
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
            unique_key: None,
            spend_limit: None,
        }
    }

    /// Sets the unique key (see [`crate::Engine::start_or_join`]).
    pub fn unique(mut self, key: impl Into<String>) -> Self {
        self.unique_key = Some(key.into());
        self
    }

    /// Sets the spending cap of the run, in micros.
    pub fn spend_limit(mut self, micros: i64) -> Self {
        self.spend_limit = Some(micros.max(0));
        self
    }

    /// Sets the session.
    pub fn session(mut self, session_id: impl Into<String>) -> Self {
        self.session_id = Some(session_id.into());
        self
    }
}

/// What [`crate::Engine::start_or_join`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Started {
    /// The job started, or the one joined.
    pub id: JobId,
    /// True when a pending, running or paused job with the same key was returned.
    pub joined: bool,
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
    /// Paused.
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub paused: u64,
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
            + self.paused
            + self.completed
            + self.failed
            + self.cancelled
            + self.interrupted
    }

    pub(crate) fn add(&mut self, status: JobStatus, n: u64) {
        match status {
            JobStatus::Pending => self.pending += n,
            JobStatus::Running => self.running += n,
            JobStatus::Paused => self.paused += n,
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
