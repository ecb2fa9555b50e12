//! Shared test helpers: sample initiatives, workspaces on temp files, and a local HTTP
//! server that speaks the chat-completions protocol.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::NaiveDate;
use futures::StreamExt;
use jobs::EngineConfig;
use serde_json::{Value, json};
use strategy::artefact::ArtefactKind;
use strategy::provider::{OfflineScale, Providers};
use strategy::{Initiative, InitiativeDraft, Workspace, WorkspaceConfig};

/// A valid draft for a coffee bar.
pub fn coffee_draft() -> InitiativeDraft {
    InitiativeDraft {
        name: "Harbour Coffee".into(),
        description: "A specialty coffee bar and bakery by the ferry terminal serving commuters breakfast and espresso.".into(),
        industry: None,
        budget: 650_000.0,
        currency: "EUR".into(),
        horizon_months: 12,
        team_size: 7,
        start_date: NaiveDate::from_ymd_opt(2027, 1, 4).expect("date"),
        constraints: vec!["Open before the summer season".into()],
    }
}

/// A stored-looking initiative from a draft, without a database.
pub fn initiative(draft: InitiativeDraft) -> Initiative {
    let id = "00000000-0000-7000-8000-000000000001".to_owned();
    Initiative::from_draft(id, draft.validate().expect("valid draft"), 0, 0)
}

/// Engine settings on a fresh temp folder.
pub fn temp_config() -> (tempfile::TempDir, EngineConfig) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = EngineConfig::new(dir.path().join("charter.db"));
    config.progress_flush_interval = Duration::from_millis(50);
    config.cancel_grace = Duration::from_secs(2);
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
pub async fn open(config: &EngineConfig, providers: &Providers) -> Workspace {
    Workspace::open(WorkspaceConfig {
        engine: config.clone(),
        providers: providers.clone(),
        research: Default::default(),
    })
    .await
    .expect("open workspace")
}

/// A workspace on a temp folder with the coffee-bar initiative stored in it.
pub async fn workspace_with_initiative() -> (tempfile::TempDir, Workspace, Initiative) {
    let (dir, config) = temp_config();
    let workspace = open(&config, &fast_providers()).await;
    let initiative = workspace
        .initiatives()
        .create(coffee_draft())
        .await
        .expect("create");
    (dir, workspace, initiative)
}

