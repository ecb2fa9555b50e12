//! Initiative commands: create, read, change and delete initiatives and their documents.

use strategy::documents::Document;
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

/// Adds a typed note to an initiative (offline research reads it).
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn add_note(
    state: State<'_, AppState>,
    initiative_id: String,
    title: String,
    text: String,
) -> IpcResult<Document> {
    Ok(state
        .workspace
        .add_note(&initiative_id, &title, text)
        .await?)
}

/// Attaches a `.txt` or `.md` file to an initiative.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn attach_file(
    state: State<'_, AppState>,
    initiative_id: String,
    path: String,
) -> IpcResult<Document> {
    Ok(state
        .workspace
        .attach_file(&initiative_id, std::path::Path::new(&path))
        .await?)
}

/// An initiative's notes and documents.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn list_documents(
    state: State<'_, AppState>,
    initiative_id: String,
) -> IpcResult<Vec<Document>> {
    Ok(state
        .workspace
        .initiatives()
        .documents(&initiative_id)
        .await?)
}
