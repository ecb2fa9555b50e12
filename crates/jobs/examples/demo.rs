//! Terminal demo of the job engine: live progress bars, Ctrl-C to stop, run again to resume.
//!
//! ```text
//! cargo run -p jobs --example demo --release [-- --db PATH] [--no-new] [--fail] [--jobs N]
//! ```
//!
//! Each demo job runs six checkpointed steps that hash generated data with SHA-256.
//! Stop it half-way with Ctrl-C; the next run resumes every unfinished job after its
//! last completed step (the restored steps are not run again).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use futures::StreamExt;
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use jobs::{
    Engine, EngineConfig, JobChange, JobContext, JobError, JobId, JobKind, JobQuery, JobRecord,
    JobStatus, Snapshot, StartJob, StepStatus, Watch, WatchItem,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

const KIND: &str = "demo_hash";
const STEPS: [&str; 6] = [
    "Generating data",
    "Hashing blocks",
    "Chaining digests",
    "Deriving keys",
    "Verifying",
    "Summarising",
];
/// Data hashed per step, in 1 MiB blocks (a few hundred ms of SHA-256 each).
const BLOCKS_PER_STEP: u64 = 320;
const BLOCK: usize = 1 << 20;
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

// ---------------------------------------------------------------------------
// Command line

struct Args {
    db: PathBuf,
    new_jobs: usize,
    fail: bool,
}

fn default_db() -> Result<PathBuf> {
    let base = match std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => {
            let home = std::env::var_os("HOME").context("neither XDG_DATA_HOME nor HOME is set")?;
            PathBuf::from(home).join(".local/share")
        }
    };
    Ok(base.join("charter-demo").join("jobs.db"))
}

fn parse_args() -> Result<Args> {
    let mut db = None;
    let mut new_jobs = 3;
    let mut fail = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--db" => db = Some(PathBuf::from(args.next().context("--db needs a path")?)),
            "--no-new" => new_jobs = 0,
            "--fail" => fail = true,
            "--jobs" => {
                let n = args.next().context("--jobs needs a number")?;
                new_jobs = n.parse().with_context(|| format!("--jobs {n}"))?;
            }
            "-h" | "--help" => {
                println!("usage: demo [--db PATH] [--no-new] [--fail] [--jobs N]");
                std::process::exit(0);
            }
            other => bail!("unknown argument `{other}` (try --help)"),
        }
    }
    let db = match db {
        Some(db) => db,
        None => default_db()?,
    };
    Ok(Args { db, new_jobs, fail })
}

// ---------------------------------------------------------------------------
// The demo job kind

#[derive(Debug, Clone, Serialize, Deserialize)]
struct HashInput {
    seed: u64,
    /// Fail at this step (to show a failed job).
    #[serde(default)]
    fail_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct HashOutput {
    digest: String,
    mib_hashed: u64,
}

/// Six steps of SHA-256 work; each step's digest seeds the next, so a resumed
/// job ends with the same digest as an uninterrupted one.
struct DemoHash {
    /// Jobs wait until the display is attached, so no event is missed.
    display_ready: CancellationToken,
}

impl JobKind for DemoHash {
    type Input = HashInput;
    type Output = HashOutput;

    fn name(&self) -> &str {
        KIND
    }

