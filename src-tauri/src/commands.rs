//! The IPC commands: each validates its input, calls the workspace, and answers with the
//! data or one error shape, `{ code, message }`.

use std::str::FromStr;

use jobs::{JobId, JobQuery, JobRecord, Page, Snapshot, StatusCounts};
use serde::Deserialize;
use strategy::documents::Document;
use strategy::export::{ExportError, ExportFormat};
use strategy::{Initiative, InitiativeDraft};
use tauri::ipc::Channel;
use tauri::{Manager, State};
use tauri_plugin_dialog::DialogExt;

use crate::error::{IpcError, IpcResult};
use crate::live::{self, LiveMessage};
use crate::settings::Settings;
use crate::state::AppState;

fn job_id(id: &str) -> IpcResult<JobId> {
    JobId::from_str(id.trim()).map_err(|_| IpcError::invalid(format!("“{id}” is not a job id")))
}

fn job_ids(ids: &[String]) -> IpcResult<Vec<JobId>> {
    ids.iter().map(|id| job_id(id)).collect()
}

/// Creates an initiative.
#[tauri::command]
#[specta::specta]
pub async fn create_initiative(
    state: State<'_, AppState>,
    draft: InitiativeDraft,
) -> IpcResult<Initiative> {
    Ok(state.workspace.initiatives().create(draft).await?)
}

/// All initiatives, most recently changed first.
#[tauri::command]
#[specta::specta]
pub async fn list_initiatives(state: State<'_, AppState>) -> IpcResult<Vec<Initiative>> {
    Ok(state.workspace.initiatives().list().await?)
}

/// One initiative.
#[tauri::command]
#[specta::specta]
pub async fn get_initiative(state: State<'_, AppState>, id: String) -> IpcResult<Initiative> {
    Ok(state.workspace.initiatives().get(&id).await?)
}

/// Replaces an initiative's fields.
#[tauri::command]
#[specta::specta]
pub async fn update_initiative(
    state: State<'_, AppState>,
    id: String,
    draft: InitiativeDraft,
) -> IpcResult<Initiative> {
    Ok(state.workspace.initiatives().update(&id, draft).await?)
}

/// Deletes an initiative, cancelling and deleting its jobs.
#[tauri::command]
#[specta::specta]
pub async fn delete_initiative(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    Ok(state.workspace.delete_initiative(&id).await?)
}

/// Adds a typed note to an initiative (offline research reads it).
#[tauri::command]
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
#[tauri::command]
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
#[tauri::command]
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

/// An operation the user can start on an initiative.
#[derive(Debug, Clone, Deserialize, specta::Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Operation {
    /// Generate the program.
    Program,
    /// Research a Business Model Canvas.
    Canvas,
    /// Ask why, down to a root cause.
    FiveWhys {
        /// What is observed.
        problem: String,
        /// Deepest level (1–7; default 5).
        max_depth: Option<u32>,
    },
    /// Research the market.
    Research {
        /// The user's questions (empty: standard ones).
        questions: Vec<String>,
    },
}

/// Starts an operation with the provider and search backend from the settings; returns the
/// job id at once.
#[tauri::command]
#[specta::specta]
pub async fn start_operation(
    state: State<'_, AppState>,
    initiative_id: String,
    operation: Operation,
) -> IpcResult<String> {
    let settings = state.settings();
    let ws = &state.workspace;
    let id = match operation {
        Operation::Program => {
            ws.generate_program(&initiative_id, settings.provider)
                .await?
        }
        Operation::Canvas => {
            ws.research_canvas(&initiative_id, settings.provider)
                .await?
        }
        Operation::FiveWhys { problem, max_depth } => {
            ws.five_whys(
                &initiative_id,
                &problem,
                max_depth.unwrap_or(5),
                settings.provider,
            )
            .await?
        }
        Operation::Research { questions } => {
            ws.web_research(
                &initiative_id,
                questions,
                settings.provider,
                settings.search,
            )
            .await?
        }
    };
    Ok(id.to_string())
}

/// A job with its steps and partials.
#[tauri::command]
#[specta::specta]
pub async fn get_job(state: State<'_, AppState>, id: String) -> IpcResult<Snapshot> {
    Ok(state.workspace.engine().get(job_id(&id)?).await?)
}

/// A page of jobs matching the filters (keyset paging: pass `next` as `after`).
#[tauri::command]
#[specta::specta]
pub async fn list_jobs(state: State<'_, AppState>, query: JobQuery) -> IpcResult<Page> {
    Ok(state.workspace.engine().list(&query).await?)
}

