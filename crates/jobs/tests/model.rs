//! Property test: random sequences of start / progress / partial / step / fail / cancel /
//! pause / resume / crash / reopen / retry, with the engine's invariants checked after every operation.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use jobs::{
    Engine, EngineConfig, JobContext, JobError, JobId, JobKind, JobStatus, StartJob, StepStatus,
    WatchItem,
};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

#[derive(Debug, Clone, Copy)]
enum Cmd {
    Progress(u32),
    Partial(u32),
    Done,
    Fail,
}

struct Gate {
    tx: mpsc::UnboundedSender<Cmd>,
    rx: Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Cmd>>>,
}

/// Executions per (job, step index), and the gates the test drives each job through.
#[derive(Clone, Default)]
struct Gated {
    gates: Arc<Mutex<HashMap<JobId, Gate>>>,
    executions: Arc<Mutex<HashMap<(JobId, u32), u32>>>,
}

impl Gated {
    fn gate(
        &self,
        id: JobId,
    ) -> (
        mpsc::UnboundedSender<Cmd>,
        Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Cmd>>>,
    ) {
        let mut gates = self.gates.lock().unwrap();
        let gate = gates.entry(id).or_insert_with(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            Gate {
                tx,
                rx: Arc::new(tokio::sync::Mutex::new(rx)),
            }
        });
        (gate.tx.clone(), gate.rx.clone())
    }

    fn runs(&self, id: JobId, step: u32) -> u32 {
        self.executions
            .lock()
            .unwrap()
            .get(&(id, step))
            .copied()
            .unwrap_or(0)
    }
}

#[derive(Serialize, Deserialize)]
struct GatedInput {
    steps: u32,
}

impl JobKind for Gated {
    type Input = GatedInput;
    type Output = u32;

    fn name(&self) -> &str {
        "gated"
    }

    async fn run(&self, input: GatedInput, ctx: JobContext) -> Result<u32, JobError> {
        let (_, rx) = self.gate(ctx.job_id());
        for i in 0..input.steps {
            let rx = rx.clone();
            let ctx2 = ctx.clone();
            let executions = self.executions.clone();
            ctx.step(&format!("step {i}"), async move {
                *executions.lock().unwrap().entry((ctx2.job_id(), i)).or_default() += 1;
                let mut rx = rx.lock().await;
                loop {
                    tokio::select! {
                        cmd = rx.recv() => match cmd {
                            Some(Cmd::Progress(n)) => ctx2.progress(f64::from(n % 100), format!("p{n}")),
                            Some(Cmd::Partial(n)) => ctx2.partial(&n)?,
                            Some(Cmd::Done) => return Ok(i),
                            Some(Cmd::Fail) => return Err(JobError::new("told", "told to fail")),
                            None => std::future::pending::<()>().await,
                        },
                        _ = ctx2.cancelled() => return Err(JobError::cancelled()),
                    }
                }
            })
            .await?;
        }
        Ok(input.steps)
    }
}

#[derive(Debug, Clone)]
enum Op {
    Start(u32),
    Progress(usize),
    Partial(usize),
    StepDone(usize),
    StepFail(usize),
    Cancel(usize),
    Pause(usize),
    Resume(usize),
    Retry(usize),
    Crash,
    CrashNoResume,
    Reopen,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1u32..4).prop_map(Op::Start),
        2 => any::<usize>().prop_map(Op::Progress),
        1 => any::<usize>().prop_map(Op::Partial),
        5 => any::<usize>().prop_map(Op::StepDone),
        1 => any::<usize>().prop_map(Op::StepFail),
        1 => any::<usize>().prop_map(Op::Cancel),
        1 => any::<usize>().prop_map(Op::Pause),
        1 => any::<usize>().prop_map(Op::Resume),
        2 => any::<usize>().prop_map(Op::Retry),
        1 => Just(Op::Crash),
        1 => Just(Op::CrashNoResume),
        1 => Just(Op::Reopen),
    ]
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Active,
    Paused,
    Done(JobStatus),
}

