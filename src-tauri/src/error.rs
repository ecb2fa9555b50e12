//! The one error shape every command returns: `{ code, message }`, with `code` from one
//! exported union of the engine's, the operations' and the shell's own codes.

use serde::{Deserialize, Serialize};

/// The shell's own error codes, for failures neither the engine nor the operations name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ShellErrorCode {
    /// Malformed arguments: missing, of the wrong type or an unknown variant (the caller's
    /// bug, caught before the command runs).
    InvalidArguments,
    /// The settings could not be saved.
    Settings,
    /// A file dialog could not be shown, or its choice cannot be used.
    Dialog,
    /// An exported file could not be written.
    SaveFailed,
    /// The browser or mail app could not be opened.
    OpenFailed,
    /// The OS keyring cannot be reached.
    KeyringUnavailable,
}

impl ShellErrorCode {
    /// Every code, for exhaustive checks.
    pub const ALL: [ShellErrorCode; 6] = [
        ShellErrorCode::InvalidArguments,
        ShellErrorCode::Settings,
        ShellErrorCode::Dialog,
        ShellErrorCode::SaveFailed,
        ShellErrorCode::OpenFailed,
        ShellErrorCode::KeyringUnavailable,
    ];
}

/// Any error code a command can answer with: the engine's, the operations' or the shell's
/// (the sets are disjoint, so the string alone says which). Serialises as the bare string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(untagged, rename = "IpcErrorCode")]
pub enum ErrorCode {
    /// A code of the job engine or of the operations.
    Strategy(strategy::Code),
    /// A code of the shell.
    Shell(ShellErrorCode),
}

impl From<strategy::Code> for ErrorCode {
    fn from(code: strategy::Code) -> Self {
        ErrorCode::Strategy(code)
    }
}

impl From<jobs::ErrorCode> for ErrorCode {
    fn from(code: jobs::ErrorCode) -> Self {
        ErrorCode::Strategy(code.into())
    }
}

impl From<strategy::ErrorCode> for ErrorCode {
    fn from(code: strategy::ErrorCode) -> Self {
        ErrorCode::Strategy(code.into())
    }
}

impl From<ShellErrorCode> for ErrorCode {
    fn from(code: ShellErrorCode) -> Self {
        ErrorCode::Shell(code)
    }
}

/// An error the UI can show (`message`) and act on (`code`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type, thiserror::Error)]
#[error("{message}")]
pub struct IpcError {
    /// Stable machine-readable code, e.g. `not_found`, `invalid_input`, `storage`.
    pub code: ErrorCode,
    /// What happened, for the user.
    pub message: String,
}

impl IpcError {
    /// An error with a code and a message.
    pub fn new(code: impl Into<ErrorCode>, message: impl Into<String>) -> Self {
        IpcError {
            code: code.into(),
            message: message.into(),
        }
    }

    /// Bad input at the boundary: well-formed, but a value the command refuses.
    pub fn invalid(message: impl Into<String>) -> Self {
        IpcError::new(jobs::ErrorCode::InvalidInput, message)
    }

    /// Malformed arguments: missing, of the wrong type or an unknown variant.
    pub fn invalid_arguments(message: impl Into<String>) -> Self {
        IpcError::new(ShellErrorCode::InvalidArguments, message)
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
        IpcError::new(ShellErrorCode::Settings, e.to_string())
    }
}

/// Result of a command.
pub type IpcResult<T> = Result<T, IpcError>;

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::{ErrorCode, ShellErrorCode};

    fn wire(code: impl Into<ErrorCode>) -> String {
        match serde_json::to_value(code.into()) {
            Ok(serde_json::Value::String(s)) => s,
            other => panic!("a code serialises as a string, not {other:?}"),
        }
    }

    #[test]
    fn every_code_is_one_string_with_one_meaning() {
        let mut seen = HashSet::new();
        let all = jobs::ErrorCode::ALL
            .into_iter()
            .map(ErrorCode::from)
            .chain(strategy::ErrorCode::ALL.into_iter().map(ErrorCode::from))
            .chain(ShellErrorCode::ALL.into_iter().map(ErrorCode::from));
        for code in all {
            let text = wire(code);
            assert!(seen.insert(text.clone()), "`{text}` names two failures");
            let back: ErrorCode = serde_json::from_value(text.clone().into()).expect("reads back");
            assert_eq!(back, code, "{text}");
        }
        assert_eq!(wire(ShellErrorCode::InvalidArguments), "invalid_arguments");
        assert_eq!(wire(jobs::ErrorCode::Storage), "storage");
    }
}
