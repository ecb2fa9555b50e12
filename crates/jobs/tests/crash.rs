//! Real crashes: a helper process runs jobs on a database file and is SIGKILLed at
//! many different moments; after each kill a fresh engine in this process must find
//! an intact database, every reported completion stored with the right result, and
//! must finish the interrupted jobs without running any checkpointed step again.
#![cfg(unix)]

#[allow(dead_code)]
#[path = "../src/bin/crash_helper/kind.rs"]
mod crash_kind;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::BufRead as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::str::FromStr as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crash_kind::{CrashInput, CrashKind, CrashOutput, Final, StepObserver};
use jobs::{Engine, EngineConfig, JobId, JobQuery, JobStatus};
use sqlx::Connection as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use tokio::sync::mpsc;

const HELPER: &str = env!("CARGO_BIN_EXE_jobs-crash-helper");
const STEPS: u32 = 6;

/// Records which steps really executed in this process.
#[derive(Default)]
struct Recorder {
    executed: Mutex<Vec<(JobId, u32)>>,
}

impl StepObserver for Recorder {
    fn executing(&self, job: JobId, index: u32) {
        self.executed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((job, index));
    }
    fn checkpointed(&self, _job: JobId, _index: u32, _hash: &str) {}
}

/// The helper process and its stdout lines; killed when dropped.
struct Helper {
    child: Child,
    lines: mpsc::UnboundedReceiver<String>,
    reader: Option<std::thread::JoinHandle<()>>,
    seen: Vec<String>,
}