struct ModelJob {
    id: JobId,
    steps: u32,
    completed: u32,
    expect: Expect,
    counter: u32,
    /// Executions of each completed step at the moment it completed.
    runs_at_completion: HashMap<u32, u32>,
}

struct Harness {
    dir: tempfile::TempDir,
    kind: Gated,
    rt: Option<tokio::runtime::Runtime>,
    engine: Option<Engine>,
    jobs: Vec<ModelJob>,
    violations: Arc<Mutex<Vec<String>>>,
}

fn config(dir: &tempfile::TempDir, auto_resume: bool) -> EngineConfig {
    let mut c = EngineConfig::new(dir.path().join("jobs.db"));
    c.progress_flush_interval = Duration::from_millis(20);
    c.cancel_grace = Duration::from_millis(300);
    c.prune_interval = None;
    c.auto_resume = auto_resume;
    c
}

impl Harness {
    fn new() -> Harness {
        let mut h = Harness {
            dir: tempfile::tempdir().unwrap(),
            kind: Gated::default(),
            rt: None,
            engine: None,
            jobs: Vec::new(),
            violations: Arc::new(Mutex::new(Vec::new())),
        };
        h.open(true);
        h
    }

    fn rt(&self) -> &tokio::runtime::Runtime {
        self.rt.as_ref().unwrap()
    }

    fn engine(&self) -> Engine {
        self.engine.clone().unwrap()
    }

