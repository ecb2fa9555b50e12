//! Initiative commands: create, read, change and delete initiatives and their documents.

use strategy::{Initiative, InitiativeDraft};
use tauri::State;

use crate::error::IpcResult;
use crate::state::AppState;

/// Creates an initiative.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn create_initiative(
    state: State<'_, AppState>,
    draft: InitiativeDraft,
) -> IpcResult<Initiative> {
    Ok(state.workspace.initiatives().create(draft).await?)
}

/// All initiatives, most recently changed first.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn list_initiatives(state: State<'_, AppState>) -> IpcResult<Vec<Initiative>> {
    Ok(state.workspace.initiatives().list().await?)
}

/// One initiative.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn get_initiative(state: State<'_, AppState>, id: String) -> IpcResult<Initiative> {
    Ok(state.workspace.initiatives().get(&id).await?)
}

/// Replaces an initiative's fields.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn update_initiative(
    state: State<'_, AppState>,
    id: String,
    draft: InitiativeDraft,
) -> IpcResult<Initiative> {
    Ok(state.workspace.initiatives().update(&id, draft).await?)
}

/// Deletes an initiative, cancelling and deleting its jobs.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn delete_initiative(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    Ok(state.workspace.delete_initiative(&id).await?)
}
