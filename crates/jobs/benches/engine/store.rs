//! d./e. A store of 100,000 jobs: `list` latency per filter and `Engine::open` with
//! stale running jobs to recover.

use std::path::Path;
use std::time::{Duration, Instant};

use jobs::{Engine, JobContext, JobError, JobKind, JobQuery, JobStatus};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, QueryBuilder, Sqlite, SqliteConnection};

use crate::harness::{BenchResult, Table, bench_config, elapsed_ms, median_p95, unix_ms};

const STORED_JOBS: usize = 100_000;
const STALE_RUNNING: usize = 1_000;
const LIST_RUNS: usize = 50;
const OPEN_RUNS: usize = 5;
const STORED_KINDS: [&str; 3] = ["epm_generation", "report_export", "data_import"];

/// The kinds of the seeded store; resumed jobs wait until the engine stops.
#[derive(Clone)]
struct Stored {
    name: &'static str,
    resumable: bool,
}

impl JobKind for Stored {
    type Input = serde_json::Value;
    type Output = serde_json::Value;

    fn name(&self) -> &str {
        self.name
    }

    fn resumable(&self) -> bool {
        self.resumable
    }

    async fn run(
        &self,
        _input: serde_json::Value,
        ctx: JobContext,
    ) -> Result<serde_json::Value, JobError> {
        ctx.cancelled().await;
        Err(JobError::cancelled())
    }
}

/// Deterministic pseudo-random numbers (xorshift64*), so every run seeds the same store.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct SeedJob {
    id: String,
    kind: &'static str,
    title: String,
    status: &'static str,
    progress: f64,
    message: Option<String>,
    current_step: Option<String>,
    input: String,
    result: Option<String>,
    error: Option<String>,
    session_id: String,
    attempt: i64,
    seq: i64,
    created_at: i64,
    started_at: i64,
    updated_at: i64,
    finished_at: Option<i64>,
    seen_at: Option<i64>,
    owner: String,
}

const STEP_NAMES: [&str; 5] = ["Loading", "Scheduling", "Costing", "Rendering", "Saving"];

fn seed_job(i: usize, rng: &mut Rng, now: i64, dead_owner: &str) -> SeedJob {
    // Spread over the last 20 days (inside the default retention), oldest first.
    let span_ms = 20 * 24 * 3_600_000i64;
    let created_at = now - span_ms + (i as i64 * span_ms / STORED_JOBS as i64);
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&rng.next().to_be_bytes());
    let id = uuid::Builder::from_unix_timestamp_millis(created_at as u64, &random)
        .into_uuid()
        .hyphenated()
        .to_string();
    // The jobs running when the process died are the newest ones.
    let stale = i >= STORED_JOBS - STALE_RUNNING;
    let roll = rng.below(100);
    let status = if stale {
        "running"
    } else if roll < 90 {
        "completed"
    } else if roll < 96 {
        "failed"
    } else if roll < 99 {
        "cancelled"
    } else {
        "interrupted"
    };
    let kind = STORED_KINDS[rng.below(STORED_KINDS.len() as u64) as usize];
    let duration = 2_000 + rng.below(60_000) as i64;
    let finished = status != "running";
    let (progress, step) = match status {
        "completed" => (100.0, 4),
        "running" => (40.0, 2),
        _ => (rng.below(100) as f64, rng.below(5) as usize),
    };
    let error = match status {
        "failed" => Some(
            r#"{"code":"llm_timeout","message":"The model did not answer within 120 s.","retryable":true,"details":null}"#,
        ),
        "cancelled" => {
            Some(r#"{"code":"cancelled","message":"Cancelled.","retryable":true,"details":null}"#)
        }
        "interrupted" => Some(
            r#"{"code":"interrupted","message":"Charter stopped while this job was running.","retryable":true,"details":null}"#,
        ),
        _ => None,
    };
    SeedJob {
        id,
        kind,
        title: format!("Initiative {} — {}", i % 5_000, kind.replace('_', " ")),
        status,
        progress,
        message: Some(format!("{} …", STEP_NAMES[step])),
        current_step: Some(STEP_NAMES[step].to_owned()),
        input: format!(
            r#"{{"initiative":"init-{}","statement":"Reduce the cost of onboarding by 20% while keeping quality","options":{{"depth":{},"language":"en"}}}}"#,
            i % 5_000,
            rng.below(5)
        ),
        result: (status == "completed").then(|| {
            format!(
                r#"{{"document_id":"doc-{i}","pages":{},"summary":"Program with five workstreams, a budget and a schedule.","tokens":{}}}"#,
                1 + rng.below(40),
                rng.below(100_000)
            )
        }),
        error: error.map(str::to_owned),
        session_id: format!("session-{}", i % 5_000),
        attempt: 1 + i64::from(rng.below(10) == 0),
        seq: 20 + rng.below(200) as i64,
        created_at,
        started_at: created_at + 50,
        updated_at: created_at + duration,
        finished_at: finished.then_some(created_at + duration),
        seen_at: (finished && rng.below(10) != 0).then_some(created_at + duration + 1_000),
        owner: dead_owner.to_owned(),
    }
}

