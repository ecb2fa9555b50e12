//! Queries, retention, pinning, seen flags and the engine-wide event stream.

mod support;

use std::time::Duration;

use jobs::{ChangeKind, Error, JobQuery, JobStatus, Retention, StartJob};
use support::*;

async fn start_titled(
    engine: &jobs::Engine,
    kind: &Steps,
    title: &str,
    session: &str,
    fail: bool,
) -> jobs::JobId {
    let mut input = StepsInput::named(&["only"], 1);
    input.steps[0].fail = fail;
    engine
        .start(
            StartJob::new(kind.name, title, serde_json::to_value(&input).unwrap()).session(session),
        )
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_filters_pages_by_keyset_and_counts_per_status() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let other = Steps::new("other");
    let engine = jobs::Engine::builder(config.clone())
        .register(kind.clone())
        .register(other.clone())
        .open()
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..25 {
        let title = if i % 5 == 0 {
            format!("Bakery 100% — {i}")
        } else {
            format!("Coffee shop {i}")
        };
        let id = start_titled(
            &engine,
            &kind,
            &title,
            if i < 10 { "s1" } else { "s2" },
            i % 7 == 0,
        )
        .await;
        ids.push(id);
    }
    let o = start_titled(&engine, &other, "Other kind", "s1", false).await;
    for id in ids.iter().chain([&o]) {
        wait_finished(&engine, *id).await;
    }

    // Newest first, keyset pages of 10 that cover everything exactly once.
    let mut seen = Vec::new();
    let mut query = JobQuery {
        limit: Some(10),
        ..Default::default()
    };
    loop {
        let page = engine.list(&query).await.unwrap();
        assert!(page.items.len() <= 10);
        seen.extend(page.items.iter().map(|j| j.id));
        match page.next {
            Some(next) => query.after = Some(next),
            None => break,
        }
    }
    let mut expected: Vec<_> = ids.iter().copied().chain([o]).collect();
    expected.reverse();
    assert_eq!(seen, expected);

    let failed = engine
        .list(&JobQuery {
            statuses: vec![JobStatus::Failed],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(failed.items.len(), 4); // i = 0, 7, 14, 21
    assert!(failed.items.iter().all(|j| j.status == JobStatus::Failed));
    assert_eq!(failed.counts.failed, 4);
    assert_eq!(failed.counts.completed, 22);
    assert_eq!(failed.counts.total(), 26);

    let by_kind = engine
        .list(&JobQuery {
            kind: Some("other".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_kind.items.len(), 1);
    assert_eq!(by_kind.counts.total(), 1);

    // Text search is case-insensitive and treats % literally.
    let text = engine
        .list(&JobQuery {
            text: Some("bakery 100%".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(text.items.len(), 5);
    let literal = engine
        .list(&JobQuery {
            text: Some("%".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(literal.items.len(), 5);

    let session = engine
        .list(&JobQuery {
            session_id: Some("s1".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(session.items.len(), 11);
    assert_eq!(session.counts.total(), 11);

    // Time range on creation time.
    let all = engine
        .list(&JobQuery {
            limit: Some(500),
            ..Default::default()
        })
        .await
        .unwrap();
    let pivot = all.items[10].created_at;
    let newer = engine
        .list(&JobQuery {
            created_from: Some(pivot),
            limit: Some(500),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(newer.items.iter().all(|j| j.created_at >= pivot));
    assert!(newer.items.len() >= 11);
    let older = engine
        .list(&JobQuery {
            created_to: Some(pivot),
            limit: Some(500),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(older.items.iter().all(|j| j.created_at < pivot));
    assert_eq!(older.items.len() + newer.items.len(), 26);

    // Latest job of a session, by kind.
    let latest = engine
        .by_session("s1", Some("steps"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(latest.id, ids[9]);
    assert_eq!(engine.by_session("s1", None).await.unwrap().unwrap().id, o);
    assert!(engine.by_session("nobody", None).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recent_completions_until_marked_seen() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let a = start_titled(&engine, &kind, "A", "s", false).await;
    let b = start_titled(&engine, &kind, "B", "s", true).await;
    wait_finished(&engine, a).await;
    wait_finished(&engine, b).await;
    let recent = engine.recent_completions(0, 10).await.unwrap();
    assert_eq!(recent.len(), 2);
    assert_eq!(engine.mark_seen(&[a]).await.unwrap(), 1);
    assert_eq!(engine.mark_seen(&[a]).await.unwrap(), 0, "already seen");
    let recent = engine.recent_completions(0, 10).await.unwrap();
    assert_eq!(recent.iter().map(|j| j.id).collect::<Vec<_>>(), vec![b]);
    let future = jobs_now() + 60_000;
    assert!(
        engine
            .recent_completions(future, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

fn jobs_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_removes_finished_jobs_and_refuses_active_ones() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let done = start_titled(&engine, &kind, "Done", "s", false).await;
    wait_finished(&engine, done).await;
    let busy = start(&engine, &kind, &StepsInput::named(&["long"], 5_000)).await;
    assert!(matches!(
        engine.delete(&[busy]).await,
        Err(Error::StillActive { .. })
    ));
    assert_eq!(engine.delete(&[done]).await.unwrap(), 1);
    assert!(matches!(engine.get(done).await, Err(Error::NotFound(_))));
    assert_eq!(engine.counts(None).await.unwrap().completed, 0);
    engine.cancel(busy).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_prunes_per_state_and_never_pinned_jobs() {
    let (_dir, mut config) = temp_config();
    config.retention = Retention {
        completed: Some(Duration::from_millis(0)),
        failed: None,
        cancelled: Some(Duration::from_millis(0)),
        interrupted: None,
    };
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let old = start_titled(&engine, &kind, "Old", "s", false).await;
    let pinned = start_titled(&engine, &kind, "Pinned", "s", false).await;
    let failed = start_titled(&engine, &kind, "Failed", "s", true).await;
    for id in [old, pinned, failed] {
        wait_finished(&engine, id).await;
    }
    engine.pin(pinned, true).await.unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(engine.prune().await.unwrap(), 1);
    assert!(matches!(engine.get(old).await, Err(Error::NotFound(_))));
    assert!(engine.get(pinned).await.unwrap().job.pinned);
    assert_eq!(
        engine.get(failed).await.unwrap().job.status,
        JobStatus::Failed
    );
    // Steps and partials went with the job (foreign keys cascade).
    let counts = engine.counts(None).await.unwrap();
    assert_eq!(counts.total(), 2);
    assert!(matches!(
        engine.pin(old, true).await,
        Err(Error::NotFound(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_stream_reports_every_change() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let mut events = engine.events();
    let id = start(&engine, &kind, &StepsInput::named(&["a", "b"], 200)).await;
    wait_finished(&engine, id).await;
    engine.mark_seen(&[id]).await.unwrap();
    let mut changes = Vec::new();
    while let Ok(Ok(e)) = tokio::time::timeout(Duration::from_millis(200), events.recv()).await {
        assert_eq!(e.job_id, id);
        changes.push(e.change);
    }
    assert_eq!(changes.first(), Some(&ChangeKind::Created));
    assert!(changes.contains(&ChangeKind::Started));
    assert!(
        changes.contains(&ChangeKind::Progress),
        "coalesced progress is published"
    );
    assert!(changes.contains(&ChangeKind::Finished));
    assert_eq!(changes.last(), Some(&ChangeKind::Seen));
    let progress = changes
        .iter()
        .filter(|c| **c == ChangeKind::Progress)
        .count();
    assert!(
        progress < 20,
        "progress on the engine stream is coalesced, got {progress}"
    );
}
