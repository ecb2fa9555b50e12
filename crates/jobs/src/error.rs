//! Typed errors of the engine and of the jobs it runs.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use chrono::{DateTime, Utc};

use crate::model::{JobId, JobStatus, PauseReason, Wait};

/// Everything an engine call can fail with; each variant has a stable [`Error::code`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Another engine (this process or another) holds the database.
    #[error("the job database {path} is already in use by another Charter engine")]
    AlreadyOpen {
        /// Database file in use.
        path: PathBuf,
    },
    /// The database was written by a newer schema than this build knows.
    #[error(
        "the job database {path} was written by a newer version of Charter (schema {found}, this build knows up to {supported}); update Charter to open it"
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
    #[error("{path} is not a Charter job database (or it is damaged)")]
    NotADatabase {
        /// Offending file.
        path: PathBuf,
    },
    /// The database or its folder cannot be written.
    #[error("the job database cannot be written (read-only file or file system)")]
    ReadOnly,
    /// No space left on the device holding the database.
    #[error("the disk holding the job database is full")]
    DiskFull,
    /// Another process holds a lock on the database past the busy timeout.
    #[error("the job database is locked by another process")]
    Locked,
    /// No job with this id.
    #[error("job {0} not found")]
    NotFound(JobId),
    /// The kind was never registered with this engine.
    #[error("unknown job kind `{0}`")]
    UnknownKind(String),
    /// The input does not match what the kind expects.
    #[error("invalid input for `{kind}`: {reason}")]
    InvalidInput {
        /// Job kind.
        kind: String,
        /// What was wrong.
        reason: String,
    },
    /// A state change that the lifecycle forbids.
    #[error("job {id} cannot go from {from} to {to}")]
    IllegalTransition {
        /// Job id.
        id: JobId,
        /// Its current status.
        from: JobStatus,
        /// The requested status.
        to: JobStatus,
    },
    /// The operation needs an active job but this one has finished.
    #[error("job {id} has already {status}")]
    AlreadyFinished {
        /// Job id.
        id: JobId,
        /// Its terminal status.
        status: JobStatus,
    },
    /// The operation needs a finished job but this one is still active.
    #[error("job {id} is still {status}; cancel it first")]
    StillActive {
        /// Job id.
        id: JobId,
        /// Its active status.
        status: JobStatus,
    },
    /// A job of this kind with the same unique key is already pending, running or paused.
    #[error("a job like this one is already pending, running or paused")]
    Duplicate,
    /// A stored row could not be decoded.
    #[error("stored job data is damaged: {0}")]
    Corrupt(String),
    /// The engine has been shut down.
    #[error("the job engine has shut down")]
    ShutDown,
    /// A file-system operation around the database failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// File concerned.
        path: PathBuf,
        /// Underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// Any other database error of the write connection.
    #[error("database error: {0}")]
    Write(#[source] rusqlite::Error),
    /// Applying the migrations failed.
    #[error("could not upgrade the job database: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

impl Error {
    /// Stable machine-readable code for the wire and for UI decisions.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::AlreadyOpen { .. } => ErrorCode::AlreadyOpen,
            Error::SchemaTooNew { .. } => ErrorCode::SchemaTooNew,
            Error::NotADatabase { .. } => ErrorCode::NotADatabase,
            Error::ReadOnly => ErrorCode::ReadOnly,
            Error::DiskFull => ErrorCode::DiskFull,
            Error::Locked => ErrorCode::Locked,
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::UnknownKind(_) => ErrorCode::UnknownKind,
            Error::InvalidInput { .. } => ErrorCode::InvalidInput,
            Error::IllegalTransition { .. } => ErrorCode::IllegalTransition,
            Error::AlreadyFinished { .. } => ErrorCode::AlreadyFinished,
            Error::StillActive { .. } => ErrorCode::StillActive,
            Error::Duplicate => ErrorCode::Duplicate,
            Error::Corrupt(_) => ErrorCode::Corrupt,
            Error::ShutDown => ErrorCode::ShutDown,
            Error::Io { .. } | Error::Database(_) | Error::Write(_) => ErrorCode::Storage,
            Error::Migrate(_) => ErrorCode::Migrate,
        }
    }

    /// True for storage failures (disk full, read-only, locked) rather than caller mistakes.
    pub(crate) fn is_storage(&self) -> bool {
        matches!(
            self,
            Error::ReadOnly
                | Error::DiskFull
                | Error::Locked
                | Error::Database(_)
                | Error::Write(_)
                | Error::Io { .. }
        )
    }

    /// Classifies a database error by SQLite's primary result code.
    pub(crate) fn from_sqlx(err: sqlx::Error, path: &std::path::Path) -> Error {
        if let sqlx::Error::Database(db) = &err {
            let code = db.code().and_then(|c| c.parse::<i64>().ok());
            if let Some(e) = classify_sqlite(code, db.message(), path) {
                return e;
            }
        }
        if let sqlx::Error::Io(io) = &err
            && let Some(e) = classify_io(io)
        {
            return e;
        }
        Error::Database(err)
    }

    /// The typed error for a failure of the write connection.
    pub(crate) fn from_sqlite(err: rusqlite::Error, path: &std::path::Path) -> Error {
        if let rusqlite::Error::SqliteFailure(failure, message) = &err {
            let message = message.as_deref().unwrap_or_default();
            if let Some(e) = classify_sqlite(Some(i64::from(failure.extended_code)), message, path)
            {
                return e;
            }
        }
        Error::Write(err)
    }
}

