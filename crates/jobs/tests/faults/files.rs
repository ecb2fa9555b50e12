//! File faults: a file that is not a database, a database from a newer schema, a
//! second engine on the same file, and a lock held by another process.

use std::io::BufRead as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use jobs::{Error, StartJob};
use sqlx::Connection as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use crate::crash_kind::KIND;
use crate::{HELPER, assert_completed, input, integrity_ok, open, run_job};

/// A helper process in a hold mode; killed when dropped.
struct Holder(Child);

impl Holder {
    /// Starts `jobs-crash-helper <mode> <db>` and waits for its `ready` line.
    fn start(mode: &str, db: &Path, ready: &str) -> Holder {
        let mut child = Command::new(HELPER)
            .arg(mode)
            .arg(db)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn the helper");
        let stdout = child.stdout.take().expect("piped stdout");
        let holder = Holder(child);
        let mut lines = std::io::BufReader::new(stdout).lines();
        match lines.next() {
            Some(Ok(line)) if line == ready => {}
            other => panic!("helper {mode}: expected `{ready}`, got {other:?}"),
        }
        holder
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_is_not_a_database_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = dir.path().join("text.db");
    let text_bytes = "These are my notes, not a job database.\n"
        .repeat(200)
        .into_bytes();
    let noise = dir.path().join("noise.db");
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let noise_bytes: Vec<u8> = (0..16384)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    for (path, bytes) in [(&text, &text_bytes), (&noise, &noise_bytes)] {
        std::fs::write(path, bytes).expect("write file");
        match open(path).await {
            Err(Error::NotADatabase { path: p }) => assert_eq!(&p, path),
            Err(other) => panic!("{}: expected NotADatabase, got {other:?}", path.display()),
            Ok(_) => panic!("{}: opened garbage as a database", path.display()),
        }
        assert_eq!(
            &std::fs::read(path).expect("read back"),
            bytes,
            "the file is not modified"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_from_a_newer_schema_is_refused_until_it_matches() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("jobs.db");
    let engine = open(&db).await.expect("open");
    let id = run_job(&engine, 7).await;
    engine.shutdown(Duration::from_secs(5)).await;
    drop(engine);

    let opts = SqliteConnectOptions::new().filename(&db);
    let mut conn = SqliteConnection::connect_with(&opts)
        .await
        .expect("raw connection");
    // The engine applied every migration it knows, so the newest applied is the newest known.
    let supported: i64 = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations")
        .fetch_one(&mut conn)
        .await
        .expect("newest migration");
    let future = supported + 1_000_000;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (?, 'from the future', 1, x'00', 0)",
    )
    .bind(future)
    .execute(&mut conn)
    .await
    .expect("insert a newer migration");

    match open(&db).await {
        Err(Error::SchemaTooNew {
            path,
            found,
            supported: s,
        }) => {
            assert_eq!(path, db);
            assert_eq!(found, future);
            assert_eq!(s, supported);
        }
        Err(other) => panic!("expected SchemaTooNew, got {other:?}"),
        Ok(_) => panic!("opened a database from a newer schema"),
    }

    // Nothing was touched: back at the known schema, the job is there.
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = ?")
        .bind(future)
        .execute(&mut conn)
        .await
        .expect("remove it again");
    conn.close().await.expect("close");
    let engine = open(&db).await.expect("reopen");
    assert_completed(&engine, id, 7).await;
    engine.shutdown(Duration::from_secs(5)).await;
    integrity_ok(&db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_engine_on_the_same_file_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("jobs.db");

    // In this process.
    let first = open(&db).await.expect("first engine");
    let id = run_job(&first, 11).await;
    match open(&db).await {
        Err(Error::AlreadyOpen { path }) => assert_eq!(path, db),
        Err(other) => panic!("expected AlreadyOpen, got {other:?}"),
        Ok(_) => panic!("two engines opened the same file"),
    }
    // The refused open did not disturb the first engine.
    let second_id = run_job(&first, 12).await;
    first.shutdown(Duration::from_secs(5)).await;
    drop(first);

    // From another process.
    let holder = Holder::start("hold-engine", &db, "OPEN");
    match open(&db).await {
        Err(Error::AlreadyOpen { path }) => assert_eq!(path, db),
        Err(other) => panic!("expected AlreadyOpen, got {other:?}"),
        Ok(_) => panic!("opened a file another process's engine holds"),
    }
    drop(holder); // SIGKILL: the OS lock dies with the process.

    let engine = open(&db).await.expect("open after the other process died");
    assert_completed(&engine, id, 11).await;
    assert_completed(&engine, second_id, 12).await;
    engine.shutdown(Duration::from_secs(5)).await;
    integrity_ok(&db).await;
}

/// Opens `db` once the failed open before has let go of its lease. One cold CI run in many
/// saw `AlreadyOpen` right after a refused open (cause not found yet); a lease still held
/// after two seconds is a failure.
async fn open_once_free(db: &Path) -> jobs::Engine {
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        match open(db).await {
            Ok(engine) => return engine,
            Err(Error::AlreadyOpen { .. }) if Instant::now() < deadline => {
                println!("note: the lease was still held after a refused open; trying again");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("open once the lock is gone: {e:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_locked_by_another_process_fails_with_locked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("jobs.db");
    let engine = open(&db).await.expect("open");
    let id = run_job(&engine, 21).await;
    engine.shutdown(Duration::from_secs(5)).await;
    drop(engine);

    // At open: recovery needs the write lock.
    let holder = Holder::start("hold-lock", &db, "LOCKED");
    let t = Instant::now();
    let opened = tokio::time::timeout(Duration::from_secs(30), open(&db))
        .await
        .expect("open gives up instead of hanging");
    match opened {
        Err(Error::Locked) => {}
        Err(other) => panic!("expected Locked at open, got {other:?}"),
        Ok(_) => panic!("opened although another process holds the write lock"),
    }
    println!(
        "locked at open: Locked after {} ms (busy_timeout 300 ms)",
        t.elapsed().as_millis()
    );
    drop(holder);

    // At a write: the engine is open, then another process takes the lock.
    let engine = open_once_free(&db).await;
    assert_completed(&engine, id, 21).await;
    let holder = Holder::start("hold-lock", &db, "LOCKED");
    let value = serde_json::to_value(input(22)).expect("input");
    let t = Instant::now();
    let started = tokio::time::timeout(
        Duration::from_secs(30),
        engine.start(StartJob::new(KIND, "blocked", value)),
    )
    .await
    .expect("start gives up instead of hanging");
    match started {
        Err(Error::Locked) => {}
        Err(other) => panic!("expected Locked at the write, got {other:?}"),
        Ok(id) => panic!("job {id} reported stored although the database is locked"),
    }
    println!(
        "locked at write: Locked after {} ms",
        t.elapsed().as_millis()
    );
    // Reads still work while another process writes (WAL).
    assert_completed(&engine, id, 21).await;
    drop(holder);

    // Once the lock is gone the same engine writes again.
    let later = run_job(&engine, 23).await;
    let counts = engine.counts(None).await.expect("counts");
    assert_eq!(counts.completed, 2, "the refused job was never stored");
    engine.shutdown(Duration::from_secs(5)).await;
    drop(engine);
    let engine = open(&db).await.expect("reopen");
    assert_completed(&engine, id, 21).await;
    assert_completed(&engine, later, 23).await;
    engine.shutdown(Duration::from_secs(5)).await;
    integrity_ok(&db).await;
}