/// Runs `work` against a workspace on its own runtime, then kills that runtime with no
/// shutdown code running (tasks dropped mid-flight), like a crash of the process.
pub fn crash_after<F, Fut, T>(config: &EngineConfig, providers: &Providers, work: F) -> T
where
    F: FnOnce(Workspace) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = T> + Send,
    T: Send + 'static,
{
    let config = config.clone();
    let providers = providers.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let out = rt.block_on(async move { work(open(&config, &providers).await).await });
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
// A chat-completions server

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Received {
    /// Artefact named in the prompt (`analysis`, `outline`…).
    pub artefact: String,
    /// The request body.
    pub body: Value,
    /// The Authorization header.
    pub authorization: Option<String>,
}

impl Received {
    /// Number of chat messages sent.
    pub fn messages(&self) -> usize {
        self.body["messages"].as_array().map_or(0, Vec::len)
    }

    /// Content of the last message.
    pub fn last_message(&self) -> String {
        self.body["messages"]
            .as_array()
            .and_then(|m| m.last())
            .and_then(|m| m["content"].as_str())
            .unwrap_or_default()
            .to_owned()
    }
}

/// What the server does with one request.
pub enum Reply {
    /// Streams this content as SSE chunks.
    Stream(String),
    /// Streams these chunks, then keeps the connection open sending nothing.
    StreamThenHang(Vec<String>),
    /// Answers with a plain (non-streamed) chat completion.
    Plain(String),
    /// Answers with a status, optional Retry-After and a body.
    Status(u16, Option<String>, String),
    /// Never answers.
    Hang,
    /// Waits until the gate opens, then streams.
    Gated(Arc<tokio::sync::Notify>, String),
}

type Script = dyn Fn(&Received, usize) -> Reply + Send + Sync;

struct ServerState {
    log: Mutex<Vec<Received>>,
    script: Mutex<Arc<Script>>,
    /// Set when a streamed response's body was dropped before it finished (connection closed).
    closed_early: Arc<AtomicBool>,
}

/// A local chat-completions server with a scripted behaviour and a request log.
pub struct ChatServer {
    /// Base URL to give the provider (ends in `/v1`).
    pub base_url: String,
    state: Arc<ServerState>,
}

impl ChatServer {
    /// Starts a server on an ephemeral port of the current runtime.
    pub async fn start(
        script: impl Fn(&Received, usize) -> Reply + Send + Sync + 'static,
    ) -> ChatServer {
        let state = Arc::new(ServerState {
            log: Mutex::new(Vec::new()),
            script: Mutex::new(Arc::new(script)),
            closed_early: Arc::new(AtomicBool::new(false)),
        });
        let app = Router::new()
            .route("/v1/chat/completions", post(handle))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr: SocketAddr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        ChatServer {
            base_url: format!("http://{addr}/v1"),
            state,
        }
    }

    /// Replaces the behaviour.
    pub fn set_script(&self, script: impl Fn(&Received, usize) -> Reply + Send + Sync + 'static) {
        *self.state.script.lock().expect("lock") = Arc::new(script);
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Received> {
        self.state.log.lock().expect("lock").clone()
    }

    /// Requests for one artefact.
    pub fn count(&self, artefact: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.artefact == artefact)
            .count()
    }

    /// Whether a streamed response was cut off by the client closing the connection.
    pub fn closed_early(&self) -> bool {
        self.state.closed_early.load(Ordering::SeqCst)
    }
}

async fn handle(
    State(state): State<Arc<ServerState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let user = body["messages"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["role"] == "user"))
        .and_then(|m| m["content"].as_str())
        .unwrap_or_default();
    let artefact = user
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("Artefact: "))
        .unwrap_or("unknown")
        .to_owned();
    let received = Received {
        artefact,
        body,
        authorization: headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    let n = {
        let mut log = state.log.lock().expect("lock");
        log.push(received.clone());
        log.len()
    };
    let script = state.script.lock().expect("lock").clone();
    match script(&received, n) {
        Reply::Stream(content) => sse(chunks(&content), false, state.closed_early.clone()),
        Reply::StreamThenHang(parts) => sse(parts, true, state.closed_early.clone()),
        Reply::Plain(content) => (
            [(header::CONTENT_TYPE, "application/json")],
            json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]}).to_string(),
        )
            .into_response(),
        Reply::Status(code, retry_after, body) => {
            let mut response = (StatusCode::from_u16(code).expect("status"), body).into_response();
            if let Some(value) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_str(&value).expect("header"));
            }
            response
        }
        Reply::Hang => {
            futures::future::pending::<()>().await;
            StatusCode::OK.into_response()
        }
        Reply::Gated(gate, content) => {
            gate.notified().await;
            sse(chunks(&content), false, state.closed_early.clone())
        }
    }
}

/// Splits content into small pieces, as a model streams tokens.
pub fn chunks(content: &str) -> Vec<String> {
    let chars: Vec<char> = content.chars().collect();
    chars.chunks(64).map(|c| c.iter().collect()).collect()
}

/// Sets `closed_early` when dropped before the stream finished.
struct CloseGuard {
    finished: bool,
    flag: Arc<AtomicBool>,
}

impl Drop for CloseGuard {
    fn drop(&mut self) {
        if !self.finished {
            self.flag.store(true, Ordering::SeqCst);
        }
    }
}

fn sse(parts: Vec<String>, hang: bool, closed_early: Arc<AtomicBool>) -> Response {
    let mut guard = CloseGuard {
        finished: false,
        flag: closed_early,
    };
    let events: Vec<Result<String, std::io::Error>> = parts
        .into_iter()
        .map(|p| {
            let chunk =
                json!({"choices": [{"index": 0, "delta": {"content": p}, "finish_reason": null}]});
            Ok(format!("data: {chunk}\n\n"))
        })
        .collect();
    let stream = futures::stream::iter(events)
        .then(|e| async move {
            tokio::time::sleep(Duration::from_millis(2)).await;
            e
        })
        .chain(futures::stream::once(async move {
            if hang {
                futures::future::pending::<()>().await;
            }
            guard.finished = true;
            drop(guard);
            Ok("data: [DONE]\n\n".to_owned())
        }));
    (
        [(header::CONTENT_TYPE, "text/event-stream")],
        Body::from_stream(stream),
    )
        .into_response()
}

