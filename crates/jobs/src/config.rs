//! Engine settings.

use std::path::PathBuf;
use std::time::Duration;

/// How long finished jobs are kept, per terminal state; `None` keeps them forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Completed jobs.
    pub completed: Option<Duration>,
    /// Failed jobs.
    pub failed: Option<Duration>,
    /// Cancelled jobs.
    pub cancelled: Option<Duration>,
    /// Interrupted jobs.
    pub interrupted: Option<Duration>,
}

const DAY: u64 = 24 * 60 * 60;

impl Default for Retention {
    /// Completed and cancelled 30 days; failed and interrupted a year.
    fn default() -> Self {
        Retention {
            completed: Some(Duration::from_secs(30 * DAY)),
            failed: Some(Duration::from_secs(365 * DAY)),
            cancelled: Some(Duration::from_secs(30 * DAY)),
            interrupted: Some(Duration::from_secs(365 * DAY)),
        }
    }
}

/// Settings for [`crate::Engine`]; build with [`EngineConfig::new`] and adjust fields.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// SQLite database file (created if missing).
    pub path: PathBuf,
    /// Resume resumable jobs left running by a dead process (otherwise mark them interrupted).
    pub auto_resume: bool,
    /// How often coalesced progress is written (per job at most once per interval).
    pub progress_flush_interval: Duration,
    /// How long a cancelled job may take to stop before it is aborted.
    pub cancel_grace: Duration,
    /// A running job with no activity for this long is flagged stalled.
    pub stall_after: Duration,
    /// Retention per terminal state.
    pub retention: Retention,
    /// How often retention runs in the background; `None` only on [`crate::Engine::prune`].
    pub prune_interval: Option<Duration>,
    /// Read connections for queries.
    pub read_connections: u32,
    /// How long to wait for a lock held by another process.
    pub busy_timeout: Duration,
}

impl EngineConfig {
    /// Defaults for a database at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        EngineConfig {
            path: path.into(),
            auto_resume: true,
            progress_flush_interval: Duration::from_millis(250),
            cancel_grace: Duration::from_secs(5),
            stall_after: Duration::from_secs(60),
            retention: Retention::default(),
            prune_interval: Some(Duration::from_secs(60 * 60)),
            read_connections: 4,
            busy_timeout: Duration::from_secs(5),
        }
    }
}
