//! Paused jobs: a step's wait, the user's pause, resume (one, by reason, by timer),
//! cancel and delete of paused jobs, and a crash while paused.

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use futures::StreamExt;
use jobs::{
    Engine, EngineConfig, Error, JobChange, JobContext, JobError, JobId, JobKind, JobQuery,
    JobStatus, PauseReason, Snapshot, StartJob, StepStatus, WatchItem,
};
use serde::{Deserialize, Serialize};
use support::*;

/// Input of a [`Flaky`] job.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct FlakyInput {
    steps: u32,
    /// Step `i` asks to wait this many times before it succeeds.
    waits: HashMap<u32, u32>,
    reason: PauseReason,
    /// Seconds from the wait until the time the step asks to resume at.
    until_ms: Option<i64>,
}

/// A kind whose steps ask to wait (the way a provider error would) a scripted number of
/// times; it counts every execution of every step.
#[derive(Clone, Default)]
struct Flaky {
    executions: Arc<Mutex<HashMap<(JobId, u32), u32>>>,
}

impl Flaky {
    fn runs(&self, id: JobId, step: u32) -> u32 {
        self.executions
            .lock()
            .unwrap()
            .get(&(id, step))
            .copied()
            .unwrap_or(0)
    }
}

impl JobKind for Flaky {
    type Input = FlakyInput;
    type Output = u32;

    fn name(&self) -> &str {
        "flaky"
    }

    async fn run(&self, input: FlakyInput, ctx: JobContext) -> Result<u32, JobError> {
        for i in 0..input.steps {
            let executions = self.executions.clone();
            let id = ctx.job_id();
            let input = input.clone();
            ctx.step(&format!("step {i}"), async move {
                let runs = {
                    let mut ex = executions.lock().unwrap();
                    let n = ex.entry((id, i)).or_default();
                    *n += 1;
                    *n
                };
                if runs <= input.waits.get(&i).copied().unwrap_or(0) {
                    let mut wait = JobError::wait(input.reason, "Can't reach the model server")
                        .detail("localhost:11434");
                    if let Some(ms) = input.until_ms {
                        wait = wait.until(Utc::now() + chrono::Duration::milliseconds(ms));
                    }
                    return Err(wait);
                }
                Ok(i)
            })
            .await?;
        }
        Ok(input.steps)
    }
}

async fn open_flaky(config: &EngineConfig, kind: &Flaky, gated: &Gated) -> Engine {
    Engine::builder(config.clone())
        .register(kind.clone())
        .register(gated.clone())
        .open()
        .await
        .expect("engine opens")
}

async fn start_flaky(
    engine: &Engine,
    steps: u32,
    waits: &[(u32, u32)],
    reason: PauseReason,
    until_ms: Option<i64>,
) -> JobId {
    let input = FlakyInput {
        steps,
        waits: waits.iter().copied().collect(),
        reason,
        until_ms,
    };
    engine
        .start(StartJob::new(
            "flaky",
            "Flaky job",
            serde_json::to_value(&input).unwrap(),
        ))
        .await
        .expect("job starts")
}

