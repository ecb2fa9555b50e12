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
    let mut last = watch.snapshot.seq();
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
            WatchItem::Resync(s) => last = s.seq(),
        }
    }
    assert!(finished);
    let _ = Error::ShutDown;
    let _ = StartJob::new("x", "y", serde_json::json!({}));
}
