//! Why a job waits: the pause it holds while its cause is outside it, and the wait a
//! step asks for.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a paused job waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PauseReason {
    /// The model or search endpoint cannot be reached (connect refused, DNS, timeouts).
    Offline,
    /// The provider limits the rate; resumes by itself at `until`.
    RateLimited,
    /// The provider answers with server errors.
    ProviderDown,
    /// The provider refuses the key; waits for the key or settings to change.
    Unauthorized,
    /// The run's spending cap is reached; waits for the user to raise it.
    OverBudget,
    /// The user paused it.
    ByUser,
}

impl PauseReason {
    /// Every reason.
    pub const ALL: [PauseReason; 6] = [
        PauseReason::Offline,
        PauseReason::RateLimited,
        PauseReason::ProviderDown,
        PauseReason::Unauthorized,
        PauseReason::OverBudget,
        PauseReason::ByUser,
    ];

    /// The name on the wire and in stored pauses.
    pub fn as_str(self) -> &'static str {
        match self {
            PauseReason::Offline => "offline",
            PauseReason::RateLimited => "rate_limited",
            PauseReason::ProviderDown => "provider_down",
            PauseReason::Unauthorized => "unauthorized",
            PauseReason::OverBudget => "over_budget",
            PauseReason::ByUser => "by_user",
        }
    }

    /// Whether the engine resumes it by itself when `until` comes (a rate limit's end, the
    /// next try at an unreachable or failing server).
    pub fn resumes_at_until(self) -> bool {
        matches!(
            self,
            PauseReason::RateLimited | PauseReason::ProviderDown | PauseReason::Offline
        )
    }
}

impl std::fmt::Display for PauseReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The pause a paused job holds (stored with the job).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Pause {
    /// What it waits for.
    pub reason: PauseReason,
    /// The step's message in plain words (empty for a user's pause).
    #[serde(default)]
    pub message: String,
    /// What it concerns, e.g. `localhost:11434` or the server's message.
    #[serde(default)]
    pub detail: Option<String>,
    /// Next automatic check or resume time.
    #[serde(default)]
    pub until: Option<DateTime<Utc>>,
    /// Where a watcher outside the engine can tell the cause has cleared (a URL to probe);
    /// opaque to the engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    /// What it waits on, named by the step (e.g. `search_server`); opaque to the engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// When it paused.
    pub since: DateTime<Utc>,
}

impl Pause {
    /// A pause for `reason` starting now.
    pub fn now(reason: PauseReason) -> Pause {
        Pause {
            reason,
            message: String::new(),
            detail: None,
            until: None,
            check: None,
            service: None,
            since: Utc::now(),
        }
    }
}

/// The wait a step asks for through [`crate::JobError::wait`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Wait {
    /// What to wait for.
    pub reason: PauseReason,
    /// What it concerns (endpoint, server message).
    #[serde(default)]
    pub detail: Option<String>,
    /// When to check or resume.
    #[serde(default)]
    pub until: Option<DateTime<Utc>>,
    /// Where a watcher can tell the cause has cleared (see [`Pause::check`]).
    #[serde(default)]
    pub check: Option<String>,
    /// What it waits on (see [`Pause::service`]).
    #[serde(default)]
    pub service: Option<String>,
}