/// Maps SQLite's result codes (extended or primary) that have a typed variant.
fn classify_sqlite(code: Option<i64>, message: &str, path: &std::path::Path) -> Option<Error> {
    const CONSTRAINT_UNIQUE: i64 = 2067;
    let code = code?;
    if code == CONSTRAINT_UNIQUE && message.contains("unique_key") {
        return Some(Error::Duplicate);
    }
    match code & 0xff {
        5 | 6 => Some(Error::Locked),
        8 => Some(Error::ReadOnly),
        13 => Some(Error::DiskFull),
        11 | 26 => Some(Error::NotADatabase {
            path: path.to_path_buf(),
        }),
        _ => None,
    }
}

/// Maps the OS errors that have a typed variant.
pub(crate) fn classify_io(io: &std::io::Error) -> Option<Error> {
    match io.raw_os_error() {
        Some(28) => Some(Error::DiskFull),            // ENOSPC
        Some(30) | Some(13) => Some(Error::ReadOnly), // EROFS, EACCES
        _ => None,
    }
}

/// The engine's error codes: each names one failure, on the wire and in stored job errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Another engine holds the database.
    AlreadyOpen,
    /// The database was written by a newer Charter.
    SchemaTooNew,
    /// The file is not a database, or is damaged beyond reading.
    NotADatabase,
    /// The database or its folder cannot be written.
    ReadOnly,
    /// The disk holding the database is full.
    DiskFull,
    /// Another process holds a lock on the database.
    Locked,
    /// No such record.
    NotFound,
    /// The job kind is not registered.
    UnknownKind,
    /// The input was refused; the message says why.
    InvalidInput,
    /// The lifecycle forbids this state change.
    IllegalTransition,
    /// The job has already finished.
    AlreadyFinished,
    /// The job is still pending or running.
    StillActive,
    /// Stored data no longer decodes.
    Corrupt,
    /// The engine has shut down.
    ShutDown,
    /// Reading or writing the database (or a file beside it) failed.
    Storage,
    /// Upgrading the database schema failed.
    Migrate,
    /// The job was cancelled.
    Cancelled,
    /// Charter stopped while the job ran.
    Interrupted,
    /// The job's outcome could not be stored; recovery decides at the next start.
    Lost,
    /// Data could not be encoded or decoded.
    Serialization,
    /// Charter was updated and the job's kind can no longer read its checkpoints.
    Updated,
    /// Another job with the same unique key is pending, running or paused.
    Duplicate,
}

impl ErrorCode {
    /// Every code, for exhaustive checks.
    pub const ALL: [ErrorCode; 22] = [
        ErrorCode::AlreadyOpen,
        ErrorCode::SchemaTooNew,
        ErrorCode::NotADatabase,
        ErrorCode::ReadOnly,
        ErrorCode::DiskFull,
        ErrorCode::Locked,
        ErrorCode::NotFound,
        ErrorCode::UnknownKind,
        ErrorCode::InvalidInput,
        ErrorCode::IllegalTransition,
        ErrorCode::AlreadyFinished,
        ErrorCode::StillActive,
        ErrorCode::Corrupt,
        ErrorCode::ShutDown,
        ErrorCode::Storage,
        ErrorCode::Migrate,
        ErrorCode::Cancelled,
        ErrorCode::Interrupted,
        ErrorCode::Lost,
        ErrorCode::Serialization,
        ErrorCode::Updated,
        ErrorCode::Duplicate,
    ];

