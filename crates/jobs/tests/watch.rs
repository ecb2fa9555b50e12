//! Live view: snapshot + gap-free ordered events, resync of slow views, partials,
//! stall flag and ETA.

mod support;

use std::time::Duration;

use futures::StreamExt;
use jobs::{JobChange, JobStatus, WatchItem};
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_view_that_attaches_late_gets_everything_so_far_then_the_rest_exactly_once() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let id = start(
        &engine,
        &kind,
        &StepsInput::named(&["a", "b", "c", "d"], 150),
    )
    .await;
    let k = kind.clone();
    eventually(|| k.ran(id).len() == 3).await;

    let mut watch = engine.watch(id).await.unwrap();
    let snap = watch.snapshot.clone();
    assert_eq!(snap.job.status, JobStatus::Running);
    assert!(
        snap.job.progress >= 50.0,
        "no reset to 0: {}",
        snap.job.progress
    );
    assert_eq!(
        snap.partials.len(),
        2,
        "partials of a and b are in the snapshot"
    );
    let mut partials: Vec<_> = snap.partials.iter().map(|p| p.value.clone()).collect();
    let mut last = snap.seq();
    while let Some(item) = watch.events.next().await {
        let WatchItem::Event(e) = item else {
            panic!("no resync expected")
        };
        assert_eq!(
            e.seq,
            last + 1,
            "gap-free: every event exactly once, in order"
        );
        last = e.seq;
        if let JobChange::Partial { value, .. } = &e.change {
            partials.push((**value).clone());
        }
    }
    let names: Vec<_> = partials
        .iter()
        .map(|v| v["step"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["a", "b", "c", "d"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_view_is_resynced_and_never_blocks_the_job() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let mut input = StepsInput::named(&["a", "b"], 100);
    for s in &mut input.steps {
        s.ticks = 400; // far more events than a view buffers
    }
    let id = start(&engine, &kind, &input).await;
    let mut watch = engine.watch(id).await.unwrap();
    // Do not read while the job runs: it must finish anyway.
    let k = kind.clone();
    eventually(|| k.ran(id).len() == 2).await;
    let mut resyncs = 0;
    let mut last = watch.snapshot.seq();
    let mut final_status = None;
    while let Some(item) = watch.events.next().await {
        match item {
            WatchItem::Resync(s) => {
                resyncs += 1;
                assert!(s.seq() > last);
                last = s.seq();
            }
            WatchItem::Event(e) => {
                assert!(e.seq > last);
                last = e.seq;
                if let JobChange::Finished { snapshot } = e.change {
                    final_status = Some(snapshot.job.status);
                }
            }
        }
    }
    assert!(resyncs >= 1, "the lagging view was resynced");
    assert_eq!(final_status, Some(JobStatus::Completed));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_view_frees_its_subscription() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let id = start(&engine, &kind, &StepsInput::named(&["a"], 2_000)).await;
    let w1 = engine.watch(id).await.unwrap();
    let w2 = engine.watch(id).await.unwrap();
    assert_eq!(engine.watchers(id), 2);
    drop(w1);
    assert_eq!(engine.watchers(id), 1);
    drop(w2);
    assert_eq!(engine.watchers(id), 0);
    engine.cancel(id).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_job_is_flagged_stalled_but_not_killed() {
    let (_dir, mut config) = temp_config();
    config.stall_after = Duration::from_millis(150);
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let mut input = StepsInput::named(&["quiet"], 800);
    input.steps[0].ticks = 1; // one progress call, then silence
    let id = start(&engine, &kind, &input).await;
    let mut watch = engine.watch(id).await.unwrap();
    let mut stalled_event = false;
    let mut finished = None;
    while let Some(WatchItem::Event(e)) = watch.events.next().await {
        match e.change {
            JobChange::Stalled { .. } => {
                stalled_event = true;
                assert!(engine.get(id).await.unwrap().job.stalled);
                assert!(engine.running()[0].stalled);
            }
            JobChange::Finished { snapshot } => finished = Some(snapshot),
            _ => {}
        }
    }
    assert!(stalled_event);
    let finished = finished.unwrap();
    assert_eq!(
        finished.job.status,
        JobStatus::Completed,
        "stalled is a hint, not a kill"
    );
    assert!(!finished.job.stalled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eta_is_learned_from_past_steps_of_the_same_kind() {
    let (_dir, config) = temp_config();
    let kind = Steps::new("steps");
    let engine = open(&config, &kind).await;
    let input = StepsInput::named(&["a", "b", "c"], 200);
    let first = start(&engine, &kind, &input).await;
    let k = kind.clone();
    eventually(|| !k.ran(first).is_empty()).await;
    assert_eq!(
        engine.get(first).await.unwrap().job.eta_ms,
        None,
        "no history yet"
    );
    wait_finished(&engine, first).await;

    let second = start(&engine, &kind, &input).await;
    let k = kind.clone();
    eventually(|| !k.ran(second).is_empty()).await;
    let eta = engine
        .get(second)
        .await
        .unwrap()
        .job
        .eta_ms
        .expect("eta from history");
    assert!(
        (300..=700).contains(&eta),
        "about three 200 ms steps left: {eta}"
    );
    wait_finished(&engine, second).await;
    engine.shutdown(Duration::from_secs(1)).await;

    // The history is durable.
    let engine = open(&config, &kind).await;
    let third = start(&engine, &kind, &input).await;
    let k = kind.clone();
    eventually(|| !k.ran(third).is_empty()).await;
    assert!(engine.get(third).await.unwrap().job.eta_ms.is_some());
}
