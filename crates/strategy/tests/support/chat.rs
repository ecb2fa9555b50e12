//! A local server speaking the chat-completions protocol, with a scripted behaviour and a
//! log of what it received; and the offline engine's answers as a model would send them.
//! It can be stopped (connections refused) and started again on the same port, cut a stream
//! mid-answer, and reports `usage` in a final chunk when asked, logging the figures it sent.
//! The `model_server` example runs it as a process for end-to-end tests.

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
use tokio_util::sync::CancellationToken;

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

    /// The bearer token sent, if any.
    pub fn key(&self) -> Option<&str> {
        self.authorization.as_deref()?.strip_prefix("Bearer ")
    }

    /// Whether the request asked for usage in the stream (`stream_options.include_usage`).
    pub fn wants_usage(&self) -> bool {
        self.body["stream_options"]["include_usage"] == true
    }

    /// The server's prompt-token figure for this request: one token per word of every message.
    pub fn prompt_tokens(&self) -> u64 {
        self.body["messages"].as_array().map_or(0, |m| {
            m.iter()
                .filter_map(|m| m["content"].as_str())
                .map(|c| c.split_whitespace().count() as u64)
                .sum()
        })
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
    /// Streams the first this-many chunks of the content, then breaks the connection.
    Cut(String, usize),
}

/// The usage figures the server sent for one streamed answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Reported {
    /// Prompt tokens (words of the messages).
    pub prompt_tokens: u64,
    /// Completion tokens (chunks streamed).
    pub completion_tokens: u64,
}

type Script = dyn Fn(&Received, usize) -> Reply + Send + Sync;

struct ServerState {
    log: Mutex<Vec<Received>>,
    script: Mutex<Arc<Script>>,
    /// Set when a streamed response's body was dropped before it finished (connection closed).
    closed_early: Arc<AtomicBool>,
    /// Usage sent in final chunks, in order.
    reported: Mutex<Vec<Reported>>,
    /// Cancelled when the server stops: the listener closes and open streams break.
    running: Mutex<Option<CancellationToken>>,
}

/// A local chat-completions server with a scripted behaviour and a request log.
pub struct ChatServer {
    /// Base URL to give the provider (ends in `/v1`).
    pub base_url: String,
    addr: SocketAddr,
    state: Arc<ServerState>,
}

impl ChatServer {
    /// Starts a server on an ephemeral port of the current runtime.
    pub async fn start(
        script: impl Fn(&Received, usize) -> Reply + Send + Sync + 'static,
    ) -> ChatServer {
        ChatServer::on_port(0, script).await.expect("bind")
    }

    /// Starts a server on `port` of 127.0.0.1 (0: any free port).
    pub async fn on_port(
        port: u16,
        script: impl Fn(&Received, usize) -> Reply + Send + Sync + 'static,
    ) -> std::io::Result<ChatServer> {
        let server = ChatServer::stopped_on(port, script)?;
        server.restart().await?;
        Ok(server)
    }

    /// A server that refuses connections on `port` (0: any free port) until [`restart`]ed.
    ///
    /// [`restart`]: ChatServer::restart
    pub fn stopped_on(
        port: u16,
        script: impl Fn(&Received, usize) -> Reply + Send + Sync + 'static,
    ) -> std::io::Result<ChatServer> {
        // Reserve a port number, then let it go: connections to it are refused.
        let addr = std::net::TcpListener::bind(("127.0.0.1", port))?.local_addr()?;
        let state = Arc::new(ServerState {
            log: Mutex::new(Vec::new()),
            script: Mutex::new(Arc::new(script)),
            closed_early: Arc::new(AtomicBool::new(false)),
            reported: Mutex::new(Vec::new()),
            running: Mutex::new(None),
        });
        Ok(ChatServer {
            base_url: format!("http://{addr}/v1"),
            addr,
            state,
        })
    }

