//! a. What one `ctx.progress` call costs, and b. how many database writes a job
//! emitting 10,000 updates a second causes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures::StreamExt;
use jobs::{Engine, JobContext, JobError, JobKind, WatchItem, WriteCounts};
use serde::{Deserialize, Serialize};

use crate::harness::{
    BenchResult, Gate, Table, bench_config, median_p95, start_request, wait_finished,
};

const PROGRESS_CALLS: u64 = 1_000_000;
const FLOOD_RATE: f64 = 10_000.0;
const FLOOD_SECS: f64 = 3.0;

/// Calls `ctx.progress` in a tight loop and reports the time it took.
#[derive(Clone, Default)]
struct ProgressProbe {
    gate: Gate,
}

#[derive(Serialize, Deserialize)]
struct ProbeInput {
    calls: u64,
}

impl JobKind for ProgressProbe {
    type Input = ProbeInput;
    type Output = u64;

    fn name(&self) -> &str {
        "progress_probe"
    }

    async fn run(&self, input: ProbeInput, ctx: JobContext) -> Result<u64, JobError> {
        self.gate.wait().await;
        let calls = input.calls.max(1);
        let started = Instant::now();
        for i in 0..calls {
            ctx.progress(i as f64 * 100.0 / calls as f64, "hashing");
            // A real job yields now and then; without it the watcher, woken onto this
            // worker's LIFO slot, could not run until the job ends.
            if i % 1_000 == 999 {
                tokio::task::yield_now().await;
            }
        }
        Ok(started.elapsed().as_nanos() as u64)
    }
}

/// Emits progress at a fixed rate until told to stop.
#[derive(Clone, Default)]
struct Flood {
    gate: Gate,
    stop: Arc<AtomicBool>,
    emitted: Arc<AtomicU64>,
}

#[derive(Serialize, Deserialize)]
struct FloodInput {
    per_second: f64,
}

impl JobKind for Flood {
    type Input = FloodInput;
    type Output = u64;

    fn name(&self) -> &str {
        "flood"
    }

