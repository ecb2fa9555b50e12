//! Lifecycle: start, run, complete, fail, cancel, retry, on a real SQLite file.

mod support;

use futures::StreamExt;
use jobs::{Error, JobChange, JobStatus, StartJob, StepStatus, WatchItem};
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_runs_to_completion_and_its_result_is_stored() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let id = start(&engine, &kind, &StepsInput::named(&["a", "b", "c"], 30)).await;
    let snap = wait_finished(&engine, id).await;
    assert_eq!(snap.job.status, JobStatus::Completed);
    assert_eq!(snap.job.progress, 100.0);
    assert_eq!(snap.job.attempt, 1);
    assert_eq!(
        snap.job.result,
        Some(serde_json::json!({"done": ["a:done", "b:done", "c:done"]}))
    );
    assert_eq!(snap.steps.len(), 3);
    assert!(snap.steps.iter().all(|s| s.status == StepStatus::Completed));
    assert_eq!(snap.partials.len(), 3);
    engine.shutdown(std::time::Duration::from_secs(1)).await;

    // Reopen: the result is durable.
    let engine = open(&config, &kind).await;
    let stored = engine.get(id).await.unwrap();
    assert_eq!(stored.job.status, JobStatus::Completed);
    assert_eq!(stored.job.result, snap.job.result);
    assert_eq!(stored.steps.len(), 3);
    assert_eq!(stored.partials.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_delivers_snapshot_then_ordered_events_ending_with_finished() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let id = start(&engine, &kind, &StepsInput::named(&["a", "b"], 100)).await;
    let mut watch = engine.watch(id).await.unwrap();
    let mut last = watch.snapshot.job.seq;
    let mut finished = false;
    while let Some(item) = watch.events.next().await {
        match item {
            WatchItem::Event(e) => {
                assert!(e.seq > last, "seq {} after {}", e.seq, last);
                last = e.seq;
                if let JobChange::Finished { snapshot } = &e.change {
                    assert_eq!(snapshot.job.status, JobStatus::Completed);
                    finished = true;
                }
            }
            WatchItem::Resync(s) => last = s.job.seq,
        }
    }
    assert!(finished);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_step_fails_the_job_and_keeps_completed_steps_and_partials() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let mut input = StepsInput::named(&["a", "b", "c"], 10);
    input.steps[1].fail = true;
    let id = start(&engine, &kind, &input).await;
    let snap = wait_finished(&engine, id).await;
    assert_eq!(snap.job.status, JobStatus::Failed);
    let error = snap.job.error.expect("error stored");
    assert_eq!(error.code, "boom");
    assert!(error.retryable);
    assert_eq!(snap.steps[0].status, StepStatus::Completed);
    assert_eq!(snap.steps[1].status, StepStatus::Failed);
    assert_eq!(snap.steps.len(), 2, "step c never started");
    assert_eq!(snap.partials.len(), 1, "the partial of step a is kept");
    // Viewable like a result after a restart.
    engine.shutdown(std::time::Duration::from_secs(1)).await;
    let engine = open(&config, &kind).await;
    let stored = engine.get(id).await.unwrap();
    assert_eq!(stored.steps[0].status, StepStatus::Completed);
    assert_eq!(stored.partials.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_resumes_after_the_last_completed_step() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    kind.fail_once.lock().unwrap().insert("c".into(), true);
    let engine = open(&config, &kind).await;
    let id = start(
        &engine,
        &kind,
        &StepsInput::named(&["a", "b", "c", "d"], 10),
    )
    .await;
    let failed = wait_finished(&engine, id).await;
    assert_eq!(failed.job.status, JobStatus::Failed);
    assert_eq!(kind.ran(id), ["a", "b", "c"]);

    engine.retry(id).await.unwrap();
    let done = wait_finished(&engine, id).await;
    assert_eq!(done.job.status, JobStatus::Completed);
    assert_eq!(done.job.attempt, 2);
    assert_eq!(
        kind.ran(id),
        ["a", "b", "c", "c", "d"],
        "a and b are not run again"
    );
    assert!(done.job.error.is_none());
    assert_eq!(done.partials.len(), 4, "no duplicated partials");
    assert!(
        done.job.seq > failed.job.seq,
        "sequence numbers keep growing across attempts"
    );

    // A completed job cannot be retried; a running one neither.
    assert!(matches!(
        engine.retry(id).await,
        Err(Error::IllegalTransition {
            from: JobStatus::Completed,
            ..
        })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_is_cooperative_and_keeps_what_was_done() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let id = start(&engine, &kind, &StepsInput::named(&["a", "b", "c"], 3_000)).await;
    let k = kind.clone();
    eventually(|| k.ran(id).len() == 1).await;
    let snap = engine.cancel_and_wait(id).await.unwrap();
    assert_eq!(snap.job.status, JobStatus::Cancelled);
    assert_eq!(
        snap.job.error.as_ref().map(|e| e.code.as_str()),
        Some("cancelled")
    );
    assert_eq!(kind.ran(id), ["a"]);
    // Cancelling a finished job is a clear error.
    assert!(matches!(
        engine.cancel(id).await,
        Err(Error::AlreadyFinished {
            status: JobStatus::Cancelled,
            ..
        })
    ));
    // And it can be retried.
    engine.retry(id).await.unwrap();
    let k = kind.clone();
    eventually(|| k.ran(id).len() == 2).await;
    engine.cancel(id).await.unwrap();
    let again = wait_finished(&engine, id).await;
    assert_eq!(again.job.status, JobStatus::Cancelled);
    assert_eq!(again.job.attempt, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_that_ignores_cancellation_is_aborted_after_the_grace_period() {
    let (_dir, mut config) = temp_config();
    config.cancel_grace = std::time::Duration::from_millis(200);
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let mut input = StepsInput::named(&["slow", "never"], 60_000);
    input.steps[0].stubborn = true;
    let id = start(&engine, &kind, &input).await;
    let k = kind.clone();
    eventually(|| k.ran(id).len() == 1).await;
    engine.cancel(id).await.unwrap();
    let snap = wait_finished(&engine, id).await;
    assert_eq!(snap.job.status, JobStatus::Cancelled);
    assert_eq!(kind.ran(id), ["slow"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_typed_errors_and_store_nothing() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let unknown = engine
        .start(StartJob::new("nope", "x", serde_json::json!({})))
        .await;
    assert!(matches!(unknown, Err(Error::UnknownKind(k)) if k == "nope"));
    let shape = engine
        .start(StartJob::new("steps", "x", serde_json::json!({"steps": 3})))
        .await;
    assert!(matches!(shape, Err(Error::InvalidInput { .. })));
    let semantic = engine
        .start(StartJob::new(
            "steps",
            "x",
            serde_json::json!({"steps": [{"name": ""}]}),
        ))
        .await;
    assert!(matches!(semantic, Err(Error::InvalidInput { reason, .. }) if reason.contains("name")));
    let untitled = engine
        .start(StartJob::new(
            "steps",
            "  ",
            serde_json::json!({"steps": []}),
        ))
        .await;
    assert!(matches!(untitled, Err(Error::InvalidInput { .. })));
    assert_eq!(engine.counts(None).await.unwrap().total(), 0);
    let missing = jobs::JobId::new();
    assert!(matches!(engine.get(missing).await, Err(Error::NotFound(_))));
    assert!(matches!(
        engine.cancel(missing).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        engine.retry(missing).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        engine.delete(&[missing]).await,
        Err(Error::NotFound(_))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_engine_on_the_same_file_is_refused() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let second = jobs::Engine::builder(config.clone())
        .register(kind.clone())
        .open()
        .await;
    assert!(matches!(second, Err(Error::AlreadyOpen { .. })));
    engine.shutdown(std::time::Duration::from_secs(1)).await;
    // Once the first is gone, the file opens again.
    let again = open(&config, &kind).await;
    again.shutdown(std::time::Duration::from_secs(1)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_closes_the_file_even_while_a_stubborn_job_and_the_handle_live_on() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let done = start(&engine, &kind, &StepsInput::named(&["quick"], 0)).await;
    wait_finished(&engine, done).await;
    let mut input = StepsInput::named(&["slow", "never"], 60_000);
    input.steps[0].stubborn = true;
    let stubborn = start(&engine, &kind, &input).await;
    let k = kind.clone();
    eventually(|| k.ran(stubborn).len() == 1).await;
    engine.shutdown(std::time::Duration::from_millis(100)).await;
    // Every connection is closed: the last one checkpointed the log and removed it.
    let mut wal = config.path.clone().into_os_string();
    wal.push("-wal");
    assert!(
        !std::path::Path::new(&wal).exists(),
        "the write-ahead log is still there after shutdown"
    );
    // The engine value is still held; a new one opens the file and recovers the straggler.
    let again = open(&config, &kind).await;
    let report = again.recovery();
    assert!(
        report.resumed.contains(&stubborn) || report.interrupted.contains(&stubborn),
        "the job still running at shutdown was recovered: {report:?}"
    );
    assert_eq!(
        again.get(done).await.expect("get").job.status,
        JobStatus::Completed
    );
    again.shutdown(std::time::Duration::from_secs(1)).await;
    drop(engine);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_weak_handle_reaches_the_engine_but_does_not_keep_it_open() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let weak = engine.downgrade();
    let id = start(&engine, &kind, &StepsInput::named(&["work"], 0)).await;
    let reached = weak.upgrade().expect("open while a handle holds it");
    assert_eq!(reached.get(id).await.expect("get").job.id, id);
    drop(reached);
    engine.shutdown(std::time::Duration::from_secs(1)).await;
    drop(engine);
    // The weak handle alone does not keep the engine (or its file) open.
    assert!(weak.upgrade().is_none());
    let again = open(&config, &kind).await;
    again.shutdown(std::time::Duration::from_secs(1)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_kind_concurrency_limit_keeps_extra_jobs_pending() {
    let (_dir, config) = temp_config();
    let mut kind = Steps::new("limited");
    kind.concurrency = Some(2);
    let engine = open(&config, &kind).await;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(start(&engine, &kind, &StepsInput::named(&["work"], 300)).await);
    }
    let mut max_running = 0;
    let mut saw_pending = false;
    loop {
        let running = engine.running();
        let n = running
            .iter()
            .filter(|r| r.status == JobStatus::Running)
            .count();
        max_running = max_running.max(n);
        saw_pending |= running.iter().any(|r| r.status == JobStatus::Pending);
        if running.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(max_running, 2);
    assert!(saw_pending);
    for id in ids {
        assert_eq!(
            engine.get(id).await.unwrap().job.status,
            JobStatus::Completed
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pending_job_waiting_for_a_slot_can_be_cancelled() {
    let (_dir, config) = temp_config();
    let mut kind = Steps::new("limited");
    kind.concurrency = Some(1);
    let engine = open(&config, &kind).await;
    let first = start(&engine, &kind, &StepsInput::named(&["work"], 500)).await;
    let second = start(&engine, &kind, &StepsInput::named(&["work"], 500)).await;
    assert_eq!(
        engine.get(second).await.unwrap().job.status,
        JobStatus::Pending
    );
    engine.cancel(second).await.unwrap();
    let snap = wait_finished(&engine, second).await;
    assert_eq!(snap.job.status, JobStatus::Cancelled);
    assert_eq!(snap.job.attempt, 0, "it never ran");
    assert!(kind.ran(second).is_empty());
    assert_eq!(
        wait_finished(&engine, first).await.job.status,
        JobStatus::Completed
    );
}
