//! The one error shape every command returns: `{ code, message }`.

use serde::Serialize;

/// An error the UI can show (`message`) and act on (`code`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type, thiserror::Error)]
#[error("{message}")]
pub struct IpcError {
    /// Stable machine-readable code, e.g. `not_found`, `invalid_input`, `storage`.
    pub code: String,
    /// What happened, for the user.
    pub message: String,
}

impl IpcError {
    /// An error with a code and a message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        IpcError {
            code: code.into(),
            message: message.into(),
        }
    }

    /// Bad input at the boundary: well-formed, but a value the command refuses.
    pub fn invalid(message: impl Into<String>) -> Self {
        IpcError::new("invalid_input", message)
    }

    /// Malformed arguments: missing, of the wrong type or an unknown variant (the caller's
    /// bug, caught before the command runs).
    pub fn invalid_arguments(message: impl Into<String>) -> Self {
        IpcError::new("invalid_arguments", message)
    }
}

impl From<strategy::Error> for IpcError {
    fn from(e: strategy::Error) -> Self {
        IpcError::new(e.code(), e.to_string())
    }
}

impl From<jobs::Error> for IpcError {
    fn from(e: jobs::Error) -> Self {
        IpcError::new(e.code(), e.to_string())
    }
}

impl From<crate::settings::SettingsError> for IpcError {
    fn from(e: crate::settings::SettingsError) -> Self {
        IpcError::new("settings", e.to_string())
    }
}

/// Result of a command.
pub type IpcResult<T> = Result<T, IpcError>;
