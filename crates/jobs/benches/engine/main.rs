//! Engine benchmarks: progress cost, coalesced writes, lifecycle throughput (beside a
//! naive one-statement-per-update runner), list latency and open/recovery time over a
//! large store. Prints a Markdown table. Run with `cargo bench -p jobs --bench engine`.
//! The harness (results table, shared helpers) is in `harness.rs`; each section has its file.

mod harness;
mod lifecycle;
mod progress;
mod store;

use std::time::Instant;

use harness::{BenchResult, Table};

fn main() -> BenchResult<()> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let started = Instant::now();
    let mut table = Table::default();
    // JOBS_BENCH_ONLY=a,c runs only those sections (handy under a profiler).
    let only = std::env::var("JOBS_BENCH_ONLY").unwrap_or_default();
    let wanted = |s: &str| only.is_empty() || only.split(',').any(|o| o.trim() == s);
    runtime.block_on(async {
        if wanted("a") {
            progress::bench_progress(&mut table).await?;
        }
        if wanted("b") {
            progress::bench_flood(&mut table).await?;
        }
        if wanted("c") {
            lifecycle::bench_lifecycle(&mut table).await?;
            lifecycle::bench_sqlx_floor(&mut table).await?;
        }
        if wanted("d") || wanted("e") {
            store::bench_store(&mut table).await?;
        }
        BenchResult::Ok(())
    })?;
    println!();
    println!(
        "## Job engine benchmarks (nproc = {threads}, tokio multi-thread runtime, {:.0} s total)",
        started.elapsed().as_secs_f64()
    );
    println!();
    table.print();
    Ok(())
}
