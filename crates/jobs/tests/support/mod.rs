//! Shared test kinds and helpers for the engine's integration tests.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use jobs::{
    Engine, EngineConfig, JobContext, JobError, JobId, JobKind, JobStatus, Snapshot, StartJob,
    WatchItem,
};
use serde::{Deserialize, Serialize};

/// One step of a [`Steps`] job.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StepSpec {
    pub name: String,
    /// How long the step works.
    #[serde(default)]
    pub ms: u64,
    /// Progress updates emitted during the step.
    #[serde(default)]
    pub ticks: u32,
    /// Emit a partial at the end of the step.
    #[serde(default)]
    pub partial: bool,
    /// Fail instead of completing.
    #[serde(default)]
    pub fail: bool,
    /// Ignore cancellation while working.
    #[serde(default)]
    pub stubborn: bool,
}

/// Input of a [`Steps`] job.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StepsInput {
    pub steps: Vec<StepSpec>,
}

impl StepsInput {
    pub fn named(names: &[&str], ms: u64) -> Self {
        StepsInput {
            steps: names
                .iter()
                .map(|n| StepSpec {
                    name: n.to_string(),
                    ms,
                    ticks: 3,
                    partial: true,
                    ..Default::default()
                })
                .collect(),
        }
    }
}

/// Which (job, step name) pairs actually executed, in order.
pub type Executions = Arc<Mutex<Vec<(JobId, String)>>>;

/// A job kind made of named steps that sleep, tick progress and emit partials.
#[derive(Clone)]
pub struct Steps {
    pub name: &'static str,
    pub executions: Executions,
    pub concurrency: Option<usize>,
    pub resumable: bool,
    /// Steps whose failure is switched off after the first run (for retry tests).
    pub fail_once: Arc<Mutex<HashMap<String, bool>>>,
}

impl Steps {
    pub fn new(name: &'static str) -> Self {
        Steps {
            name,
            executions: Arc::new(Mutex::new(Vec::new())),
            concurrency: None,
            resumable: true,
            fail_once: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    pub fn ran(&self, id: JobId) -> Vec<String> {
        self.executions
            .lock()
            .unwrap()
            .iter()
            .filter(|(j, _)| *j == id)
            .map(|(_, s)| s.clone())
            .collect()
    }
}

/// Output of a [`Steps`] job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepsOutput {
    pub done: Vec<String>,
}

impl JobKind for Steps {
    type Input = StepsInput;
    type Output = StepsOutput;

    fn name(&self) -> &str {
        self.name
    }

    fn resumable(&self) -> bool {
        self.resumable
    }

    fn max_concurrency(&self) -> Option<usize> {
        self.concurrency
    }

    fn validate(&self, input: &StepsInput) -> Result<(), String> {
        if input.steps.iter().any(|s| s.name.is_empty()) {
            return Err("every step needs a name".into());
        }
        Ok(())
    }

    async fn run(&self, input: StepsInput, ctx: JobContext) -> Result<StepsOutput, JobError> {
        let total = input.steps.len().max(1) as f64;
        let mut done = Vec::new();
        for (i, spec) in input.steps.iter().enumerate() {
            let executions = self.executions.clone();
            let fail_once = self.fail_once.clone();
            let ctx2 = ctx.clone();
            let spec2 = spec.clone();
            let out: String = ctx
                .step(&spec.name, async move {
                    executions
                        .lock()
                        .unwrap()
                        .push((ctx2.job_id(), spec2.name.clone()));
                    let ticks = spec2.ticks.max(1);
                    for t in 0..ticks {
                        let pct = (i as f64 + (t as f64 + 1.0) / ticks as f64) / total * 100.0;
                        ctx2.progress(pct, format!("{} {}/{}", spec2.name, t + 1, ticks));
                        let pause = Duration::from_millis(spec2.ms / ticks as u64);
                        if spec2.stubborn {
                            tokio::time::sleep(pause).await;
                        } else {
                            tokio::select! {
                                _ = tokio::time::sleep(pause) => {}
                                _ = ctx2.cancelled() => return Err(JobError::cancelled()),
                            }
                        }
                    }
                    let fail_now = spec2.fail
                        || fail_once
                            .lock()
                            .unwrap()
                            .remove(&spec2.name)
                            .unwrap_or(false);
                    if fail_now {
                        return Err(JobError::retryable(
                            "boom",
                            format!("{} failed", spec2.name),
                        ));
                    }
                    if spec2.partial {
                        ctx2.partial(&serde_json::json!({ "step": spec2.name }))?;
                    }
                    Ok(format!("{}:done", spec2.name))
                })
                .await?;
            done.push(out);
        }
        Ok(StepsOutput { done })
    }
}

/// A fresh temp dir and a config with fast timings for tests.
pub fn temp_config() -> (tempfile::TempDir, EngineConfig) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = EngineConfig::new(dir.path().join("jobs.db"));
    config.progress_flush_interval = Duration::from_millis(50);
    config.cancel_grace = Duration::from_millis(500);
    config.prune_interval = None;
    (dir, config)
}

