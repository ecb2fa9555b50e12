//! Run again from a step: a linked new job reuses the original's checkpoints before
//! that step (they do not run again), runs the rest, and leaves the original untouched;
//! the preview says which steps are restored and which run.

mod support;

use std::time::Duration;

use jobs::{JobStatus, StepStatus};
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fork_from_step_n_runs_only_steps_n_onwards_and_links_the_original() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let input = StepsInput::named(&["a", "b", "c"], 1);
    let original = start(&engine, &kind, &input).await;
    let done = wait_finished(&engine, original).await;
    assert_eq!(done.job.status, JobStatus::Completed);
    assert_eq!(kind.ran(original), ["a", "b", "c"]);

    let preview = engine.preview_fork(original, 2).await.unwrap();
    let names: Vec<_> = preview.restored.iter().map(|s| s.name.as_str()).collect();
    assert_eq!((names, preview.will_run_from), (vec!["a", "b"], 2));
    // A step after the chosen one is not "dropped": it simply runs.
    assert!(preview.dropped.is_empty(), "{:?}", preview.dropped);
    let whole = engine.preview(original).await.unwrap();
    assert_eq!((whole.restored.len(), whole.will_run_from), (3, 3));

    let fork = engine.fork(original, 2, None).await.unwrap();
    let forked = wait_finished(&engine, fork).await;
    assert_eq!(forked.job.status, JobStatus::Completed);
    assert_eq!(forked.job.forked_from, Some(original));
    assert_eq!(forked.job.fork_step, Some(2));
    assert_eq!(kind.ran(fork), ["c"], "only steps from N on ran");
    assert_eq!(forked.job.result, done.job.result);
    assert!(
        forked
            .steps
            .iter()
            .all(|s| s.status == StepStatus::Completed)
    );
    assert_eq!(forked.steps.len(), 3);

    // From scratch, with another input: every step runs.
    let input2 = StepsInput::named(&["x", "y"], 1);
    let scratch = engine
        .fork(original, 0, Some(serde_json::to_value(&input2).unwrap()))
        .await
        .unwrap();
    assert_eq!(
        wait_finished(&engine, scratch).await.job.status,
        JobStatus::Completed
    );
    assert_eq!(kind.ran(scratch), ["x", "y"]);

    // The original is as it was.
    let again = engine.get(original).await.unwrap();
    assert_eq!(again.job, done.job);
    assert_eq!(again.steps, done.steps);
    assert_eq!(kind.ran(original), ["a", "b", "c"]);
    engine.shutdown(Duration::from_secs(1)).await;
}
