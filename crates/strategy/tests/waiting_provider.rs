//! The HTTP provider against the stand-in model server: the usage it records equals the
//! server's figures (or is estimated and marked so), and each way the server misbehaves is
//! classified as the right reason to wait, or as a failure.

mod support;

use std::time::Duration;

use chrono::Utc;
use serde_json::json;
use strategy::artefact::{Analysis, Context};
use strategy::provider::{
    HttpProvider, HttpSettings, Io, ProviderError, Usage, UsageLog, ask, estimate_tokens,
};
use strategy::wait::{Verdict, WaitReason, classify_provider};
use support::{ChatServer, Reply, coffee_draft, initiative, offline_answer, program_answer};
use tokio_util::sync::CancellationToken;

fn settings() -> HttpSettings {
    HttpSettings {
        read_timeout: Duration::from_millis(800),
        connect_timeout: Duration::from_millis(800),
        base_backoff: Duration::from_millis(20),
        max_attempts: 2,
        ..HttpSettings::default()
    }
}

fn provider_with(server: &ChatServer, key: Option<&str>, settings: HttpSettings) -> HttpProvider {
    HttpProvider::new(
        &server.base_url,
        "test-model",
        key.map(|k| k.to_owned().into()),
        settings,
    )
    .expect("provider")
}

fn provider(server: &ChatServer) -> HttpProvider {
    provider_with(server, None, settings())
}

/// An `Io` whose usage reports land in the returned log.
fn metered() -> (Io, UsageLog) {
    let log = UsageLog::new();
    (log.attach(&Io::quiet(CancellationToken::new())), log)
}

fn waits_for(error: &ProviderError, server: &ChatServer) -> Option<WaitReason> {
    classify_provider(error, Some(&server.base_url), Utc::now())
        .wait()
        .map(|w| w.reason)
}

#[tokio::test]
async fn usage_totals_equal_the_servers_figures_across_a_repair() {
    let init = initiative(coffee_draft());
    let good = offline_answer(&init, "analysis");
    let server = ChatServer::start(move |_, n| {
        Reply::Stream(if n == 1 {
            "{\"summary\": \"cut short".to_owned()
        } else {
            good.clone()
        })
    })
    .await;
    let (io, log) = metered();
    let _: Analysis = ask(&provider(&server), &init, &Context::default(), &io)
        .await
        .expect("repaired");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.wants_usage()), "usage asked");

    let used = log.take();
    let reported = server.reported();
    assert_eq!(used.len(), 2, "one record per model call");
    for (u, r) in used.iter().zip(&reported) {
        assert_eq!(u.model, "test-model");
        assert!(!u.estimated);
        assert_eq!(
            (u.prompt_tokens, u.completion_tokens),
            (r.prompt_tokens, r.completion_tokens)
        );
        assert!(u.latency_ms > 0, "each chunk takes 2 ms");
    }
    let total = server.reported_total();
    assert_eq!(
        used.iter().map(Usage::total_tokens).sum::<u64>(),
        total.prompt_tokens + total.completion_tokens
    );
}

#[tokio::test]
async fn a_server_that_reports_no_usage_gets_an_estimate_marked_so() {
    let server = ChatServer::start(|_, _| Reply::Stream("{\"a\": \"bcdefgh\"}".into())).await;
    let no_usage = HttpSettings {
        request_usage: false,
        ..settings()
    };
    let messages = [json!({"role": "user", "content": "twelve chars"})];
    let completion = provider_with(&server, None, no_usage)
        .chat(&messages, &Io::quiet(CancellationToken::new()))
        .await
        .expect("answer");
    assert!(!server.requests()[0].wants_usage());
    assert!(server.reported().is_empty());
    assert_eq!(completion.content, "{\"a\": \"bcdefgh\"}");
    assert!(completion.usage.estimated);
    assert_eq!(completion.usage.prompt_tokens, estimate_tokens(12));
    assert_eq!(completion.usage.completion_tokens, estimate_tokens(16));
}

#[tokio::test]
async fn a_stream_cut_mid_answer_waits_offline_and_records_what_arrived() {
    let init = initiative(coffee_draft());
    let answer = offline_answer(&init, "analysis");
    let kept: String = support::chunks(&answer)[..2].concat();
    let server = ChatServer::start(move |_, _| Reply::Cut(answer.clone(), 2)).await;
    let (io, log) = metered();
    let err = ask::<Analysis>(&provider(&server), &init, &Context::default(), &io)
        .await
        .expect_err("cut");
    assert!(matches!(err, ProviderError::Disconnected { .. }), "{err:?}");
    let wait = classify_provider(&err, Some(&server.base_url), Utc::now())
        .wait()
        .expect("waits");
    assert_eq!(wait.reason, WaitReason::Offline);
    assert_eq!(
        wait.detail,
        Some(format!("127.0.0.1:{}", server.port())),
        "names the endpoint"
    );
    // No usage chunk came: the two chunks that did are estimated.
    let used = log.take();
    assert_eq!(used.len(), 1);
    assert!(used[0].estimated);
    assert_eq!(
        used[0].completion_tokens,
        estimate_tokens(kept.chars().count())
    );
    assert_eq!(server.requests().len(), 1, "a cut stream is not retried");
}

