//! Charter's durable job engine.
//!
//! Jobs are started with [`Engine::start`] and run on tokio; their state lives in
//! SQLite (WAL) behind a single writer task that commits many changes per
//! transaction. Progress reaches watchers at once and the database a few times a
//! second; steps are checkpoints that a retry or a restart never runs again;
//! terminal states are committed before anyone hears of them.

mod config;
mod context;
mod engine;
mod error;
mod kind;
mod live;
mod model;
mod store;
mod watch;
mod writer;

pub use config::{EngineConfig, Retention};
pub use context::JobContext;
pub use engine::{Engine, EngineBuilder, ResumePreview, StepRef, WeakEngine};
pub use error::{Error, ErrorCode, JobError, Result};
pub use kind::{Compatible, JobKind};
pub use model::{
    ChangeKind, EngineEvent, JobChange, JobEvent, JobId, JobQuery, JobRecord, JobStatus, JobUsage,
    Page, PartialRecord, Pause, PauseReason, Snapshot, StartJob, Started, StatusCounts, StepRecord,
    StepStatus, StepUsage, Usage, UsageRecord, UsageTotals, Wait, WatchItem,
};
pub use store::RecoveryReport;
pub use watch::{Watch, WatchStream};
pub use writer::WriteCounts;
