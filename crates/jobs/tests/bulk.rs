//! Bulk actions on everything a query matches: delete_matching and retry_matching.

mod support;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use jobs::{ChangeKind, Engine, Error, JobId, JobQuery, JobStatus, StartJob};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode};
use sqlx::{Connection as _, QueryBuilder, Sqlite};
use support::*;

async fn start_job(engine: &Engine, kind: &Steps, title: &str, input: &StepsInput) -> JobId {
    engine
        .start(StartJob::new(
            kind.name,
            title,
            serde_json::to_value(input).unwrap(),
        ))
        .await
        .unwrap()
}

/// One quick step named `step`, failing when `fail` is set.
fn quick(step: &str, fail: bool) -> StepsInput {
    let mut input = StepsInput::named(&[step], 1);
    input.steps[0].fail = fail;
    input
}

fn query(f: impl FnOnce(&mut JobQuery)) -> JobQuery {
    let mut q = JobQuery::default();
    f(&mut q);
    q
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_matching_deletes_finished_matches_only_and_skips_active_jobs() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let other = Steps::new("other");
    let engine = Engine::builder(config.clone())
        .register(kind.clone())
        .register(other.clone())
        .open()
        .await
        .unwrap();
    let bakery_done = start_job(&engine, &kind, "Bakery done", &quick("a", false)).await;
    let bakery_failed = start_job(&engine, &kind, "Bakery failed", &quick("a", true)).await;
    let coffee_done = start_job(&engine, &kind, "Coffee done", &quick("a", false)).await;
    let other_bakery = start_job(&engine, &other, "Bakery elsewhere", &quick("a", false)).await;
    for id in [bakery_done, bakery_failed, coffee_done, other_bakery] {
        wait_finished(&engine, id).await;
    }
    let busy = start_job(
        &engine,
        &kind,
        "Bakery busy",
        &StepsInput::named(&["long"], 10_000),
    )
    .await;
    let mut events = engine.events();

    // Kind and (case-insensitive) text filters; the running match is skipped, not an error.
    let bakeries = query(|q| {
        q.kind = Some("steps".into());
        q.text = Some("BAKERY".into());
    });
    // Counting says what a bulk action over the same query would touch, before it runs.
    assert_eq!(engine.count_matching(&bakeries).await.unwrap(), 3);
    let finished_bakeries = query(|q| {
        q.kind = Some("steps".into());
        q.text = Some("bakery".into());
        q.statuses = vec![JobStatus::Completed, JobStatus::Failed];
    });
    assert_eq!(engine.count_matching(&finished_bakeries).await.unwrap(), 2);
    let paged = query(|q| {
        q.text = Some("bakery".into());
        q.limit = Some(1);
    });
    assert_eq!(engine.count_matching(&paged).await.unwrap(), 4);
    assert_eq!(engine.delete_matching(&bakeries).await.unwrap(), 2);
    assert_eq!(engine.count_matching(&finished_bakeries).await.unwrap(), 0);
    for gone in [bakery_done, bakery_failed] {
        assert!(matches!(engine.get(gone).await, Err(Error::NotFound(_))));
    }
    assert_eq!(
        engine.get(busy).await.unwrap().job.status,
        JobStatus::Running
    );
    assert_eq!(
        engine.get(coffee_done).await.unwrap().job.status,
        JobStatus::Completed
    );
    assert_eq!(
        engine.get(other_bakery).await.unwrap().job.status,
        JobStatus::Completed
    );
    let mut deleted = HashSet::new();
    while let Ok(Ok(e)) = tokio::time::timeout(Duration::from_millis(200), events.recv()).await {
        if e.change == ChangeKind::Deleted {
            assert!(e.title.starts_with("Bakery"), "{}", e.title);
            deleted.insert(e.job_id);
        }
    }
    assert_eq!(deleted, HashSet::from([bakery_done, bakery_failed]));

    // Asking only for active statuses deletes nothing; so does a filter nothing matches.
    let active = query(|q| q.statuses = vec![JobStatus::Running, JobStatus::Pending]);
    assert_eq!(engine.delete_matching(&active).await.unwrap(), 0);
    let failed = query(|q| q.statuses = vec![JobStatus::Failed]);
    assert_eq!(engine.delete_matching(&failed).await.unwrap(), 0);

    // `limit` and `after` are paging: a bulk delete ignores them and takes every match.
    let everything = query(|q| {
        q.limit = Some(1);
        q.after = Some(JobId::new());
    });
    assert_eq!(engine.delete_matching(&everything).await.unwrap(), 2);
    let counts = engine.counts(None).await.unwrap();
    assert_eq!(counts.total(), 1, "{counts:?}");
    assert_eq!(counts.running, 1);
    let left = engine.list(&JobQuery::default()).await.unwrap();
    assert_eq!(
        left.items.iter().map(|j| j.id).collect::<Vec<_>>(),
        vec![busy]
    );
    engine.cancel_and_wait(busy).await.unwrap();
    assert_eq!(engine.delete_matching(&everything).await.unwrap(), 1);
    assert_eq!(engine.counts(None).await.unwrap().total(), 0);
}

