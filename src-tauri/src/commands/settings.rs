//! Settings commands: read and save the settings, and the API keys kept in the OS keyring.

use jobs::PauseReason;
use tauri::State;

use crate::error::{IpcError, IpcResult, ShellErrorCode};
use crate::settings::Settings;
use crate::state::AppState;

/// The current settings.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub fn get_settings(state: State<'_, AppState>) -> Settings {
    state.settings()
}

/// Validates and saves new settings; returns them. Async, so the file write happens off the
/// main (UI) thread.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn update_settings(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    settings: Settings,
) -> IpcResult<Settings> {
    settings.validate().map_err(IpcError::invalid)?;
    state.save_settings(settings.clone())?;
    crate::app::launch::sync_autostart(&app, settings.launch_at_login);
    state.workspace.set_spending(settings.spending.clone());
    // A new provider, address or model may be what a waiting job needs: let them try again.
    resume_waiting(
        &state,
        &[
            PauseReason::Unauthorized,
            PauseReason::Offline,
            PauseReason::ProviderDown,
        ],
    )
    .await;
    Ok(settings)
}

/// Resumes the jobs paused for `reasons` (they pause again at once if nothing changed).
async fn resume_waiting(state: &AppState, reasons: &[PauseReason]) {
    match state.workspace.engine().resume_matching(reasons).await {
        Ok(0) => {}
        Ok(resumed) => tracing::info!(
            resumed,
            ?reasons,
            "waiting jobs resumed after a settings change"
        ),
        Err(e) => tracing::warn!(error = %e, "cannot resume waiting jobs"),
    }
}

/// Stores the API key for a model server in the OS keyring.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn set_api_key(
    state: State<'_, AppState>,
    base_url: String,
    key: String,
) -> IpcResult<()> {
    if key.trim().is_empty() {
        return Err(IpcError::invalid("the API key is empty"));
    }
    crate::secrets::set(&base_url, key.trim()).map_err(|e| keyring_error(KeyAction::Store, e))?;
    resume_waiting(&state, &[PauseReason::Unauthorized]).await;
    Ok(())
}

/// Removes the API key for a model server.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub fn clear_api_key(base_url: String) -> IpcResult<()> {
    crate::secrets::clear(&base_url).map_err(|e| keyring_error(KeyAction::Remove, e))
}

/// Whether an API key is stored for a model server (the key itself never leaves Rust).
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub fn has_api_key(base_url: String) -> IpcResult<bool> {
    crate::secrets::is_set(&base_url).map_err(|e| keyring_error(KeyAction::Check, e))
}

/// What was asked of the keyring, for the message when it fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyAction {
    Store,
    Remove,
    Check,
}

fn keyring_error(action: KeyAction, e: keyring::Error) -> IpcError {
    let outcome = match action {
        KeyAction::Store => "the key was not stored",
        KeyAction::Remove => "the key was not removed",
        KeyAction::Check => "whether a key is stored cannot be told",
    };
    IpcError::new(
        ShellErrorCode::KeyringUnavailable,
        format!("the OS keyring is not available ({e}); {outcome}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_keyring_action_says_what_did_not_happen() {
        let message = |action| {
            let e = keyring_error(action, keyring::Error::PlatformFailure("no service".into()));
            assert_eq!(e.code, ShellErrorCode::KeyringUnavailable.into());
            assert!(e.message.contains("no service"), "{}", e.message);
            e.message
        };
        assert!(message(KeyAction::Store).ends_with("the key was not stored"));
        assert!(message(KeyAction::Remove).ends_with("the key was not removed"));
        assert!(message(KeyAction::Check).ends_with("whether a key is stored cannot be told"));
    }
}