pub async fn open(config: &EngineConfig, kind: &Steps) -> Engine {
    Engine::builder(config.clone())
        .register(kind.clone())
        .open()
        .await
        .expect("engine opens")
}

pub async fn start(engine: &Engine, kind: &Steps, input: &StepsInput) -> JobId {
    engine
        .start(StartJob::new(
            kind.name,
            "Test job",
            serde_json::to_value(input).unwrap(),
        ))
        .await
        .expect("job starts")
}

/// Starts a one-step job with a title and session; `fail` makes its step fail.
pub async fn start_titled(
    engine: &Engine,
    kind: &Steps,
    title: &str,
    session: &str,
    fail: bool,
) -> JobId {
    let mut input = StepsInput::named(&["only"], 1);
    input.steps[0].fail = fail;
    engine
        .start(
            StartJob::new(kind.name, title, serde_json::to_value(&input).unwrap()).session(session),
        )
        .await
        .unwrap()
}

/// Waits (up to 20 s) for the job to reach a terminal state and returns its final snapshot.
pub async fn wait_finished(engine: &Engine, id: JobId) -> Snapshot {
    let fut = async {
        let mut watch = engine.watch(id).await.expect("watch");
        while let Some(item) = watch.events.next().await {
            if let WatchItem::Event(e) = item {
                match e.change {
                    jobs::JobChange::Finished { snapshot } => return *snapshot,
                    jobs::JobChange::Lost { reason } => eprintln!("job {id} lost: {reason}"),
                    _ => {}
                }
            }
        }
        engine.get(id).await.expect("get")
    };
    tokio::time::timeout(Duration::from_secs(20), fut)
        .await
        .expect("job finishes within 20 s")
}

/// Polls until `f` holds (up to 10 s).
pub async fn eventually<F: FnMut() -> bool>(mut f: F) {
    for _ in 0..1000 {
        if f() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("condition not reached within 10 s");
}

pub fn is_terminal(s: JobStatus) -> bool {
    s.is_finished()
}

/// Runs `work` against an engine on its own runtime, then kills that runtime without
/// any shutdown code running (tasks dropped mid-flight), like a crash of the process.
pub fn crash_after<F, Fut, T>(config: &EngineConfig, kind: &Steps, work: F) -> T
where
    F: FnOnce(Engine) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = T> + Send,
    T: Send + 'static,
{
    let config = config.clone();
    let kind = kind.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let out = rt.block_on(async move {
            let engine = open(&config, &kind).await;
            work(engine).await
        });
        // Drops every task where it stands (no shutdown code runs) and waits for the threads.
        rt.shutdown_timeout(std::time::Duration::from_secs(5));
        out
    })
    .join()
    .expect("crashing thread")
}

/// A multi-thread runtime for sync tests.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// A read-only connection straight to the file, bypassing the engine.
async fn raw_connection(path: &std::path::Path) -> sqlx::SqliteConnection {
    use sqlx::Connection;
    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true);
    sqlx::SqliteConnection::connect_with(&opts)
        .await
        .expect("connect")
}

