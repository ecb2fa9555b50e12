//! The OpenAI-compatible provider against a local server speaking the chat-completions
//! protocol: streaming, repair, retries, errors, timeouts and cancellation.

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use strategy::artefact::{Analysis, Context, Outline};
use strategy::provider::{Activity, HttpProvider, HttpSettings, Io, ProviderError, ask};
use support::{ChatServer, Reply, coffee_draft, initiative, offline_answer};
use tokio_util::sync::CancellationToken;

fn settings() -> HttpSettings {
    HttpSettings {
        read_timeout: Duration::from_millis(600),
        connect_timeout: Duration::from_millis(600),
        base_backoff: Duration::from_millis(30),
        max_attempts: 3,
        ..HttpSettings::default()
    }
}

fn provider(server: &ChatServer, key: Option<&str>) -> HttpProvider {
    HttpProvider::new(
        &server.base_url,
        "test-model",
        key.map(|k| k.to_owned().into()),
        settings(),
    )
    .expect("provider")
}

/// An `Io` that records every activity report.
fn recording_io(cancel: CancellationToken) -> (Io, Arc<Mutex<Vec<Activity>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let io = Io {
        cancel,
        activity: Arc::new(move |a| log.lock().expect("lock").push(a)),
    };
    (io, seen)
}

#[tokio::test]
async fn streams_an_answer_and_sends_the_key_and_model() {
    let init = initiative(coffee_draft());
    let answer = offline_answer(&init, "analysis");
    let server = ChatServer::start(move |_, _| Reply::Stream(answer.clone())).await;
    let (io, seen) = recording_io(CancellationToken::new());
    let analysis: Analysis = ask(
        &provider(&server, Some("sk-test-123")),
        &init,
        &Context::default(),
        &io,
    )
    .await
    .expect("analysis");
    assert!(analysis.summary.contains("Harbour Coffee"));
    assert!(analysis.playbook.is_none());

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.artefact, "analysis");
    assert_eq!(r.body["model"], "test-model");
    assert_eq!(r.body["stream"], true);
    assert_eq!(r.authorization.as_deref(), Some("Bearer sk-test-123"));
    assert!(r.last_message().contains("A specialty coffee bar"));

    // Progress grew with the stream, one report per chunk.
    let received: Vec<usize> = seen
        .lock()
        .expect("lock")
        .iter()
        .filter_map(|a| match a {
            Activity::Receiving { chars } => Some(*chars),
            _ => None,
        })
        .collect();
    assert!(received.len() > 3, "{received:?}");
    assert!(received.windows(2).all(|w| w[0] < w[1]));
}

#[tokio::test]
async fn a_plain_json_completion_is_accepted_too() {
    let init = initiative(coffee_draft());
    let answer = format!(
        "Here is the analysis:\n```json\n{}\n```",
        offline_answer(&init, "analysis")
    );
    let server = ChatServer::start(move |_, _| Reply::Plain(answer.clone())).await;
    let io = Io::quiet(CancellationToken::new());
    let analysis: Analysis = ask(&provider(&server, None), &init, &Context::default(), &io)
        .await
        .expect("analysis");
    assert_eq!(analysis.industry, "Food & beverage retail");
    assert_eq!(server.requests()[0].authorization, None);
}

#[tokio::test]
async fn malformed_json_is_repaired_once() {
    let init = initiative(coffee_draft());
    let good = offline_answer(&init, "analysis");
    let server = ChatServer::start(move |_, n| {
        if n == 1 {
            Reply::Stream("{\"summary\": \"cut short".into())
        } else {
            Reply::Stream(good.clone())
        }
    })
    .await;
    let (io, seen) = recording_io(CancellationToken::new());
    let analysis: Analysis = ask(&provider(&server, None), &init, &Context::default(), &io)
        .await
        .expect("repaired");
    assert!(!analysis.summary.is_empty());
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    // The repair request carries the broken answer and says what was wrong.
    assert_eq!(requests[1].messages(), 4);
    let repair = requests[1].last_message();
    assert!(
        repair.contains("not") && repair.contains("JSON"),
        "{repair}"
    );
    assert!(seen.lock().expect("lock").contains(&Activity::Repairing));
}

