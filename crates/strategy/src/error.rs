//! Errors of the strategy crate, each with a stable code for the UI.

use std::path::PathBuf;

use jobs::ErrorCode as EngineCode;

use crate::code::{Code, ErrorCode};
use crate::documents::DocumentError;
use crate::export::ExportError;
use crate::initiative::ValidationErrors;
use crate::operation::ResultError;
use crate::plan::PlanError;
use crate::provider::ProviderError;

/// Everything a strategy call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The initiative draft has problems; each names its field.
    #[error("{0}")]
    Invalid(#[from] ValidationErrors),
    /// No initiative with this id.
    #[error("initiative {0} not found")]
    InitiativeNotFound(String),
    /// A plan variant was chosen for a job that did not make a program.
    #[error("job {0} did not make a program, so it has no plans to choose from")]
    NotAProgram(String),
    /// The program has no such variant (made before variants existed).
    #[error("this program has no “{0}” plan; generate it again to get the variants")]
    NoSuchVariant(String),
    /// The job engine refused.
    #[error(transparent)]
    Jobs(#[from] jobs::Error),
    /// A database error outside the engine.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The initiatives database was written by a newer schema than this build knows.
    #[error(
        "the initiatives database {path} was written by a newer version of Charter (schema {found}, this build knows up to {supported}); update Charter to open it"
    )]
    SchemaTooNew {
        /// Database file.
        path: PathBuf,
        /// Newest migration version found in the file.
        found: i64,
        /// Newest migration version this build knows.
        supported: i64,
    },
    /// The file is not an SQLite database, or is damaged beyond reading.
    #[error("{path} is not a Charter initiatives database (or it is damaged)")]
    NotADatabase {
        /// Offending file.
        path: PathBuf,
    },
    /// Applying the initiatives database's migrations failed.
    #[error("could not upgrade the initiatives database: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    /// A file-system operation around the initiatives database failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// File or folder concerned.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A stored row no longer parses.
    #[error("stored initiative {id} is damaged: {reason}")]
    Corrupt {
        /// Initiative id.
        id: String,
        /// What failed to parse.
        reason: String,
    },
    /// A note or attachment was refused.
    #[error(transparent)]
    Document(#[from] DocumentError),
    /// The plan cannot be computed.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The provider failed.
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// A job's result cannot be had.
    #[error(transparent)]
    Result(#[from] ResultError),
    /// A result could not be exported.
    #[error(transparent)]
    Export(#[from] ExportError),
}

impl Error {
    /// Stable machine-readable code: the engine's where the meaning is the same, else the
    /// operations' own.
    pub fn code(&self) -> Code {
        match self {
            Error::Invalid(_) => EngineCode::InvalidInput.into(),
            Error::InitiativeNotFound(_) => EngineCode::NotFound.into(),
            Error::NotAProgram(_) | Error::NoSuchVariant(_) => EngineCode::InvalidInput.into(),
            Error::Jobs(e) => e.code().into(),
            Error::Database(_) | Error::Io { .. } => EngineCode::Storage.into(),
            Error::SchemaTooNew { .. } => EngineCode::SchemaTooNew.into(),
            Error::NotADatabase { .. } => EngineCode::NotADatabase.into(),
            Error::Migrate(_) => EngineCode::Migrate.into(),
            Error::Corrupt { .. } => EngineCode::Corrupt.into(),
            Error::Plan(_) => ErrorCode::Plan.into(),
            Error::Document(e) => e.code(),
            Error::Provider(e) => e.code(),
            Error::Result(e) => e.code(),
            Error::Export(e) => e.code(),
        }
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