    /// Listens again on the same port (a no-op when running).
    pub async fn restart(&self) -> std::io::Result<()> {
        if self.state.running.lock().expect("lock").is_some() {
            return Ok(());
        }
        let listener = tokio::net::TcpListener::bind(self.addr).await?;
        let stop = CancellationToken::new();
        *self.state.running.lock().expect("lock") = Some(stop.clone());
        let app = Router::new()
            .route("/v1/chat/completions", post(handle))
            .route("/v1/models", axum::routing::get(models))
            .with_state(self.state.clone());
        tokio::spawn(async move {
            let stopped = stop.clone();
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move { stopped.cancelled().await })
                .await;
        });
        Ok(())
    }

    /// Stops listening and breaks every open stream, like a killed server; returns once
    /// connections are refused.
    pub async fn stop(&self) {
        let Some(stop) = self.state.running.lock().expect("lock").take() else {
            return;
        };
        stop.cancel();
        for _ in 0..500 {
            if tokio::net::TcpStream::connect(self.addr).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!(
            "the chat server at {} kept accepting connections",
            self.addr
        );
    }

    /// Whether it accepts connections.
    pub fn is_running(&self) -> bool {
        self.state.running.lock().expect("lock").is_some()
    }

    /// The provider choice that talks to this server (model `test-model`).
    pub fn choice(&self) -> strategy::ProviderChoice {
        strategy::ProviderChoice::OpenaiCompatible {
            base_url: self.base_url.clone(),
            model: "test-model".into(),
        }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Usage figures sent so far, one per streamed answer that finished.
    pub fn reported(&self) -> Vec<Reported> {
        self.state.reported.lock().expect("lock").clone()
    }

    /// The sum of [`reported`](ChatServer::reported).
    pub fn reported_total(&self) -> Reported {
        self.reported()
            .iter()
            .fold(Reported::default(), |t, r| Reported {
                prompt_tokens: t.prompt_tokens + r.prompt_tokens,
                completion_tokens: t.completion_tokens + r.completion_tokens,
            })
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
    let stopped = state
        .running
        .lock()
        .expect("lock")
        .clone()
        .unwrap_or_default();
    let stream = |parts: Vec<String>, end: End| Sse {
        parts,
        end,
        usage: received.wants_usage().then(|| received.prompt_tokens()),
        state: state.clone(),
        stopped: stopped.clone(),
    };
    match script(&received, n) {
        Reply::Stream(content) => stream(chunks(&content), End::Done).respond(),
        Reply::StreamThenHang(parts) => stream(parts, End::Hang).respond(),
        Reply::Cut(content, keep) => {
            let parts = chunks(&content).into_iter().take(keep).collect();
            stream(parts, End::Cut).respond()
        }
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
            stream(chunks(&content), End::Done).respond()
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

/// How a streamed answer ends.
#[derive(Clone, Copy, PartialEq)]
enum End {
    /// Usage chunk (when asked), then `[DONE]`.
    Done,
    /// Nothing more is sent; the connection stays open.
    Hang,
    /// The connection breaks.
    Cut,
}

/// A streamed answer about to be sent.
struct Sse {
    parts: Vec<String>,
    end: End,
    /// Prompt tokens to report in a final usage chunk, when the client asked for usage.
    usage: Option<u64>,
    state: Arc<ServerState>,
    stopped: CancellationToken,
}

impl Sse {
    fn respond(self) -> Response {
        let Sse {
            parts,
            end,
            usage,
            state,
            stopped,
        } = self;
        let mut guard = CloseGuard {
            finished: false,
            flag: state.closed_early.clone(),
        };
        let completion_tokens = parts.len() as u64;
        let events: Vec<Result<String, std::io::Error>> = parts
            .into_iter()
            .map(|p| {
                let chunk = json!({"choices": [{"index": 0, "delta": {"content": p}, "finish_reason": null}]});
                Ok(format!("data: {chunk}\n\n"))
            })
            .collect();
        let tail = futures::stream::once(async move {
            match end {
                End::Hang => futures::future::pending::<()>().await,
                End::Cut => {
                    // Let what was streamed reach the client before the connection breaks.
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    return Err(std::io::Error::other("cut mid-answer"));
                }
                End::Done => {}
            }
            guard.finished = true;
            drop(guard);
            let mut text = String::new();
            if let Some(prompt_tokens) = usage {
                let reported = Reported {
                    prompt_tokens,
                    completion_tokens,
                };
                state.reported.lock().expect("lock").push(reported);
                let chunk = json!({"choices": [], "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                }});
                text.push_str(&format!("data: {chunk}\n\n"));
            }
            text.push_str("data: [DONE]\n\n");
            Ok(text)
        });
        let stream = futures::stream::iter(events)
            .then(|e| async move {
                tokio::time::sleep(Duration::from_millis(2)).await;
                e
            })
            .chain(tail);
        // A stopped server breaks its open streams.
        let stream = futures::stream::unfold(
            (Box::pin(stream), stopped, false),
            |(mut stream, stopped, done)| async move {
                if done {
                    return None;
                }
                tokio::select! {
                    _ = stopped.cancelled() => Some((
                        Err(std::io::Error::other("server stopped")),
                        (stream, stopped, true),
                    )),
                    item = stream.next() => item.map(|i| (i, (stream, stopped, false))),
                }
            },
        );
        (
            [(header::CONTENT_TYPE, "text/event-stream")],
            Body::from_stream(stream),
        )
            .into_response()
    }
}

/// `GET /v1/models`: the one model it serves.
async fn models() -> Response {
    axum::Json(json!({"object": "list", "data": [{"id": "test-model", "object": "model"}]}))
        .into_response()
}
