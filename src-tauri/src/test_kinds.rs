//! A job kind and helpers for the shell's tests against a real engine (jobs crate, temp
//! database): jobs that fail on demand or wait at a gate, then tick progress.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use jobs::{Engine, EngineConfig, JobContext, JobError, JobId, JobKind, StartJob};
use serde::{Deserialize, Serialize};

/// What a [`Gate`] job does once the gate opens.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct GateInput {
    /// Progress values reported at once, in order.
    pub ticks: Vec<f64>,
    /// Keep running after the ticks until cancelled.
    pub hold: bool,
}

/// Jobs that fail while failing is switched on; otherwise they wait until the gate opens
/// (or they are cancelled), report their ticks, and finish (or hold on).
#[derive(Clone)]
pub struct Gate {
    fail: Arc<AtomicBool>,
    open: tokio::sync::watch::Sender<bool>,
}

impl Gate {
    /// An engine on a temp database with this kind registered.
    pub async fn engine() -> (tempfile::TempDir, Engine, Gate) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = EngineConfig::new(dir.path().join("jobs.db"));
        config.prune_interval = None;
        let gate = Gate {
            fail: Arc::new(AtomicBool::new(false)),
            open: tokio::sync::watch::channel(false).0,
        };
        let engine = Engine::builder(config)
            .register(gate.clone())
            .open()
            .await
            .expect("engine opens");
        (dir, engine, gate)
    }

    /// Whether runs from now on fail.
    pub fn fail_next_runs(&self, fail: bool) {
        self.fail.store(fail, Ordering::SeqCst);
    }

    /// Lets every waiting job (and every later one) finish.
    pub fn open(&self) {
        self.open.send_replace(true);
    }

    /// Starts a job that waits at the gate, then finishes.
    pub async fn start(&self, engine: &Engine, title: &str) -> JobId {
        self.start_with(engine, title, GateInput::default()).await
    }

    /// Starts a job that waits at the gate, then does what `input` says.
    pub async fn start_with(&self, engine: &Engine, title: &str, input: GateInput) -> JobId {
        engine
            .start(StartJob::new(
                self.name(),
                title,
                serde_json::to_value(input).expect("json"),
            ))
            .await
            .expect("job starts")
    }
}

impl JobKind for Gate {
    type Input = GateInput;
    type Output = ();

    fn name(&self) -> &str {
        "gate"
    }

    async fn run(&self, input: GateInput, ctx: JobContext) -> Result<(), JobError> {
        if self.fail.load(Ordering::SeqCst) {
            return Err(JobError::new("boom", "failed on purpose"));
        }
        let mut open = self.open.subscribe();
        tokio::select! {
            _ = open.wait_for(|open| *open) => {}
            _ = ctx.cancelled() => return Err(JobError::cancelled()),
        }
        for tick in input.ticks {
            ctx.progress(tick, format!("{tick}%"));
        }
        if input.hold {
            ctx.cancelled().await;
            return Err(JobError::cancelled());
        }
        Ok(())
    }
}

/// Waits until `check` holds, polling; panics naming `what` after 30 s.
pub async fn poll_until<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
