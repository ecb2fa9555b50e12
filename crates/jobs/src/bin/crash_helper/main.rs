//! Test helper: runs jobs against a database file so that tests can SIGKILL it mid-flight,
//! or holds the database (engine lease or SQLite write lock) for the fault tests.
//!
//! Usage:
//!   jobs-crash-helper run <db> [--concurrency N] [--steps N] [--bytes N] [--ticks N] [--seed N] [--jobs N]
//!   jobs-crash-helper hold-engine <db>
//!   jobs-crash-helper hold-lock <db>
//!   jobs-crash-helper expect <input-json>
//!
//! Everything it reports goes to stdout, one flushed line per fact:
//!   READY                         engine open
//!   RESUMED <job>                 recovery queued the job again
//!   STARTED <job>                 the job is stored (start returned)
//!   STEP_DONE <job> <idx> <hash>  `ctx.step` returned: the checkpoint is committed
//!   COMPLETED <job> <digest>      a watch saw `Finished` with status completed (committed)
//!   ENDED <job> <status>          a watch saw `Finished` with another status
//!   LOST <job> <reason>           a watch saw `Lost`
//!   MISMATCH <job> <got> <want>   the result differs from the recomputed one
//!   DONE                          `--jobs` jobs have finished
//!   OPEN / LOCKED                 hold modes: holding the lease / the write lock
//!   EXPECTED <digest>             expect mode
//!   ERROR <message>               something failed; the exit code is 1

mod kind;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use jobs::{Engine, EngineConfig, JobId, JobStatus, StartJob};
use kind::{CrashInput, CrashKind, Final, KIND, StepObserver};
use sqlx::Connection as _;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode};