#[test]
fn retry_matching_requeues_only_failed_cancelled_and_interrupted_matches() {
    let (_dir, config) = temp_config();
    let mut kind = Steps::new("steps");
    kind.resumable = false;
    // An interrupted job: the process dies while it runs.
    let k = kind.clone();
    let interrupted = crash_after(&config, &kind, move |engine| async move {
        let id = start_job(
            &engine,
            &k,
            "Report interrupted",
            &StepsInput::named(&["slow"], 400),
        )
        .await;
        let k2 = k.clone();
        eventually(move || k2.ran(id).len() == 1).await;
        id
    });

    runtime().block_on(async {
        let engine = open(&config, &kind).await;
        assert_eq!(engine.recovery().interrupted, vec![interrupted]);
        // Two jobs whose step fails on its first run only.
        for step in ["flaky1", "flaky2"] {
            kind.fail_once.lock().unwrap().insert(step.into(), true);
        }
        let flaky1 = start_job(&engine, &kind, "Report one", &quick("flaky1", false)).await;
        let flaky2 = start_job(&engine, &kind, "Report two", &quick("flaky2", false)).await;
        let done = start_job(&engine, &kind, "Report done", &quick("a", false)).await;
        let unmatched = start_job(&engine, &kind, "Forecast", &quick("a", true)).await;
        for id in [flaky1, flaky2, done, unmatched] {
            wait_finished(&engine, id).await;
        }
        let cancelled = start_job(
            &engine,
            &kind,
            "Report cancelled",
            &StepsInput::named(&["slow"], 400),
        )
        .await;
        assert_eq!(
            engine.cancel_and_wait(cancelled).await.unwrap().job.status,
            JobStatus::Cancelled
        );
        let busy = start_job(
            &engine,
            &kind,
            "Report busy",
            &StepsInput::named(&["long"], 10_000),
        )
        .await;
        assert_eq!(
            engine.get(flaky1).await.unwrap().job.status,
            JobStatus::Failed
        );

        // Completed and running matches are skipped; the failed "Forecast" does not match.
        let reports = query(|q| q.text = Some("report".into()));
        let mut events = engine.events();
        assert_eq!(engine.retry_matching(&reports).await.unwrap(), 4);
        let mut retried = HashSet::new();
        while let Ok(Ok(e)) = tokio::time::timeout(Duration::from_millis(100), events.recv()).await
        {
            if e.change == ChangeKind::Retried {
                retried.insert(e.job_id);
            }
        }
        assert_eq!(
            retried,
            HashSet::from([flaky1, flaky2, cancelled, interrupted])
        );
        for id in [flaky1, flaky2, cancelled, interrupted] {
            let snap = wait_finished(&engine, id).await;
            assert_eq!(snap.job.status, JobStatus::Completed, "{}", snap.job.title);
        }
        assert_eq!(kind.ran(flaky1), ["flaky1", "flaky1"], "it ran again");
        assert_eq!(kind.ran(flaky2), ["flaky2", "flaky2"]);
        assert_eq!(kind.ran(done), ["a"], "completed jobs are not rerun");
        assert_eq!(engine.get(done).await.unwrap().job.attempt, 1);
        let forecast = engine.get(unmatched).await.unwrap().job;
        assert_eq!((forecast.status, forecast.attempt), (JobStatus::Failed, 1));
        assert_eq!(engine.get(busy).await.unwrap().job.attempt, 1);

        let counts = engine.counts(None).await.unwrap();
        assert_eq!(
            (counts.completed, counts.failed, counts.running),
            (5, 1, 1),
            "{counts:?}"
        );
        assert_eq!((counts.cancelled, counts.interrupted), (0, 0));

        // Nothing left to retry among the reports; a status filter narrows further.
        assert_eq!(engine.retry_matching(&reports).await.unwrap(), 0);
        let completed = query(|q| q.statuses = vec![JobStatus::Completed]);
        assert_eq!(engine.retry_matching(&completed).await.unwrap(), 0);
        let failed_only = query(|q| q.statuses = vec![JobStatus::Failed]);
        assert_eq!(engine.retry_matching(&failed_only).await.unwrap(), 1);
        assert_eq!(
            wait_finished(&engine, unmatched).await.job.attempt,
            2,
            "the forecast ran again (and failed again)"
        );
        engine.cancel_and_wait(busy).await.unwrap();
    });
}