/// Counts per status, optionally for one kind.
#[tauri::command]
#[specta::specta]
pub async fn job_counts(
    state: State<'_, AppState>,
    kind: Option<String>,
) -> IpcResult<StatusCounts> {
    Ok(state.workspace.engine().counts(kind.as_deref()).await?)
}

/// Jobs running or waiting now.
#[tauri::command]
#[specta::specta]
pub fn running_jobs(state: State<'_, AppState>) -> Vec<JobRecord> {
    state.workspace.engine().running()
}

/// The newest job of an initiative, optionally of one kind.
#[tauri::command]
#[specta::specta]
pub async fn latest_job(
    state: State<'_, AppState>,
    session_id: String,
    kind: Option<String>,
) -> IpcResult<Option<JobRecord>> {
    Ok(state
        .workspace
        .engine()
        .by_session(&session_id, kind.as_deref())
        .await?)
}

/// Finished jobs the user has not seen yet, since `since` (unix ms), newest first.
#[tauri::command]
#[specta::specta]
pub async fn recent_completions(
    state: State<'_, AppState>,
    since: f64,
    limit: u32,
) -> IpcResult<Vec<JobRecord>> {
    if !since.is_finite() || limit == 0 || limit > 500 {
        return Err(IpcError::invalid("since must be a time and limit 1–500"));
    }
    Ok(state
        .workspace
        .engine()
        .recent_completions(since as i64, limit)
        .await?)
}

/// Asks a job to stop.
#[tauri::command]
#[specta::specta]
pub async fn cancel_job(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    Ok(state.workspace.engine().cancel(job_id(&id)?).await?)
}

/// Runs a failed, cancelled or interrupted job again from its last completed step.
#[tauri::command]
#[specta::specta]
pub async fn retry_job(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    Ok(state.workspace.engine().retry(job_id(&id)?).await?)
}