/// The offline engine's answer for an artefact, as a model would send it.
pub fn offline_answer(initiative: &Initiative, artefact: &str) -> String {
    let scale = OfflineScale::for_initiative(initiative).expect("offline scale");
    let outline = scale.outline();
    let value = match artefact {
        "analysis" => {
            let mut a = serde_json::to_value(scale.analysis(initiative)).expect("json");
            // A model knows nothing of playbooks.
            a.as_object_mut().map(|o| o.remove("playbook"));
            a
        }
        "outline" => serde_json::to_value(&outline).expect("json"),
        "resources" => serde_json::to_value(scale.resources(&outline)).expect("json"),
        "risks" => serde_json::to_value(scale.risks(initiative)).expect("json"),
        "measures" => serde_json::to_value(scale.measures(&outline)).expect("json"),
        other => panic!("no answer for artefact {other}"),
    };
    value.to_string()
}

/// All artefact names in step order.
pub const ARTEFACTS: [ArtefactKind; 5] = [
    ArtefactKind::Analysis,
    ArtefactKind::Outline,
    ArtefactKind::Resources,
    ArtefactKind::Risks,
    ArtefactKind::Measures,
];

// ---------------------------------------------------------------------------
// A paced offline provider: the real offline engine, one call per permit

/// The offline engine behind a gate: each call waits for a permit, then is recorded.
pub struct Paced {
    permits: Arc<tokio::sync::Semaphore>,
    calls: Arc<Mutex<Vec<String>>>,
}

/// What a paced provider's calls are released with and recorded in.
#[derive(Clone)]
pub struct Pace {
    /// Add permits to let calls through.
    pub permits: Arc<tokio::sync::Semaphore>,
    /// One line per call that went through (`canvas_block:Channels`, `why_level:2`, `findings:S3`).
    pub calls: Arc<Mutex<Vec<String>>>,
}

impl Pace {
    /// Lets `n` more calls through.
    pub fn release(&self, n: usize) {
        self.permits.add_permits(n);
    }

    /// Calls made so far.
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().expect("lock").clone()
    }
}

/// Providers whose offline engine is paced, with the handle that paces it.
pub fn paced_providers() -> (Providers, Pace) {
    let pace = Pace {
        permits: Arc::new(tokio::sync::Semaphore::new(0)),
        calls: Arc::new(Mutex::new(Vec::new())),
    };
    let providers = Providers {
        offline: Arc::new(Paced {
            permits: pace.permits.clone(),
            calls: pace.calls.clone(),
        }),
        ..fast_providers()
    };
    (providers, pace)
}

impl strategy::provider::Provider for Paced {
    fn source(&self) -> strategy::provider::Source {
        strategy::provider::OfflineProvider.source()
    }

    fn generate<'a>(
        &'a self,
        request: strategy::provider::Request<'a>,
        io: &'a strategy::provider::Io,
    ) -> futures::future::BoxFuture<'a, Result<Value, strategy::provider::ProviderError>> {
        Box::pin(async move {
            tokio::select! {
                _ = io.cancel.cancelled() => return Err(strategy::provider::ProviderError::Cancelled),
                permit = self.permits.acquire() => permit.expect("semaphore").forget(),
            }
            use strategy::artefact::ResearchAsk;
            let detail = match &request.context.research {
                Some(ResearchAsk::CanvasBlock { block, .. }) => block.title().to_owned(),
                Some(ResearchAsk::WhyLevel { chain, .. }) => (chain.len() + 1).to_string(),
                Some(ResearchAsk::Findings { source, .. }) => source.id.clone(),
                None => String::new(),
            };
            self.calls
                .lock()
                .expect("lock")
                .push(format!("{}:{detail}", request.kind.as_str()));
            strategy::provider::OfflineProvider
                .generate(request, io)
                .await
        })
    }
}

/// A workspace whose offline engine is paced, with the coffee-bar initiative stored.
pub async fn paced_workspace() -> (tempfile::TempDir, Workspace, Initiative, Pace) {
    let (dir, config) = temp_config();
    let (providers, pace) = paced_providers();
    let workspace = open(&config, &providers).await;
    let initiative = workspace
        .initiatives()
        .create(coffee_draft())
        .await
        .expect("create");
    (dir, workspace, initiative, pace)
}

/// Polls the job until it has `n` partials (10 s at most).
pub async fn wait_partials(workspace: &Workspace, id: jobs::JobId, n: usize) {
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
pub fn result<T: serde::de::DeserializeOwned>(snapshot: &jobs::Snapshot) -> T {
    assert_eq!(
        snapshot.job.status,
        jobs::JobStatus::Completed,
        "{:?}",
        snapshot.job.error
    );
    serde_json::from_value(snapshot.job.result.clone().expect("result")).expect("result shape")
}

/// Waits for a job to finish (30 s at most) and returns its final snapshot.
pub async fn wait_finished(workspace: &Workspace, id: jobs::JobId) -> jobs::Snapshot {
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
