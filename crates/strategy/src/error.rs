//! Errors of the strategy crate, each with a stable code for the UI.

use crate::initiative::ValidationErrors;
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
    /// The initiatives table is missing: the database was not migrated by the engine.
    #[error("the database has no initiatives table; open the job engine on it first")]
    NotMigrated,
    /// The job engine refused.
    #[error(transparent)]
    Jobs(#[from] jobs::Error),
    /// A database error outside the engine.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
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
    Document(#[from] crate::documents::DocumentError),
    /// The plan cannot be computed.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The provider failed.
    #[error(transparent)]
    Provider(#[from] ProviderError),
}

impl Error {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid(_) => "invalid_input",
            Error::InitiativeNotFound(_) => "not_found",
            Error::NotMigrated => "not_migrated",
            Error::Jobs(e) => e.code().as_str(),
            Error::Database(_) => "storage",
            Error::Corrupt { .. } => "corrupt",
            Error::Plan(_) => "plan",
            Error::Document(e) => match e {
                crate::documents::DocumentError::TooLarge { .. } => "too_large",
                crate::documents::DocumentError::NotText { .. } => "not_text",
                crate::documents::DocumentError::UnsupportedType { .. } => "unsupported_type",
                crate::documents::DocumentError::Empty(_) => "invalid_input",
                crate::documents::DocumentError::Unreadable { .. } => "unreadable",
            },
            Error::Provider(e) => e.code(),
        }
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