    async fn run(&self, input: HashInput, ctx: JobContext) -> Result<HashOutput, JobError> {
        tokio::select! {
            _ = self.display_ready.cancelled() => {}
            _ = ctx.cancelled() => return Err(JobError::cancelled()),
        }
        let mut digest = format!("{:016x}", input.seed);
        for (index, name) in STEPS.iter().enumerate() {
            let fail = input.fail_at.as_deref() == Some(*name);
            let seed = digest.clone();
            digest = ctx
                .step(name, hash_step(&ctx, index, name, seed, fail))
                .await?;
        }
        Ok(HashOutput {
            digest,
            mib_hashed: BLOCKS_PER_STEP * STEPS.len() as u64,
        })
    }
}

/// Hashes `BLOCKS_PER_STEP` generated blocks, reporting progress per block.
async fn hash_step(
    ctx: &JobContext,
    index: usize,
    name: &str,
    seed: String,
    fail: bool,
) -> Result<String, JobError> {
    let mut block = generate_block(&seed);
    let mut hasher = Sha256::new();
    for i in 0..BLOCKS_PER_STEP {
        ctx.check_cancelled()?;
        hasher.update(&block);
        // Feed the running digest back into the data so every block differs.
        let mid = hasher.clone().finalize();
        block[..mid.len()].copy_from_slice(&mid);
        let within = (i + 1) as f64 / BLOCKS_PER_STEP as f64;
        let percent = (index as f64 + within) / STEPS.len() as f64 * 100.0;
        ctx.progress(
            percent,
            format!("{name}: {} / {BLOCKS_PER_STEP} MiB", i + 1),
        );
        if fail && i + 1 == BLOCKS_PER_STEP / 2 {
            return Err(JobError::new(
                "verification_failed",
                format!("{name}: digest mismatch in block {}", i + 1),
            ));
        }
        tokio::task::yield_now().await;
    }
    let digest = hex(&hasher.finalize());
    ctx.partial(&serde_json::json!({ "step": name, "digest": &digest[..16] }))?;
    Ok(digest)
}

/// One MiB of deterministic pseudo-random data derived from `seed`.
fn generate_block(seed: &str) -> Vec<u8> {
    let mut block = Vec::with_capacity(BLOCK);
    let mut chunk = Sha256::digest(seed.as_bytes());
    while block.len() < BLOCK {
        block.extend_from_slice(&chunk);
        chunk = Sha256::digest(chunk);
    }
    block.truncate(BLOCK);
    block
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------------------
// Live display

fn bar_style() -> Result<ProgressStyle> {
    Ok(
        ProgressStyle::with_template("{prefix:<22} [{bar:32.cyan/blue}] {pos:>3}%  {wide_msg}")?
            .progress_chars("█▉▊▋▌▍▎▏ "),
    )
}

/// The last characters of an id (the random part), enough to tell jobs apart.
fn short(id: JobId) -> String {
    let id = id.to_string();
    id[id.len() - 6..].to_owned()
}

/// Follows one job on its own bar until it ends; returns its final status.
async fn follow(
    engine: Engine,
    watch: Watch,
    bar: ProgressBar,
    multi: MultiProgress,
) -> Result<JobStatus> {
    let id = watch.snapshot.job.id;
    show_snapshot(&bar, &watch.snapshot);
    if watch.snapshot.job.status.is_finished() {
        return Ok(finish_bar(&bar, &watch.snapshot));
    }
    let title = watch.snapshot.job.title.clone();
    let mut events = watch.events;
    while let Some(item) = events.next().await {
        let event = match item {
            WatchItem::Resync(snapshot) => {
                show_snapshot(&bar, &snapshot);
                continue;
            }
            WatchItem::Event(event) => event,
        };
        match event.change {
            JobChange::Progress { progress, message } => {
                bar.set_position(progress.round() as u64);
                if let Some(m) = message {
                    bar.set_message(m.to_string());
                }
            }
            JobChange::StepCompleted {
                index,
                name,
                resumed: true,
                ..
            } => {
                multi.println(format!(
                    "  ↺ {title}: step {} “{name}” restored from its checkpoint (not run again)",
                    index + 1
                ))?;
                bar.set_position(((index + 1) as f64 / STEPS.len() as f64 * 100.0) as u64);
            }
            JobChange::StepStarted { index, name } => {
                bar.set_message(format!("step {}/{}: {name}", index + 1, STEPS.len()));
            }
            JobChange::StepFailed { name, error, .. } if !error.is_cancelled() => {
                multi.println(format!("  ✗ {title}: step “{name}” failed: {error}"))?;
            }
            JobChange::Finished { snapshot } => return Ok(finish_bar(&bar, &snapshot)),
            JobChange::Lost { reason } => {
                bar.abandon_with_message(format!("lost: {reason}"));
                return Ok(JobStatus::Interrupted);
            }
            _ => {}
        }
    }
    Ok(engine.get(id).await?.job.status)
}

fn show_snapshot(bar: &ProgressBar, snapshot: &Snapshot) {
    bar.set_position(snapshot.job.progress.round() as u64);
    if let Some(m) = &snapshot.job.message {
        bar.set_message(m.clone());
    }
}

fn finish_bar(bar: &ProgressBar, snapshot: &Snapshot) -> JobStatus {
    let job = &snapshot.job;
    let message = match (&job.status, &job.result, &job.error) {
        (JobStatus::Completed, Some(result), _) => {
            let digest = result["digest"].as_str().unwrap_or("");
            format!("✓ completed, digest {}", &digest[..digest.len().min(16)])
        }
        (status, _, Some(error)) => format!("✗ {status}: {error}"),
        (status, _, _) => status.to_string(),
    };
    bar.set_position(job.progress.round() as u64);
    bar.abandon_with_message(message);
    job.status
}

// ---------------------------------------------------------------------------
// Start-up, the run and the final table

fn report_recovery(engine: &Engine) {
    let report = engine.recovery();
    if report.resumed.is_empty() && report.interrupted.is_empty() {
        println!("Recovery: nothing to do (no job was left running).");
        return;
    }
    println!(
        "Recovery: {} job(s) resumed, {} marked interrupted.",
        report.resumed.len(),
        report.interrupted.len()
    );
}

/// Describes where each resumed job picks up.
async fn describe_resumed(engine: &Engine) -> Result<()> {
    for id in &engine.recovery().resumed {
        let snapshot = engine.get(*id).await?;
        let done: Vec<&str> = snapshot
            .steps
            .iter()
            .filter(|s| s.status == StepStatus::Completed)
            .map(|s| s.name.as_str())
            .collect();
        let next = STEPS.get(done.len()).copied().unwrap_or("finishing");
        println!(
            "  • {} ({}): {} of {} steps checkpointed, continues at “{next}”",
            snapshot.job.title,
            short(*id),
            done.len(),
            STEPS.len()
        );
    }
    Ok(())
}

async fn start_new(engine: &Engine, count: usize, fail: bool) -> Result<Vec<JobId>> {
    let mut ids = Vec::with_capacity(count);
    let base = jobs_ever(engine).await?;
    for i in 0..count {
        let n = base + i as u64 + 1;
        let input = HashInput {
            seed: n * 7_919,
            fail_at: (fail && i + 1 == count).then(|| STEPS[4].to_owned()),
        };
        let title = format!("Hash batch #{n}");
        let request = StartJob::new(KIND, title, serde_json::to_value(&input)?);
        ids.push(engine.start(request).await?);
    }
    Ok(ids)
}

async fn jobs_ever(engine: &Engine) -> Result<u64> {
    Ok(engine.counts(Some(KIND)).await?.total())
}

type Follower = tokio::task::JoinHandle<Result<JobStatus>>;

/// Subscribes to every job and gives each a bar; returns the bars and the tasks following them.
async fn attach(
    engine: &Engine,
    multi: &MultiProgress,
    ids: &[JobId],
) -> Result<(Vec<ProgressBar>, Vec<Follower>)> {
    let style = bar_style()?;
    let mut bars = Vec::with_capacity(ids.len());
    let mut tasks = Vec::with_capacity(ids.len());
    for id in ids {
        let watch = engine.watch(*id).await?;
        let bar = multi.add(ProgressBar::new(100).with_style(style.clone()));
        bar.set_prefix(watch.snapshot.job.title.clone());
        bars.push(bar.clone());
        tasks.push(tokio::spawn(follow(
            engine.clone(),
            watch,
            bar,
            multi.clone(),
        )));
    }
    Ok((bars, tasks))
}

enum Outcome {
    Finished,
    Stopped,
}

async fn run_until_done_or_ctrl_c(tasks: Vec<Follower>) -> Result<Outcome> {
    let all = futures::future::join_all(tasks);
    tokio::select! {
        results = all => {
            for r in results {
                r??;
            }
            Ok(Outcome::Finished)
        }
        signal = tokio::signal::ctrl_c() => {
            signal.context("listening for Ctrl-C")?;
            Ok(Outcome::Stopped)
        }
    }
}

fn format_duration(ms: Option<i64>) -> String {
    match ms {
        Some(ms) if ms >= 0 => format!("{:.1} s", ms as f64 / 1000.0),
        _ => "—".into(),
    }
}

async fn print_table(engine: &Engine) -> Result<()> {
    let page = engine
        .list(&JobQuery {
            kind: Some(KIND.into()),
            limit: Some(20),
            ..JobQuery::default()
        })
        .await?;
    println!();
    println!(
        "Stored jobs ({} total: {} completed, {} failed, {} interrupted, {} active), newest first:",
        page.counts.total(),
        page.counts.completed,
        page.counts.failed,
        page.counts.interrupted,
        page.counts.pending + page.counts.running
    );
    println!(
        "  {:<11} {:<16} {:>8} {:>9}  {:<22} ID",
        "STATUS", "TITLE", "ATTEMPTS", "LAST RUN", "STEPS"
    );
    for job in &page.items {
        let steps = engine.get(job.id).await?.steps;
        println!(
            "  {:<11} {:<16} {:>8} {:>9}  {:<22} {}",
            job.status.as_str(),
            job.title,
            job.attempt,
            format_duration(run_time(job)),
            steps_summary(job, &steps),
            short(job.id)
        );
    }
    Ok(())
}

fn run_time(job: &JobRecord) -> Option<i64> {
    Some(job.finished_at? - job.started_at?)
}

/// "6/6 done (3 restored)": restored steps were completed by an earlier attempt.
fn steps_summary(job: &JobRecord, steps: &[jobs::StepRecord]) -> String {
    let done = steps
        .iter()
        .filter(|s| s.status == StepStatus::Completed)
        .count();
    let restored = steps
        .iter()
        .filter(|s| s.status == StepStatus::Completed && s.attempt < job.attempt)
        .count();
    let mut text = format!("{done}/{} done", STEPS.len());
    if restored > 0 {
        text.push_str(&format!(" ({restored} restored)"));
    }
    text
}

async fn open_engine(args: &Args, display_ready: CancellationToken) -> Result<Engine> {
    let mut config = EngineConfig::new(&args.db);
    config.cancel_grace = SHUTDOWN_GRACE;
    config.progress_flush_interval = Duration::from_millis(250);
    Engine::builder(config)
        .register(DemoHash { display_ready })
        .open()
        .await
        .with_context(|| format!("opening {}", args.db.display()))
}

async fn run(args: Args) -> Result<()> {
    println!("Job database: {}", args.db.display());
    let display_ready = CancellationToken::new();
    let engine = open_engine(&args, display_ready.clone()).await?;
    report_recovery(&engine);
    describe_resumed(&engine).await?;

    let mut ids = engine.recovery().resumed.clone();
    ids.extend(start_new(&engine, args.new_jobs, args.fail).await?);
    if ids.is_empty() {
        println!("No jobs to run (use without --no-new to start some).");
    } else {
        println!(
            "Running {} job(s); press Ctrl-C to stop half-way.\n",
            ids.len()
        );
        let multi = MultiProgress::new();
        let (bars, tasks) = attach(&engine, &multi, &ids).await?;
        display_ready.cancel();
        if let Outcome::Stopped = run_until_done_or_ctrl_c(tasks).await? {
            return stop(&engine, &bars).await;
        }
    }
    print_table(&engine).await?;
    engine.shutdown(SHUTDOWN_GRACE).await;
    Ok(())
}

/// Ctrl-C: stop the jobs at their next check, keep their checkpoints, release the database.
async fn stop(engine: &Engine, bars: &[ProgressBar]) -> Result<()> {
    let unfinished = engine.running().len();
    for bar in bars.iter().filter(|b| !b.is_finished()) {
        bar.abandon_with_message(format!("⏸ stopped at {}", bar.message()));
    }
    engine.shutdown(SHUTDOWN_GRACE).await;
    println!();
    println!("Stopped. Run again to resume {unfinished} jobs from their last completed step.");
    Ok(())
}

#[tokio::main]
async fn main() -> Result<()> {
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    run(parse_args()?).await
}
