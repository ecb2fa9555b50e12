//! Notes and documents of an initiative: write a note, attach `.txt`/`.md` files (picked in
//! the native open dialog or dropped on the window), list and delete them. Offline research
//! reads them.

use serde::Serialize;
use strategy::documents::Document;
use tauri::State;
use tauri_plugin_dialog::DialogExt;

use crate::error::{IpcError, IpcResult, ShellErrorCode};
use crate::state::AppState;

/// One file's outcome: attached as a document, or refused with the reason.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Attached {
    /// The file's name.
    pub name: String,
    /// The stored document, when accepted.
    pub document: Option<Document>,
    /// Why it was refused (binary, too large, unreadable, not .txt/.md).
    pub error: Option<IpcError>,
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

/// Attaches several files (dropped on the window): each accepted or refused on its own.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn attach_files(
    state: State<'_, AppState>,
    initiative_id: String,
    paths: Vec<String>,
) -> IpcResult<Vec<Attached>> {
    Ok(attach_each(&state, &initiative_id, paths.into_iter().map(Into::into)).await)
}

/// Opens the native open dialog for `.txt`/`.md` files and attaches those picked; empty when
/// the user cancelled.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn pick_files_to_attach(
    app: tauri::AppHandle,
    window: tauri::Window,
    state: State<'_, AppState>,
    initiative_id: String,
) -> IpcResult<Vec<Attached>> {
    let (chosen_tx, chosen_rx) = tokio::sync::oneshot::channel();
    // The dialog runs on the main thread and calls back from its own: no runtime worker
    // waits while the user chooses.
    app.dialog()
        .file()
        .set_parent(&window)
        .set_title("Attach notes or documents")
        .add_filter("Text or Markdown", &["txt", "md", "markdown"])
        .pick_files(move |paths| {
            let _ = chosen_tx.send(paths);
        });
    let chosen = chosen_rx
        .await
        .map_err(|_| IpcError::new(ShellErrorCode::Dialog, "the open dialog could not be shown"))?;
    let paths = chosen
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.into_path().ok());
    Ok(attach_each(&state, &initiative_id, paths).await)
}

async fn attach_each(
    state: &AppState,
    initiative_id: &str,
    paths: impl Iterator<Item = std::path::PathBuf>,
) -> Vec<Attached> {
    let mut outcomes = Vec::new();
    for path in paths {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let outcome = state.workspace.attach_file(initiative_id, &path).await;
        outcomes.push(match outcome {
            Ok(document) => Attached {
                name,
                document: Some(document),
                error: None,
            },
            Err(e) => Attached {
                name,
                document: None,
                error: Some(e.into()),
            },
        });
    }
    outcomes
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

/// Deletes one of an initiative's notes or documents.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn delete_document(
    state: State<'_, AppState>,
    initiative_id: String,
    id: String,
) -> IpcResult<()> {
    let deleted = state
        .workspace
        .initiatives()
        .delete_document(&initiative_id, &id)
        .await?;
    if deleted {
        Ok(())
    } else {
        Err(IpcError::new(
            ::jobs::ErrorCode::NotFound,
            "that note or document no longer exists",
        ))
    }
}
