//! Queries, deletion, pinning, seen flags, the engine-wide event stream and coalesced
//! progress writes.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use jobs::{ChangeKind, Error, JobContext, JobError, JobKind, JobQuery, JobStatus, StartJob};
use support::*;

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
    assert_eq!(engine.unseen_count().await.unwrap(), 2);
    assert_eq!(engine.mark_seen(&[a]).await.unwrap(), 1);
    assert_eq!(engine.unseen_count().await.unwrap(), 1);
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
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_announces_only_the_jobs_it_deleted() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let gone = start_titled(&engine, &kind, "Gone", "s", false).await;
    let kept = start_titled(&engine, &kind, "Kept", "s", false).await;
    wait_finished(&engine, gone).await;
    wait_finished(&engine, kept).await;
    // `kept` becomes active after the engine last saw it: the state a retry landing
    // between the delete's read and its write leaves. The delete's guard keeps it.
    let mut conn = raw_write_connection(&config.path).await;
    sqlx::query("UPDATE jobs SET status = 'pending' WHERE id = ?")
        .bind(kept.to_string())
        .execute(&mut conn)
        .await
        .unwrap();
    let mut events = engine.events();

    assert_eq!(engine.delete(&[gone, kept]).await.unwrap(), 1);
    assert_eq!(engine.delete(&[kept]).await.unwrap(), 0);

    let mut deleted = Vec::new();
    while let Ok(Ok(e)) = tokio::time::timeout(Duration::from_millis(200), events.recv()).await {
        if e.change == ChangeKind::Deleted {
            deleted.push(e.job_id);
        }
    }
    assert_eq!(deleted, vec![gone], "only the job that went is announced");
    assert!(matches!(engine.get(gone).await, Err(Error::NotFound(_))));
    assert_eq!(
        engine.get(kept).await.unwrap().job.status,
        JobStatus::Pending
    );
}

/// Emits `ticks` progress updates (pausing 1 ms every 10), then `LAST_PROGRESS`, then
/// waits until the test lets it finish.
#[derive(Clone)]
struct Ticker {
    finish: Arc<tokio::sync::Notify>,
}

const LAST_PROGRESS: f64 = 42.5;

impl JobKind for Ticker {
    type Input = u32;
    type Output = ();

    fn name(&self) -> &str {
        "ticker"
    }

    async fn run(&self, ticks: u32, ctx: JobContext) -> Result<(), JobError> {
        for t in 0..ticks {
            ctx.progress(f64::from(t) / f64::from(ticks) * 40.0, format!("tick {t}"));
            if t % 10 == 0 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
        ctx.progress(LAST_PROGRESS, "last tick");
        self.finish.notified().await;
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_is_written_at_most_once_per_flush_interval_and_the_last_value_persists() {
    let (_dir, mut config) = temp_config();
    config.progress_flush_interval = Duration::from_millis(20);
    let ticker = Ticker {
        finish: Arc::new(tokio::sync::Notify::new()),
    };
    let engine = jobs::Engine::builder(config.clone())
        .register(ticker.clone())
        .open()
        .await
        .unwrap();
    let before = engine.write_counts();
    let started = Instant::now();
    let ticks = 4_000;
    let id = engine
        .start(StartJob::new("ticker", "Ticks", serde_json::json!(ticks)))
        .await
        .unwrap();

    // The job now waits: only the timer's flush can have put its last progress in the file.
    let mut stored = None;
    for _ in 0..1000 {
        let row: (f64, Option<String>) =
            sqlx::query_as("SELECT progress, message FROM jobs WHERE id = ?")
                .bind(id.to_string())
                .fetch_one(&mut raw_write_connection(&config.path).await)
                .await
                .unwrap();
        if row.0 == LAST_PROGRESS {
            stored = Some(row);
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let elapsed = started.elapsed();
    let (_, message) = stored.expect("the last progress reaches the file within 10 s");
    assert_eq!(message.as_deref(), Some("last tick"));

    let rows = engine.write_counts().progress_rows - before.progress_rows;
    let intervals = (elapsed.as_millis() / config.progress_flush_interval.as_millis()) as u64;
    assert!(
        rows <= intervals + 2,
        "{ticks} updates over {intervals} flush intervals wrote {rows} progress rows"
    );
    assert!(
        rows >= 2,
        "progress is written while the job runs, not only at its end ({rows} rows)"
    );
    ticker.finish.notify_one();
    assert_eq!(
        wait_finished(&engine, id).await.job.status,
        JobStatus::Completed
    );
}
