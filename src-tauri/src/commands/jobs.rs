//! Job commands: start an operation, read, list, watch and act on jobs.

use jobs::{JobQuery, JobRecord, Page, ResumePreview, Snapshot, Started, StatusCounts};
use serde::{Deserialize, Serialize};
use tauri::State;
use tauri::ipc::Channel;

use super::{count, job_id, job_ids};
use crate::error::{IpcError, IpcResult};
use crate::live::{self, LiveMessage};
use crate::state::AppState;

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
/// job at once: a new one, or the same request's job still pending, running or paused
/// (`joined`).
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn start_operation(
    state: State<'_, AppState>,
    initiative_id: String,
    operation: Operation,
) -> IpcResult<Started> {
    let settings = state.settings();
    let ws = &state.workspace;
    let started = match operation {
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
    Ok(started)
}

/// Starts Run all on an initiative: research, a canvas that waits for it and cites its
/// findings, and the program (five whys needs the user's problem, so it is not included).
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn run_all(
    state: State<'_, AppState>,
    initiative_id: String,
) -> IpcResult<strategy::RunAll> {
    let settings = state.settings();
    Ok(state
        .workspace
        .run_all(&initiative_id, settings.provider, settings.search)
        .await?)
}

/// A job with its steps and partials.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn get_job(state: State<'_, AppState>, id: String) -> IpcResult<Snapshot> {
    Ok(state.workspace.engine().get(job_id(&id)?).await?)
}

/// A page of jobs matching the filters (keyset paging: pass `next` as `after`).
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn list_jobs(state: State<'_, AppState>, query: JobQuery) -> IpcResult<Page> {
    Ok(state.workspace.engine().list(&query).await?)
}

/// Counts per status, optionally for one kind.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn job_counts(
    state: State<'_, AppState>,
    kind: Option<String>,
) -> IpcResult<StatusCounts> {
    Ok(state.workspace.engine().counts(kind.as_deref()).await?)
}

/// Jobs running or waiting now.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub fn running_jobs(state: State<'_, AppState>) -> Vec<JobRecord> {
    state.workspace.engine().running()
}

/// The newest job of an initiative, optionally of one kind.
#[tauri::command(root = "ipc_args")]
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
#[tauri::command(root = "ipc_args")]
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
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn cancel_job(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    Ok(state.workspace.engine().cancel(job_id(&id)?).await?)
}

/// Pauses a pending, running or waiting job (it keeps its steps; Resume goes on from them).
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn pause_job(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    Ok(state.workspace.engine().pause(job_id(&id)?).await?)
}

/// Resumes a paused job now, whatever it was waiting for.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn resume_job(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    Ok(state.workspace.engine().resume(job_id(&id)?).await?)
}

/// Raises a job's spending cap by `extra_micros`; a job paused over budget continues.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn raise_spend_limit(
    state: State<'_, AppState>,
    id: String,
    extra_micros: f64,
) -> IpcResult<()> {
    if !extra_micros.is_finite() || extra_micros <= 0.0 || extra_micros > MAX_RAISE_MICROS {
        return Err(IpcError::invalid(
            "the amount to add must be more than zero and at most one million",
        ));
    }
    let id = job_id(&id)?;
    // Whole micros: the amount came from a decimal the user typed.
    let extra = extra_micros.round() as i64;
    Ok(state.workspace.engine().raise_limit(id, extra).await?)
}

/// The most one "Continue" may add: a million in the prices' currency.
const MAX_RAISE_MICROS: f64 = 1e12;

/// A job's model calls: each call, and totals per step and for the run.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn job_usage(state: State<'_, AppState>, id: String) -> IpcResult<jobs::JobUsage> {
    Ok(state.workspace.engine().usage(job_id(&id)?).await?)
}

/// Runs a failed, cancelled or interrupted job again from its last completed step.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn retry_job(state: State<'_, AppState>, id: String) -> IpcResult<()> {
    Ok(state.workspace.engine().retry(job_id(&id)?).await?)
}

