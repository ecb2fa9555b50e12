//! A finished operation's result, typed: what export, notifications and the UI match on.

use jobs::{ErrorCode as EngineCode, JobId, JobRecord, JobStatus};
use serde::{Deserialize, Serialize};

use super::OperationKind;
use crate::code::{Code, ErrorCode};
use crate::program::Program;
use crate::research::{Canvas, ResearchReport, WhyChain};

/// The result of one operation. Adjacently tagged: `{"operation": "program", "result": {…}}`
/// with `operation` one of `program` ([`Program`]), `canvas` ([`Canvas`]), `five_whys`
/// ([`WhyChain`]) or `research` ([`ResearchReport`]) — the names of [`OperationKind`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "operation", content = "result", rename_all = "snake_case")]
pub enum OperationResult {
    /// A generated program.
    Program(Box<Program>),
    /// A researched Business Model Canvas.
    Canvas(Canvas),
    /// A why-chain down to a root cause.
    FiveWhys(WhyChain),
    /// A research report.
    Research(ResearchReport),
}

/// Why a job's result cannot be had as an [`OperationResult`].
#[derive(Debug, thiserror::Error)]
pub enum ResultError {
    /// The job is of a kind no operation runs as.
    #[error("job {id} is a “{kind}” job, which has no result Charter can read")]
    UnknownKind {
        /// Job id.
        id: JobId,
        /// Its kind.
        kind: String,
    },
    /// The job is of another operation than the one asked for.
    #[error("job {id} made a {found}, not a {expected}")]
    WrongKind {
        /// Job id.
        id: JobId,
        /// The operation asked for.
        expected: OperationKind,
        /// The job's operation.
        found: OperationKind,
    },
    /// The job has not completed, so it has no result.
    #[error("job {id} is {status}; only a completed job has a result")]
    NotCompleted {
        /// Job id.
        id: JobId,
        /// Its status.
        status: JobStatus,
    },
    /// The stored result does not have the shape its operation produces.
    #[error("the stored {operation} of job {id} no longer reads: {source}")]
    Unreadable {
        /// Job id.
        id: JobId,
        /// Its operation.
        operation: OperationKind,
        /// What failed to parse.
        #[source]
        source: serde_json::Error,
    },
}

impl ResultError {
    /// Stable machine-readable code.
    pub fn code(&self) -> Code {
        match self {
            ResultError::UnknownKind { .. } => EngineCode::UnknownKind.into(),
            ResultError::WrongKind { .. } => EngineCode::InvalidInput.into(),
            ResultError::NotCompleted { .. } => ErrorCode::NoResult.into(),
            ResultError::Unreadable { .. } => EngineCode::Corrupt.into(),
        }
    }
}

impl OperationResult {
    /// The result of a completed job of one of the operations.
    pub fn from_job(job: &JobRecord) -> Result<OperationResult, ResultError> {
        let operation =
            OperationKind::from_job_kind(&job.kind).ok_or_else(|| ResultError::UnknownKind {
                id: job.id,
                kind: job.kind.clone(),
            })?;
        if job.status != JobStatus::Completed {
            return Err(ResultError::NotCompleted {
                id: job.id,
                status: job.status,
            });
        }
        let stored = job.result.as_ref().unwrap_or(&serde_json::Value::Null);
        OperationResult::decode(operation, stored).map_err(|source| ResultError::Unreadable {
            id: job.id,
            operation,
            source,
        })
    }

    /// Reads a stored result of `operation`.
    fn decode(
        operation: OperationKind,
        stored: &serde_json::Value,
    ) -> Result<OperationResult, serde_json::Error> {
        Ok(match operation {
            OperationKind::Program => {
                OperationResult::Program(Box::new(Program::deserialize(stored)?))
            }
            OperationKind::Canvas => OperationResult::Canvas(Canvas::deserialize(stored)?),
            OperationKind::FiveWhys => OperationResult::FiveWhys(WhyChain::deserialize(stored)?),
            OperationKind::Research => {
                OperationResult::Research(ResearchReport::deserialize(stored)?)
            }
        })
    }

    /// The operation that made it.
    pub fn operation(&self) -> OperationKind {
        match self {
            OperationResult::Program(_) => OperationKind::Program,
            OperationResult::Canvas(_) => OperationKind::Canvas,
            OperationResult::FiveWhys(_) => OperationKind::FiveWhys,
            OperationResult::Research(_) => OperationKind::Research,
        }
    }

    /// The result as its job stores it (without the tag).
    pub fn to_json_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        match self {
            OperationResult::Program(p) => serde_json::to_value(p),
            OperationResult::Canvas(c) => serde_json::to_value(c),
            OperationResult::FiveWhys(w) => serde_json::to_value(w),
            OperationResult::Research(r) => serde_json::to_value(r),
        }
    }
}
