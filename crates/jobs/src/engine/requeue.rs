//! Queuing a stored job again: retry (failed, cancelled, interrupted) and resume
//! (paused), with the kind-version check; and ending a stored job.

use super::Engine;
use super::run::Admission;
use crate::error::{Error, ErrorCode, JobError, Result};
use crate::kind::Compatible;
use crate::live::{LiveJob, now_ms};
use crate::model::{ChangeKind, JobId, JobRecord, JobStatus, Snapshot, StepRecord, StepStatus};
use crate::store::{FinishRow, WriteOp};

impl Engine {
    /// Queues a stored job again: a retry (from failed, cancelled, interrupted) or a
    /// resume (from paused; no attempt counted, and a kind update that cannot read its
    /// checkpoints interrupts it with `updated` instead).
    pub(super) async fn requeue(&self, id: JobId, resume: bool) -> Result<()> {
        if self.inner.shutdown.is_cancelled() {
            return Err(Error::ShutDown);
        }
        if let Some(live) = self.live(id) {
            return Err(Error::StillActive {
                id,
                status: live.lock().record.status,
            });
        }
        let Snapshot {
            job: mut record,
            steps,
            partials,
        } = self.get(id).await?;
        let from: Vec<JobStatus> = if resume {
            vec![JobStatus::Paused]
        } else {
            JobStatus::sources_of(JobStatus::Pending)
                .into_iter()
                .filter(|s| s.is_finished())
                .collect()
        };
        if !from.contains(&record.status) {
            return Err(Error::IllegalTransition {
                id,
                from: record.status,
                to: JobStatus::Pending,
            });
        }
        let Some(entry) = self.inner.kinds.get(&record.kind) else {
            return Err(Error::UnknownKind(record.kind));
        };
        let compatible = entry.kind.compatible(record.kind_version);
        let completed = |s: &StepRecord| s.status == StepStatus::Completed;
        let unreadable = steps
            .iter()
            .any(|s| completed(s) && !compatible.keeps(s.index));
        if resume && unreadable {
            return self
                .finish_stored(record, JobStatus::Interrupted, updated_error())
                .await;
        }
        // Keep what completed steps produced (and the new version reads); the rest will be
        // produced again.
        let steps: Vec<_> = steps
            .into_iter()
            .filter(|s| completed(s) && compatible.keeps(s.index))
            .collect();
        let partials = partials
            .into_iter()
            .filter(|p| {
                p.step_index
                    .is_some_and(|i| steps.iter().any(|s| s.index == i))
            })
            .collect();
        let keep_below = match compatible {
            Compatible::All => None,
            Compatible::FirstSteps(n) => Some(n),
            Compatible::None => Some(0),
        };
        record.status = JobStatus::Pending;
        record.error = None;
        record.result = None;
        record.finished_at = None;
        record.seen_at = None;
        record.pause = None;
        record.kind_version = entry.kind.version();
        let kind_version = record.kind_version;
        let count_attempt = !resume || record.attempt == 0;
        let seq = record.seq;
        let live = LiveJob::new(record, steps, partials, self.inner.shutdown.child_token());
        {
            let mut map = self.inner.live.write().unwrap_or_else(|p| p.into_inner());
            if map.contains_key(&id) {
                return Err(Error::StillActive {
                    id,
                    status: JobStatus::Pending,
                });
            }
            map.insert(id, live.clone());
        }
        let requeued = self
            .inner
            .writer
            .commit(WriteOp::Requeue {
                id,
                owner: self.inner.owner.clone(),
                seq,
                at: now_ms(),
                from,
                keep_below,
                kind_version,
            })
            .await;
        if let Err(e) = requeued {
            self.inner.remove_live(id);
            return Err(e);
        }
        let progress = live.lock().record.progress;
        let change = if resume {
            ChangeKind::Resumed
        } else {
            ChangeKind::Retried
        };
        self.inner
            .publish(&live, JobStatus::Pending, progress, change);
        self.spawn_runner(live, Admission::Queued { count_attempt });
        Ok(())
    }

    /// Ends a stored (not running) job in `to` with `error`, and announces it.
    pub(super) async fn finish_stored(
        &self,
        record: JobRecord,
        to: JobStatus,
        error: JobError,
    ) -> Result<()> {
        let row = FinishRow {
            id: record.id,
            to,
            result: None,
            error: Some(error),
            progress: record.progress,
            message: record.message.clone(),
            seq: record.seq + 1,
            at: now_ms(),
        };
        self.inner
            .writer
            .commit(WriteOp::Finish(Box::new(row)))
            .await?;
        self.announce_stored(&[record.id], ChangeKind::Finished)
            .await;
        Ok(())
    }
}

/// The error of a job its kind's current version can no longer resume.
pub(crate) fn updated_error() -> JobError {
    JobError::new(
        ErrorCode::Updated,
        "Charter was updated and can no longer resume this job from where it stopped. Run it again from scratch or from the last step it can reuse.",
    )
}
