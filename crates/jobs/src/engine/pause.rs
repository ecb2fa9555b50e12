//! Pausing and resuming: a run that waits (a step's wait or the user's pause), resuming
//! one or all jobs paused for some reasons, and the timers that resume rate-limited jobs.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::run::lose;
use super::{Engine, Inner};
use crate::error::{Error, Result};
use crate::live::{LiveJob, now_ms, snapshot_of};
use crate::model::{ChangeKind, JobChange, JobId, JobStatus, Pause, PauseReason};
use crate::store::{PauseRow, WriteOp};

impl Engine {
    /// Pauses a job for the user: a running one stops at its next await point (like a
    /// cancel, but it ends paused with its checkpoints), a pending one stops waiting for a
    /// slot; a job paused for another reason is now paused by the user (so nothing
    /// resumes it but [`Engine::resume`]).
    pub async fn pause(&self, id: JobId) -> Result<()> {
        if let Some(live) = self.live(id) {
            let status = live.lock().record.status;
            if status.is_finished() {
                return Err(Error::AlreadyFinished { id, status });
            }
            live.pause_requested.store(true, Ordering::Release);
            live.cancel.cancel();
            return Ok(());
        }
        let record = self.stored(id).await?;
        match record.pause {
            _ if record.status.is_finished() => Err(Error::AlreadyFinished {
                id,
                status: record.status,
            }),
            Some(pause) if record.status.is_paused() => {
                let pause = Pause {
                    reason: PauseReason::ByUser,
                    until: None,
                    ..pause
                };
                self.set_pause(id, pause).await
            }
            _ => Err(Error::IllegalTransition {
                id,
                from: record.status,
                to: JobStatus::Paused,
            }),
        }
    }

    /// Resumes a paused job: it is queued again and runs from its checkpoints (no attempt
    /// is counted). A job its kind's current version cannot resume becomes interrupted
    /// with the error code `updated` instead.
    pub async fn resume(&self, id: JobId) -> Result<()> {
        self.requeue(id, true).await
    }

