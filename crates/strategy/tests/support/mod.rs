//! Shared test helpers: sample initiatives, workspaces on temp folders, offline runs of each
//! operation, waiting for jobs, captured logs; a chat-completions server (`chat.rs`) answering
//! as a model would (`answers.rs`), and a paced offline engine (`paced.rs`).
#![allow(dead_code, unused_imports)]

mod answers;
mod chat;
pub mod exports;
mod logs;
mod paced;
mod sample;

use std::time::Duration;

use futures::StreamExt;
use jobs::{JobId, Snapshot};
use strategy::provider::Providers;
use strategy::research::SearchChoice;
use strategy::{Initiative, InitiativeDraft, ProviderChoice, Workspace, WorkspaceConfig};

pub use answers::{ARTEFACTS, initiative_from_prompt, offline_answer, program_answer};
pub use chat::{ChatServer, Received, Reply, Reported, chunks};
pub use logs::Logs;
pub use paced::{Pace, Paced, paced_providers, paced_workspace};
pub use sample::coffee_draft;

/// A stored-looking initiative from a draft, without a database.
pub fn initiative(draft: InitiativeDraft) -> Initiative {
    let id = "00000000-0000-7000-8000-000000000001".to_owned();
    Initiative::from_draft(id, draft.validate().expect("valid draft"), 0, 0)
}

/// Workspace settings on a fresh temp folder: quick engine timings, fast providers.
pub fn temp_config() -> (tempfile::TempDir, WorkspaceConfig) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = WorkspaceConfig::new(dir.path());
    config.engine.progress_flush_interval = Duration::from_millis(50);
    config.engine.cancel_grace = Duration::from_secs(2);
    config.providers = fast_providers();
    (dir, config)
}

/// Provider settings with short timeouts and backoffs for tests.
pub fn fast_providers() -> Providers {
    let mut providers = Providers::default();
    providers.http.read_timeout = Duration::from_millis(800);
    providers.http.connect_timeout = Duration::from_millis(800);
    providers.http.base_backoff = Duration::from_millis(20);
    providers.http.max_attempts = 3;
    providers
}

/// Opens a workspace.
pub async fn open(config: &WorkspaceConfig) -> Workspace {
    Workspace::open(config.clone())
        .await
        .expect("open workspace")
}

/// A workspace on `config` with the coffee-bar initiative stored in it.
pub async fn open_with_initiative(config: &WorkspaceConfig) -> (Workspace, Initiative) {
    let workspace = open(config).await;
    let initiative = workspace
        .initiatives()
        .create(coffee_draft())
        .await
        .expect("create");
    (workspace, initiative)
}

/// A workspace on a temp folder with the coffee-bar initiative stored in it.
pub async fn workspace_with_initiative() -> (tempfile::TempDir, Workspace, Initiative) {
    let (dir, config) = temp_config();
    let (workspace, initiative) = open_with_initiative(&config).await;
    (dir, workspace, initiative)
}

/// Runs `work` against a workspace on its own runtime, then kills that runtime with no
/// shutdown code running (tasks dropped mid-flight), like a crash of the process.
pub fn crash_after<F, Fut, T>(config: &WorkspaceConfig, work: F) -> T
where
    F: FnOnce(Workspace) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = T> + Send,
    T: Send + 'static,
{
    let config = config.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let out = rt.block_on(async move { work(open(&config).await).await });
        rt.shutdown_timeout(Duration::from_secs(5));
        out
    })
    .join()
    .expect("crashing thread")
}

