//! A stand-in OpenAI-compatible model server for end-to-end tests: answers the program's five
//! requests with the offline engine's content for whatever initiative the prompt describes,
//! reports `usage` in the final chunk, and misbehaves on script.
//!
//! ```text
//! cargo run -p strategy --example model_server -- [--port N] [--control-port M]
//!     [--script STEPS] [--key KEY] [--stopped]
//! ```
//! Each flag may come from the environment instead: `MODEL_SERVER_PORT`,
//! `MODEL_SERVER_CONTROL_PORT`, `MODEL_SERVER_SCRIPT`, `MODEL_SERVER_KEY`,
//! `MODEL_SERVER_STOPPED=1`. Port 0 (the default) takes a free port; the first lines printed
//! are `model server http://127.0.0.1:N/v1` and `control http://127.0.0.1:M`.
//!
//! STEPS are comma-separated, one consumed per request; once used up, requests are answered:
//! `ok`, `503`, `429:SECONDS` (with Retry-After), `cut:CHUNKS` (stream that many chunks, then
//! break the connection), `hang`. With a key set, any request without `Bearer KEY` gets 401
//! (consuming no step). `--stopped` starts with connections refused.
//!
//! Control, on the control port: `POST /stop`, `POST /start`, `POST /script` (body: STEPS),
//! `POST /key` (body: the key, empty for none), `GET /stats` (JSON: requests, per artefact,
//! usage reported, running).

#[allow(dead_code)]
#[path = "../tests/support/answers.rs"]
mod answers;
#[allow(dead_code)]
#[path = "../tests/support/chat.rs"]
mod chat;

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::sync::{Arc, Mutex};

use answers::program_answer;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use chat::{ChatServer, Received, Reply};
use serde_json::json;

/// One scripted behaviour.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Ok,
    Unavailable,
    RateLimited(u64),
    Cut(usize),
    Hang,
}

fn parse_steps(text: &str) -> Result<VecDeque<Step>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s.split_once(':') {
            None if s == "ok" => Ok(Step::Ok),
            None if s == "503" => Ok(Step::Unavailable),
            None if s == "hang" => Ok(Step::Hang),
            Some(("429", secs)) => secs
                .parse()
                .map(Step::RateLimited)
                .map_err(|e| format!("{s}: {e}")),
            Some(("cut", n)) => n.parse().map(Step::Cut).map_err(|e| format!("{s}: {e}")),
            _ => Err(format!("unknown step “{s}”")),
        })
        .collect()
}

/// What the control port changes.
#[derive(Default)]
struct Control {
    steps: Mutex<VecDeque<Step>>,
    key: Mutex<Option<String>>,
}

impl Control {
    fn reply(&self, received: &Received) -> Reply {
        let key = self.key.lock().expect("lock").clone();
        if let Some(key) = key
            && received.key() != Some(key.as_str())
        {
            let body = json!({"error": {"message": "invalid API key"}}).to_string();
            return Reply::Status(401, None, body);
        }
        let step = self
            .steps
            .lock()
            .expect("lock")
            .pop_front()
            .unwrap_or(Step::Ok);
        let answer = || program_answer(received);
        match step {
            Step::Unavailable => Reply::Status(503, None, "overloaded".to_owned()),
            Step::RateLimited(secs) => Reply::Status(429, Some(secs.to_string()), String::new()),
            Step::Hang => Reply::Hang,
            Step::Ok | Step::Cut(_) => match (answer(), step) {
                (Some(content), Step::Cut(n)) => Reply::Cut(content, n),
                (Some(content), _) => Reply::Stream(content),
                (None, _) => Reply::Status(
                    400,
                    None,
                    "this stand-in answers the program's requests only".to_owned(),
                ),
            },
        }
    }
}

struct App {
    server: ChatServer,
    control: Arc<Control>,
}

fn setting(args: &[String], flag: &str, env: &str) -> Option<String> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1).cloned())
        .or_else(|| std::env::var(env).ok())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let port: u16 = setting(&args, "--port", "MODEL_SERVER_PORT").map_or(Ok(0), |p| p.parse())?;
    let control_port: u16 = setting(&args, "--control-port", "MODEL_SERVER_CONTROL_PORT")
        .map_or(Ok(0), |p| p.parse())?;
    let control = Arc::new(Control::default());
    if let Some(script) = setting(&args, "--script", "MODEL_SERVER_SCRIPT") {
        *control.steps.lock().expect("lock") = parse_steps(&script).map_err(anyhow::Error::msg)?;
    }
    *control.key.lock().expect("lock") =
        setting(&args, "--key", "MODEL_SERVER_KEY").filter(|k| !k.is_empty());
    let stopped = args.iter().any(|a| a == "--stopped")
        || std::env::var("MODEL_SERVER_STOPPED").is_ok_and(|v| v == "1");

    let replies = control.clone();
    let server = ChatServer::stopped_on(port, move |r, _| replies.reply(r))?;
    if !stopped {
        server.restart().await?;
    }
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", control_port)).await?;
    let mut out = std::io::stdout();
    writeln!(out, "model server {}", server.base_url)?;
    writeln!(out, "control http://{}", listener.local_addr()?)?;
    out.flush()?;

    let app = Arc::new(App { server, control });
    let routes = Router::new()
        .route("/stop", post(stop))
        .route("/start", post(start))
        .route("/script", post(script))
        .route("/key", post(key))
        .route("/stats", get(stats))
        .with_state(app);
    axum::serve(listener, routes).await?;
    Ok(())
}

async fn stop(State(app): State<Arc<App>>) -> StatusCode {
    app.server.stop().await;
    StatusCode::NO_CONTENT
}

async fn start(State(app): State<Arc<App>>) -> (StatusCode, String) {
    match app.server.restart().await {
        Ok(()) => (StatusCode::NO_CONTENT, String::new()),
        Err(e) => (StatusCode::CONFLICT, e.to_string()),
    }
}

async fn script(State(app): State<Arc<App>>, body: String) -> (StatusCode, String) {
    match parse_steps(&body) {
        Ok(steps) => {
            *app.control.steps.lock().expect("lock") = steps;
            (StatusCode::NO_CONTENT, String::new())
        }
        Err(e) => (StatusCode::BAD_REQUEST, e),
    }
}

async fn key(State(app): State<Arc<App>>, body: String) -> StatusCode {
    let key = body.trim();
    *app.control.key.lock().expect("lock") = (!key.is_empty()).then(|| key.to_owned());
    StatusCode::NO_CONTENT
}

async fn stats(State(app): State<Arc<App>>) -> axum::Json<serde_json::Value> {
    let requests = app.server.requests();
    let mut by_artefact: BTreeMap<String, usize> = BTreeMap::new();
    for r in &requests {
        *by_artefact.entry(r.artefact.clone()).or_default() += 1;
    }
    axum::Json(json!({
        "requests": requests.len(),
        "by_artefact": by_artefact,
        "reported": app.server.reported(),
        "reported_total": app.server.reported_total(),
        "running": app.server.is_running(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_parse() {
        assert_eq!(
            parse_steps("503, 429:2,cut:3,hang,ok"),
            Ok(VecDeque::from([
                Step::Unavailable,
                Step::RateLimited(2),
                Step::Cut(3),
                Step::Hang,
                Step::Ok
            ]))
        );
        assert!(parse_steps("418").is_err());
    }
}
