//! Storage faults: each gives a clear typed error, and nothing committed is lost.
//! File faults (not a database, a newer schema, a second engine, a lock held by another
//! process) are in `files.rs`; full and read-only file systems in `mount.rs`.
//!
//! The mount-based tests (read-only and full file systems) need root to mount a
//! tmpfs; they fail loudly without it unless `CHARTER_SKIP_MOUNT_TESTS=1`.
#![cfg(unix)]

#[allow(dead_code)]
#[path = "../../src/bin/crash_helper/kind.rs"]
mod crash_kind;
mod files;
mod mount;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crash_kind::{CrashInput, CrashKind, Final, KIND, NoObserver};
use jobs::{Engine, EngineConfig, JobId, JobStatus, StartJob};
use sqlx::Connection as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

const HELPER: &str = env!("CARGO_BIN_EXE_jobs-crash-helper");

fn config(db: &Path) -> EngineConfig {
    let mut config = EngineConfig::new(db);
    config.progress_flush_interval = Duration::from_millis(20);
    config.cancel_grace = Duration::from_millis(500);
    config.prune_interval = None;
    config.busy_timeout = Duration::from_millis(300);
    config
}

fn crash_kind() -> CrashKind {
    CrashKind::new(Arc::new(NoObserver))
}

async fn open(db: &Path) -> jobs::Result<Engine> {
    Engine::builder(config(db))
        .register(crash_kind())
        .open()
        .await
}

fn input(seed: u64) -> CrashInput {
    CrashInput {
        seed,
        steps: 3,
        bytes: 4096,
        ticks: 4,
        pad: 0,
    }
}

async fn run_job(engine: &Engine, seed: u64) -> JobId {
    let value = serde_json::to_value(input(seed)).expect("input");
    let id = engine
        .start(StartJob::new(KIND, format!("fault job {seed}"), value))
        .await
        .expect("job starts");
    let outcome = tokio::time::timeout(Duration::from_secs(20), crash_kind::wait_final(engine, id))
        .await
        .expect("job finishes within 20 s")
        .expect("watch");
    match outcome {
        Final::Finished(s) => assert_eq!(s.job.status, JobStatus::Completed, "{:?}", s.job.error),
        Final::Lost(reason) => panic!("job {id} lost: {reason}"),
    }
    id
}

/// The job is stored completed with the result its input must produce.
async fn assert_completed(engine: &Engine, id: JobId, seed: u64) {
    let snap = engine.get(id).await.expect("get");
    assert_eq!(snap.job.status, JobStatus::Completed, "job {id}");
    let expected = serde_json::to_value(crash_kind::expected_output(&input(seed))).expect("json");
    assert_eq!(snap.job.result, Some(expected), "result of {id}");
    assert_eq!(snap.steps.len(), 3);
}

async fn integrity_ok(db: &Path) {
    let opts = SqliteConnectOptions::new().filename(db).read_only(true);
    let mut conn = SqliteConnection::connect_with(&opts)
        .await
        .expect("raw connection");
    let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .expect("integrity_check");
    assert_eq!(rows, vec!["ok".to_owned()]);
    let active: i64 =
        sqlx::query_scalar("SELECT count(*) FROM jobs WHERE status IN ('pending', 'running')")
            .fetch_one(&mut conn)
            .await
            .expect("count active");
    assert_eq!(active, 0, "nothing left active");
    conn.close().await.expect("close");
}