/// Deletes finished jobs; returns how many were deleted.
#[tauri::command]
#[specta::specta]
pub async fn delete_jobs(state: State<'_, AppState>, ids: Vec<String>) -> IpcResult<u32> {
    let n = state.workspace.engine().delete(&job_ids(&ids)?).await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Deletes every finished job matching the filters (paging fields ignored; running and
/// waiting jobs are skipped); returns how many were deleted.
#[tauri::command]
#[specta::specta]
pub async fn delete_matching_jobs(state: State<'_, AppState>, query: JobQuery) -> IpcResult<u32> {
    let n = state.workspace.engine().delete_matching(&query).await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Retries every failed, cancelled or interrupted job matching the filters (paging fields
/// ignored); returns how many were queued again.
#[tauri::command]
#[specta::specta]
pub async fn retry_matching_jobs(state: State<'_, AppState>, query: JobQuery) -> IpcResult<u32> {
    let n = state.workspace.engine().retry_matching(&query).await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Records that the user has seen these jobs' outcomes.
#[tauri::command]
#[specta::specta]
pub async fn mark_seen(state: State<'_, AppState>, ids: Vec<String>) -> IpcResult<u32> {
    let n = state.workspace.engine().mark_seen(&job_ids(&ids)?).await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Pins a job so retention never removes it (or unpins it).
#[tauri::command]
#[specta::specta]
pub async fn pin_job(state: State<'_, AppState>, id: String, pinned: bool) -> IpcResult<()> {
    Ok(state.workspace.engine().pin(job_id(&id)?, pinned).await?)
}

/// Watches a job: returns its snapshot; every later event follows on `channel` in order
/// (progress coalesced to ~30 a second). Ends when the job does, when the channel is
/// dropped, or when the view calls `unwatch_job` with the channel's id.
#[tauri::command]
#[specta::specta]
pub async fn watch_job(
    state: State<'_, AppState>,
    id: String,
    channel: Channel<LiveMessage>,
) -> IpcResult<Snapshot> {
    let watch = state.workspace.engine().watch(job_id(&id)?).await?;
    // The snapshot is this command's answer; the channel carries what follows it.
    let snapshot = watch.snapshot.clone();
    let channel_id = channel.id();
    let forwarding = live::forward_events(watch, move |message| channel.send(message).is_ok());
    tauri::async_runtime::spawn(state.watches.track(channel_id, forwarding));
    Ok(snapshot)
}

/// Stops forwarding a job's events to the view on `channel` (the channel's `id`); an
/// unknown or already finished channel is not an error.
#[tauri::command]
#[specta::specta]
pub fn unwatch_job(state: State<'_, AppState>, channel: u32) {
    state.watches.stop(channel);
}

fn export_error(e: ExportError) -> IpcError {
    IpcError::new(e.code(), e.to_string())
}

/// Renders a finished job's result in `format` (`markdown` or `json`); returns the text
/// with the job's title.
async fn render_export(
    state: &AppState,
    id: &str,
    format: ExportFormat,
) -> IpcResult<(String, String)> {
    let snapshot = state.workspace.engine().get(job_id(id)?).await?;
    let job = snapshot.job;
    let result = job
        .result
        .ok_or_else(|| IpcError::new("no_result", "this job has no result yet"))?;
    let text =
        strategy::export::render(&job.kind, &job.title, result, format).map_err(export_error)?;
    Ok((text, job.title))
}

fn export_format(format: &str) -> IpcResult<ExportFormat> {
    ExportFormat::parse(format).ok_or_else(|| {
        IpcError::invalid(format!(
            "unknown export format “{format}” (markdown or json)"
        ))
    })
}

/// A finished job's result as a Markdown document (programs, canvases, why-chains and
/// research reports) or as pretty JSON (any result).
#[tauri::command]
#[specta::specta]
pub async fn export_result(
    state: State<'_, AppState>,
    id: String,
    format: String,
) -> IpcResult<String> {
    let format = export_format(&format)?;
    Ok(render_export(&state, &id, format).await?.0)
}

/// Exports a finished job's result to a file the user picks in a save dialog (named after
/// the job); returns the path written, or `null` when the user cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_export(
    app: tauri::AppHandle,
    window: tauri::Window,
    state: State<'_, AppState>,
    id: String,
    format: String,
) -> IpcResult<Option<String>> {
    let format = export_format(&format)?;
    // Rendered first: a job with nothing to export fails before any dialog opens.
    let (text, title) = render_export(&state, &id, format).await?;
    let mut dialog = app
        .dialog()
        .file()
        .set_parent(&window)
        .set_title(format!("Export “{title}”"))
        .set_file_name(strategy::export::file_name(&title, format))
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
        .map_err(|_| IpcError::new("dialog", "the save dialog could not be shown"))?;
    let Some(chosen) = chosen else {
        return Ok(None);
    };
    let path = chosen
        .into_path()
        .map_err(|e| IpcError::new("dialog", format!("that location cannot be written: {e}")))?;
    let path = crate::save::with_extension(path, format.extension());
    let target = path.clone();
    tauri::async_runtime::spawn_blocking(move || {
        crate::save::write_atomically(&target, text.as_bytes())
    })
    .await
    .map_err(|e| IpcError::new("io", format!("saving stopped unexpectedly: {e}")))?
    .map_err(|e| IpcError::new("io", format!("could not save {}: {e}", path.display())))?;
    Ok(Some(path.to_string_lossy().into_owned()))
}

/// The current settings.
#[tauri::command]
#[specta::specta]
pub fn get_settings(state: State<'_, AppState>) -> Settings {
    state.settings()
}

/// Validates and saves new settings; returns them. Async, so the file write happens off the
/// main (UI) thread.
#[tauri::command]
#[specta::specta]
pub async fn update_settings(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    settings: Settings,
) -> IpcResult<Settings> {
    settings.validate().map_err(IpcError::invalid)?;
    crate::app::save_settings(&app, &state, settings.clone())?;
    Ok(settings)
}

/// Opens an `http(s)` address (a cited source, a link in a result) in the user's browser, or
/// a `mailto:` one in their mail app; any other scheme is refused, so model output can never
/// launch a program.
#[tauri::command]
#[specta::specta]
pub fn open_url(app: tauri::AppHandle, url: String) -> IpcResult<()> {
    use tauri_plugin_opener::OpenerExt;
    let address = openable(&url)?;
    app.opener()
        .open_url(address.as_str(), None::<&str>)
        .map_err(|e| {
            IpcError::new(
                "open_failed",
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

/// Stores the API key for a model server in the OS keyring.
#[tauri::command]
#[specta::specta]
pub fn set_api_key(base_url: String, key: String) -> IpcResult<()> {
    if key.trim().is_empty() {
        return Err(IpcError::invalid("the API key is empty"));
    }
    crate::secrets::set(&base_url, key.trim()).map_err(keyring_error)
}

/// Removes the API key for a model server.
#[tauri::command]
#[specta::specta]
pub fn clear_api_key(base_url: String) -> IpcResult<()> {
    crate::secrets::clear(&base_url).map_err(keyring_error)
}

/// Whether an API key is stored for a model server (the key itself never leaves Rust).
#[tauri::command]
#[specta::specta]
pub fn has_api_key(base_url: String) -> IpcResult<bool> {
    crate::secrets::is_set(&base_url).map_err(keyring_error)
}

fn keyring_error(e: keyring::Error) -> IpcError {
    IpcError::new(
        "keyring_unavailable",
        format!("the OS keyring is not available ({e}); the key was not stored"),
    )
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
            assert_eq!(err.code, "invalid_input", "{bad}");
        }
    }
}
