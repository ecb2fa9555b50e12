//! c. Lifecycle throughput (create → run → complete), the engine beside a naive runner
//! that awaits one autocommit statement per update, and the sqlx round-trip floor.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use jobs::{Engine, JobContext, JobError, JobKind, JobStatus, WriteCounts};
use serde::{Deserialize, Serialize};
use sqlx::Connection;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use crate::harness::{
    BenchResult, Table, bench_config, connect_new, start_request, unix_ms, wait_finished,
};

const LIFECYCLE_TICKS: u32 = 100;
const LIFECYCLE_SECS: f64 = 2.0;
const CONCURRENCY: usize = 32;

/// Create → run → complete with a fixed number of progress updates.
#[derive(Clone, Default)]
struct Lifecycle;

#[derive(Serialize, Deserialize)]
struct LifecycleInput {
    ticks: u32,
}

#[derive(Serialize, Deserialize)]
struct LifecycleOutput {
    ticks: u32,
    checksum: u64,
}

impl JobKind for Lifecycle {
    type Input = LifecycleInput;
    type Output = LifecycleOutput;

    fn name(&self) -> &str {
        "lifecycle"
    }

    async fn run(
        &self,
        input: LifecycleInput,
        ctx: JobContext,
    ) -> Result<LifecycleOutput, JobError> {
        let mut checksum = 0u64;
        for i in 0..input.ticks {
            checksum = checksum.wrapping_mul(31).wrapping_add(u64::from(i));
            ctx.progress(f64::from(i + 1) * 100.0 / f64::from(input.ticks), "working");
        }
        Ok(LifecycleOutput {
            ticks: input.ticks,
            checksum,
        })
    }
}

/// Runs `one` repeatedly on `workers` tasks for about `secs`; returns jobs/s and the count.
async fn throughput<F, Fut>(workers: usize, secs: f64, one: F) -> BenchResult<(f64, u64)>
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = BenchResult<()>> + Send,
{
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(secs);
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let one = one.clone();
        let done = done.clone();
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                one().await?;
                done.fetch_add(1, Ordering::Relaxed);
            }
            BenchResult::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let n = done.load(Ordering::Relaxed);
    Ok((n as f64 / started.elapsed().as_secs_f64(), n))
}

/// Time spent in `start` (until the insert is committed) and from then until `Finished`, in ns.
#[derive(Default)]
struct Phases {
    start_ns: AtomicU64,
    finish_ns: AtomicU64,
}

impl Phases {
    /// Mean µs per job of (start, start→finished) since the last reset.
    fn take(&self, jobs: u64) -> (f64, f64) {
        let n = jobs.max(1) as f64 * 1e3;
        (
            self.start_ns.swap(0, Ordering::Relaxed) as f64 / n,
            self.finish_ns.swap(0, Ordering::Relaxed) as f64 / n,
        )
    }
}

async fn engine_lifecycle(engine: Engine, phases: Arc<Phases>) -> BenchResult<()> {
    let input = LifecycleInput {
        ticks: LIFECYCLE_TICKS,
    };
    let t0 = Instant::now();
    let id = engine
        .start(start_request("lifecycle", "lifecycle job", &input)?)
        .await?;
    let t1 = Instant::now();
    let status = wait_finished(&engine, id).await?;
    phases
        .start_ns
        .fetch_add((t1 - t0).as_nanos() as u64, Ordering::Relaxed);
    phases
        .finish_ns
        .fetch_add(t1.elapsed().as_nanos() as u64, Ordering::Relaxed);
    match status {
        JobStatus::Completed => Ok(()),
        other => Err(format!("lifecycle job ended {other}").into()),
    }
}

/// The naive runner: every state change and every progress update is its own autocommit statement.
struct Naive {
    pool: SqlitePool,
}

impl Naive {
    async fn open(path: &Path) -> BenchResult<Naive> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(10)
            .connect_with(opts)
            .await?;
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY NOT NULL, kind TEXT NOT NULL, \
             title TEXT NOT NULL, status TEXT NOT NULL, progress REAL NOT NULL DEFAULT 0, \
             input TEXT NOT NULL, result TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)",
        )
        .execute(&pool)
        .await?;
        Ok(Naive { pool })
    }

    async fn run_one(&self) -> BenchResult<()> {
        let id = uuid::Uuid::now_v7().to_string();
        let now = unix_ms();
        let input = serde_json::to_string(&LifecycleInput {
            ticks: LIFECYCLE_TICKS,
        })?;
        sqlx::query(
            "INSERT INTO jobs (id, kind, title, status, input, created_at, updated_at) \
             VALUES (?, 'lifecycle', 'lifecycle job', 'pending', ?, ?, ?)",
        )
        .bind(&id)
        .bind(&input)
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        sqlx::query("UPDATE jobs SET status = 'running', updated_at = ? WHERE id = ?")
            .bind(unix_ms())
            .bind(&id)
            .execute(&self.pool)
            .await?;
        let mut checksum = 0u64;
        for i in 0..LIFECYCLE_TICKS {
            checksum = checksum.wrapping_mul(31).wrapping_add(u64::from(i));
            let progress = f64::from(i + 1) * 100.0 / f64::from(LIFECYCLE_TICKS);
            sqlx::query("UPDATE jobs SET progress = ? WHERE id = ?")
                .bind(progress)
                .bind(&id)
                .execute(&self.pool)
                .await?;
        }
        let result = serde_json::to_string(&LifecycleOutput {
            ticks: LIFECYCLE_TICKS,
            checksum,
        })?;
        sqlx::query(
            "UPDATE jobs SET status = 'completed', result = ?, updated_at = ? WHERE id = ?",
        )
        .bind(&result)
        .bind(unix_ms())
        .bind(&id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn completed(&self) -> BenchResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT count(*) FROM jobs WHERE status = 'completed'")
                .fetch_one(&self.pool)
                .await?,
        )
    }
}