/// What running the job again would reuse and run: from `from_step` as a new job, or
/// without one as a retry or resume of this job.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn preview_run_again(
    state: State<'_, AppState>,
    id: String,
    from_step: Option<u32>,
) -> IpcResult<ResumePreview> {
    let id = job_id(&id)?;
    let engine = state.workspace.engine();
    Ok(match from_step {
        Some(step) => engine.preview_fork(id, step).await?,
        None => engine.preview(id).await?,
    })
}

/// Runs a finished job again as a new job linked to it, reusing its steps before
/// `from_step` (0: from scratch); with `current_provider`, on the provider now in the
/// settings. Returns the new job's id; the original stays as it was.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn run_again(
    state: State<'_, AppState>,
    id: String,
    from_step: u32,
    current_provider: bool,
) -> IpcResult<String> {
    let provider = current_provider.then(|| state.settings().provider);
    let new = state
        .workspace
        .run_again(job_id(&id)?, from_step, provider)
        .await?;
    Ok(new.to_string())
}

/// Deletes finished jobs; returns how many were deleted.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn delete_jobs(state: State<'_, AppState>, ids: Vec<String>) -> IpcResult<u32> {
    Ok(count(
        state.workspace.engine().delete(&job_ids(&ids)?).await?,
    ))
}

/// How many stored jobs match the filters, text and time included (paging fields ignored):
/// the exact number a bulk action over the same filters will touch.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn count_matching_jobs(state: State<'_, AppState>, query: JobQuery) -> IpcResult<u32> {
    Ok(count(
        state.workspace.engine().count_matching(&query).await?,
    ))
}

/// Deletes every finished job matching the filters (paging fields ignored; running and
/// waiting jobs are skipped); returns how many were deleted.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn delete_matching_jobs(state: State<'_, AppState>, query: JobQuery) -> IpcResult<u32> {
    Ok(count(
        state.workspace.engine().delete_matching(&query).await?,
    ))
}

/// Retries every failed, cancelled or interrupted job matching the filters (paging fields
/// ignored); returns how many were queued again.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn retry_matching_jobs(state: State<'_, AppState>, query: JobQuery) -> IpcResult<u32> {
    Ok(count(
        state.workspace.engine().retry_matching(&query).await?,
    ))
}

/// Records that the user has seen these jobs' outcomes.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn mark_seen(state: State<'_, AppState>, ids: Vec<String>) -> IpcResult<u32> {
    Ok(count(
        state.workspace.engine().mark_seen(&job_ids(&ids)?).await?,
    ))
}

/// Pins a job so retention never removes it (or unpins it).
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub async fn pin_job(state: State<'_, AppState>, id: String, pinned: bool) -> IpcResult<()> {
    Ok(state.workspace.engine().pin(job_id(&id)?, pinned).await?)
}

/// Watches a job: returns its snapshot; every later event follows on `channel` in order
/// (progress coalesced to ~30 a second). Ends when the job does, when the channel is
/// dropped, or when the view calls `unwatch_job` with the channel's id.
#[tauri::command(root = "ipc_args")]
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
    let forwarding =
        live::forward_events(watch.events, move |message| channel.send(message).is_ok());
    tauri::async_runtime::spawn(state.watches.track(channel_id, forwarding));
    Ok(snapshot)
}

/// Stops forwarding a job's events to the view on `channel` (the channel's `id`); an
/// unknown or already finished channel is not an error.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub fn unwatch_job(state: State<'_, AppState>, channel: u32) {
    state.watches.stop(channel);
}

/// What the app holds open for live job views (the soak test reads it; both fall back to
/// zero once no view is open).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct LiveViews {
    /// Subscriptions to running jobs in the engine.
    pub engine_watchers: u32,
    /// Job views forwarded to the webview over IPC channels.
    pub forwarders: u32,
}

/// How many live job views are open now.
#[tauri::command(root = "ipc_args")]
#[specta::specta]
pub fn live_views(state: State<'_, AppState>) -> LiveViews {
    LiveViews {
        engine_watchers: count(state.workspace.engine().watching() as u64),
        forwarders: count(state.watches.len() as u64),
    }
}