impl Helper {
    fn run(db: &Path, seed: u64) -> Helper {
        let mut child = Command::new(HELPER)
            .arg("run")
            .arg(db)
            .args(["--concurrency", "3", "--steps", &STEPS.to_string()])
            .args(["--bytes", "49152", "--ticks", "8"])
            .args(["--seed", &seed.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn the crash helper");
        let stdout = child.stdout.take().expect("helper stdout is piped");
        let (tx, lines) = mpsc::unbounded_channel();
        let reader = std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Helper {
            child,
            lines,
            reader: Some(reader),
            seen: Vec::new(),
        }
    }

    /// Reads lines until `n` of them start with `prefix`.
    async fn wait_for(&mut self, prefix: &str, n: usize) {
        let mut count = self.seen.iter().filter(|l| l.starts_with(prefix)).count();
        while count < n {
            let line = tokio::time::timeout(Duration::from_secs(30), self.lines.recv())
                .await
                .unwrap_or_else(|_| panic!("no {n}th `{prefix}` within 30 s; saw {:?}", self.seen))
                .unwrap_or_else(|| {
                    panic!(
                        "helper ended before the {n}th `{prefix}`; saw {:?}",
                        self.seen
                    )
                });
            if line.starts_with(prefix) {
                count += 1;
            }
            self.seen.push(line);
        }
    }

    /// SIGKILLs the helper and returns every line it printed.
    fn kill(&mut self) -> Vec<String> {
        self.child.kill().expect("SIGKILL the helper");
        self.child.wait().expect("reap the helper");
        if let Some(reader) = self.reader.take() {
            reader.join().expect("stdout reader thread");
        }
        while let Ok(line) = self.lines.try_recv() {
            self.seen.push(line);
        }
        std::mem::take(&mut self.seen)
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// When to kill the helper.
#[derive(Debug, Clone, Copy)]
enum Moment {
    /// Right after the k-th committed step checkpoint was reported.
    StepDone(usize),
    /// Right after the k-th completed job was reported.
    Completed(usize),
    /// Right after the k-th job was stored.
    Started(usize),
    /// This many ms after the process was spawned (may land in open, a step, a commit).
    Delay(u64),
}

fn schedule() -> Vec<Moment> {
    use Moment::*;
    // Deterministic but irregular delays in 1..=300 ms (xorshift).
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut delay = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        1 + x % 300
    };
    let mut moments = vec![StepDone(3)];
    for round in 0..8 {
        moments.push(Delay(delay()));
        moments.push(match round % 4 {
            0 => StepDone(1 + round * 3),
            1 => Completed(1 + round / 2),
            2 => Started(1 + round / 2),
            _ => StepDone(2 + round * 2),
        });
        moments.push(Delay(delay()));
    }
    moments.extend([Delay(1), Delay(5), Delay(20), StepDone(1), Completed(1)]);
    moments
}

/// What the helper reported before it died.
#[derive(Default, Debug)]
struct Reported {
    completed: BTreeMap<JobId, String>,
    step_done: BTreeMap<(JobId, u32), String>,
}

fn parse(lines: &[String]) -> Reported {
    let mut r = Reported::default();
    for line in lines {
        let words: Vec<&str> = line.split_whitespace().collect();
        let id = |i: usize| {
            JobId::from_str(words.get(i).copied().unwrap_or_default())
                .unwrap_or_else(|e| panic!("bad line `{line}`: {e}"))
        };
        match words.first().copied() {
            Some("COMPLETED") => {
                r.completed.insert(id(1), words[2].to_owned());
            }
            Some("STEP_DONE") => {
                let index: u32 = words[2].parse().expect("step index");
                r.step_done.insert((id(1), index), words[3].to_owned());
            }
            Some("READY" | "STARTED" | "RESUMED") => {}
            _ => panic!("unexpected helper line `{line}`"),
        }
    }
    r
}

async fn raw(db: &Path) -> SqliteConnection {
    let opts = SqliteConnectOptions::new().filename(db).read_only(true);
    SqliteConnection::connect_with(&opts)
        .await
        .expect("raw read-only connection")
}

async fn integrity(conn: &mut SqliteConnection) {
    let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut *conn)
        .await
        .expect("integrity_check");
    assert_eq!(rows, vec!["ok".to_owned()], "integrity_check");
}

/// Completed step checkpoints: (job, index) -> hash.
async fn checkpoints(conn: &mut SqliteConnection) -> BTreeMap<(JobId, u32), String> {
    let rows: Vec<(String, i64, Option<String>)> =
        sqlx::query_as("SELECT job_id, idx, output FROM job_steps WHERE status = 'completed'")
            .fetch_all(&mut *conn)
            .await
            .expect("read checkpoints");
    rows.into_iter()
        .map(|(id, idx, output)| {
            let output: crash_kind::StepOut =
                serde_json::from_str(&output.expect("completed step has output"))
                    .expect("step output");
            (
                (JobId::from_str(&id).expect("job id"), idx as u32),
                output.hash,
            )
        })
        .collect()
}

async fn ids_with_status(conn: &mut SqliteConnection, statuses: &[&str]) -> BTreeSet<JobId> {
    let mut found = BTreeSet::new();
    for status in statuses {
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM jobs WHERE status = ?")
            .bind(*status)
            .fetch_all(&mut *conn)
            .await
            .expect("read statuses");
        found.extend(ids.iter().map(|s| JobId::from_str(s).expect("job id")));
    }
    found
}

/// A completed job as stored: right result, every step checkpointed with the right
/// hash, exactly one partial per step (nothing duplicated by a re-run, nothing lost).
async fn assert_stored_correctly(conn: &mut SqliteConnection, id: JobId) -> CrashOutput {
    let (status, input, result): (String, String, Option<String>) =
        sqlx::query_as("SELECT status, input, result FROM jobs WHERE id = ?")
            .bind(id.to_string())
            .fetch_one(&mut *conn)
            .await
            .unwrap_or_else(|e| panic!("job {id} is stored: {e}"));
    assert_eq!(status, "completed", "job {id}");
    let input: CrashInput = serde_json::from_str(&input).expect("input");
    let output: CrashOutput = serde_json::from_str(&result.expect("result")).expect("result");
    assert_eq!(
        output,
        crash_kind::expected_output(&input),
        "result of {id}"
    );
    let steps: Vec<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT idx, status, output FROM job_steps WHERE job_id = ? ORDER BY idx")
            .bind(id.to_string())
            .fetch_all(&mut *conn)
            .await
            .expect("steps");
    let want = crash_kind::expected_step_hashes(&input);
    assert_eq!(steps.len(), want.len(), "steps of {id}");
    for ((idx, status, output), hash) in steps.iter().zip(&want) {
        assert_eq!(status, "completed", "step {idx} of {id}");
        let out: crash_kind::StepOut =
            serde_json::from_str(output.as_deref().expect("output")).expect("step output");
        assert_eq!(&out.hash, hash, "checkpoint {idx} of {id}");
    }
    let partials: Vec<Option<i64>> =
        sqlx::query_scalar("SELECT step_idx FROM job_partials WHERE job_id = ? ORDER BY step_idx")
            .bind(id.to_string())
            .fetch_all(&mut *conn)
            .await
            .expect("partials");
    let expected: Vec<Option<i64>> = (0..i64::from(input.steps)).map(Some).collect();
    assert_eq!(partials, expected, "one partial per step for {id}");
    output
}

fn config(db: &Path) -> EngineConfig {
    let mut config = EngineConfig::new(db);
    config.progress_flush_interval = Duration::from_millis(20);
    config.cancel_grace = Duration::from_millis(500);
    config.prune_interval = None;
    config
}

#[derive(Default, Debug)]
struct Totals {
    kills: usize,
    reported_completed_verified: usize,
    resumed: usize,
    resumed_completed: usize,
    steps_skipped: usize,
    steps_run_after_resume: usize,
    kills_mid_step: usize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_many_moments_loses_nothing_committed_and_never_reruns_a_checkpoint() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("jobs.db");
    let mut totals = Totals::default();

    for (round, moment) in schedule().into_iter().enumerate() {
        // 1. Run the helper and SIGKILL it at the chosen moment.
        let mut helper = Helper::run(&db, round as u64 + 1);
        match moment {
            Moment::StepDone(k) => helper.wait_for("STEP_DONE", k).await,
            Moment::Completed(k) => helper.wait_for("COMPLETED", k).await,
            Moment::Started(k) => helper.wait_for("STARTED", k).await,
            Moment::Delay(ms) => tokio::time::sleep(Duration::from_millis(ms)).await,
        }
        let lines = helper.kill();
        drop(helper);
        totals.kills += 1;
        let reported = parse(&lines);
        if !db.exists() {
            // Killed before the engine created the file: nothing can have been reported.
            assert!(reported.completed.is_empty() && reported.step_done.is_empty());
            continue;
        }

        // 2. The file as the dead process left it, before any engine touches it.
        let mut conn = raw(&db).await;
        integrity(&mut conn).await;
        let saved = checkpoints(&mut conn).await;
        let active = ids_with_status(&mut conn, &["pending", "running"]).await;
        let mid_step: i64 =
            sqlx::query_scalar("SELECT count(*) FROM job_steps WHERE status = 'running'")
                .fetch_one(&mut conn)
                .await
                .expect("count running steps");
        totals.kills_mid_step += usize::from(mid_step > 0);
        for (key, hash) in &reported.step_done {
            assert_eq!(
                saved.get(key),
                Some(hash),
                "reported checkpoint {key:?} is stored"
            );
        }
        for (id, digest) in &reported.completed {
            let output = assert_stored_correctly(&mut conn, *id).await;
            assert_eq!(&output.digest, digest, "reported result of {id}");
            totals.reported_completed_verified += 1;
        }
        conn.close().await.expect("close raw connection");

        // 3. A fresh engine resumes what the dead one left active.
        let recorder = Arc::new(Recorder::default());
        let engine = Engine::builder(config(&db))
            .register(CrashKind::new(recorder.clone()))
            .open()
            .await
            .unwrap_or_else(|e| panic!("round {round} ({moment:?}): reopen failed: {e}"));
        let recovery = engine.recovery().clone();
        assert!(
            recovery.interrupted.is_empty(),
            "resumable jobs are never interrupted"
        );
        let resumed: BTreeSet<JobId> = recovery.resumed.iter().copied().collect();
        assert_eq!(
            resumed, active,
            "recovery resumes exactly the jobs left active"
        );
        // Nothing is left running by the dead process: whatever is active belongs to this engine.
        let mut conn = raw(&db).await;
        let now_active = ids_with_status(&mut conn, &["pending", "running"]).await;
        assert!(
            now_active.is_subset(&resumed),
            "stale active jobs after open: {now_active:?}"
        );
        let page = engine
            .list(&JobQuery {
                statuses: vec![JobStatus::Running, JobStatus::Pending],
                limit: Some(500),
                ..Default::default()
            })
            .await
            .expect("list");
        assert!(page.items.iter().all(|j| resumed.contains(&j.id)));

        for id in &resumed {
            let outcome = tokio::time::timeout(
                Duration::from_secs(30),
                crash_kind::wait_final(&engine, *id),
            )
            .await
            .unwrap_or_else(|_| panic!("resumed job {id} finishes within 30 s"))
            .expect("watch resumed job");
            match outcome {
                Final::Finished(s) => assert_eq!(
                    s.job.status,
                    JobStatus::Completed,
                    "resumed {id}: {:?}",
                    s.job.error
                ),
                Final::Lost(reason) => panic!("resumed job {id} lost: {reason}"),
            }
            assert_stored_correctly(&mut conn, *id).await;
            totals.resumed_completed += 1;
        }
        totals.resumed += resumed.len();

        // 4. No checkpointed step ran again; every other step of a resumed job ran once.
        let executed = recorder
            .executed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let mut ran: HashMap<JobId, Vec<u32>> = HashMap::new();
        for (job, index) in &executed {
            assert!(resumed.contains(job), "only resumed jobs run");
            assert!(
                !saved.contains_key(&(*job, *index)),
                "round {round} ({moment:?}): checkpointed step {index} of {job} ran again"
            );
            ran.entry(*job).or_default().push(*index);
        }
        for id in &resumed {
            let restored: Vec<u32> = saved
                .keys()
                .filter(|(j, _)| j == id)
                .map(|(_, i)| *i)
                .collect();
            let mut all = ran.remove(id).unwrap_or_default();
            totals.steps_run_after_resume += all.len();
            totals.steps_skipped += restored.len();
            all.extend(&restored);
            all.sort_unstable();
            assert_eq!(all, (0..STEPS).collect::<Vec<_>>(), "steps of resumed {id}");
        }

        let counts = engine.counts(None).await.expect("counts");
        assert_eq!(
            (counts.pending, counts.running),
            (0, 0),
            "nothing active at the end of round {round}"
        );
        assert_eq!(
            (counts.failed, counts.cancelled, counts.interrupted),
            (0, 0, 0)
        );
        let running: i64 =
            sqlx::query_scalar("SELECT count(*) FROM jobs WHERE status IN ('pending', 'running')")
                .fetch_one(&mut conn)
                .await
                .expect("count active");
        assert_eq!(running, 0);
        conn.close().await.expect("close raw connection");
        engine.shutdown(Duration::from_secs(5)).await;
        drop(engine);
    }

    // 5. Everything accumulated over all rounds is intact and correct.
    let mut conn = raw(&db).await;
    integrity(&mut conn).await;
    let all = ids_with_status(
        &mut conn,
        &[
            "pending",
            "running",
            "completed",
            "failed",
            "cancelled",
            "interrupted",
        ],
    )
    .await;
    let completed = ids_with_status(&mut conn, &["completed"]).await;
    assert_eq!(all, completed, "every job ends completed");
    for id in &completed {
        assert_stored_correctly(&mut conn, *id).await;
    }
    conn.close().await.expect("close raw connection");

    println!(
        "crash test: {} kills ({} with a step in flight), {} reported completions verified, \
         {} jobs resumed ({} completed after resume), {} steps skipped thanks to checkpoints, \
         {} steps run after resume (never checkpointed), {} jobs in the database, {:.1} s",
        totals.kills,
        totals.kills_mid_step,
        totals.reported_completed_verified,
        totals.resumed,
        totals.resumed_completed,
        totals.steps_skipped,
        totals.steps_run_after_resume,
        completed.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(totals.kills >= 20);
    assert!(totals.resumed > 0, "some kills must land while jobs run");
    assert!(
        totals.steps_skipped > 0,
        "some resumed jobs must have had checkpoints"
    );
}