/// What one sqlx round trip and one small transaction cost on this machine: the floor
/// under any design that awaits each statement through sqlx's connection thread.
pub(crate) async fn bench_sqlx_floor(table: &mut Table) -> BenchResult<()> {
    let dir = tempfile::tempdir()?;
    let mut conn = connect_new(&dir.path().join("floor.db")).await?;
    sqlx::query("CREATE TABLE t (id INTEGER PRIMARY KEY, v REAL NOT NULL)")
        .execute(&mut conn)
        .await?;
    sqlx::query("INSERT INTO t (id, v) VALUES (1, 0)")
        .execute(&mut conn)
        .await?;
    let n = 2_000;
    let started = Instant::now();
    for _ in 0..n {
        sqlx::query("SELECT 1").fetch_one(&mut conn).await?;
    }
    let round_trip = started.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    let started = Instant::now();
    for i in 0..n {
        let mut tx = conn.begin().await?;
        sqlx::query("UPDATE t SET v = ? WHERE id = 1")
            .bind(f64::from(i))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    let transaction = started.elapsed().as_secs_f64() * 1e6 / f64::from(n);
    conn.close().await?;
    table.add(
        "c. floor: one sqlx statement round trip (`SELECT 1`)",
        format!("{round_trip:.0} µs"),
        "(diagnostic)",
        None,
    );
    table.add(
        "c. floor: one transaction BEGIN + UPDATE + COMMIT via sqlx",
        format!("{transaction:.0} µs"),
        "(diagnostic)",
        None,
    );
    Ok(())
}

pub(crate) async fn bench_lifecycle(table: &mut Table) -> BenchResult<()> {
    eprintln!("c. lifecycle throughput …");
    let dir = tempfile::tempdir()?;
    let engine = Engine::builder(bench_config(&dir.path().join("jobs.db")))
        .register(Lifecycle)
        .open()
        .await?;
    let naive = Arc::new(Naive::open(&dir.path().join("naive.db")).await?);

    let phases = Arc::new(Phases::default());
    let run_engine = {
        let (engine, phases) = (engine.clone(), phases.clone());
        move || engine_lifecycle(engine.clone(), phases.clone())
    };
    let run_naive = {
        let naive = naive.clone();
        move || {
            let naive = naive.clone();
            async move { naive.run_one().await }
        }
    };
    // Warm up both (statement caches, page cache).
    throughput(1, 0.2, run_engine.clone()).await?;
    throughput(1, 0.2, run_naive.clone()).await?;
    phases.take(1);
    let c0 = engine.write_counts();
    let (engine_1, n_e1) = throughput(1, LIFECYCLE_SECS, run_engine.clone()).await?;
    let c1 = engine.write_counts();
    let (start_1, finish_1) = phases.take(n_e1);
    let (naive_1, n_n1) = throughput(1, LIFECYCLE_SECS, run_naive.clone()).await?;
    let (engine_32, n_e32) = throughput(CONCURRENCY, LIFECYCLE_SECS, run_engine).await?;
    let c2 = engine.write_counts();
    let (start_32, finish_32) = phases.take(n_e32);
    let (naive_32, n_n32) = throughput(CONCURRENCY, LIFECYCLE_SECS, run_naive).await?;

    let stored = engine.counts(Some("lifecycle")).await?.completed;
    let naive_stored = naive.completed().await?;
    engine.shutdown(Duration::from_secs(1)).await;
    naive.pool.close().await;

    table.add_vs(
        "c. lifecycle (create→run→complete, 100 progress), 1 at a time",
        format!("{engine_1:.0} jobs/s"),
        format!("{naive_1:.0} jobs/s"),
        "≥ 2,000 jobs/s",
        Some(engine_1 >= 2_000.0),
    );
    table.add_vs(
        "c. lifecycle, 32 concurrent",
        format!("{engine_32:.0} jobs/s"),
        format!("{naive_32:.0} jobs/s"),
        "≥ 5,000 jobs/s",
        Some(engine_32 >= 5_000.0),
    );
    let per_job = |a: WriteCounts, b: WriteCounts, n: u64| {
        let n = n.max(1) as f64;
        (
            (b.transactions - a.transactions) as f64 / n,
            (b.operations - a.operations) as f64 / n,
        )
    };
    let (tx1, ops1) = per_job(c0, c1, n_e1);
    let (tx32, ops32) = per_job(c1, c2, n_e32);
    table.note(format!(
        "c. engine: {n_e1} + {n_e32} jobs in {LIFECYCLE_SECS} s windows; {tx1:.2} transactions and {ops1:.2} write ops per job \
         one at a time, {tx32:.2} tx / {ops32:.2} ops per job at 32 concurrent (group commit); \
         baseline: {n_n1} + {n_n32} jobs, 103 autocommit statements per job (pool of 10 connections)"
    ));
    table.note(format!(
        "c. engine latency per job: `start` (insert committed) {start_1:.0} µs, then until `Finished` \
         {finish_1:.0} µs one at a time; {start_32:.0} µs and {finish_32:.0} µs at 32 concurrent"
    ));
    table.note(format!(
        "c. completed rows stored: engine {stored} (incl. warm-up), baseline {naive_stored} (incl. warm-up)"
    ));
    Ok(())
}