#[tokio::test]
async fn a_wrong_shape_twice_is_an_error_naming_the_field() {
    let init = initiative(coffee_draft());
    let mut outline: serde_json::Value =
        serde_json::from_str(&offline_answer(&init, "outline")).expect("json");
    outline["workstreams"][0]["tasks"][0]["weeks"] = "three".into();
    let bad = outline.to_string();
    let server = ChatServer::start(move |_, _| Reply::Stream(bad.clone())).await;
    let io = Io::quiet(CancellationToken::new());
    let err = ask::<Outline>(&provider(&server, None), &init, &Context::default(), &io)
        .await
        .expect_err("invalid");
    let ProviderError::InvalidAnswer { artefact, problems } = &err else {
        panic!("expected InvalidAnswer, got {err:?}");
    };
    assert_eq!(artefact, "outline");
    assert!(
        problems[0].contains("workstreams[0].tasks[0].weeks"),
        "{problems:?}"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "one repair, then give up");
    assert!(
        requests[1]
            .last_message()
            .contains("workstreams[0].tasks[0].weeks")
    );
}

#[tokio::test]
async fn semantic_problems_are_sent_back_for_repair() {
    let init = initiative(coffee_draft());
    let good = offline_answer(&init, "outline");
    let mut outline: serde_json::Value = serde_json::from_str(&good).expect("json");
    // A cycle: the first two tasks now depend on each other.
    let first = outline["workstreams"][0]["tasks"][0]["id"].clone();
    let second = outline["workstreams"][0]["tasks"][1]["id"].clone();
    outline["workstreams"][0]["tasks"][0]["depends_on"] = serde_json::json!([second]);
    outline["workstreams"][0]["tasks"][1]["depends_on"] = serde_json::json!([first]);
    let bad = outline.to_string();
    let server = ChatServer::start(move |_, n| {
        Reply::Stream(if n == 1 { bad.clone() } else { good.clone() })
    })
    .await;
    let io = Io::quiet(CancellationToken::new());
    let outline: Outline = ask(&provider(&server, None), &init, &Context::default(), &io)
        .await
        .expect("repaired");
    assert!(!outline.workstreams.is_empty());
    let repair = server.requests()[1].last_message();
    assert!(repair.contains("cycle"), "{repair}");
}

#[tokio::test]
async fn rate_limits_are_retried_after_the_time_the_server_asks() {
    let init = initiative(coffee_draft());
    let good = offline_answer(&init, "analysis");
    let server = ChatServer::start(move |_, n| {
        if n == 1 {
            Reply::Status(
                429,
                Some("1".into()),
                r#"{"error":{"message":"slow down"}}"#.into(),
            )
        } else {
            Reply::Stream(good.clone())
        }
    })
    .await;
    let (io, seen) = recording_io(CancellationToken::new());
    let started = Instant::now();
    let _: Analysis = ask(&provider(&server, None), &init, &Context::default(), &io)
        .await
        .expect("after retry");
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After honoured"
    );
    assert_eq!(server.requests().len(), 2);
    assert!(seen.lock().expect("lock").iter().any(|a| matches!(
        a,
        Activity::Backoff { status: 429, delay } if *delay == Duration::from_secs(1)
    )));
}

#[tokio::test]
async fn server_errors_back_off_then_give_up() {
    let init = initiative(coffee_draft());
    let server = ChatServer::start(|_, _| Reply::Status(503, None, "overloaded".into())).await;
    let io = Io::quiet(CancellationToken::new());
    let err = ask::<Analysis>(&provider(&server, None), &init, &Context::default(), &io)
        .await
        .expect_err("gives up");
    assert_eq!(
        err,
        ProviderError::Server {
            status: 503,
            attempts: 3,
            message: "overloaded".into()
        }
    );
    assert_eq!(server.requests().len(), 3);

    // 429 without Retry-After, every time: a rate-limit error after the last attempt.
    server.set_script(|_, _| Reply::Status(429, None, String::new()));
    let err = ask::<Analysis>(&provider(&server, None), &init, &Context::default(), &io)
        .await
        .expect_err("gives up");
    assert_eq!(
        err,
        ProviderError::RateLimited {
            attempts: 3,
            retry_after: None
        }
    );
    // A server asking for a wait longer than we honour gets a clear error at once.
    server.set_script(|_, _| Reply::Status(429, Some("3600".into()), String::new()));
    let before = server.requests().len();
    let err = ask::<Analysis>(&provider(&server, None), &init, &Context::default(), &io)
        .await
        .expect_err("gives up");
    assert_eq!(
        err,
        ProviderError::RateLimited {
            attempts: 1,
            retry_after: Some(3600)
        }
    );
    assert_eq!(server.requests().len(), before + 1);
}