/// Waits (up to 20 s) until the job's watch ends paused and returns that snapshot.
async fn wait_paused(engine: &Engine, id: JobId) -> Snapshot {
    let fut = async {
        loop {
            let mut watch = engine.watch(id).await.expect("watch");
            if watch.snapshot.job.status == JobStatus::Paused {
                return watch.snapshot;
            }
            while let Some(item) = watch.events.next().await {
                if let WatchItem::Event(e) = item
                    && let JobChange::Paused { snapshot } = e.change
                {
                    return *snapshot;
                }
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(20), fut)
        .await
        .expect("job pauses within 20 s")
}

/// Waits (up to 20 s) through pauses until the job has finished, and returns it.
async fn wait_done(engine: &Engine, id: JobId) -> Snapshot {
    let fut = async {
        loop {
            let snapshot = wait_finished(engine, id).await;
            if snapshot.job.status.is_finished() {
                return snapshot;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(20), fut)
        .await
        .expect("job finishes within 20 s")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_that_waits_pauses_the_job_which_resumes_by_reason_without_rerunning_steps() {
    let (_dir, config) = temp_config();
    let kind = Flaky::default();
    let engine = open_flaky(&config, &kind, &Gated::new("gated")).await;
    let id = start_flaky(&engine, 3, &[(1, 1)], PauseReason::Offline, None).await;

    let paused = wait_paused(&engine, id).await;
    let pause = paused
        .job
        .pause
        .clone()
        .expect("a paused job holds its pause");
    assert_eq!(pause.reason, PauseReason::Offline);
    assert_eq!(pause.detail.as_deref(), Some("localhost:11434"));
    assert_eq!(pause.message, "Can't reach the model server");
    assert_eq!(paused.job.attempt, 1);
    assert!(paused.job.error.is_none(), "a pause is not a failure");
    let step = |s: &Snapshot, i: u32| s.steps.iter().find(|x| x.index == i).map(|x| x.status);
    assert_eq!(step(&paused, 0), Some(StepStatus::Completed));
    assert_eq!(step(&paused, 1), Some(StepStatus::Paused));

    // Stored as paused; holds no slot; counted and listed as paused, never as failed.
    let stored = engine.get(id).await.unwrap();
    assert_eq!(stored.job.status, JobStatus::Paused);
    assert_eq!(stored.job.pause, paused.job.pause);
    assert!(engine.running().is_empty(), "a paused job is not active");
    let counts = engine.counts(None).await.unwrap();
    assert_eq!((counts.paused, counts.failed, counts.total()), (1, 0, 1));
    let page = engine
        .list(&JobQuery {
            statuses: vec![JobStatus::Paused],
            ..JobQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(page.items.iter().map(|j| j.id).collect::<Vec<_>>(), [id]);

    // Retry, retry_matching and delete leave a paused job alone.
    assert!(matches!(
        engine.retry(id).await,
        Err(Error::IllegalTransition { .. })
    ));
    assert_eq!(
        engine.retry_matching(&JobQuery::default()).await.unwrap(),
        0
    );
    assert!(matches!(
        engine.delete(&[id]).await,
        Err(Error::StillActive { .. })
    ));

    // Other reasons do not resume it; its own does.
    assert_eq!(
        engine
            .resume_matching(&[PauseReason::ProviderDown, PauseReason::RateLimited])
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        engine
            .resume_matching(&[PauseReason::Offline])
            .await
            .unwrap(),
        1
    );
    let done = wait_done(&engine, id).await;
    assert_eq!(done.job.status, JobStatus::Completed);
    assert_eq!(done.job.attempt, 1, "resuming does not count an attempt");
    assert!(done.job.pause.is_none());
    assert_eq!(kind.runs(id, 0), 1, "the completed step did not run again");
    assert_eq!(kind.runs(id, 1), 2);
    assert_eq!(kind.runs(id, 2), 1);
    engine.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_limited_job_resumes_by_itself_at_its_time() {
    let (_dir, config) = temp_config();
    let kind = Flaky::default();
    let engine = open_flaky(&config, &kind, &Gated::new("gated")).await;
    let id = start_flaky(&engine, 2, &[(0, 2)], PauseReason::RateLimited, Some(150)).await;
    let done = wait_done(&engine, id).await;
    assert_eq!(done.job.status, JobStatus::Completed);
    assert_eq!(kind.runs(id, 0), 3, "paused twice, then ran");
    assert_eq!(done.job.attempt, 1);
    engine.shutdown(Duration::from_secs(1)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_user_pauses_and_resumes_a_running_job_and_cancels_a_paused_one() {
    let (_dir, config) = temp_config();
    let gated = Gated::new("gated");
    let engine = open_flaky(&config, &Flaky::default(), &gated).await;
    let id = start_gated(&engine, &gated, "g", 2).await;
    step_running(&engine, id, 0).await;
    gated.open();
    step_running(&engine, id, 1).await;
    engine.pause(id).await.expect("pause a running job");
    let paused = wait_paused(&engine, id).await;
    assert_eq!(paused.job.pause.unwrap().reason, PauseReason::ByUser);
    assert_eq!(paused.job.attempt, 1);

    // Paused for another reason, then by the user: only resume brings it back.
    engine.resume(id).await.expect("resume");
    step_running(&engine, id, 1).await;
    gated.open();
    let done = wait_done(&engine, id).await;
    assert_eq!(done.job.status, JobStatus::Completed);
    assert_eq!(done.job.attempt, 1);
    assert!(matches!(
        engine.resume(id).await,
        Err(Error::IllegalTransition { .. })
    ));

    // Cancelling a paused job ends it; then it can be deleted.
    let other = start_gated(&engine, &gated, "h", 1).await;
    step_running(&engine, other, 0).await;
    engine.pause(other).await.unwrap();
    wait_paused(&engine, other).await;
    engine
        .pause(other)
        .await
        .expect("pausing a paused job keeps it paused");
    engine.cancel(other).await.expect("cancel a paused job");
    assert_eq!(
        engine.get(other).await.unwrap().job.status,
        JobStatus::Cancelled
    );
    assert_eq!(engine.delete(&[other]).await.unwrap(), 1);
    engine.shutdown(Duration::from_secs(1)).await;
}

#[test]
fn a_job_paused_at_a_crash_stays_paused_and_its_timer_is_re_armed_at_open() {
    let (_dir, config) = temp_config();
    let kind = Flaky::default();
    let gated = Gated::new("gated");
    let (k, g) = (kind.clone(), gated.clone());
    let cfg = config.clone();
    // Paused until one second from now; the process dies at once.
    let id = std::thread::spawn(move || {
        let rt = runtime();
        let id = rt.block_on(async {
            let engine = open_flaky(&cfg, &k, &g).await;
            let id =
                start_flaky(&engine, 2, &[(1, 1)], PauseReason::RateLimited, Some(1_000)).await;
            wait_paused(&engine, id).await;
            id
        });
        rt.shutdown_timeout(Duration::from_secs(5));
        id
    })
    .join()
    .unwrap();

    let rt = runtime();
    rt.block_on(async {
        let engine = open_flaky(&config, &kind, &gated).await;
        assert!(engine.recovery().resumed.is_empty());
        assert!(engine.recovery().interrupted.is_empty());
        let job = engine.get(id).await.unwrap().job;
        assert_eq!(
            job.status,
            JobStatus::Paused,
            "still paused after the restart"
        );
        assert_eq!(job.pause.as_ref().unwrap().reason, PauseReason::RateLimited);
        let done = wait_done(&engine, id).await;
        assert_eq!(done.job.status, JobStatus::Completed);
        assert_eq!(kind.runs(id, 0), 1);
        assert_eq!(kind.runs(id, 1), 2);
        engine.shutdown(Duration::from_secs(1)).await;
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_next_check_updates_the_time_shown_and_a_provider_down_job_waits_for_resume() {
    let (_dir, mut config) = temp_config();
    config.auto_resume = true;
    let kind = Flaky::default();
    let engine = open_flaky(&config, &kind, &Gated::new("gated")).await;
    let id = start_flaky(&engine, 1, &[(0, 1)], PauseReason::ProviderDown, None).await;
    wait_paused(&engine, id).await;
    let at = Utc::now() + chrono::Duration::seconds(20);
    engine.set_next_check(id, Some(at)).await.unwrap();
    let pause = engine.get(id).await.unwrap().job.pause.unwrap();
    assert_eq!(
        (pause.reason, pause.until),
        (PauseReason::ProviderDown, Some(at))
    );
    // A provider-down pause is not resumed by its time: the prober resumes it.
    engine.resume(id).await.unwrap();
    assert_eq!(
        wait_done(&engine, id).await.job.status,
        JobStatus::Completed
    );
    assert!(matches!(
        engine.set_next_check(id, None).await,
        Err(Error::IllegalTransition { .. })
    ));
    engine.shutdown(Duration::from_secs(1)).await;
}