    async fn run(&self, input: FloodInput, ctx: JobContext) -> Result<u64, JobError> {
        self.gate.wait().await;
        let started = Instant::now();
        let mut emitted = 0u64;
        while !self.stop.load(Ordering::Relaxed) {
            let due = (started.elapsed().as_secs_f64() * input.per_second) as u64;
            while emitted < due {
                ctx.progress((emitted % 10_000) as f64 / 100.0, format!("row {emitted}"));
                emitted += 1;
            }
            self.emitted.store(emitted, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        Ok(emitted)
    }
}

// ---------------------------------------------------------------------------
// a. cost of one ctx.progress call

struct WatcherTally {
    events: u64,
    resyncs: u64,
}

async fn tally(mut events: jobs::WatchStream) -> WatcherTally {
    let mut tally = WatcherTally {
        events: 0,
        resyncs: 0,
    };
    while let Some(item) = events.next().await {
        match item {
            WatchItem::Event(_) => tally.events += 1,
            WatchItem::Resync(_) => tally.resyncs += 1,
        }
    }
    tally
}

async fn progress_once(
    engine: &Engine,
    kind: &ProgressProbe,
    watched: bool,
) -> BenchResult<(f64, Option<WatcherTally>)> {
    let input = ProbeInput {
        calls: PROGRESS_CALLS,
    };
    let id = engine
        .start(start_request("progress_probe", "progress probe", &input)?)
        .await?;
    let watcher = if watched {
        let watch = engine.watch(id).await?;
        Some(tokio::spawn(tally(watch.events)))
    } else {
        None
    };
    kind.gate.open();
    // Poll rather than watch, so the unwatched case really has no subscriber.
    let snap = loop {
        let snap = engine.get(id).await?;
        if snap.job.status.is_finished() {
            break snap;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let nanos = snap
        .job
        .result
        .and_then(|v| v.as_u64())
        .ok_or("probe returned no timing")?;
    let tally = match watcher {
        Some(w) => Some(w.await?),
        None => None,
    };
    Ok((nanos as f64 / PROGRESS_CALLS as f64, tally))
}

pub(crate) async fn bench_progress(table: &mut Table) -> BenchResult<()> {
    eprintln!("a. ctx.progress cost …");
    let dir = tempfile::tempdir()?;
    let kind = ProgressProbe::default();
    let engine = Engine::builder(bench_config(&dir.path().join("jobs.db")))
        .register(kind.clone())
        .open()
        .await?;
    for watched in [false, true] {
        let mut samples = Vec::new();
        let mut last_tally = None;
        for _ in 0..3 {
            let (ns, tally) = progress_once(&engine, &kind, watched).await?;
            samples.push(ns);
            last_tally = tally;
        }
        let (median, _) = median_p95(samples);
        let label = if watched {
            "a. `ctx.progress` cost, 1 watcher attached"
        } else {
            "a. `ctx.progress` cost, no watcher"
        };
        table.add(
            label,
            format!("{median:.0} ns/call"),
            "< 1 µs",
            Some(median < 1_000.0),
        );
        if let Some(t) = last_tally {
            table.note(format!(
                "a. the watcher of 1,000,000 updates emitted as fast as possible received {} events \
                 and {} resync snapshots (it falls behind the 128-event buffer and is resynced, as designed)",
                t.events, t.resyncs
            ));
        }
    }
    engine.shutdown(Duration::from_secs(1)).await;
    Ok(())
}

// ---------------------------------------------------------------------------
// b. database writes caused by one job emitting 10,000 updates/s

/// Polls until a progress flush has committed; returns the counts right after it.
async fn next_flush(engine: &Engine) -> WriteCounts {
    let before = engine.write_counts().progress_rows;
    loop {
        let now = engine.write_counts();
        if now.progress_rows > before {
            return now;
        }
        tokio::time::sleep(Duration::from_micros(500)).await;
    }
}

pub(crate) async fn bench_flood(table: &mut Table) -> BenchResult<()> {
    eprintln!("b. writes at 10,000 updates/s …");
    let dir = tempfile::tempdir()?;
    let kind = Flood::default();
    let engine = Engine::builder(bench_config(&dir.path().join("jobs.db")))
        .register(kind.clone())
        .open()
        .await?;
    let input = FloodInput {
        per_second: FLOOD_RATE,
    };
    let id = engine
        .start(start_request("flood", "flood", &input)?)
        .await?;
    kind.gate.open();
    // Measure between two flushes so the window holds whole flush intervals.
    let c0 = next_flush(&engine).await;
    let (t0, e0) = (Instant::now(), kind.emitted.load(Ordering::Relaxed));
    tokio::time::sleep(Duration::from_secs_f64(FLOOD_SECS - 0.1)).await;
    let c1 = next_flush(&engine).await;
    let (secs, e1) = (
        t0.elapsed().as_secs_f64(),
        kind.emitted.load(Ordering::Relaxed),
    );
    kind.stop.store(true, Ordering::Relaxed);
    wait_finished(&engine, id).await?;
    engine.shutdown(Duration::from_secs(1)).await;

    // Rounded to 0.01: the window is whole flush intervals ± the 0.5 ms polling step.
    let per_sec = |n: u64| (n as f64 / secs * 100.0).round() / 100.0;
    let rows = per_sec(c1.progress_rows - c0.progress_rows);
    let tx = per_sec(c1.transactions - c0.transactions);
    let ops = per_sec(c1.operations - c0.operations);
    let rate = (e1 - e0) as f64 / secs;
    table.add(
        "b. DB writes/s for 1 job at 10k updates/s (progress rows)",
        format!("{rows:.2} rows/s"),
        "≤ 4 /s per job",
        Some(rows <= 4.0),
    );
    table.add(
        "b. … transactions/s (write ops/s)",
        format!("{tx:.2} tx/s ({ops:.2} ops/s)"),
        "≤ 4 /s per job",
        Some(tx <= 4.0),
    );
    table.note(format!(
        "b. measured over {secs:.2} s between two flushes; the job emitted {rate:.0} updates/s"
    ));
    Ok(())
}