/// Runs `PRAGMA integrity_check` on the file.
pub async fn integrity(path: &std::path::Path) -> String {
    sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut raw_connection(path).await)
        .await
        .expect("integrity_check")
}

/// Status of every job, straight from the file.
pub async fn raw_statuses(path: &std::path::Path) -> Vec<(String, String)> {
    sqlx::query_as("SELECT id, status FROM jobs ORDER BY id")
        .fetch_all(&mut raw_connection(path).await)
        .await
        .expect("statuses")
}

/// A read-write connection straight to the file, beside the engine (for putting rows in
/// states a test cannot reach through the API).
pub async fn raw_write_connection(path: &std::path::Path) -> sqlx::SqliteConnection {
    use sqlx::Connection;
    let opts = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .busy_timeout(Duration::from_secs(5));
    sqlx::SqliteConnection::connect_with(&opts)
        .await
        .expect("connect")
}

/// Sets the finish time of these jobs straight in the file (to age them for retention).
pub async fn set_finished_at(path: &std::path::Path, ids: &[JobId], finished_at: i64) {
    use sqlx::Connection;
    let mut conn = raw_write_connection(path).await;
    for id in ids {
        let r = sqlx::query("UPDATE jobs SET finished_at = ? WHERE id = ?")
            .bind(finished_at)
            .bind(id.to_string())
            .execute(&mut conn)
            .await
            .expect("update finished_at");
        assert_eq!(r.rows_affected(), 1, "job {id} is stored");
    }
    conn.close().await.expect("close");
}

/// Input of a [`Gated`] job: `steps` steps named "`label` `i`".
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GatedInput {
    pub label: String,
    pub steps: u32,
}

/// A kind whose every step waits until the test lets one step through ([`Gated::open`]),
/// so a test decides when each step ends. Step names carry the job's label, so they
/// differ per run when the labels do.
#[derive(Clone)]
pub struct Gated {
    pub name: &'static str,
    gate: Arc<tokio::sync::Semaphore>,
}

impl Gated {
    pub fn new(name: &'static str) -> Self {
        Gated {
            name,
            gate: Arc::new(tokio::sync::Semaphore::new(0)),
        }
    }

    /// Lets one waiting (or the next) step finish.
    pub fn open(&self) {
        self.gate.add_permits(1);
    }
}

impl JobKind for Gated {
    type Input = GatedInput;
    type Output = u32;

    fn name(&self) -> &str {
        self.name
    }

    async fn run(&self, input: GatedInput, ctx: JobContext) -> Result<u32, JobError> {
        for i in 0..input.steps {
            let gate = self.gate.clone();
            let cancel = ctx.clone();
            ctx.step(&format!("{} {i}", input.label), async move {
                tokio::select! {
                    permit = gate.acquire() => {
                        permit.map_err(|_| JobError::new("closed", "the gate closed"))?.forget();
                        Ok(i)
                    }
                    _ = cancel.cancelled() => Err(JobError::cancelled()),
                }
            })
            .await?;
        }
        Ok(input.steps)
    }
}

/// Starts a [`Gated`] job.
pub async fn start_gated(engine: &Engine, kind: &Gated, label: &str, steps: u32) -> JobId {
    let input = GatedInput {
        label: label.to_owned(),
        steps,
    };
    engine
        .start(StartJob::new(
            kind.name,
            label,
            serde_json::to_value(&input).unwrap(),
        ))
        .await
        .expect("job starts")
}

/// Waits (up to 10 s) until step `index` of the job is running, and returns that snapshot.
pub async fn step_running(engine: &Engine, id: JobId, index: u32) -> Snapshot {
    for _ in 0..1000 {
        let snapshot = engine.get(id).await.expect("get");
        let running = snapshot
            .steps
            .iter()
            .any(|s| s.index == index && s.status == jobs::StepStatus::Running);
        if running {
            return snapshot;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("step {index} of job {id} did not start within 10 s");
}