/// Polls `f` every 10 ms for up to 10 s.
pub async fn eventually<F: FnMut() -> bool>(what: &str, mut f: F) {
    for _ in 0..1000 {
        if f() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

// ---------------------------------------------------------------------------
// Each operation started offline, or run offline to its end

/// Starts generating the initiative's program offline.
pub async fn start_program(workspace: &Workspace, initiative: &Initiative) -> JobId {
    workspace
        .generate_program(&initiative.id, ProviderChoice::Offline)
        .await
        .expect("start the program")
        .id
}

/// Starts researching the initiative's canvas offline.
pub async fn start_canvas(workspace: &Workspace, initiative: &Initiative) -> JobId {
    workspace
        .research_canvas(&initiative.id, ProviderChoice::Offline)
        .await
        .expect("start the canvas")
        .id
}

/// Starts asking why about `problem` offline, at most `depth` levels deep.
pub async fn start_five_whys(
    workspace: &Workspace,
    initiative: &Initiative,
    problem: &str,
    depth: u32,
) -> JobId {
    workspace
        .five_whys(&initiative.id, problem, depth, ProviderChoice::Offline)
        .await
        .expect("start the five whys")
        .id
}

/// Starts researching the initiative offline with the standard questions.
pub async fn start_research(workspace: &Workspace, initiative: &Initiative) -> JobId {
    workspace
        .web_research(
            &initiative.id,
            Vec::new(),
            ProviderChoice::Offline,
            SearchChoice::Offline,
        )
        .await
        .expect("start the research")
        .id
}

/// Generates the initiative's program offline.
pub async fn program(workspace: &Workspace, initiative: &Initiative) -> Snapshot {
    wait_finished(workspace, start_program(workspace, initiative).await).await
}

/// Researches the initiative's canvas offline.
pub async fn canvas(workspace: &Workspace, initiative: &Initiative) -> Snapshot {
    wait_finished(workspace, start_canvas(workspace, initiative).await).await
}

/// Asks why about `problem` offline, at most `depth` levels deep.
pub async fn five_whys(
    workspace: &Workspace,
    initiative: &Initiative,
    problem: &str,
    depth: u32,
) -> Snapshot {
    let id = start_five_whys(workspace, initiative, problem, depth).await;
    wait_finished(workspace, id).await
}

/// Researches the initiative offline with the standard questions.
pub async fn research(workspace: &Workspace, initiative: &Initiative) -> Snapshot {
    wait_finished(workspace, start_research(workspace, initiative).await).await
}

// ---------------------------------------------------------------------------
// Waiting for jobs and reading what they made

/// Polls the job until it has `n` partials (10 s at most).
pub async fn wait_partials(workspace: &Workspace, id: JobId, n: usize) {
    for _ in 0..1000 {
        let snapshot = workspace.engine().get(id).await.expect("get");
        if snapshot.partials.len() >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {n} partials");
}

/// A completed job's result, read as `T` (fails the test if the job did not complete).
pub fn result<T: serde::de::DeserializeOwned>(snapshot: &Snapshot) -> T {
    assert_eq!(
        snapshot.job.status,
        jobs::JobStatus::Completed,
        "{:?}",
        snapshot.job.error
    );
    serde_json::from_value(snapshot.job.result.clone().expect("result")).expect("result shape")
}

/// A job's partials, each read as `T`.
pub fn partial_values<T: serde::de::DeserializeOwned>(snapshot: &Snapshot) -> Vec<T> {
    snapshot
        .partials
        .iter()
        .map(|p| serde_json::from_value(p.value.clone()).expect("partial shape"))
        .collect()
}

/// The job once it has finished, waiting through pauses (a pause ends a watch's run as
/// [`wait_finished`] sees it); 30 s at most.
pub async fn wait_done(workspace: &Workspace, id: JobId) -> Snapshot {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let snapshot = workspace.engine().get(id).await.expect("get");
        if snapshot.job.status.is_finished() {
            return snapshot;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still {:?}",
            snapshot.job.status
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits for a job to finish (30 s at most) and returns its final snapshot.
pub async fn wait_finished(workspace: &Workspace, id: JobId) -> Snapshot {
    let wait = async {
        let mut watch = workspace.engine().watch(id).await.expect("watch");
        if watch.snapshot.job.status.is_finished() {
            return watch.snapshot;
        }
        while let Some(item) = watch.events.next().await {
            if let jobs::WatchItem::Event(event) = item
                && let jobs::JobChange::Finished { snapshot } = event.change
            {
                return *snapshot;
            }
        }
        workspace.engine().get(id).await.expect("get")
    };
    tokio::time::timeout(Duration::from_secs(30), wait)
        .await
        .expect("job finished in time")
}

/// Dependencies of the `i`-th random task: ids of earlier tasks (`t0`…), picked by `picks`,
/// sorted and without repeats, so every random network is acyclic.
pub fn earlier_ids(i: usize, picks: &[proptest::sample::Index]) -> Vec<String> {
    if i == 0 {
        return Vec::new();
    }
    let mut ids: Vec<String> = picks.iter().map(|p| format!("t{}", p.index(i))).collect();
    ids.sort();
    ids.dedup();
    ids
}