    fn open(&mut self, auto_resume: bool) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let engine = rt
            .block_on(
                Engine::builder(config(&self.dir, auto_resume))
                    .register(self.kind.clone())
                    .open(),
            )
            .expect("reopen");
        self.rt = Some(rt);
        self.engine = Some(engine);
        for j in &mut self.jobs {
            if j.expect == Expect::Active && !auto_resume {
                j.expect = Expect::Done(JobStatus::Interrupted);
            }
        }
        let active: Vec<(JobId, u32)> = self
            .jobs
            .iter()
            .filter(|j| j.expect == Expect::Active)
            .map(|j| (j.id, j.completed))
            .collect();
        for (id, _) in &active {
            self.spawn_watcher(*id);
        }
    }

    /// Checks every event of one job's watch: strictly increasing seq; records nothing else.
    fn spawn_watcher(&self, id: JobId) {
        let engine = self.engine();
        let violations = self.violations.clone();
        self.rt().spawn(async move {
            let Ok(mut watch) = engine.watch(id).await else {
                return;
            };
            let mut last = watch.snapshot.job.seq;
            while let Some(item) = watch.events.next().await {
                let seq = match &item {
                    WatchItem::Event(e) => e.seq,
                    WatchItem::Resync(s) => s.job.seq,
                };
                if seq <= last {
                    violations
                        .lock()
                        .unwrap()
                        .push(format!("job {id}: seq {seq} after {last}"));
                }
                last = seq;
            }
        });
    }

    fn crash(&mut self) {
        self.engine = None;
        if let Some(rt) = self.rt.take() {
            rt.shutdown_timeout(Duration::from_secs(5));
        }
    }

    fn wait<F: FnMut(&Harness) -> bool>(&self, what: &str, mut f: F) {
        for _ in 0..2_000 {
            if f(self) {
                return;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        panic!("timed out waiting for {what}");
    }

    fn snapshot(&self, id: JobId) -> jobs::Snapshot {
        let engine = self.engine();
        self.rt().block_on(engine.get(id)).expect("get")
    }

    /// Waits until the job's current step body is executing in this engine.
    fn wait_step_running(&self, i: usize, runs_before: u32) {
        let (id, step) = (self.jobs[i].id, self.jobs[i].completed);
        self.wait("the step to run", |h| h.kind.runs(id, step) > runs_before);
    }

    fn send(&self, i: usize, cmd: Cmd) {
        let (tx, _) = self.kind.gate(self.jobs[i].id);
        tx.send(cmd).unwrap();
    }

    fn pick(&self, n: usize) -> Option<usize> {
        (!self.jobs.is_empty()).then(|| n % self.jobs.len())
    }

    fn pick_active(&self, n: usize) -> Option<usize> {
        let active: Vec<usize> = (0..self.jobs.len())
            .filter(|&i| self.jobs[i].expect == Expect::Active)
            .collect();
        (!active.is_empty()).then(|| active[n % active.len()])
    }

    fn finish_wait(&mut self, i: usize, status: JobStatus) {
        let id = self.jobs[i].id;
        self.wait("the job to finish", |h| h.snapshot(id).job.status == status);
        self.jobs[i].expect = Expect::Done(status);
    }

    fn apply(&mut self, op: &Op) {
        match *op {
            Op::Start(steps) => {
                let engine = self.engine();
                let input = serde_json::json!({ "steps": steps });
                let id = self
                    .rt()
                    .block_on(engine.start(StartJob::new("gated", "Model job", input)))
                    .unwrap();
                self.jobs.push(ModelJob {
                    id,
                    steps,
                    completed: 0,
                    expect: Expect::Active,
                    counter: 0,
                    runs_at_completion: HashMap::new(),
                });
                self.spawn_watcher(id);
                self.wait_step_running(self.jobs.len() - 1, 0);
            }
            Op::Progress(n) => {
                let Some(i) = self.pick_active(n) else { return };
                self.jobs[i].counter += 1;
                let c = self.jobs[i].counter;
                self.send(i, Cmd::Progress(c));
                let id = self.jobs[i].id;
                let want = format!("p{c}");
                self.wait("progress", |h| {
                    h.snapshot(id).job.message.as_deref() == Some(want.as_str())
                });
            }
            Op::Partial(n) => {
                let Some(i) = self.pick_active(n) else { return };
                self.jobs[i].counter += 1;
                let c = self.jobs[i].counter;
                self.send(i, Cmd::Partial(c));
                let id = self.jobs[i].id;
                self.wait("partial", |h| {
                    h.snapshot(id)
                        .partials
                        .iter()
                        .any(|p| p.value == serde_json::json!(c))
                });
            }
            Op::StepDone(n) => {
                let Some(i) = self.pick_active(n) else { return };
                let (id, step) = (self.jobs[i].id, self.jobs[i].completed);
                // Read before sending: once told, the job may start the next step at once.
                let next_runs = self.kind.runs(id, step + 1);
                self.send(i, Cmd::Done);
                if step + 1 == self.jobs[i].steps {
                    self.finish_wait(i, JobStatus::Completed);
                } else {
                    self.wait("the checkpoint", |h| {
                        h.snapshot(id)
                            .steps
                            .iter()
                            .any(|s| s.index == step && s.status == StepStatus::Completed)
                    });
                    self.jobs[i].completed += 1;
                    self.wait_step_running(i, next_runs);
                }
                self.jobs[i]
                    .runs_at_completion
                    .insert(step, self.kind.runs(id, step));
            }
            Op::StepFail(n) => {
                let Some(i) = self.pick_active(n) else { return };
                self.send(i, Cmd::Fail);
                self.finish_wait(i, JobStatus::Failed);
            }
            Op::Cancel(n) => {
                let Some(i) = self.pick(n) else { return };
                let engine = self.engine();
                let r = self.rt().block_on(engine.cancel(self.jobs[i].id));
                match self.jobs[i].expect {
                    Expect::Active | Expect::Paused => {
                        r.expect("cancel an active or paused job");
                        self.finish_wait(i, JobStatus::Cancelled);
                    }
                    Expect::Done(_) => assert!(
                        matches!(r, Err(jobs::Error::AlreadyFinished { .. })),
                        "{r:?}"
                    ),
                }
            }
            Op::Pause(n) => {
                let Some(i) = self.pick(n) else { return };
                let engine = self.engine();
                let r = self.rt().block_on(engine.pause(self.jobs[i].id));
                match self.jobs[i].expect {
                    Expect::Active | Expect::Paused => {
                        r.expect("pause an active or paused job");
                        self.finish_wait(i, JobStatus::Paused);
                        self.jobs[i].expect = Expect::Paused;
                    }
                    Expect::Done(_) => assert!(
                        matches!(r, Err(jobs::Error::AlreadyFinished { .. })),
                        "{r:?}"
                    ),
                }
            }
            Op::Resume(n) => {
                let Some(i) = self.pick(n) else { return };
                let engine = self.engine();
                let id = self.jobs[i].id;
                let runs_before = self.kind.runs(id, self.jobs[i].completed);
                let attempt = self.snapshot(id).job.attempt;
                let r = self.rt().block_on(engine.resume(id));
                if self.jobs[i].expect == Expect::Paused {
                    r.expect("resume a paused job");
                    self.jobs[i].expect = Expect::Active;
                    self.spawn_watcher(id);
                    self.wait_step_running(i, runs_before);
                    assert_eq!(
                        self.snapshot(id).job.attempt,
                        attempt,
                        "a resume counted an attempt"
                    );
                } else {
                    assert!(r.is_err(), "resume of {:?} must fail", self.jobs[i].expect);
                }
            }
            Op::Retry(n) => {
                let Some(i) = self.pick(n) else { return };
                let engine = self.engine();
                let id = self.jobs[i].id;
                let runs_before = self.kind.runs(id, self.jobs[i].completed);
                let r = self.rt().block_on(engine.retry(id));
                match self.jobs[i].expect {
                    Expect::Done(
                        JobStatus::Failed | JobStatus::Cancelled | JobStatus::Interrupted,
                    ) => {
                        r.expect("retry a finished job");
                        self.jobs[i].expect = Expect::Active;
                        self.spawn_watcher(id);
                        self.wait_step_running(i, runs_before);
                    }
                    _ => assert!(r.is_err(), "retry of {:?} must fail", self.jobs[i].expect),
                }
            }
            Op::Crash | Op::CrashNoResume | Op::Reopen => {
                let before: Vec<u32> = self
                    .jobs
                    .iter()
                    .map(|j| self.kind.runs(j.id, j.completed))
                    .collect();
                if matches!(op, Op::Reopen) {
                    let engine = self.engine();
                    self.rt()
                        .block_on(engine.shutdown(Duration::from_millis(500)));
                }
                self.crash();
                self.open(!matches!(op, Op::CrashNoResume));
                // Every job left active is running again, from its first unfinished step.
                for (i, runs) in before.into_iter().enumerate() {
                    if self.jobs[i].expect == Expect::Active {
                        self.wait_step_running(i, runs);
                    }
                }
            }
        }
    }

    fn check(&self) {
        let violations = self.violations.lock().unwrap().clone();
        assert!(violations.is_empty(), "{violations:?}");
        let engine = self.engine();
        let live: Vec<JobId> = engine.running().iter().map(|r| r.id).collect();
        for j in &self.jobs {
            let snap = self.snapshot(j.id);
            match j.expect {
                Expect::Active => assert!(
                    snap.job.status.is_active(),
                    "{:?} should be active",
                    snap.job.status
                ),
                Expect::Paused => {
                    assert_eq!(snap.job.status, JobStatus::Paused, "a pause did not hold");
                    assert!(snap.job.pause.is_some(), "a paused job without its pause");
                    assert!(!live.contains(&j.id), "a paused job holds a run");
                }
                Expect::Done(s) => {
                    assert_eq!(snap.job.status, s, "a terminal state was overwritten")
                }
            }
            if snap.job.status == JobStatus::Running {
                assert!(
                    live.contains(&j.id),
                    "a job shows running but nothing runs it"
                );
            }
            for (step, runs) in &j.runs_at_completion {
                assert_eq!(
                    self.kind.runs(j.id, *step),
                    *runs,
                    "completed step {step} ran again"
                );
            }
            let completed = snap
                .steps
                .iter()
                .filter(|s| s.status == StepStatus::Completed)
                .count() as u32;
            assert!(
                completed >= j.completed.min(j.steps),
                "a checkpoint was lost"
            );
        }
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        self.crash();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, max_shrink_iters: 50, ..ProptestConfig::default() })]

    #[test]
    fn engine_invariants_hold_under_random_operations(ops in proptest::collection::vec(op(), 1..28)) {
        let mut h = Harness::new();
        for op in &ops {
            h.apply(op);
            h.check();
        }
    }
}
