//! Upgrading a database of the schema before paused jobs (every migration up to
//! `20261201000003`): jobs, steps, partials and counts survive the rebuild of `jobs`, the
//! new columns take their defaults, the steps' and partials' foreign keys still cascade,
//! and the upgraded file can hold paused jobs.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use jobs::{Engine, JobId, JobStatus, PauseReason};
use sqlx::sqlite::{SqliteAutoVacuum, SqliteConnectOptions, SqliteJournalMode};
use sqlx::{Connection, SqliteConnection};
use support::*;

/// The first migration of the paused-jobs schema; the database is built without it.
const FIRST_NEW: &str = "20261210000001";

fn migrations_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations")
}

/// A database as the previous engine left it: every migration before [`FIRST_NEW`].
async fn previous_database(path: &Path) -> SqliteConnection {
    let old = tempfile::tempdir().expect("temp dir");
    for entry in std::fs::read_dir(migrations_dir()).expect("migrations") {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".sql") && name.as_str() < FIRST_NEW {
            std::fs::copy(entry.path(), old.path().join(&name)).expect("copy");
        }
    }
    let migrator = sqlx::migrate::Migrator::new(old.path())
        .await
        .expect("old migrations");
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .auto_vacuum(SqliteAutoVacuum::Incremental);
    let mut conn = SqliteConnection::connect_with(&opts)
        .await
        .expect("connect");
    migrator.run(&mut conn).await.expect("previous schema");
    conn
}

async fn insert_job(conn: &mut SqliteConnection, id: JobId, kind: &str, status: &str) {
    sqlx::query(
        "INSERT INTO jobs (id, kind, title, status, progress, input, error, session_id, attempt, seq, \
         pinned, created_at, started_at, updated_at, finished_at, owner) \
         VALUES (?1, ?2, 'old job', ?3, 50, '{\"label\":\"old\",\"steps\":3}', \
         '{\"code\":\"boom\",\"message\":\"it broke\",\"retryable\":true}', 's1', 1, 7, 0, 1, 2, 3, 4, 'dead')",
    )
    .bind(id.to_string())
    .bind(kind)
    .bind(status)
    .execute(&mut *conn)
    .await
    .expect("insert job");
    for idx in 0..2 {
        sqlx::query(
            "INSERT INTO job_steps (job_id, idx, name, status, output, attempt, started_at, finished_at) \
             VALUES (?1, ?2, ?3, 'completed', ?2, 1, 1, 2)",
        )
        .bind(id.to_string())
        .bind(idx)
        .bind(format!("old {idx}"))
        .execute(&mut *conn)
        .await
        .expect("insert step");
        sqlx::query(
            "INSERT INTO job_partials (job_id, seq, step_idx, value, created_at) VALUES (?1, ?2, ?2, '1', 1)",
        )
        .bind(id.to_string())
        .bind(idx)
        .execute(&mut *conn)
        .await
        .expect("insert partial");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_previous_schema_upgrades_to_paused_jobs_keeping_every_row() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("jobs.db");
    let mut conn = previous_database(&path).await;
    let failed = JobId::new();
    let other = JobId::new();
    insert_job(&mut conn, failed, "gated", "failed").await;
    insert_job(&mut conn, other, "gated", "failed").await;
    conn.close().await.expect("close");

    let mut config = jobs::EngineConfig::new(&path);
    config.prune_interval = None;
    let gated = Gated::new("gated");
    let engine = Engine::builder(config)
        .register(gated.clone())
        .open()
        .await
        .expect("the previous schema upgrades");
    let snapshot = engine.get(failed).await.expect("job kept");
    assert_eq!(snapshot.job.status, JobStatus::Failed);
    assert_eq!(snapshot.job.error.as_ref().unwrap().code, "boom");
    assert!(snapshot.job.error.as_ref().unwrap().wait.is_none());
    assert_eq!(snapshot.job.kind_version, 1);
    assert_eq!((snapshot.job.cost_micros, snapshot.job.tokens), (0, 0));
    assert!(snapshot.job.pause.is_none() && snapshot.job.forked_from.is_none());
    assert_eq!((snapshot.steps.len(), snapshot.partials.len()), (2, 2));
    assert_eq!(engine.counts(None).await.unwrap().failed, 2);

    // Steps and partials still belong to their job: deleting it deletes them.
    assert_eq!(engine.delete(&[other]).await.unwrap(), 1);
    let mut raw = raw_write_connection(&path).await;
    let orphans: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM job_steps WHERE job_id = ?1) + \
         (SELECT count(*) FROM job_partials WHERE job_id = ?1)",
    )
    .bind(other.to_string())
    .fetch_one(&mut raw)
    .await
    .unwrap();
    assert_eq!(orphans, 0, "the foreign keys cascade after the rebuild");
    let fk_problems: Vec<(String,)> = sqlx::query_as("PRAGMA foreign_key_check")
        .fetch_all(&mut raw)
        .await
        .unwrap();
    assert!(fk_problems.is_empty(), "{fk_problems:?}");
    raw.close().await.unwrap();

    // The upgraded file holds paused jobs: retry, pause, and resume to completion.
    engine.retry(failed).await.expect("retry");
    step_running(&engine, failed, 2).await;
    engine.pause(failed).await.expect("pause");
    for _ in 0..1000 {
        if engine.get(failed).await.unwrap().job.status == JobStatus::Paused {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let job = engine.get(failed).await.unwrap().job;
    assert_eq!(job.status, JobStatus::Paused);
    assert_eq!(job.pause.unwrap().reason, PauseReason::ByUser);
    engine.resume(failed).await.expect("resume");
    step_running(&engine, failed, 2).await;
    gated.open();
    assert_eq!(
        wait_finished(&engine, failed).await.job.status,
        JobStatus::Completed
    );
    engine.shutdown(Duration::from_secs(1)).await;
    assert_eq!(integrity(&path).await, "ok");
}
