//! The progress benchmark's job kind, registered only when `CHARTER_BENCH_PROGRESS` is set
//! (`RATE:SECONDS`, e.g. `1000:10`): the end-to-end harness measures how long a
//! `ctx.progress` call takes to reach the job page's DOM, so each message carries the wall
//! clock of the call that sent it.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jobs::{Engine, EngineBuilder, JobContext, JobError, JobKind, StartJob, WeakEngine};
use serde::{Deserialize, Serialize};

/// The environment variable that turns the benchmark on.
pub const BENCH_VAR: &str = "CHARTER_BENCH_PROGRESS";
/// The benchmark kind's name.
pub const PROGRESS_BENCH: &str = "progress_bench";
/// The title its job is started with; the harness finds the job by it.
pub const BENCH_TITLE: &str = "Progress benchmark";
/// How long the job waits after the first view attaches, so the page has settled.
const SETTLE: Duration = Duration::from_secs(1);
/// How long the final value stays before the job completes, so a view can show it.
const HOLD_FINAL: Duration = Duration::from_secs(1);

/// How many updates a second, for how long.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BenchInput {
    /// Updates a second.
    pub rate: u32,
    /// Seconds of updates.
    pub seconds: u32,
}

impl BenchInput {
    /// Reads `RATE:SECONDS`; both must be positive.
    pub fn parse(text: &str) -> Result<BenchInput, String> {
        let (rate, seconds) = text
            .split_once(':')
            .ok_or_else(|| format!("{BENCH_VAR} is “{text}”, not RATE:SECONDS"))?;
        let number = |part: &str, what: &str| match part.trim().parse::<u32>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!(
                "{BENCH_VAR}: {what} “{part}” is not a positive whole number"
            )),
        };
        Ok(BenchInput {
            rate: number(rate, "the rate")?,
            seconds: number(seconds, "the length")?,
        })
    }

    /// Updates in all.
    pub fn total(self) -> u64 {
        u64::from(self.rate) * u64::from(self.seconds)
    }
}

/// The message of update `index` (1-based) of `total`, sent at `sent_micros` (unix µs).
pub fn bench_message(index: u64, total: u64, sent_micros: u128) -> String {
    format!("update {index} of {total} sent at {sent_micros}")
}

/// A job that waits for a view, then reports progress at a fixed rate with each call's
/// wall clock in its message.
#[derive(Clone, Default)]
pub struct ProgressBench {
    engine: Arc<OnceLock<WeakEngine>>,
}

impl ProgressBench {
    /// `builder` with this kind registered.
    pub fn register(&self, builder: EngineBuilder) -> EngineBuilder {
        builder.register(self.clone())
    }

    /// Starts the benchmark's job on the opened `engine`.
    pub async fn start(&self, engine: &Engine, input: BenchInput) -> jobs::Result<jobs::JobId> {
        // Only the first engine counts; a second open in one process does not happen.
        let _ = self.engine.set(engine.downgrade());
        let input = serde_json::json!({ "rate": input.rate, "seconds": input.seconds });
        engine
            .start(StartJob::new(PROGRESS_BENCH, BENCH_TITLE, input))
            .await
    }

    async fn wait_for_view(&self, ctx: &JobContext) -> Result<(), JobError> {
        loop {
            let watched = self
                .engine
                .get()
                .and_then(WeakEngine::upgrade)
                .is_some_and(|engine| engine.watchers(ctx.job_id()) > 0);
            if watched {
                return Ok(());
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(20)) => {}
                _ = ctx.cancelled() => return Err(JobError::cancelled()),
            }
        }
    }
}

fn unix_micros() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros())
}

impl JobKind for ProgressBench {
    type Input = BenchInput;
    type Output = u64;

    fn name(&self) -> &str {
        PROGRESS_BENCH
    }

    fn resumable(&self) -> bool {
        false
    }

    async fn run(&self, input: BenchInput, ctx: JobContext) -> Result<u64, JobError> {
        ctx.progress(0.0, "Waiting for the job page to watch");
        self.wait_for_view(&ctx).await?;
        tokio::time::sleep(SETTLE).await;
        let total = input.total();
        let start = tokio::time::Instant::now();
        let mut tick = tokio::time::interval(Duration::from_millis(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut sent = 0u64;
        while sent < total {
            tokio::select! {
                _ = tick.tick() => {}
                _ = ctx.cancelled() => return Err(JobError::cancelled()),
            }
            // Every update due by now goes out, so the rate holds even when a tick is late.
            let due = (start.elapsed().as_secs_f64() * f64::from(input.rate)) as u64;
            while sent < due.min(total) {
                sent += 1;
                ctx.progress(
                    sent as f64 * 100.0 / total as f64,
                    bench_message(sent, total, unix_micros()),
                );
            }
        }
        tokio::time::sleep(HOLD_FINAL).await;
        Ok(sent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rate_and_seconds() {
        assert_eq!(
            BenchInput::parse("1000:10"),
            Ok(BenchInput {
                rate: 1000,
                seconds: 10
            })
        );
        assert_eq!(
            BenchInput::parse("1000:10").map(BenchInput::total),
            Ok(10_000)
        );
    }

    #[test]
    fn refuses_what_is_not_rate_and_seconds() {
        for bad in ["", "1000", "0:10", "1000:0", "a:10", "1000:-1", "1000:1.5"] {
            assert!(BenchInput::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn message_names_the_update_and_its_clock() {
        assert_eq!(
            bench_message(7, 10_000, 1_796_449_679_101_703),
            "update 7 of 10000 sent at 1796449679101703"
        );
    }

    #[tokio::test]
    async fn reports_every_update_once_watched() {
        let dir = tempfile::tempdir().expect("temp dir");
        let bench = ProgressBench::default();
        let engine = bench
            .register(Engine::builder(jobs::EngineConfig::new(
                dir.path().join("jobs.db"),
            )))
            .open()
            .await
            .expect("engine opens");
        let id = bench
            .start(
                &engine,
                BenchInput {
                    rate: 1000,
                    seconds: 1,
                },
            )
            .await
            .expect("starts");
        let watch = engine.watch(id).await.expect("watch");
        let done = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                let snapshot = engine.get(id).await.expect("get");
                if snapshot.job.status.is_finished() {
                    return snapshot;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
        .await
        .expect("finishes");
        drop(watch);
        assert_eq!(done.job.status, jobs::JobStatus::Completed);
        assert_eq!(done.job.result, Some(serde_json::json!(1000)));
        assert!(
            done.job
                .message
                .as_deref()
                .is_some_and(|m| m.starts_with("update 1000 of 1000 sent at ")),
            "{:?}",
            done.job.message
        );
        engine.shutdown(Duration::from_secs(1)).await;
    }
}
