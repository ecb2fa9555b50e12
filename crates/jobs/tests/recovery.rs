//! Recovery after a crash (in-process simulation; the process-level test is tests/crash.rs).

mod support;

use std::time::Duration;

use jobs::{JobStatus, StepStatus};
use support::*;

#[test]
fn a_resumable_job_left_running_resumes_after_its_last_completed_step() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let k = kind.clone();
    let id = crash_after(&config, &kind, move |engine| async move {
        let id = start(&engine, &k, &StepsInput::named(&["a", "b", "c"], 400)).await;
        let k2 = k.clone();
        // Crash inside step b, after a's checkpoint is committed.
        eventually(move || k2.ran(id).len() == 2).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        id
    });
    assert_eq!(kind.ran(id), ["a", "b"]);

    runtime().block_on(async {
        let engine = open(&config, &kind).await;
        assert_eq!(engine.recovery().resumed, vec![id]);
        let snap = wait_finished(&engine, id).await;
        assert_eq!(snap.job.status, JobStatus::Completed);
        assert_eq!(kind.ran(id), ["a", "b", "b", "c"], "a is not run again");
        assert_eq!(snap.job.attempt, 2, "the crashed run counts as an attempt");
        assert_eq!(snap.partials.len(), 3);
        assert!(snap.steps.iter().all(|s| s.status == StepStatus::Completed));
        assert_eq!(integrity(&config.path).await, "ok");
    });
}

#[test]
fn a_non_resumable_job_is_marked_interrupted_and_retry_resumes_it() {
    let (_dir, config) = temp_config();
    let mut kind = Steps::new("steps");
    kind.resumable = false;
    let k = kind.clone();
    let id = crash_after(&config, &kind, move |engine| async move {
        let id = start(&engine, &k, &StepsInput::named(&["a", "b"], 400)).await;
        let k2 = k.clone();
        eventually(move || k2.ran(id).len() == 2).await;
        id
    });

    runtime().block_on(async {
        let engine = open(&config, &kind).await;
        assert_eq!(engine.recovery().interrupted, vec![id]);
        let snap = engine.get(id).await.unwrap();
        assert_eq!(snap.job.status, JobStatus::Interrupted);
        let error = snap.job.error.expect("interrupted jobs say why");
        assert!(error.retryable);
        assert!(error.message.contains("Retry"));
        assert_eq!(
            snap.job.attempt, 1,
            "the attempt was counted before the run"
        );
        assert!(
            raw_statuses(&config.path)
                .await
                .iter()
                .all(|(_, s)| s != "running")
        );
        // It shows among recent completions (unseen outcomes).
        let recent = engine.recent_completions(0, 10).await.unwrap();
        assert_eq!(recent.len(), 1);

        engine.retry(id).await.unwrap();
        let done = wait_finished(&engine, id).await;
        assert_eq!(done.job.status, JobStatus::Completed);
        assert_eq!(kind.ran(id), ["a", "b", "b"]);
    });
}

#[test]
fn with_auto_resume_off_every_stale_job_is_interrupted() {
    let (_dir, mut config) = temp_config();
    let kind = Steps::new("steps");
    let k = kind.clone();
    let ids = crash_after(&config, &kind, move |engine| async move {
        let mut ids = Vec::new();
        for _ in 0..3 {
            ids.push(start(&engine, &k, &StepsInput::named(&["a"], 5_000)).await);
        }
        let k2 = k.clone();
        eventually(move || k2.executions.lock().unwrap().len() == 3).await;
        ids
    });
    config.auto_resume = false;
    runtime().block_on(async {
        let engine = open(&config, &kind).await;
        let mut interrupted = engine.recovery().interrupted.clone();
        interrupted.sort();
        assert_eq!(interrupted, ids);
        assert!(engine.running().is_empty());
        assert_eq!(engine.counts(None).await.unwrap().interrupted, 3);
    });
}

#[test]
fn graceful_shutdown_leaves_running_jobs_to_resume_at_next_open() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let id = runtime().block_on(async {
        let engine = open(&config, &kind).await;
        let id = start(&engine, &kind, &StepsInput::named(&["a", "b"], 600)).await;
        let k = kind.clone();
        eventually(move || k.ran(id).len() == 2).await;
        engine.shutdown(Duration::from_millis(200)).await;
        let stored = raw_statuses(&config.path).await;
        assert_eq!(stored[0].1, "running", "left for recovery, not cancelled");
        id
    });
    runtime().block_on(async {
        let engine = open(&config, &kind).await;
        assert_eq!(engine.recovery().resumed, vec![id]);
        assert_eq!(
            wait_finished(&engine, id).await.job.status,
            JobStatus::Completed
        );
        assert_eq!(kind.ran(id), ["a", "b", "b"]);
    });
}
