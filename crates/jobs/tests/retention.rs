//! Retention: pruning by age per terminal state, by hand and on the engine's schedule;
//! pinned jobs are never pruned.

mod support;

use std::time::Duration;

use jobs::{Error, JobId, JobStatus, Retention};
use support::*;

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

const DAY_MS: i64 = 24 * 3_600_000;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Waits (up to 10 s) until none of these jobs is stored any more.
async fn until_pruned(engine: &jobs::Engine, ids: &[JobId]) {
    for _ in 0..1000 {
        let mut left = 0;
        for id in ids {
            match engine.get(*id).await {
                Err(Error::NotFound(_)) => {}
                Ok(_) => left += 1,
                Err(e) => panic!("get {id}: {e}"),
            }
        }
        if left == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("scheduled retention did not prune the old jobs within 10 s");
}

#[test]
fn scheduled_retention_prunes_every_terminal_state_by_its_own_age_and_keeps_pinned_and_young_jobs()
{
    let (_dir, mut config) = temp_config();
    config.retention = Retention {
        completed: Some(Duration::from_secs(86_400)),
        failed: Some(Duration::from_secs(3 * 86_400)),
        cancelled: Some(Duration::from_secs(86_400)),
        interrupted: Some(Duration::from_secs(3 * 86_400)),
    };
    config.prune_interval = Some(Duration::from_millis(50));
    let mut kind = Steps::new("steps");
    kind.resumable = false; // jobs a crash leaves running come back interrupted

    // Two jobs are running when the process dies.
    let k = kind.clone();
    let interrupted = crash_after(&config, &kind, move |engine| async move {
        let mut ids = Vec::new();
        for _ in 0..2 {
            ids.push(start(&engine, &k, &StepsInput::named(&["long"], 60_000)).await);
        }
        let k2 = k.clone();
        let started = ids.clone();
        eventually(move || started.iter().all(|id| !k2.ran(*id).is_empty())).await;
        ids
    });

    runtime().block_on(async {
        let engine = open(&config, &kind).await;
        assert_eq!(engine.recovery().interrupted.len(), 2);
        let finished = |title: &'static str, fail: bool| {
            let engine = engine.clone();
            let kind = kind.clone();
            async move {
                let id = start_titled(&engine, &kind, title, "s", fail).await;
                wait_finished(&engine, id).await;
                id
            }
        };
        let completed_old = finished("completed, 2 days", false).await;
        let completed_pinned = finished("completed, 2 days, pinned", false).await;
        let completed_young = finished("completed, now", false).await;
        let failed_old = finished("failed, 4 days", true).await;
        let failed_young = finished("failed, 2 days", true).await;
        let mut cancelled = Vec::new();
        for _ in 0..2 {
            let id = start(&engine, &kind, &StepsInput::named(&["long"], 60_000)).await;
            let snapshot = engine.cancel_and_wait(id).await.unwrap();
            assert_eq!(snapshot.job.status, JobStatus::Cancelled);
            cancelled.push(id);
        }
        let (cancelled_old, cancelled_young) = (cancelled[0], cancelled[1]);
        let (interrupted_old, interrupted_young) = (interrupted[0], interrupted[1]);
        engine.pin(completed_pinned, true).await.unwrap();

        let now = now_ms();
        set_finished_at(
            &config.path,
            &[
                completed_old,
                completed_pinned,
                failed_young,
                cancelled_old,
                interrupted_young,
            ],
            now - 2 * DAY_MS,
        )
        .await;
        set_finished_at(
            &config.path,
            &[failed_old, interrupted_old],
            now - 4 * DAY_MS,
        )
        .await;

        until_pruned(
            &engine,
            &[completed_old, failed_old, cancelled_old, interrupted_old],
        )
        .await;
        for (id, status) in [
            (completed_pinned, JobStatus::Completed),
            (completed_young, JobStatus::Completed),
            (failed_young, JobStatus::Failed),
            (cancelled_young, JobStatus::Cancelled),
            (interrupted_young, JobStatus::Interrupted),
        ] {
            let job = engine.get(id).await.expect("kept").job;
            assert_eq!(job.status, status, "{}", job.title);
        }
        assert_eq!(engine.counts(None).await.unwrap().total(), 5);
        engine.shutdown(Duration::from_secs(1)).await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retention_longer_than_the_clock_can_count_back_keeps_everything() {
    let (_dir, mut config) = temp_config();
    config.retention = Retention {
        completed: Some(Duration::MAX),
        failed: Some(Duration::from_secs(u64::MAX / 1_000)),
        cancelled: None,
        interrupted: None,
    };
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let completed = start_titled(&engine, &kind, "Completed", "s", false).await;
    let failed = start_titled(&engine, &kind, "Failed", "s", true).await;
    wait_finished(&engine, completed).await;
    wait_finished(&engine, failed).await;
    assert_eq!(engine.prune().await.unwrap(), 0);
    assert_eq!(engine.counts(None).await.unwrap().total(), 2);
}
