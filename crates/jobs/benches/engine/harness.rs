//! The benchmarks' harness: the results table, statistics and helpers every section uses.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use jobs::{Engine, EngineConfig, JobChange, JobId, JobStatus, StartJob, WatchItem};
use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, SqliteConnection};
use tokio::sync::Notify;

/// What a benchmark returns.
pub(crate) type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// One line of the results table.
struct Row {
    measure: String,
    engine: String,
    baseline: String,
    target: String,
    met: Option<bool>,
}

/// The results table printed at the end.
#[derive(Default)]
pub(crate) struct Table {
    rows: Vec<Row>,
    notes: Vec<String>,
}

impl Table {
    pub(crate) fn add(
        &mut self,
        measure: impl Into<String>,
        engine: String,
        target: &str,
        met: Option<bool>,
    ) {
        self.add_vs(measure, engine, "—".into(), target, met);
    }

    pub(crate) fn add_vs(
        &mut self,
        measure: impl Into<String>,
        engine: String,
        baseline: String,
        target: &str,
        met: Option<bool>,
    ) {
        let row = Row {
            measure: measure.into(),
            engine,
            baseline,
            target: target.into(),
            met,
        };
        eprintln!(
            "  {}: {} (baseline {})",
            row.measure, row.engine, row.baseline
        );
        self.rows.push(row);
    }

    pub(crate) fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    pub(crate) fn print(&self) {
        println!("| Measurement | Engine | Naive baseline | Target | Met |");
        println!("|---|---:|---:|---|:---:|");
        for r in &self.rows {
            let met = match r.met {
                Some(true) => "✅",
                Some(false) => "❌",
                None => "",
            };
            println!(
                "| {} | {} | {} | {} | {} |",
                r.measure, r.engine, r.baseline, r.target, met
            );
        }
        if !self.notes.is_empty() {
            println!();
            for n in &self.notes {
                println!("- {n}");
            }
        }
    }
}

/// The value at fraction `p` of sorted samples.
pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

pub(crate) fn median_p95(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(|a, b| a.total_cmp(b));
    (percentile(&samples, 0.5), percentile(&samples, 0.95))
}

pub(crate) fn bench_config(path: &Path) -> EngineConfig {
    let mut config = EngineConfig::new(path);
    config.prune_interval = None;
    config.cancel_grace = Duration::from_millis(200);
    config
}

pub(crate) fn elapsed_ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// Released by the bench when a job may begin its measured work.
#[derive(Clone, Default)]
pub(crate) struct Gate(Arc<Notify>);

impl Gate {
    pub(crate) fn open(&self) {
        self.0.notify_one();
    }

    pub(crate) async fn wait(&self) {
        self.0.notified().await;
    }
}

pub(crate) fn start_request<T: Serialize>(
    kind: &str,
    title: &str,
    input: &T,
) -> BenchResult<StartJob> {
    Ok(StartJob::new(kind, title, serde_json::to_value(input)?))
}

/// Waits until the job has reached a terminal state (committed).
pub(crate) async fn wait_finished(engine: &Engine, id: JobId) -> BenchResult<JobStatus> {
    let mut watch = engine.watch(id).await?;
    if watch.snapshot.job.status.is_finished() {
        return Ok(watch.snapshot.job.status);
    }
    while let Some(item) = watch.events.next().await {
        match item {
            WatchItem::Event(e) => {
                if let JobChange::Finished { snapshot } = e.change {
                    return Ok(snapshot.job.status);
                }
            }
            WatchItem::Resync(s) if s.job.status.is_finished() => return Ok(s.job.status),
            WatchItem::Resync(_) => {}
        }
    }
    Ok(engine.get(id).await?.job.status)
}

/// Now, in unix ms.
pub(crate) fn unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A fresh database with the engine's journal settings.
pub(crate) async fn connect_new(path: &Path) -> BenchResult<SqliteConnection> {
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal);
    Ok(SqliteConnection::connect_with(&opts).await?)
}
