//! Run again from a step: a new job linked to the original reuses the original's
//! checkpoints before that step; and the preview of what a resume or a run-again restores.

use serde::{Deserialize, Serialize};

use super::Engine;
use super::run::Admission;
use crate::error::{Error, Result};
use crate::kind::Compatible;
use crate::live::{LiveJob, now_ms};
use crate::model::{ChangeKind, JobId, JobRecord, JobStatus, Snapshot, StepStatus};
use crate::store::WriteOp;

/// A step named in a preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepRef {
    /// Step index.
    pub index: u32,
    /// Step name.
    pub name: String,
}

/// What a resume or a run-again restores from stored checkpoints and where it runs from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ResumePreview {
    /// Steps whose stored outputs are reused, in order.
    pub restored: Vec<StepRef>,
    /// The first step that runs (every step from it on runs).
    pub will_run_from: u32,
    /// Completed steps that run again because the kind's current version cannot read them.
    pub dropped: Vec<StepRef>,
}

impl Engine {
    /// What resuming (or retrying) the job would restore, e.g. after an unclean exit.
    pub async fn preview(&self, id: JobId) -> Result<ResumePreview> {
        self.preview_from(id, u32::MAX).await
    }

    /// What [`Engine::fork`] from `from_step` would restore.
    pub async fn preview_fork(&self, id: JobId, from_step: u32) -> Result<ResumePreview> {
        self.preview_from(id, from_step).await
    }

    async fn preview_from(&self, id: JobId, requested: u32) -> Result<ResumePreview> {
        let snapshot = self.get(id).await?;
        let below = requested.min(self.readable_below(&snapshot.job));
        let mut restored = Vec::new();
        let mut dropped = Vec::new();
        let mut steps: Vec<_> = snapshot
            .steps
            .iter()
            .filter(|s| s.status == StepStatus::Completed)
            .collect();
        steps.sort_by_key(|s| s.index);
        let mut next = 0;
        for s in steps {
            let step = StepRef {
                index: s.index,
                name: s.name.clone(),
            };
            if s.index < below && s.index == next {
                next += 1;
                restored.push(step);
            } else if s.index < requested {
                // Asked for, but unreadable by this version (or after a gap): runs again.
                dropped.push(step);
            }
        }
        Ok(ResumePreview {
            restored,
            will_run_from: next,
            dropped,
        })
    }

    /// Steps before this index hold checkpoints the kind's current version reads.
    fn readable_below(&self, job: &JobRecord) -> u32 {
        let compatible = self
            .inner
            .kinds
            .get(&job.kind)
            .map_or(Compatible::All, |e| e.kind.compatible(job.kind_version));
        match compatible {
            Compatible::All => u32::MAX,
            Compatible::FirstSteps(n) => n,
            Compatible::None => 0,
        }
    }

    /// Runs a job again as a new job linked to it (`forked_from`, `fork_step`): its
    /// completed steps before `from_step` are copied with their outputs and partials and
    /// are not run again; the rest runs. `from_step = 0` runs it from scratch. The input
    /// may be replaced (e.g. another provider or model). The original is untouched.
    pub async fn fork(
        &self,
        id: JobId,
        from_step: u32,
        input_override: Option<serde_json::Value>,
    ) -> Result<JobId> {
        if self.inner.shutdown.is_cancelled() {
            return Err(Error::ShutDown);
        }
        let Snapshot {
            job: source,
            steps,
            partials,
        } = self.get(id).await?;
        let entry = self
            .inner
            .kinds
            .get(&source.kind)
            .ok_or_else(|| Error::UnknownKind(source.kind.clone()))?;
        let input = input_override.unwrap_or_else(|| source.input.clone());
        entry
            .kind
            .validate(&input)
            .map_err(|reason| Error::InvalidInput {
                kind: source.kind.clone(),
                reason,
            })?;
        let below = from_step.min(self.readable_below(&source));
        let steps: Vec<_> = steps
            .into_iter()
            .filter(|s| s.status == StepStatus::Completed && s.index < below)
            .collect();
        let partials = partials
            .into_iter()
            .filter(|p| {
                p.step_index
                    .is_some_and(|i| steps.iter().any(|s| s.index == i))
            })
            .collect();
        let now = now_ms();
        let record = JobRecord {
            id: JobId::new(),
            status: JobStatus::Pending,
            progress: 0.0,
            message: None,
            current_step: None,
            input,
            result: None,
            error: None,
            attempt: 0,
            pinned: false,
            created_at: now,
            started_at: None,
            updated_at: now,
            finished_at: None,
            seen_at: None,
            stalled: false,
            eta_ms: None,
            pause: None,
            kind_version: entry.kind.version(),
            unique_key: None,
            cost_micros: 0,
            tokens: 0,
            forked_from: Some(id),
            fork_step: Some(from_step),
            ..source
        };
        let new_id = record.id;
        self.inner
            .writer
            .commit(WriteOp::Fork {
                job: Box::new(record.clone()),
                owner: self.inner.owner.clone(),
                source: id,
                below,
            })
            .await?;
        let live = LiveJob::new(record, steps, partials, self.inner.shutdown.child_token());
        self.inner
            .publish(&live, JobStatus::Pending, 0.0, ChangeKind::Created);
        self.launch(
            live,
            Admission::Queued {
                count_attempt: true,
            },
        );
        Ok(new_id)
    }
}