/// Writes one line to stdout and flushes it, so a kill right after loses nothing printed.
fn say(line: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    // A closed stdout only means nobody listens any more.
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

struct Printer;

impl StepObserver for Printer {
    fn executing(&self, _job: JobId, _index: u32) {}

    fn checkpointed(&self, job: JobId, index: u32, hash: &str) {
        say(format_args!("STEP_DONE {job} {index} {hash}"));
    }
}

#[derive(Debug, Clone)]
struct RunArgs {
    db: PathBuf,
    concurrency: u64,
    steps: u32,
    bytes: u32,
    ticks: u32,
    seed: u64,
    jobs: Option<u64>,
}

fn parse_run(args: &[String]) -> Result<RunArgs, String> {
    let db = args.first().ok_or("run needs a database path")?;
    let mut run = RunArgs {
        db: PathBuf::from(db),
        concurrency: 3,
        steps: 6,
        bytes: 64 * 1024,
        ticks: 8,
        seed: 1,
        jobs: None,
    };
    let mut rest = args[1..].iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = |v: &str| v.parse::<u64>().map_err(|e| format!("{flag} {v}: {e}"));
        let small = |v: &str| v.parse::<u32>().map_err(|e| format!("{flag} {v}: {e}"));
        match flag.as_str() {
            "--concurrency" => run.concurrency = number(value)?.max(1),
            "--steps" => run.steps = small(value)?.max(1),
            "--bytes" => run.bytes = small(value)?,
            "--ticks" => run.ticks = small(value)?.max(1),
            "--seed" => run.seed = number(value)?,
            "--jobs" => run.jobs = Some(number(value)?),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(run)
}

fn config(db: PathBuf) -> EngineConfig {
    let mut config = EngineConfig::new(db);
    // Many small commits, so that kills often land in the middle of one.
    config.progress_flush_interval = Duration::from_millis(10);
    config.cancel_grace = Duration::from_millis(200);
    config.prune_interval = None;
    config
}

/// Prints the outcome of one job; returns an error only for engine failures.
async fn report(engine: &Engine, id: JobId) -> Result<(), String> {
    match kind::wait_final(engine, id)
        .await
        .map_err(|e| format!("watch {id}: {e}"))?
    {
        Final::Finished(snapshot) if snapshot.job.status == JobStatus::Completed => {
            let result = snapshot.job.result.unwrap_or_default();
            let output: kind::CrashOutput =
                serde_json::from_value(result).map_err(|e| format!("result of {id}: {e}"))?;
            let input: CrashInput = serde_json::from_value(snapshot.job.input)
                .map_err(|e| format!("input of {id}: {e}"))?;
            let want = kind::expected_output(&input);
            if output != want {
                say(format_args!(
                    "MISMATCH {id} {} {}",
                    output.digest, want.digest
                ));
            }
            say(format_args!("COMPLETED {id} {}", output.digest));
        }
        Final::Finished(snapshot) => say(format_args!("ENDED {id} {}", snapshot.job.status)),
        Final::Lost(reason) => say(format_args!("LOST {id} {reason}")),
    }
    Ok(())
}

async fn run(args: RunArgs) -> Result<(), String> {
    let engine = Engine::builder(config(args.db.clone()))
        .register(CrashKind::new(Arc::new(Printer)))
        .open()
        .await
        .map_err(|e| format!("open: {e} ({})", e.code()))?;
    say(format_args!("READY"));
    let mut tasks = tokio::task::JoinSet::new();
    for id in engine.recovery().resumed.clone() {
        say(format_args!("RESUMED {id}"));
        let engine = engine.clone();
        tasks.spawn(async move { report(&engine, id).await });
    }
    let counter = Arc::new(AtomicU64::new(0));
    for _ in 0..args.concurrency {
        let engine = engine.clone();
        let counter = counter.clone();
        let args = args.clone();
        tasks.spawn(async move {
            loop {
                let n = counter.fetch_add(1, Ordering::Relaxed);
                if args.jobs.is_some_and(|max| n >= max) {
                    return Ok(());
                }
                let input = CrashInput {
                    seed: args.seed.wrapping_mul(1_000_003).wrapping_add(n),
                    steps: args.steps,
                    bytes: args.bytes,
                    ticks: args.ticks,
                    pad: 0,
                };
                let value = serde_json::to_value(&input).map_err(|e| e.to_string())?;
                let id = engine
                    .start(StartJob::new(KIND, format!("crash job {n}"), value))
                    .await
                    .map_err(|e| format!("start: {e}"))?;
                say(format_args!("STARTED {id}"));
                report(&engine, id).await?;
            }
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined.map_err(|e| format!("task: {e}"))??;
    }
    say(format_args!("DONE"));
    engine.shutdown(Duration::from_secs(5)).await;
    Ok(())
}

async fn hold_engine(db: PathBuf) -> Result<(), String> {
    let _engine = Engine::builder(config(db))
        .register(CrashKind::new(Arc::new(kind::NoObserver)))
        .open()
        .await
        .map_err(|e| format!("open: {e} ({})", e.code()))?;
    say(format_args!("OPEN"));
    std::future::pending::<()>().await;
    Ok(())
}

async fn hold_lock(db: PathBuf) -> Result<(), String> {
    let opts = SqliteConnectOptions::new()
        .filename(&db)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(5));
    let mut conn = SqliteConnection::connect_with(&opts)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    // In WAL mode EXCLUSIVE takes the write lock at once; readers still read.
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut conn)
        .await
        .map_err(|e| format!("begin: {e}"))?;
    say(format_args!("LOCKED"));
    std::future::pending::<()>().await;
    Ok(())
}

async fn main_inner(args: Vec<String>) -> Result<(), String> {
    let (mode, rest) = args
        .split_first()
        .ok_or("usage: jobs-crash-helper <run|hold-engine|hold-lock|expect> ...")?;
    let db = || {
        rest.first()
            .map(PathBuf::from)
            .ok_or_else(|| format!("{mode} needs a database path"))
    };
    match mode.as_str() {
        "run" => run(parse_run(rest)?).await,
        "hold-engine" => hold_engine(db()?).await,
        "hold-lock" => hold_lock(db()?).await,
        "expect" => {
            let text = rest.first().ok_or("expect needs the input as JSON")?;
            let input: CrashInput =
                serde_json::from_str(text).map_err(|e| format!("input: {e}"))?;
            say(format_args!(
                "EXPECTED {}",
                kind::expected_output(&input).digest
            ));
            Ok(())
        }
        other => Err(format!("unknown mode {other}")),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match main_inner(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            say(format_args!("ERROR {message}"));
            eprintln!("jobs-crash-helper: {message}");
            ExitCode::FAILURE
        }
    }
}
