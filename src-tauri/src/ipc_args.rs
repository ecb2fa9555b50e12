//! Typed answers for malformed command arguments.
//!
//! Tauri's argument layer rejects a missing or mistyped argument with a bare string
//! ("invalid args `id` for command `get_job`: …") before the command runs. No invoke
//! handler or responder can rewrite that answer: the wrapper `#[tauri::command]` generates
//! sends it through the invoke's own resolver, whose responder is private to Tauri. What
//! the attribute does let an app choose is the path its wrapper takes the argument trait
//! from: every command here is declared `#[tauri::command(root = "ipc_args")]`, so its
//! wrapper calls [`ipc::CommandArg`] below — Tauri's own extraction, unchanged, with a
//! failure turned into `{ code: "invalid_arguments", message }` naming the argument.

use serde_json::Value;
use tauri::Runtime;
use tauri::ipc::{CommandItem, InvokeError};

use crate::error::IpcError;

/// What the command wrappers reach as `ipc_args::ipc::…`: Tauri's items, except that
/// `CommandArg` answers with typed errors.
pub mod ipc {
    pub use super::CommandArg;
    pub use tauri::ipc::{CommandItem, Invoke, private};
}

/// Tauri's [`tauri::ipc::CommandArg`], with a failure answered as an [`IpcError`].
pub trait CommandArg<'de, R: Runtime>: Sized {
    /// The argument from the invoke, or a typed rejection.
    fn from_command(command: CommandItem<'de, R>) -> Result<Self, InvokeError>;
}

impl<'de, R: Runtime, T: tauri::ipc::CommandArg<'de, R>> CommandArg<'de, R> for T {
    fn from_command(command: CommandItem<'de, R>) -> Result<Self, InvokeError> {
        let (name, key) = (command.name, command.key);
        <T as tauri::ipc::CommandArg<'de, R>>::from_command(command)
            .map_err(|e| InvokeError::from(typed(name, key, e.0)))
    }
}

/// A rejection from Tauri's argument layer as `{ code, message }`: an answer already of
/// that shape is kept; anything else (Tauri's strings) becomes `invalid_arguments`, naming
/// the argument as the caller spelled it.
pub fn typed(command: &str, key: &str, rejection: Value) -> IpcError {
    if let Ok(error) = serde_json::from_value::<TypedRejection>(rejection.clone()) {
        return IpcError::new(error.code, error.message);
    }
    let text = match rejection {
        Value::String(text) => text,
        other => other.to_string(),
    };
    let prefix = format!("invalid args `{key}` for command `{command}`: ");
    let detail = text.strip_prefix(&prefix).unwrap_or(&text);
    if detail.contains(&format!("missing required key {key}")) {
        return IpcError::invalid_arguments(format!("argument `{key}` of `{command}` is missing"));
    }
    IpcError::invalid_arguments(format!("argument `{key}` of `{command}`: {detail}"))
}

/// An answer that already has the shape of [`IpcError`].
#[derive(serde::Deserialize)]
struct TypedRejection {
    code: crate::error::ErrorCode,
    message: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ShellErrorCode;

    #[test]
    fn a_wrong_type_names_the_argument_and_keeps_serdes_reason() {
        let e = typed(
            "get_job",
            "id",
            Value::String(
                "invalid args `id` for command `get_job`: invalid type: integer `42`, expected a string"
                    .into(),
            ),
        );
        assert_eq!(e.code, ShellErrorCode::InvalidArguments.into());
        assert_eq!(
            e.message,
            "argument `id` of `get_job`: invalid type: integer `42`, expected a string"
        );
    }

    #[test]
    fn a_missing_argument_is_said_plainly() {
        let e = typed(
            "start_operation",
            "initiativeId",
            Value::String(
                "invalid args `initiativeId` for command `start_operation`: command start_operation missing required key initiativeId"
                    .into(),
            ),
        );
        assert_eq!(e.code, ShellErrorCode::InvalidArguments.into());
        assert_eq!(
            e.message,
            "argument `initiativeId` of `start_operation` is missing"
        );
    }

    #[test]
    fn an_unknown_variant_names_the_argument() {
        let e = typed(
            "start_operation",
            "operation",
            Value::String(
                "invalid args `operation` for command `start_operation`: unknown variant `dance`, expected one of `program`, `canvas`"
                    .into(),
            ),
        );
        assert_eq!(e.code, ShellErrorCode::InvalidArguments.into());
        assert!(
            e.message
                .starts_with("argument `operation` of `start_operation`: unknown variant `dance`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn an_unexpected_shape_is_still_typed_and_a_typed_answer_is_kept() {
        let e = typed("get_job", "id", Value::String("state not managed".into()));
        assert_eq!(e.code, ShellErrorCode::InvalidArguments.into());
        assert_eq!(e.message, "argument `id` of `get_job`: state not managed");
        let e = typed("get_job", "id", serde_json::json!({"weird": true}));
        assert_eq!(e.code, ShellErrorCode::InvalidArguments.into());
        assert!(e.message.contains("weird"));
        let kept = typed(
            "get_job",
            "id",
            serde_json::json!({"code": "not_found", "message": "no such job"}),
        );
        assert_eq!(
            kept,
            IpcError::new(jobs::ErrorCode::NotFound, "no such job")
        );
    }

    #[test]
    fn the_rejection_reaches_the_webview_as_an_object() {
        let e = InvokeError::from(typed("get_job", "id", Value::String("bad".into())));
        assert_eq!(e.0["code"], "invalid_arguments");
        assert!(e.0["message"].is_string());
    }

    /// A command declared without `root = "ipc_args"` would answer malformed arguments
    /// with Tauri's bare string again.
    #[test]
    fn every_command_takes_its_arguments_through_this_module() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
        let mut commands = 0;
        for entry in std::fs::read_dir(&dir).expect("commands folder") {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("read");
            for line in text
                .lines()
                .filter(|l| l.trim_start().starts_with("#[tauri::command"))
            {
                assert_eq!(
                    line.trim(),
                    r#"#[tauri::command(root = "ipc_args")]"#,
                    "in {}",
                    path.display()
                );
                commands += 1;
            }
        }
        assert!(commands >= 30, "{commands} commands found");
    }
}
