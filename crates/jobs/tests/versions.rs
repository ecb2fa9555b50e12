//! Kind versions: a job left active or paused by a crash, reopened by a build whose kind
//! version cannot read its checkpoints, is interrupted with `updated` and no old
//! checkpoint reaches the new code; a compatible version resumes it.

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jobs::{
    Compatible, Engine, EngineConfig, JobContext, JobError, JobId, JobKind, JobStatus, StartJob,
};
use support::*;

/// (job, step) → the versions that executed it.
type Ran = Arc<Mutex<HashMap<(JobId, u32), Vec<u32>>>>;

/// A kind of a given version whose steps wait for the test's gate; it records which
/// version ran each step and what checkpoint values the run was fed.
#[derive(Clone)]
struct Versioned {
    version: u32,
    compatible: Compatible,
    gate: Arc<tokio::sync::Semaphore>,
    ran: Ran,
}

impl Versioned {
    fn new(version: u32, compatible: Compatible) -> Self {
        Versioned {
            version,
            compatible,
            gate: Arc::new(tokio::sync::Semaphore::new(0)),
            ran: Arc::default(),
        }
    }

    fn ran(&self, id: JobId, step: u32) -> Vec<u32> {
        self.ran
            .lock()
            .unwrap()
            .get(&(id, step))
            .cloned()
            .unwrap_or_default()
    }
}

impl JobKind for Versioned {
    type Input = u32;
    type Output = Vec<String>;

    fn name(&self) -> &str {
        "versioned"
    }

    fn version(&self) -> u32 {
        self.version
    }

    fn compatible(&self, _started_with: u32) -> Compatible {
        self.compatible
    }

    async fn run(&self, steps: u32, ctx: JobContext) -> Result<Vec<String>, JobError> {
        let mut outputs = Vec::new();
        for i in 0..steps {
            let (gate, ran, version, c) = (
                self.gate.clone(),
                self.ran.clone(),
                self.version,
                ctx.clone(),
            );
            let out: String = ctx
                .step(&format!("step {i}"), async move {
                    ran.lock()
                        .unwrap()
                        .entry((c.job_id(), i))
                        .or_default()
                        .push(version);
                    tokio::select! {
                        p = gate.acquire() => {
                            p.map_err(|_| JobError::new("closed", "closed"))?.forget();
                        }
                        _ = c.cancelled() => return Err(JobError::cancelled()),
                    }
                    Ok(format!("v{version}"))
                })
                .await?;
            outputs.push(out);
        }
        Ok(outputs)
    }
}

async fn open_v(config: &EngineConfig, kind: &Versioned) -> Engine {
    Engine::builder(config.clone())
        .register(kind.clone())
        .open()
        .await
        .expect("engine opens")
}

/// Version 1 runs a 3-step job through steps 0 and 1 (then pauses it if asked), and
/// the process dies.
fn crash_with_two_checkpoints(config: &EngineConfig, pause: bool) -> JobId {
    let config = config.clone();
    std::thread::spawn(move || {
        let rt = runtime();
        let kind = Versioned::new(1, Compatible::All);
        let id = rt.block_on(async {
            let engine = open_v(&config, &kind).await;
            let id = engine
                .start(StartJob::new("versioned", "v1 job", serde_json::json!(3)))
                .await
                .unwrap();
            kind.gate.add_permits(2);
            step_running(&engine, id, 2).await;
            if pause {
                engine.pause(id).await.unwrap();
                eventually_status(&engine, id, JobStatus::Paused).await;
            }
            id
        });
        rt.shutdown_timeout(Duration::from_secs(5));
        id
    })
    .join()
    .unwrap()
}

async fn eventually_status(engine: &Engine, id: JobId, status: JobStatus) {
    for _ in 0..1000 {
        if engine.get(id).await.unwrap().job.status == status {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("job {id} did not become {status}");
}

#[test]
fn an_incompatible_version_interrupts_a_crashed_job_as_updated_and_feeds_it_nothing() {
    let (_dir, config) = temp_config();
    let id = crash_with_two_checkpoints(&config, false);
    let v2 = Versioned::new(2, Compatible::FirstSteps(1));
    runtime().block_on(async {
        let engine = open_v(&config, &v2).await;
        assert_eq!(engine.recovery().updated, vec![id]);
        assert!(engine.recovery().resumed.is_empty());
        let job = engine.get(id).await.unwrap().job;
        assert_eq!(job.status, JobStatus::Interrupted);
        assert_eq!(job.error.unwrap().code, "updated");
        assert_eq!(job.kind_version, 1);
        for step in 0..3 {
            assert!(v2.ran(id, step).is_empty(), "version 2 ran step {step}");
        }
        // Retry keeps only what version 2 reads (step 0) and runs the rest with it.
        engine.retry(id).await.unwrap();
        v2.gate.add_permits(2);
        let done = wait_finished(&engine, id).await;
        assert_eq!(done.job.status, JobStatus::Completed);
        assert_eq!(done.job.kind_version, 2);
        assert_eq!(done.job.result, Some(serde_json::json!(["v1", "v2", "v2"])));
        assert!(v2.ran(id, 0).is_empty());
        engine.shutdown(Duration::from_secs(1)).await;
    });
}

#[test]
fn a_compatible_version_resumes_a_crashed_job_from_its_checkpoints() {
    let (_dir, config) = temp_config();
    let id = crash_with_two_checkpoints(&config, false);
    let v2 = Versioned::new(2, Compatible::All);
    runtime().block_on(async {
        let engine = open_v(&config, &v2).await;
        assert_eq!(engine.recovery().resumed, vec![id]);
        v2.gate.add_permits(1);
        let done = wait_finished(&engine, id).await;
        assert_eq!(done.job.result, Some(serde_json::json!(["v1", "v1", "v2"])));
        assert_eq!(done.job.kind_version, 2);
        engine.shutdown(Duration::from_secs(1)).await;
    });
}

#[test]
fn a_paused_job_stays_paused_across_an_update_and_resuming_it_interrupts_it_as_updated() {
    let (_dir, config) = temp_config();
    let id = crash_with_two_checkpoints(&config, true);
    let v2 = Versioned::new(2, Compatible::None);
    runtime().block_on(async {
        let engine = open_v(&config, &v2).await;
        assert!(engine.recovery().updated.is_empty());
        assert_eq!(engine.get(id).await.unwrap().job.status, JobStatus::Paused);
        engine.resume(id).await.expect("resume answers");
        let job = engine.get(id).await.unwrap().job;
        assert_eq!(job.status, JobStatus::Interrupted);
        assert_eq!(job.error.unwrap().code, "updated");
        assert!(v2.ran(id, 0).is_empty() && v2.ran(id, 2).is_empty());
        engine.shutdown(Duration::from_secs(1)).await;
    });
}
