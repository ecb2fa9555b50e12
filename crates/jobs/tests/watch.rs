//! Live view: snapshot + gap-free ordered events, resync of slow views, partials,
//! stall flag and ETA.

mod support;

use std::time::Duration;

use futures::StreamExt;
use jobs::{Engine, JobChange, JobId, JobStatus, WatchItem};
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
    let mut last = snap.job.seq;
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
    let mut last = watch.snapshot.job.seq;
    let mut final_status = None;
    while let Some(item) = watch.events.next().await {
        match item {
            WatchItem::Resync(s) => {
                resyncs += 1;
                assert!(s.job.seq > last);
                last = s.job.seq;
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

/// Runs a [`Gated`] job to its end, letting each step through after `pause`; returns
/// how long each step took, as stored (what the ETA statistics learn from).
async fn run_gated(
    engine: &Engine,
    kind: &Gated,
    label: &str,
    steps: u32,
    pause: Duration,
) -> Vec<i64> {
    let id = start_gated(engine, kind, label, steps).await;
    for i in 0..steps {
        step_running(engine, id, i).await;
        tokio::time::sleep(pause).await;
        kind.open();
    }
    let done = wait_finished(engine, id).await;
    assert_eq!(done.job.status, JobStatus::Completed);
    done.steps
        .iter()
        .map(|s| s.finished_at.expect("finished step") - s.started_at)
        .collect()
}

/// The ETA of a running job, read while its step `index` runs.
async fn eta_during(engine: &Engine, id: JobId, index: u32) -> Option<u64> {
    step_running(engine, id, index).await.job.eta_ms
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eta_is_learned_from_past_steps_and_shrinks_as_steps_complete() {
    let (_dir, config) = temp_config();
    let kind = Gated::new("gated");
    let open_engine = || {
        Engine::builder(config.clone())
            .register(kind.clone())
            .open()
    };
    let engine = open_engine().await.unwrap();

    let first = start_gated(&engine, &kind, "run", 3).await;
    assert_eq!(eta_during(&engine, first, 0).await, None, "no history yet");
    kind.open();
    for i in 1..3 {
        step_running(&engine, first, i).await;
        tokio::time::sleep(Duration::from_millis(30)).await;
        kind.open();
    }
    let d: Vec<u64> = wait_finished(&engine, first)
        .await
        .steps
        .iter()
        .map(|s| (s.finished_at.expect("finished") - s.started_at) as u64)
        .collect();

    // The means are the first run's durations: the ETA is what is left of them.
    let second = start_gated(&engine, &kind, "run", 3).await;
    let at_0 = eta_during(&engine, second, 0)
        .await
        .expect("eta from history");
    assert!(
        (d[1] + d[2]..=d[0] + d[1] + d[2]).contains(&at_0),
        "{at_0} ms, steps {d:?}"
    );
    kind.open();
    let at_1 = eta_during(&engine, second, 1).await.expect("eta");
    assert!(
        (d[2]..=d[1] + d[2]).contains(&at_1),
        "{at_1} ms, steps {d:?}"
    );
    kind.open();
    let at_2 = eta_during(&engine, second, 2).await.expect("eta");
    assert!(at_2 <= d[2], "{at_2} ms, steps {d:?}");
    assert!(at_0 > at_2, "the ETA shrinks: {at_0}, {at_1}, {at_2}");
    kind.open();
    wait_finished(&engine, second).await;
    engine.shutdown(Duration::from_secs(1)).await;

    // The history is durable.
    let engine = open_engine().await.unwrap();
    let third = start_gated(&engine, &kind, "run", 3).await;
    assert!(eta_during(&engine, third, 0).await.is_some());
    engine.cancel_and_wait(third).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kind_that_names_its_steps_per_run_keeps_one_statistic_per_step_and_a_steady_eta() {
    let (_dir, config) = temp_config();
    let kind = Gated::new("research");
    let engine = Engine::builder(config.clone())
        .register(kind.clone())
        .open()
        .await
        .unwrap();
    let runs = 5;
    let mut longest = [0i64; 3];
    let mut shortest = [i64::MAX; 3];
    for run in 0..runs {
        // "Reading source-0 0", "Reading source-1 0", …: a new name at each index every run.
        let label = format!("Reading source-{run}");
        let took = run_gated(&engine, &kind, &label, 3, Duration::from_millis(20)).await;
        for (i, ms) in took.into_iter().enumerate() {
            longest[i] = longest[i].max(ms);
            shortest[i] = shortest[i].min(ms);
        }
    }

    let id = start_gated(&engine, &kind, "Reading source-new", 3).await;
    let eta = eta_during(&engine, id, 0).await.expect("eta from history") as i64;
    // One run's worth of learned means, whatever the history's length.
    assert!(
        eta <= longest.iter().sum::<i64>(),
        "ETA {eta} ms after {runs} runs; longest steps {longest:?}"
    );
    assert!(
        eta >= shortest[1] + shortest[2],
        "ETA {eta} ms; shortest steps {shortest:?}"
    );
    engine.cancel_and_wait(id).await.unwrap();
    engine.shutdown(Duration::from_secs(1)).await;

    let stats: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT idx, name, samples FROM step_stats WHERE kind = 'research' ORDER BY idx",
    )
    .fetch_all(&mut raw_write_connection(&config.path).await)
    .await
    .unwrap();
    let expected: Vec<(i64, String, i64)> = (0..3)
        .map(|i| (i, format!("Reading source-{} {i}", runs - 1), runs))
        .collect();
    assert_eq!(
        stats, expected,
        "one row per step index, with the latest name"
    );
}

/// A job that returns once its gate opens.
#[derive(Clone, Default)]
struct EndGate {
    gate: std::sync::Arc<tokio::sync::Notify>,
}

impl jobs::JobKind for EndGate {
    type Input = ();
    type Output = ();

    fn name(&self) -> &str {
        "gated"
    }

    async fn run(&self, _input: (), _ctx: jobs::JobContext) -> Result<(), jobs::JobError> {
        self.gate.notified().await;
        Ok(())
    }
}

/// A view that attaches while a job is committing its end (the end's sequence number is
/// reserved, the event not yet sent) still hears how it ended: another connection holds the
/// database's write lock so that the commit waits, and the view attaches meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_view_attaching_while_a_job_ends_still_hears_the_end() {
    let (_dir, config) = temp_config();
    let kind = EndGate::default();
    let engine = Engine::builder(config.clone())
        .register(kind.clone())
        .open()
        .await
        .unwrap();
    let id = engine
        .start(jobs::StartJob::new(
            "gated",
            "Gated",
            serde_json::json!(null),
        ))
        .await
        .unwrap();
    let mut other = raw_write_connection(&config.path).await;
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    // The job returns; committing its end waits for the lock.
    kind.gate.notify_one();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let mut watch = engine.watch(id).await.unwrap();
    assert!(
        watch.snapshot.job.status.is_active(),
        "the view attached before the end was committed"
    );
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(20), async {
        while let Some(item) = watch.events.next().await {
            if let WatchItem::Event(e) = item
                && let JobChange::Finished { snapshot } = e.change
            {
                return Some(snapshot.job.status);
            }
        }
        None
    })
    .await
    .expect("the watch ends");
    assert_eq!(ended, Some(JobStatus::Completed), "the view heard the end");
    engine.shutdown(Duration::from_secs(1)).await;
}
