//! A local server speaking the chat-completions protocol, with a scripted behaviour and a
//! log of what it received; and the offline engine's answers as a model would send them.

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
use futures::StreamExt;
use serde_json::{Value, json};
use strategy::Initiative;
use strategy::artefact::ArtefactKind;
use strategy::provider::OfflineScale;

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
