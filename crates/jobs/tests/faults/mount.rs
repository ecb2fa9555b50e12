//! File-system faults on a small tmpfs: read-only, and full (never report an unsaved
//! result, lose nothing, save again once space is freed).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;
use jobs::{
    Engine, Error, JobChange, JobContext, JobError, JobId, JobKind, JobStatus, StartJob, WatchItem,
};
use serde::{Deserialize, Serialize};
use sqlx::Connection as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use crate::{assert_completed, config, crash_kind, integrity_ok, open, run_job};

/// A tmpfs mounted on a folder; unmounted when dropped.
struct Tmpfs {
    dir: PathBuf,
}

fn mount_cmd(args: &[&str], dir: &Path) -> Result<(), String> {
    let out = Command::new("mount")
        .args(args)
        .arg(dir)
        .output()
        .map_err(|e| format!("cannot run mount: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "mount {args:?} {} failed: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (e.g. `4m`) on `dir`; `None` when mount tests are skipped.
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).expect("mount point");
        match mount_cmd(
            &["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"],
            dir,
        ) {
            Ok(()) => Some(Tmpfs {
                dir: dir.to_path_buf(),
            }),
            Err(e) if std::env::var("CHARTER_SKIP_MOUNT_TESTS").as_deref() == Ok("1") => {
                eprintln!("skipping mount test (CHARTER_SKIP_MOUNT_TESTS=1): {e}");
                None
            }
            Err(e) => panic!(
                "{e}\nthis test needs root to mount a tmpfs; set CHARTER_SKIP_MOUNT_TESTS=1 to skip it"
            ),
        }
    }

    /// Remounts read-only or read-write; retries while files are still being closed.
    async fn remount(&self, mode: &str) {
        let opts = format!("remount,{mode}");
        let mut last = String::new();
        for _ in 0..100 {
            match mount_cmd(&["-o", &opts], &self.dir) {
                Ok(()) => return,
                Err(e) => last = e,
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{last}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazily if something (an engine dropped by a failed assertion) still has files open.
        let ok = Command::new("umount")
            .arg(&self.dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_file_system_fails_with_read_only_and_keeps_the_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(fs) = Tmpfs::mount(&dir.path().join("mnt"), "4m") else {
        return;
    };
    let db = fs.dir.join("jobs.db");
    let engine = open(&db).await.expect("open");
    let id = run_job(&engine, 31).await;
    engine.shutdown(Duration::from_secs(5)).await;
    drop(engine);

    fs.remount("ro").await;
    match open(&db).await {
        Err(Error::ReadOnly) => {}
        Err(other) => panic!("expected ReadOnly, got {other:?}"),
        Ok(_) => panic!("opened a database on a read-only file system"),
    }
    fs.remount("rw").await;

    let engine = open(&db).await.expect("open read-write again");
    assert_completed(&engine, id, 31).await;
    engine.shutdown(Duration::from_secs(5)).await;
    drop(engine);
    integrity_ok(&db).await;
}

/// Input of [`Gated`].
#[derive(Debug, Clone, Serialize, Deserialize)]
struct GatedInput {
    /// Length of the result string.
    pad: usize,
}

/// Waits for the test to open its gate, then returns a large result.
#[derive(Clone)]
struct Gated {
    gate: Arc<tokio::sync::Semaphore>,
}

impl JobKind for Gated {
    type Input = GatedInput;
    type Output = String;

    fn name(&self) -> &str {
        "gated"
    }

    fn resumable(&self) -> bool {
        false
    }

    async fn run(&self, input: GatedInput, ctx: JobContext) -> Result<String, JobError> {
        ctx.progress(10.0, "waiting for the gate");
        let permit = self
            .gate
            .acquire()
            .await
            .map_err(|_| JobError::new("gate", "gate closed"))?;
        permit.forget();
        Ok("y".repeat(input.pad))
    }
}

/// Writes a filler file until the file system is full.
fn fill(path: &Path) {
    let mut file = std::fs::File::create(path).expect("filler");
    for chunk in [64 * 1024, 4096, 512] {
        let block = vec![0xa5u8; chunk];
        loop {
            match file.write_all(&block) {
                Ok(()) => {}
                Err(e) if e.raw_os_error() == Some(28) => break,
                Err(e) => panic!("filling the disk: {e}"),
            }
        }
    }
    let _ = file.sync_all();
}

fn engine_with_gate(db: &Path, gate: Arc<tokio::sync::Semaphore>) -> jobs::EngineBuilder {
    Engine::builder(config(db))
        .register(crash_kind())
        .register(Gated { gate })
}

/// How the large job ended: its final snapshot, or the reason its outcome was lost.
type Outcome = Result<Box<jobs::Snapshot>, String>;

/// What the disk-full scenario leaves behind.
struct DiskFull {
    engine: Engine,
    db: PathBuf,
    filler: PathBuf,
    /// Jobs completed before the disk filled up, with their seeds.
    done: Vec<(JobId, u64)>,
    /// The job whose large result met the full disk.
    big: JobId,
    outcome: Outcome,
}

/// Completes a few jobs, starts one, fills the disk, then lets it produce a large result.
async fn disk_full_scenario(fs: &Tmpfs) -> DiskFull {
    let db = fs.dir.join("jobs.db");
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let engine = engine_with_gate(&db, gate.clone())
        .open()
        .await
        .expect("open");
    let mut done = Vec::new();
    for seed in 41..44 {
        done.push((run_job(&engine, seed).await, seed));
    }

    // The job is running (its start is committed) before the disk fills up.
    let big = engine
        .start(StartJob::new(
            "gated",
            "large result",
            serde_json::json!({ "pad": 512 * 1024 }),
        ))
        .await
        .expect("gated job starts");
    let mut watch = engine.watch(big).await.expect("watch");
    if watch.snapshot.job.status != JobStatus::Running {
        loop {
            match watch.events.next().await {
                Some(WatchItem::Event(e)) if matches!(e.change, JobChange::Started { .. }) => break,
                Some(WatchItem::Resync(s)) if s.job.status == JobStatus::Running => break,
                Some(_) => {}
                None => panic!("the gated job ended before it started"),
            }
        }
    }
    let filler = fs.dir.join("filler");
    fill(&filler);
    gate.add_permits(1);

    let outcome = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(item) = watch.events.next().await {
            match item {
                WatchItem::Event(e) => match e.change {
                    JobChange::Finished { snapshot } => return Ok(snapshot),
                    JobChange::Lost { reason } => return Err(reason),
                    _ => {}
                },
                WatchItem::Resync(s) if s.job.status.is_finished() => return Ok(s),
                WatchItem::Resync(_) => {}
            }
        }
        panic!("the watch ended without a final event");
    })
    .await
    .expect("the gated job ends within 30 s");

    // The result was not saved, so it must never be reported completed.
    match &outcome {
        Ok(snapshot) => {
            assert_eq!(
                snapshot.job.status,
                JobStatus::Failed,
                "a result that could not be saved must not be reported completed"
            );
            let error = snapshot.job.error.as_ref().expect("error");
            assert_eq!(error.code, "storage", "{error:?}");
            assert!(snapshot.job.result.is_none());
            println!("disk full: reported failed: {}", error.message);
        }
        Err(reason) => println!("disk full: reported lost: {reason}"),
    }
    DiskFull {
        engine,
        db,
        filler,
        done,
        big,
        outcome,
    }
}

/// What the database must say about the large job: what was reported, and never completed.
fn assert_big_job(stored: &jobs::JobRecord, outcome: &Outcome, reopened: bool) {
    assert_ne!(stored.status, JobStatus::Completed);
    assert!(stored.result.is_none());
    match outcome {
        Ok(_) => assert_eq!(
            stored.status,
            JobStatus::Failed,
            "the job was reported failed, so `failed` must have been committed \
             (reopened: {reopened}); it was not saved"
        ),
        // Never saved: still running until a restart marks the non-resumable job interrupted.
        Err(_) if reopened => assert_eq!(stored.status, JobStatus::Interrupted),
        Err(_) => assert_eq!(stored.status, JobStatus::Running),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_never_reports_an_unsaved_result_and_loses_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(fs) = Tmpfs::mount(&dir.path().join("mnt"), "4m") else {
        return;
    };
    let s = disk_full_scenario(&fs).await;
    let stored = s.engine.get(s.big).await.expect("get");
    assert_big_job(&stored.job, &s.outcome, false);

    std::fs::remove_file(&s.filler).expect("remove filler");
    s.engine.shutdown(Duration::from_secs(5)).await;
    drop(s.engine);

    let engine = engine_with_gate(&s.db, Arc::new(tokio::sync::Semaphore::new(0)))
        .open()
        .await
        .expect("reopen");
    for (id, seed) in &s.done {
        assert_completed(&engine, *id, *seed).await;
    }
    assert_big_job(&engine.get(s.big).await.expect("get").job, &s.outcome, true);
    let counts = engine.counts(None).await.expect("counts");
    assert_eq!((counts.pending, counts.running), (0, 0));
    assert_eq!(counts.completed, s.done.len() as u64);
    engine.shutdown(Duration::from_secs(5)).await;
    drop(engine);
    integrity_ok(&s.db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn once_space_is_freed_the_same_engine_saves_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(fs) = Tmpfs::mount(&dir.path().join("mnt"), "4m") else {
        return;
    };
    let s = disk_full_scenario(&fs).await;
    std::fs::remove_file(&s.filler).expect("remove filler");

    // A job completed now is reported only after its commit, so it must be stored.
    let after = run_job(&s.engine, 44).await;
    let stored = s.engine.get(after).await;
    assert!(
        matches!(&stored, Ok(snap) if snap.job.status == JobStatus::Completed),
        "job {after} was reported completed after the disk-full error but is not stored: {stored:?}"
    );
    // And no write transaction is left open: another connection can take the write lock.
    let opts = SqliteConnectOptions::new()
        .filename(&s.db)
        .busy_timeout(Duration::from_millis(500));
    let mut other = SqliteConnection::connect_with(&opts)
        .await
        .expect("raw connection");
    let write_lock = sqlx::query("BEGIN IMMEDIATE").execute(&mut other).await;
    assert!(
        write_lock.is_ok(),
        "the engine is idle but still holds a write transaction: {write_lock:?}"
    );
    sqlx::query("ROLLBACK")
        .execute(&mut other)
        .await
        .expect("rollback");
    other.close().await.expect("close");

    s.engine.shutdown(Duration::from_secs(5)).await;
    drop(s.engine);
    let engine = engine_with_gate(&s.db, Arc::new(tokio::sync::Semaphore::new(0)))
        .open()
        .await
        .expect("reopen");
    for (id, seed) in s.done.iter().chain([&(after, 44)]) {
        assert_completed(&engine, *id, *seed).await;
    }
    assert_big_job(&engine.get(s.big).await.expect("get").job, &s.outcome, true);
    engine.shutdown(Duration::from_secs(5)).await;
    drop(engine);
    integrity_ok(&s.db).await;
}