#[tokio::test]
async fn a_stopped_server_waits_offline_then_answers_once_started_again() {
    let init = initiative(coffee_draft());
    let answer = offline_answer(&init, "analysis");
    let server = ChatServer::start(move |_, _| Reply::Stream(answer.clone())).await;
    let provider = provider(&server);
    server.stop().await;
    assert!(!server.is_running());
    let io = Io::quiet(CancellationToken::new());
    let err = ask::<Analysis>(&provider, &init, &Context::default(), &io)
        .await
        .expect_err("refused");
    assert!(matches!(err, ProviderError::Unreachable { .. }), "{err:?}");
    assert_eq!(waits_for(&err, &server), Some(WaitReason::Offline));
    assert!(server.requests().is_empty());

    server.restart().await.expect("same port again");
    let _: Analysis = ask(&provider, &init, &Context::default(), &io)
        .await
        .expect("answers");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_stopped_server_breaks_the_stream_it_was_sending() {
    let server = ChatServer::start(|_, _| Reply::StreamThenHang(vec!["{\"a\":".into()])).await;
    let provider = provider_with(
        &server,
        None,
        HttpSettings {
            read_timeout: Duration::from_secs(30),
            ..settings()
        },
    );
    let io = Io::quiet(CancellationToken::new());
    let messages = [json!({"role": "user", "content": "hi"})];
    let call = provider.chat(&messages, &io);
    let stop = async {
        support::eventually("the request", || !server.requests().is_empty()).await;
        server.stop().await;
    };
    let (result, ()) = tokio::join!(call, stop);
    let err = result.expect_err("broken");
    assert!(matches!(err, ProviderError::Disconnected { .. }), "{err:?}");
}

#[tokio::test]
async fn a_refused_key_waits_unauthorized_until_the_right_key_is_sent() {
    let init = initiative(coffee_draft());
    let server = ChatServer::start(|r, _| {
        if r.key() == Some("sk-right") {
            program_answer(r).map_or(Reply::Status(400, None, String::new()), Reply::Stream)
        } else {
            Reply::Status(401, None, r#"{"error":{"message":"bad key"}}"#.into())
        }
    })
    .await;
    let io = Io::quiet(CancellationToken::new());
    let wrong = provider_with(&server, Some("sk-wrong"), settings());
    let err = ask::<Analysis>(&wrong, &init, &Context::default(), &io)
        .await
        .expect_err("refused");
    assert_eq!(waits_for(&err, &server), Some(WaitReason::Unauthorized));
    assert_eq!(server.requests().len(), 1, "401 is not retried");

    // The server answers from the prompt alone: the stand-in works for any initiative.
    let right = provider_with(&server, Some("sk-right"), settings());
    let analysis: Analysis = ask(&right, &init, &Context::default(), &io)
        .await
        .expect("answers");
    assert!(analysis.summary.contains("Harbour Coffee"));
}

#[tokio::test]
async fn a_long_retry_after_waits_until_then_and_5xx_waits_provider_down() {
    let server =
        ChatServer::start(|_, _| Reply::Status(429, Some("3600".into()), String::new())).await;
    let io = Io::quiet(CancellationToken::new());
    let messages = [json!({"role": "user", "content": "hi"})];
    let before = Utc::now();
    let err = provider(&server)
        .chat(&messages, &io)
        .await
        .expect_err("limited");
    assert_eq!(
        err,
        ProviderError::RateLimited {
            attempts: 1,
            retry_after: Some(3600)
        }
    );
    let Verdict::Wait(wait) = classify_provider(&err, Some(&server.base_url), before) else {
        panic!("expected a wait");
    };
    assert_eq!(wait.reason, WaitReason::RateLimited);
    assert_eq!(wait.until, Some(before + chrono::Duration::hours(1)));

    server.set_script(|_, _| Reply::Status(503, None, "overloaded".into()));
    let err = provider(&server)
        .chat(&messages, &io)
        .await
        .expect_err("down");
    assert_eq!(waits_for(&err, &server), Some(WaitReason::ProviderDown));
    assert_eq!(server.requests().len(), 3, "one 429, then two 503 attempts");
}