/// Fills a fresh engine database with the real schema and 100,000 jobs, the newest
/// 1,000 stale `running`; returns every id, oldest first.
async fn seed_store(path: &Path) -> BenchResult<Vec<String>> {
    // Let the engine create the file: its schema, pragmas and auto-vacuum mode.
    let (engine, _) = open_store(path, false).await?;
    engine.shutdown(Duration::from_millis(100)).await;
    let mut conn = connect(path).await?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let now = unix_ms();
    let dead_owner = uuid::Uuid::now_v7().to_string();
    let jobs: Vec<SeedJob> = (0..STORED_JOBS)
        .map(|i| seed_job(i, &mut rng, now, &dead_owner))
        .collect();
    let mut tx = conn.begin().await?;
    for chunk in jobs.chunks(500) {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO jobs (id, kind, title, status, progress, message, current_step, input, result, \
             error, session_id, attempt, seq, created_at, started_at, updated_at, finished_at, seen_at, owner) ",
        );
        qb.push_values(chunk, |mut b, j| {
            b.push_bind(&j.id)
                .push_bind(j.kind)
                .push_bind(&j.title)
                .push_bind(j.status)
                .push_bind(j.progress)
                .push_bind(&j.message)
                .push_bind(&j.current_step)
                .push_bind(&j.input)
                .push_bind(&j.result)
                .push_bind(&j.error)
                .push_bind(&j.session_id)
                .push_bind(j.attempt)
                .push_bind(j.seq)
                .push_bind(j.created_at)
                .push_bind(j.started_at)
                .push_bind(j.updated_at)
                .push_bind(j.finished_at)
                .push_bind(j.seen_at)
                .push_bind(&j.owner);
        });
        qb.build().execute(&mut *tx).await?;
    }
    let ids: Vec<String> = jobs.iter().map(|j| j.id.clone()).collect();
    tx.commit().await?;
    reset_stale(&mut conn, &ids[STORED_JOBS - STALE_RUNNING..]).await?;
    conn.close().await?;
    Ok(ids)
}

/// A connection to an engine database with the engine's journal settings.
async fn connect(path: &Path) -> BenchResult<SqliteConnection> {
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true);
    Ok(SqliteConnection::connect_with(&opts).await?)
}

