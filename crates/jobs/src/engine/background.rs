//! The engine's timers: the coalesced progress flush, the stall check and scheduled
//! retention.

use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{Engine, Inner};
use crate::config::Retention;
use crate::error::Result;
use crate::live::now_ms;
use crate::model::{ChangeKind, JobChange, JobStatus};
use crate::store::{ProgressRow, PruneCutoff, WriteOp};

impl Engine {
    /// Deletes finished, unpinned jobs older than the retention per state; returns how many.
    pub async fn prune(&self) -> Result<u64> {
        self.inner.prune().await
    }

    pub(super) fn spawn_background(&self) {
        let config = &self.inner.config;
        let weak = Arc::downgrade(&self.inner);
        let stop = self.inner.shutdown.clone();
        let flush_every = config
            .progress_flush_interval
            .max(Duration::from_millis(10));
        let stall_check =
            (config.stall_after / 4).clamp(Duration::from_millis(20), Duration::from_secs(1));
        let mut tasks = vec![
            tokio::spawn(every(flush_every, stop.clone(), weak.clone(), |inner| {
                inner.flush_progress();
            })),
            tokio::spawn(every(stall_check, stop.clone(), weak.clone(), |inner| {
                inner.check_stalls();
            })),
        ];
        if let Some(period) = config.prune_interval {
            tasks.push(tokio::spawn(scheduled_retention(period, stop, weak)));
        }
        self.inner
            .background
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(tasks);
    }

    pub(super) fn stop_background(&self) {
        let tasks = std::mem::take(
            &mut *self
                .inner
                .background
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
        );
        for task in tasks {
            task.abort();
        }
        let timers =
            std::mem::take(&mut *self.inner.timers.lock().unwrap_or_else(|p| p.into_inner()));
        for (_, task) in timers {
            task.abort();
        }
    }
}

/// Calls `f` every `period` until `stop` or until the engine is gone.
async fn every(period: Duration, stop: CancellationToken, inner: Weak<Inner>, f: impl Fn(&Inner)) {
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tick.tick() => {}
        }
        let Some(inner) = inner.upgrade() else { break };
        f(&inner);
    }
}

/// Prunes every `period` (the first time at open) until `stop` or until the engine is gone.
async fn scheduled_retention(period: Duration, stop: CancellationToken, inner: Weak<Inner>) {
    let mut tick = tokio::time::interval(period);
    loop {
        tokio::select! {
            _ = stop.cancelled() => break,
            _ = tick.tick() => {}
        }
        let Some(inner) = inner.upgrade() else { break };
        if let Err(e) = inner.prune().await {
            tracing::warn!(error = %e, "scheduled retention failed");
        }
    }
}

/// The cutoff of each terminal status that has a retention, as of `now` (unix ms). A
/// retention longer than the clock can count back keeps everything.
fn prune_cutoffs(retention: &Retention, now: i64) -> Vec<PruneCutoff> {
    [
        (JobStatus::Completed, retention.completed),
        (JobStatus::Failed, retention.failed),
        (JobStatus::Cancelled, retention.cancelled),
        (JobStatus::Interrupted, retention.interrupted),
    ]
    .into_iter()
    .filter_map(|(status, keep)| {
        let keep_ms = i64::try_from(keep?.as_millis()).unwrap_or(i64::MAX);
        Some(PruneCutoff {
            status,
            finished_before: now.saturating_sub(keep_ms),
        })
    })
    .collect()
}

impl Inner {
    /// Writes the latest progress of every job that moved since the last flush.
    pub(super) fn flush_progress(&self) {
        let mut rows = Vec::new();
        for job in self.live_jobs() {
            let row = {
                let mut st = job.lock();
                if !st.dirty || st.record.status != JobStatus::Running {
                    continue;
                }
                st.dirty = false;
                ProgressRow {
                    id: job.id,
                    progress: st.record.progress,
                    message: st.message.as_deref().map(str::to_owned),
                    seq: st.record.seq,
                    at: st.record.updated_at,
                }
            };
            self.publish(&job, JobStatus::Running, row.progress, ChangeKind::Progress);
            rows.push(row);
        }
        if !rows.is_empty() {
            self.writer.send(WriteOp::Progress(rows));
        }
    }

    /// Flags running jobs with no activity for longer than the threshold.
    fn check_stalls(&self) {
        for job in self.live_jobs() {
            let progress = {
                let mut st = job.lock();
                if st.record.status != JobStatus::Running
                    || st.record.stalled
                    || st.finishing
                    || st.last_activity.elapsed() < self.config.stall_after
                {
                    continue;
                }
                st.record.stalled = true;
                let since = st.last_activity_ms;
                job.emit(&mut st, JobChange::Stalled { since });
                st.record.progress
            };
            self.publish(&job, JobStatus::Running, progress, ChangeKind::Stalled);
        }
    }

    async fn prune(&self) -> Result<u64> {
        let cutoffs = prune_cutoffs(&self.config.retention, now_ms());
        let n = self.writer.commit(WriteOp::Prune(cutoffs)).await?;
        if n > 0 {
            self.writer.commit(WriteOp::Vacuum).await?;
            tracing::info!(pruned = n, "retention removed old jobs");
        }
        Ok(n)
    }
}