#[tokio::test]
async fn a_refused_key_is_a_clear_error_without_the_key_in_it() {
    let init = initiative(coffee_draft());
    let server = ChatServer::start(|r, _| {
        let key = r.authorization.clone().unwrap_or_default();
        Reply::Status(
            401,
            None,
            format!(
                r#"{{"error":{{"message":"Incorrect API key provided: {}"}}}}"#,
                key.trim_start_matches("Bearer ")
            ),
        )
    })
    .await;
    let io = Io::quiet(CancellationToken::new());
    let err = ask::<Analysis>(
        &provider(&server, Some("sk-secret-999")),
        &init,
        &Context::default(),
        &io,
    )
    .await
    .expect_err("unauthorized");
    let ProviderError::Unauthorized { status, message } = &err else {
        panic!("expected Unauthorized, got {err:?}");
    };
    assert_eq!(*status, 401);
    assert!(message.contains("Incorrect API key"), "{message}");
    assert!(!err.to_string().contains("sk-secret-999"), "{err}");
    assert_eq!(server.requests().len(), 1, "no retry on 401");
    assert_eq!(err.code().as_str(), "unauthorized");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let init = initiative(coffee_draft());
    let server = ChatServer::start(|_, _| Reply::Hang).await;
    let io = Io::quiet(CancellationToken::new());
    // The server never answers: only the read timeout (600 ms) ends the call; the generous
    // outer bound turns a hang into a failure.
    let err = tokio::time::timeout(
        Duration::from_secs(30),
        ask::<Analysis>(&provider(&server, None), &init, &Context::default(), &io),
    )
    .await
    .expect("the read timeout ended the call")
    .expect_err("timeout");
    assert!(
        matches!(err, ProviderError::Timeout { ref phase, .. } if phase == "waiting for the answer"),
        "{err:?}"
    );

    // Silence in the middle of a stream times out too.
    server.set_script(|_, _| Reply::StreamThenHang(vec!["{\"summary\": ".into()]));
    let err = ask::<Analysis>(&provider(&server, None), &init, &Context::default(), &io)
        .await
        .expect_err("timeout");
    assert!(
        matches!(err, ProviderError::Timeout { ref phase, .. } if phase == "streaming the answer"),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_unreachable_host_is_named() {
    let init = initiative(coffee_draft());
    // A port that was just free: nothing listens there.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let base = format!("http://127.0.0.1:{port}/v1");
    let provider = HttpProvider::new(&base, "m", None, settings()).expect("provider");
    let io = Io::quiet(CancellationToken::new());
    let err = ask::<Analysis>(&provider, &init, &Context::default(), &io)
        .await
        .expect_err("unreachable");
    let ProviderError::Unreachable { url, .. } = &err else {
        panic!("expected Unreachable, got {err:?}");
    };
    assert!(url.contains(&port.to_string()));
}

#[tokio::test]
async fn cancellation_mid_stream_closes_the_connection_at_once() {
    let init = initiative(coffee_draft());
    let server = ChatServer::start(|_, _| {
        Reply::StreamThenHang(vec!["{\"summary\": \"A pro".into(), "gramme that".into()])
    })
    .await;
    let cancel = CancellationToken::new();
    let (io, seen) = recording_io(cancel.clone());
    let mut settings = settings();
    settings.read_timeout = Duration::from_secs(30);
    let provider = HttpProvider::new(&server.base_url, "m", None, settings).expect("provider");
    let task = tokio::spawn(async move {
        let context = Context::default();
        ask::<Analysis>(&provider, &init, &context, &io).await
    });
    support::eventually("streaming to start", || {
        seen.lock()
            .expect("lock")
            .iter()
            .any(|a| matches!(a, Activity::Receiving { .. }))
    })
    .await;
    assert!(!server.closed_early());
    cancel.cancel();
    // The stream has gone silent and the read timeout is 30 s: a call that ends well before
    // it, as cancelled, was stopped by the cancellation (the bound is generous, not a timing).
    let result = tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the call ended long before the read timeout")
        .expect("task");
    assert_eq!(result.expect_err("cancelled"), ProviderError::Cancelled);
    support::eventually("the server to see the connection close", || {
        server.closed_early()
    })
    .await;
}