    /// Resumes every job paused for one of `reasons` (e.g. network back: `Offline`,
    /// `ProviderDown`; key changed: `Unauthorized`); returns how many were queued again.
    pub async fn resume_matching(&self, reasons: &[PauseReason]) -> Result<u64> {
        let paused = self.inner.reader.paused().await?;
        let mut resumed = 0;
        for (id, pause) in paused {
            if !reasons.contains(&pause.reason) {
                continue;
            }
            match self.resume(id).await {
                Ok(()) => resumed += 1,
                Err(
                    Error::NotFound(_)
                    | Error::IllegalTransition { .. }
                    | Error::StillActive { .. }
                    | Error::UnknownKind(_),
                ) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(resumed)
    }

    /// Every paused job with its pause, oldest first.
    pub async fn paused(&self) -> Result<Vec<(JobId, Pause)>> {
        self.inner.reader.paused().await
    }

    /// Sets when a paused job is next checked (shown to the user); for a rate-limited
    /// job, that is when it resumes by itself.
    pub async fn set_next_check(&self, id: JobId, until: Option<DateTime<Utc>>) -> Result<()> {
        let record = self.stored(id).await?;
        let Some(pause) = record.pause.filter(|_| record.status.is_paused()) else {
            return Err(Error::IllegalTransition {
                id,
                from: record.status,
                to: JobStatus::Paused,
            });
        };
        self.set_pause(id, Pause { until, ..pause }).await
    }

    /// Raises a job's spending cap by `extra_micros` (a job without one gets one of that
    /// much); a job paused `over_budget` is resumed.
    pub async fn raise_limit(&self, id: JobId, extra_micros: i64) -> Result<()> {
        let extra = extra_micros.max(0);
        self.inner
            .writer
            .commit(WriteOp::RaiseLimit { id, extra })
            .await?;
        if let Some(live) = self.live(id) {
            let mut st = live.lock();
            st.record.spend_limit = Some(st.record.spend_limit.unwrap_or(0).saturating_add(extra));
            return Ok(());
        }
        let record = self.stored(id).await?;
        if record.status.is_paused()
            && record
                .pause
                .is_some_and(|p| p.reason == PauseReason::OverBudget)
        {
            self.resume(id).await?;
        }
        Ok(())
    }

    /// A job's model calls with totals per step and for the job.
    pub async fn usage(&self, id: JobId) -> Result<crate::model::JobUsage> {
        let calls = self.inner.reader.usage(id).await?;
        Ok(crate::model::JobUsage::from_calls(calls))
    }

    /// Stores a paused job's new pause, re-arms its timer and announces it.
    pub(super) async fn set_pause(&self, id: JobId, pause: Pause) -> Result<()> {
        self.inner
            .writer
            .commit(WriteOp::SetPause {
                id,
                pause: Box::new(pause.clone()),
                at: now_ms(),
            })
            .await?;
        self.inner.arm_timer(id, &pause);
        self.announce_stored(&[id], ChangeKind::Paused).await;
        Ok(())
    }

    /// Arms the resume timers of every paused job that resumes by itself (at open).
    pub(super) async fn arm_timers(&self) -> Result<()> {
        for (id, pause) in self.inner.reader.paused().await? {
            self.inner.arm_timer(id, &pause);
        }
        Ok(())
    }

    /// Resumes a job whose timer fired, if it still waits for that time.
    async fn resume_when_due(&self, id: JobId, due: DateTime<Utc>) {
        let still_due = match self.inner.reader.job(id).await {
            Ok(Some(r)) => {
                r.status.is_paused()
                    && r.pause
                        .is_some_and(|p| p.reason.resumes_at_until() && p.until == Some(due))
            }
            Ok(None) => false,
            Err(e) => {
                tracing::warn!(job = %id, error = %e, "could not read a job whose pause ended");
                false
            }
        };
        if still_due && let Err(e) = self.resume(id).await {
            tracing::warn!(job = %id, error = %e, "could not resume a job whose pause ended");
        }
    }
}

impl Inner {
    /// (Re)arms the timer that resumes a paused job at its `until`, when its reason
    /// resumes by time; a pause that does not disarms it.
    pub(super) fn arm_timer(self: &Arc<Self>, id: JobId, pause: &Pause) {
        let mut timers = self.timers.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = timers.remove(&id) {
            old.abort();
        }
        let Some(due) = pause.until.filter(|_| pause.reason.resumes_at_until()) else {
            return;
        };
        let delay = (due - Utc::now()).to_std().unwrap_or(Duration::ZERO);
        let weak = Arc::downgrade(self);
        let stop = self.shutdown.clone();
        let task = tokio::spawn(async move {
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(delay) => {}
            }
            let Some(inner) = weak.upgrade() else { return };
            inner
                .timers
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .remove(&id);
            Engine { inner }.resume_when_due(id, due).await;
        });
        timers.insert(id, task);
    }
}

/// Commits the pause of an active job, then tells its watchers (their watch ends: a
/// resumed job is a new run) and the engine stream; it leaves the live set, freeing its slot.
pub(super) async fn park(inner: &Arc<Inner>, live: &Arc<LiveJob>, pause: Pause) {
    let row = {
        let mut st = live.lock();
        st.finishing = true;
        // Reserved, not yet taken: a view attaching before the event goes out must get a
        // snapshot below it, or it would drop the event as one it already has.
        let seq = st.record.seq + 1;
        PauseRow {
            id: live.id,
            pause: pause.clone(),
            progress: st.record.progress,
            message: st.message.as_deref().map(str::to_owned),
            seq,
            at: now_ms(),
        }
    };
    if let Err(e) = inner
        .writer
        .commit(WriteOp::Pause(Box::new(row.clone())))
        .await
    {
        tracing::error!(job = %live.id, error = %e, "could not save the job's pause");
        lose(inner, live, format!("the pause could not be saved: {e}"));
        return;
    }
    {
        let mut st = live.lock();
        st.record.seq = row.seq;
        st.record.status = JobStatus::Paused;
        st.record.pause = Some(pause.clone());
        st.record.updated_at = row.at;
        st.record.stalled = false;
        st.dirty = false;
    }
    inner.remove_live(live.id);
    {
        let st = live.lock();
        let snapshot = snapshot_of(&st, &inner.eta);
        live.emit_reserved(
            &st,
            row.seq,
            JobChange::Paused {
                snapshot: Box::new(snapshot),
            },
        );
    }
    tracing::info!(job = %live.id, reason = %pause.reason, "job paused");
    inner.arm_timer(live.id, &pause);
    inner.publish(live, JobStatus::Paused, row.progress, ChangeKind::Paused);
}
