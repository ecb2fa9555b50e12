//! Results leaving the app: exports as text or to a file, and links opened in the browser.

use strategy::{ExportFormat, OperationResult};
use tauri::{Manager, State};
use tauri_plugin_dialog::DialogExt;

use super::job_id;
use crate::error::{IpcError, IpcResult, ShellErrorCode};
use crate::state::AppState;

/// A completed job's result, typed by its operation (program, canvas, why-chain, research).
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn get_result(state: State<'_, AppState>, id: String) -> IpcResult<OperationResult> {
    Ok(state.workspace.result(job_id(&id)?).await?)
}

/// Adopts one of a generated program's plan variants as its plan (stored, so exports and
/// later views use it); returns the program with it.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn choose_variant(
    state: State<'_, AppState>,
    id: String,
    variant: strategy::VariantId,
) -> IpcResult<OperationResult> {
    Ok(state
        .workspace
        .choose_variant(job_id(&id)?, variant)
        .await?)
}

/// A finished job's result as a Markdown document or as pretty JSON.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn export_result(
    state: State<'_, AppState>,
    id: String,
    format: ExportFormat,
) -> IpcResult<String> {
    Ok(state.workspace.export(job_id(&id)?, format).await?.text)
}

/// Exports a finished job's result to a file the user picks in a save dialog (named after
/// the job); returns the path written, or `null` when the user cancelled.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn save_export(
    app: tauri::AppHandle,
    window: tauri::Window,
    state: State<'_, AppState>,
    id: String,
    format: ExportFormat,
) -> IpcResult<Option<String>> {
    // Rendered first: a job with nothing to export fails before any dialog opens.
    let strategy::export::Export {
        title,
        file_name,
        text,
    } = state.workspace.export(job_id(&id)?, format).await?;
    let mut dialog = app
        .dialog()
        .file()
        .set_parent(&window)
        .set_title(format!("Export “{title}”"))
        .set_file_name(file_name)
        .add_filter(format.label(), &[format.extension()]);
    if let Ok(documents) = app.path().document_dir()
        && documents.is_dir()
    {
        dialog = dialog.set_directory(documents);
    }
    // The dialog runs on the main thread and calls back from its own thread, so no
    // runtime worker is blocked while the user chooses.
    let (chosen_tx, chosen_rx) = tokio::sync::oneshot::channel();
    dialog.save_file(move |path| {
        let _ = chosen_tx.send(path);
    });
    let chosen = chosen_rx
        .await
        .map_err(|_| IpcError::new(ShellErrorCode::Dialog, "the save dialog could not be shown"))?;
    let Some(chosen) = chosen else {
        return Ok(None);
    };
    let path = chosen.into_path().map_err(|e| {
        IpcError::new(
            ShellErrorCode::Dialog,
            format!("that location cannot be written: {e}"),
        )
    })?;
    let path = crate::save::with_extension(path, format.extension());
    let target = path.clone();
    tauri::async_runtime::spawn_blocking(move || {
        crate::save::write_atomically(&target, text.as_bytes())
    })
    .await
    .map_err(|e| {
        IpcError::new(
            ShellErrorCode::SaveFailed,
            format!("saving stopped unexpectedly: {e}"),
        )
    })?
    .map_err(|e| {
        IpcError::new(
            ShellErrorCode::SaveFailed,
            format!("could not save {}: {e}", path.display()),
        )
    })?;
    Ok(Some(path.to_string_lossy().into_owned()))
}

/// Opens an `http(s)` address (a cited source, a link in a result) in the user's browser, or
/// a `mailto:` one in their mail app; any other scheme is refused, so model output can never
/// launch a program.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub fn open_url(app: tauri::AppHandle, url: String) -> IpcResult<()> {
    use tauri_plugin_opener::OpenerExt;
    let address = openable(&url)?;
    app.opener()
        .open_url(address.as_str(), None::<&str>)
        .map_err(|e| {
            IpcError::new(
                ShellErrorCode::OpenFailed,
                format!("the browser could not be opened: {e}"),
            )
        })
}

/// `url` parsed, when it is a web or mail address.
fn openable(url: &str) -> IpcResult<url::Url> {
    let url = url.trim();
    let parsed = url::Url::parse(url)
        .map_err(|e| IpcError::invalid(format!("“{url}” is not a web address ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https" | "mailto") {
        return Err(IpcError::invalid(format!(
            "only web and mail addresses open from Charter, not “{}:”",
            parsed.scheme()
        )));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::openable;

    #[test]
    fn only_web_and_mail_addresses_open() {
        assert!(openable(" https://example.org/a?b=1 ").is_ok());
        assert!(openable("http://localhost:8888").is_ok());
        assert!(openable("mailto:team@example.org").is_ok());
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "data:text/html,<script>",
            "/relative",
            "",
        ] {
            let err = openable(bad).expect_err(bad);
            assert_eq!(err.code, jobs::ErrorCode::InvalidInput.into(), "{bad}");
        }
    }
}