/// Writes `n` finished jobs straight into the file: every other one failed; the failed
/// ones at multiples of 10,000 are titled "Needle".
async fn seed(path: &std::path::Path, n: usize) {
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true);
    let mut conn = SqliteConnection::connect_with(&opts).await.unwrap();
    let input = serde_json::to_string(&quick("a", false)).unwrap();
    let mut tx = conn.begin().await.unwrap();
    let rows: Vec<(String, &str, String)> = (0..n)
        .map(|i| {
            let status = if i % 2 == 0 { "completed" } else { "failed" };
            let title = if i % 10_000 == 1 {
                format!("Needle {i}")
            } else {
                format!("Hay {i}")
            };
            (JobId::new().to_string(), status, title)
        })
        .collect();
    for chunk in rows.chunks(500) {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO jobs (id, kind, title, status, progress, input, attempt, created_at, \
             updated_at, finished_at) ",
        );
        qb.push_values(chunk, |mut b, (id, status, title)| {
            b.push_bind(id)
                .push_bind("steps")
                .push_bind(title)
                .push_bind(*status)
                .push_bind(100.0)
                .push_bind(&input)
                .push_bind(1)
                .push_bind(0)
                .push_bind(0)
                .push_bind(0);
        });
        qb.build().execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    conn.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_actions_stay_fast_at_100k_jobs() {
    const JOBS: usize = 100_000;
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    // The engine creates the schema; the jobs are then written straight into the file.
    open(&config, &kind)
        .await
        .shutdown(Duration::from_secs(1))
        .await;
    seed(&config.path, JOBS).await;
    let engine = open(&config, &kind).await;
    assert_eq!(engine.counts(None).await.unwrap().total(), JOBS as u64);

    let mut events = engine.events();
    let started = Instant::now();
    let completed = query(|q| q.statuses = vec![JobStatus::Completed]);
    let needles = query(|q| q.text = Some("needle".into()));
    assert_eq!(engine.count_matching(&needles).await.unwrap(), 10);
    assert_eq!(engine.count_matching(&completed).await.unwrap(), 50_000);
    let counted = started.elapsed();
    assert_eq!(
        engine.delete_matching(&completed).await.unwrap(),
        JOBS as u64 / 2
    );
    let delete_took = started.elapsed();
    // The stream announced the deletions (a receiver this far behind is told it lagged).
    assert!(matches!(
        events.try_recv(),
        Ok(_) | Err(tokio::sync::broadcast::error::TryRecvError::Lagged(_))
    ));

    let started = Instant::now();
    assert_eq!(
        engine.retry_matching(&needles).await.unwrap(),
        JOBS as u64 / 10_000
    );
    let retry_took = started.elapsed();
    eprintln!(
        "count_matching (text, then status): {counted:?}; delete_matching (50,000 of {JOBS}): {delete_took:?}; retry_matching (10 of 50,000): {retry_took:?}"
    );
    assert!(delete_took < Duration::from_secs(30), "{delete_took:?}");
    assert!(retry_took < Duration::from_secs(5), "{retry_took:?}");

    let mut counts = engine.counts(None).await.unwrap();
    for _ in 0..500 {
        if counts.completed == 10 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        counts = engine.counts(None).await.unwrap();
    }
    assert_eq!(counts.completed, 10, "the needles ran again: {counts:?}");
    assert_eq!(counts.failed, JOBS as u64 / 2 - 10);
    assert_eq!(counts.total(), JOBS as u64 / 2);
    assert_eq!(integrity(&config.path).await, "ok");
    engine.shutdown(Duration::from_secs(2)).await;
}