/// Puts the stale jobs back to `running` under a dead owner, with two completed steps
/// and one that was running when the process died.
async fn reset_stale(conn: &mut SqliteConnection, ids: &[String]) -> BenchResult<()> {
    let ids_json = serde_json::to_string(ids)?;
    let mut tx = conn.begin().await?;
    sqlx::query(
        "UPDATE jobs SET status = 'running', error = NULL, finished_at = NULL, owner = 'dead-engine' \
         WHERE id IN (SELECT value FROM json_each(?1))",
    )
    .bind(&ids_json)
    .execute(&mut *tx)
    .await?;
    for (idx, status) in [(0, "completed"), (1, "completed"), (2, "running")] {
        let output = (status == "completed").then(|| format!(r#"{{"step":{idx},"rows":1234}}"#));
        sqlx::query(
            "INSERT OR REPLACE INTO job_steps (job_id, idx, name, status, output, attempt, started_at, finished_at) \
             SELECT value, ?1, ?2, ?3, ?4, 1, 0, CASE WHEN ?3 = 'completed' THEN 10 END FROM json_each(?5)",
        )
        .bind(idx)
        .bind(STEP_NAMES[idx as usize])
        .bind(status)
        .bind(output)
        .bind(&ids_json)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT OR REPLACE INTO job_partials (job_id, seq, step_idx, value, created_at) \
             SELECT value, ?1, ?1, ?2, 0 FROM json_each(?3)",
        )
        .bind(idx + 1)
        .bind(format!(r#"{{"preview":"partial of step {idx}"}}"#))
        .bind(&ids_json)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn open_store(path: &Path, resumable: bool) -> BenchResult<(Engine, f64)> {
    let mut builder = Engine::builder(bench_config(path));
    for name in STORED_KINDS {
        builder = builder.register(Stored { name, resumable });
    }
    let started = Instant::now();
    let engine = builder.open().await?;
    Ok((engine, elapsed_ms(started)))
}

/// Times `Engine::open` with `stale` jobs left running by a dead engine, resetting them after each run.
async fn bench_open(
    table: &mut Table,
    path: &Path,
    stale: &[String],
    variants: &[bool],
    layout: &str,
) -> BenchResult<()> {
    for &resumable in variants {
        let mut samples = Vec::new();
        let (mut resumed, mut interrupted) = (0, 0);
        for _ in 0..OPEN_RUNS {
            let (engine, ms) = open_store(path, resumable).await?;
            samples.push(ms);
            resumed = engine.recovery().resumed.len();
            interrupted = engine.recovery().interrupted.len();
            engine.shutdown(Duration::from_millis(500)).await;
            let mut conn = connect(path).await?;
            reset_stale(&mut conn, stale).await?;
            conn.close().await?;
        }
        let first = samples[0];
        let (median, p95) = median_p95(samples);
        let label = if resumable {
            format!("e. `Engine::open`, 100k jobs, {resumed} {layout} stale running → resumed")
        } else {
            format!(
                "e. `Engine::open`, 100k jobs, {interrupted} {layout} stale running → interrupted"
            )
        };
        table.add(
            label,
            format!("median {median:.1} ms (p95 {p95:.1}, first {first:.1})"),
            "≤ 100 ms",
            Some(median <= 100.0),
        );
    }
    Ok(())
}

/// Marks jobs completed directly in the database (to retire one set of stale jobs).
async fn retire(path: &Path, ids: &[String]) -> BenchResult<()> {
    let mut conn = connect(path).await?;
    sqlx::query(
        "UPDATE jobs SET status = 'completed', error = NULL, finished_at = updated_at \
         WHERE id IN (SELECT value FROM json_each(?1))",
    )
    .bind(serde_json::to_string(ids)?)
    .execute(&mut conn)
    .await?;
    conn.close().await?;
    Ok(())
}

async fn bench_list(table: &mut Table, path: &Path) -> BenchResult<()> {
    eprintln!("d. list over 100k jobs …");
    let (engine, _) = open_store(path, false).await?;
    let queries = [
        ("d. `list` first page (50), no filter", JobQuery::default()),
        (
            "d. `list` first page (50), statuses=[Failed]",
            JobQuery {
                statuses: vec![JobStatus::Failed],
                ..JobQuery::default()
            },
        ),
        (
            "d. `list` first page (50), statuses=[Failed, Cancelled]",
            JobQuery {
                statuses: vec![JobStatus::Failed, JobStatus::Cancelled],
                ..JobQuery::default()
            },
        ),
        (
            "d. `list` first page (50), kind + statuses=[Completed]",
            JobQuery {
                statuses: vec![JobStatus::Completed],
                kind: Some(STORED_KINDS[0].to_owned()),
                ..JobQuery::default()
            },
        ),
    ];
    for (label, query) in queries {
        for _ in 0..5 {
            engine.list(&query).await?;
        }
        let mut samples = Vec::with_capacity(LIST_RUNS);
        let mut items = 0;
        for _ in 0..LIST_RUNS {
            let started = Instant::now();
            let page = engine.list(&query).await?;
            samples.push(elapsed_ms(started));
            items = page.items.len();
        }
        let (median, p95) = median_p95(samples);
        table.add(
            label,
            format!("median {median:.2} ms, p95 {p95:.2} ms ({items} rows)"),
            "≤ 5 ms",
            Some(p95 <= 5.0),
        );
    }
    let counts = engine.counts(None).await?;
    table.note(format!(
        "d./e. store: {} jobs — {} completed, {} failed, {} cancelled, {} interrupted, {} running/pending; \
         the newest {STALE_RUNNING} stale `running` with 2 completed steps + 1 running step and 3 partials each",
        counts.total(),
        counts.completed,
        counts.failed,
        counts.cancelled,
        counts.interrupted,
        counts.running + counts.pending
    ));
    engine.shutdown(Duration::from_millis(500)).await;
    Ok(())
}

pub(crate) async fn bench_store(table: &mut Table) -> BenchResult<()> {
    eprintln!("seeding {STORED_JOBS} jobs …");
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("jobs.db");
    let started = Instant::now();
    let ids = seed_store(&path).await?;
    table.note(format!(
        "d./e. seeded {STORED_JOBS} jobs in {:.0} ms (one transaction, multi-row INSERTs)",
        elapsed_ms(started)
    ));
    bench_list(table, &path).await?;

    eprintln!("e. open with recovery …");
    let newest = &ids[STORED_JOBS - STALE_RUNNING..];
    let mut conn = connect(&path).await?;
    reset_stale(&mut conn, newest).await?;
    conn.close().await?;
    bench_open(table, &path, newest, &[false, true], "newest").await?;
    // Worst case: the stale jobs scattered over the whole table (one per ~100 rows).
    retire(&path, newest).await?;
    let scattered: Vec<String> = ids
        .iter()
        .step_by(STORED_JOBS / STALE_RUNNING)
        .cloned()
        .collect();
    let mut conn = connect(&path).await?;
    reset_stale(&mut conn, &scattered).await?;
    conn.close().await?;
    bench_open(table, &path, &scattered, &[false], "scattered").await
}