    /// The code as it appears on the wire and in stored job errors.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::AlreadyOpen => "already_open",
            ErrorCode::SchemaTooNew => "schema_too_new",
            ErrorCode::NotADatabase => "not_a_database",
            ErrorCode::ReadOnly => "read_only",
            ErrorCode::DiskFull => "disk_full",
            ErrorCode::Locked => "locked",
            ErrorCode::NotFound => "not_found",
            ErrorCode::UnknownKind => "unknown_kind",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::IllegalTransition => "illegal_transition",
            ErrorCode::AlreadyFinished => "already_finished",
            ErrorCode::StillActive => "still_active",
            ErrorCode::Corrupt => "corrupt",
            ErrorCode::ShutDown => "shut_down",
            ErrorCode::Storage => "storage",
            ErrorCode::Migrate => "migrate",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::Interrupted => "interrupted",
            ErrorCode::Lost => "lost",
            ErrorCode::Serialization => "serialization",
            ErrorCode::Updated => "updated",
            ErrorCode::Duplicate => "duplicate",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<ErrorCode> for String {
    fn from(code: ErrorCode) -> String {
        code.as_str().to_owned()
    }
}

/// Result of engine calls.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a job failed: stored with the job and shown to the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[error("{message}")]
pub struct JobError {
    /// Stable machine-readable code (e.g. `timeout`, `cancelled`).
    pub code: String,
    /// Plain-words message for the user.
    pub message: String,
    /// Whether retrying may help.
    pub retryable: bool,
    /// Set when the step asks the job to wait (pause) instead of failing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait: Option<Box<Wait>>,
}

impl JobError {
    /// A non-retryable error with a code and message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        JobError {
            code: code.into(),
            message: message.into(),
            retryable: false,
            wait: None,
        }
    }

    /// An error that pauses the job for `reason` instead of failing it: the step is not
    /// completed, its checkpoints stay, and no attempt is counted. The code is the reason.
    pub fn wait(reason: PauseReason, message: impl Into<String>) -> Self {
        JobError {
            code: reason.as_str().to_owned(),
            message: message.into(),
            retryable: true,
            wait: Some(Box::new(Wait {
                reason,
                detail: None,
                until: None,
                check: None,
                service: None,
            })),
        }
    }

    /// Sets when to check again or resume (for a wait; ignored otherwise).
    pub fn until(mut self, until: DateTime<Utc>) -> Self {
        if let Some(wait) = self.wait.as_mut() {
            wait.until = Some(until);
        }
        self
    }

    /// Sets what the wait concerns, e.g. `localhost:11434` (for a wait; ignored otherwise).
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        if let Some(wait) = self.wait.as_mut() {
            wait.detail = Some(detail.into());
        }
        self
    }

    /// Sets where a watcher can tell the cause has cleared, e.g. a URL to probe (for a
    /// wait; ignored otherwise).
    pub fn check(mut self, check: impl Into<String>) -> Self {
        if let Some(wait) = self.wait.as_mut() {
            wait.check = Some(check.into());
        }
        self
    }

    /// Names what the wait is on, e.g. `search_server` (for a wait; ignored otherwise).
    pub fn service(mut self, service: impl Into<String>) -> Self {
        if let Some(wait) = self.wait.as_mut() {
            wait.service = Some(service.into());
        }
        self
    }

    /// True when this error asks the job to wait.
    pub fn is_wait(&self) -> bool {
        self.wait.is_some()
    }

    /// A retryable error with a code and message.
    pub fn retryable(code: impl Into<String>, message: impl Into<String>) -> Self {
        JobError {
            retryable: true,
            ..JobError::new(code, message)
        }
    }

    /// The error a job returns when it stops because it was cancelled.
    pub fn cancelled() -> Self {
        JobError::new(ErrorCode::Cancelled, "Cancelled")
    }

    /// True when this is the cancellation error.
    pub fn is_cancelled(&self) -> bool {
        self.code == ErrorCode::Cancelled.as_str()
    }
}

impl From<serde_json::Error> for JobError {
    fn from(e: serde_json::Error) -> Self {
        JobError::new(
            ErrorCode::Serialization,
            format!("could not encode or decode data: {e}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn codes_serialize_as_their_wire_names_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let wire = serde_json::to_value(code).expect("a code serializes");
            assert_eq!(wire, serde_json::Value::from(code.as_str()));
            assert!(seen.insert(code.as_str()), "{code} is listed twice");
        }
    }
}
