use std::sync::atomic::{AtomicBool, Ordering};

use tokio::time::Instant;

use super::*;

/// An address nothing listens on (until a test binds it).
fn free_addr() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").to_string()
}

/// The next `n` scheduled delays, in seconds (fails on an `Up`).
async fn delays(events: &mut broadcast::Receiver<ProbeEvent>, n: usize) -> Vec<u64> {
    let mut out = Vec::new();
    while out.len() < n {
        match events.recv().await.expect("event") {
            ProbeEvent::Scheduled { delay, .. } => out.push(delay.as_secs()),
            ProbeEvent::Up { probe } => panic!("{probe:?} came up"),
        }
    }
    out
}

#[test]
fn backoff_doubles_from_two_seconds_to_three_minutes() {
    let b = Backoff::default();
    let secs: Vec<u64> = (1..=10).map(|n| b.delay(n).as_secs()).collect();
    assert_eq!(secs, [2, 4, 8, 16, 32, 64, 128, 180, 180, 180]);
    assert_eq!(b.delay(u32::MAX), Duration::from_secs(180));
}

#[test]
fn endpoints_are_named_as_the_user_knows_them() {
    let p = Probe::models("http://localhost:11434/v1/");
    assert_eq!(p, Probe::Http("http://localhost:11434/v1/models".into()));
    assert_eq!(p.label(), "localhost:11434");
    assert_eq!(Probe::Tcp("10.0.0.2:8080".into()).label(), "10.0.0.2:8080");
}

#[tokio::test(start_paused = true)]
async fn a_refused_endpoint_is_probed_with_backoff_until_it_listens() {
    let addr = free_addr();
    let prober = Prober::new(ProbeSettings::default(), CancellationToken::new());
    let mut events = prober.subscribe();
    let mut watch = prober.watch(Probe::Tcp(addr.clone()));
    assert_eq!(
        delays(&mut events, 9).await,
        [2, 4, 8, 16, 32, 64, 128, 180, 180]
    );
    assert!(watch.next_check().is_some(), "the next check is known");

    // Now listening: the next scheduled probe finds it, with no wake.
    let _listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    let since = Instant::now();
    assert!(watch.up().await);
    assert!(since.elapsed() <= Duration::from_secs(180));
    assert_eq!(
        events.recv().await.expect("event"),
        ProbeEvent::Up {
            probe: Probe::Tcp(addr)
        }
    );
    assert_eq!(watch.next_check(), None);
    assert!(prober.watching().is_empty(), "its task ended");
}

#[tokio::test(start_paused = true)]
async fn wake_probes_at_once_and_starts_the_backoff_again() {
    let addr = free_addr();
    let prober = Prober::new(ProbeSettings::default(), CancellationToken::new());
    let mut events = prober.subscribe();
    let mut watch = prober.watch(Probe::Tcp(addr.clone()));
    assert_eq!(delays(&mut events, 4).await, [2, 4, 8, 16]);

    // Still down when woken: probed at once, and the backoff starts from 2 s.
    let woke = Instant::now();
    prober.wake();
    assert_eq!(delays(&mut events, 2).await, [2, 4]);
    assert_eq!(woke.elapsed(), Duration::from_secs(2), "probed at once");

    // Up when woken: found before the 8 s the backoff would wait.
    let _listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    let woke = Instant::now();
    prober.wake();
    assert!(watch.up().await);
    assert!(
        woke.elapsed() < Duration::from_secs(2),
        "{:?}",
        woke.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn an_endpoint_is_probed_by_one_task_and_cancel_ends_it() {
    let addr = free_addr();
    let cancel = CancellationToken::new();
    let prober = Prober::new(ProbeSettings::default(), cancel.clone());
    let mut events = prober.subscribe();
    let mut first = prober.watch(Probe::Tcp(addr.clone()));
    let _second = prober.watch(Probe::Tcp(addr.clone()));
    assert_eq!(prober.watching(), [Probe::Tcp(addr.clone())]);
    // One task: delays keep doubling, never repeated by a second prober.
    assert_eq!(delays(&mut events, 3).await, [2, 4, 8]);

    cancel.cancel();
    assert!(!first.up().await, "cancelled, not up");
    for _ in 0..100 {
        if prober.watching().is_empty() {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(prober.watching().is_empty());
}

#[tokio::test]
async fn an_http_probe_needs_an_answer_below_500() {
    let healthy = Arc::new(AtomicBool::new(false));
    let state = healthy.clone();
    let app = axum::Router::new().route(
        "/v1/models",
        axum::routing::get(move || {
            let ok = state.load(Ordering::SeqCst);
            async move {
                if ok {
                    axum::http::StatusCode::UNAUTHORIZED
                } else {
                    axum::http::StatusCode::SERVICE_UNAVAILABLE
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest::Client::new();
    let probe = Probe::models(&format!("http://{addr}/v1"));
    let timeout = Duration::from_secs(5);
    assert_eq!(
        probe.check(&client, timeout).await,
        Err("HTTP 503".to_owned())
    );
    // A server refusing the key is up: it answered.
    healthy.store(true, Ordering::SeqCst);
    assert_eq!(probe.check(&client, timeout).await, Ok(()));
    let refused = Probe::models(&format!("http://{}/v1", free_addr()));
    assert!(refused.check(&client, timeout).await.is_err());
}
