//! What a running job reports through: progress, checkpointed steps, partial
//! output and cancellation.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Instant;

use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_util::sync::{CancellationToken, WaitForCancellationFuture};

use crate::error::{ErrorCode, JobError};
use crate::live::{EtaModel, LiveJob, now_ms};
use crate::model::{JobChange, JobId, PartialRecord, PauseReason, StepRecord, StepStatus, Usage};
use crate::store::WriteOp;
use crate::writer::Writer;

/// Handle given to a running job; cheap to clone.
#[derive(Clone)]
pub struct JobContext {
    inner: Arc<Inner>,
}

struct Inner {
    live: Arc<LiveJob>,
    writer: Writer,
    eta: Arc<EtaModel>,
    attempt: u32,
    next_step: AtomicU32,
    /// Completed checkpoints of earlier runs, by step index.
    checkpoints: HashMap<u32, (String, serde_json::Value)>,
}

impl JobContext {
    pub(crate) fn new(
        live: Arc<LiveJob>,
        writer: Writer,
        eta: Arc<EtaModel>,
        attempt: u32,
    ) -> Self {
        let checkpoints = live
            .lock()
            .steps
            .iter()
            .filter(|s| s.status == StepStatus::Completed)
            .filter_map(|s| s.output.clone().map(|o| (s.index, (s.name.clone(), o))))
            .collect();
        JobContext {
            inner: Arc::new(Inner {
                live,
                writer,
                eta,
                attempt,
                next_step: AtomicU32::new(0),
                checkpoints,
            }),
        }
    }

    /// The job's id.
    pub fn job_id(&self) -> JobId {
        self.inner.live.id
    }

    /// Reports progress (0–100) with a message. Never waits on the database: the
    /// value reaches watchers at once and is persisted, coalesced, a few times a second.
    pub fn progress(&self, percent: f64, message: impl Into<String>) {
        let percent = if percent.is_finite() {
            percent.clamp(0.0, 100.0)
        } else {
            0.0
        };
        let message: Arc<str> = Arc::from(message.into());
        let live = &self.inner.live;
        let mut st = live.lock();
        if st.finishing {
            return;
        }
        st.record.progress = percent;
        st.message = Some(message.clone());
        st.dirty = true;
        st.touch();
        live.emit(
            &mut st,
            JobChange::Progress {
                progress: percent,
                message: Some(message),
            },
        );
    }

    /// Streams a partial output: watchers get it now, the snapshot keeps it, and it is stored.
    pub fn partial<T: Serialize>(&self, value: &T) -> Result<(), JobError> {
        let value = serde_json::to_value(value)?;
        let text = value.to_string();
        let live = &self.inner.live;
        let (seq, step_index, at) = {
            let mut st = live.lock();
            if st.finishing {
                return Ok(());
            }
            st.touch();
            let step_index = st.running_step();
            let seq = live.emit(
                &mut st,
                JobChange::Partial {
                    step_index,
                    value: Arc::new(value.clone()),
                },
            );
            let at = st.record.updated_at;
            st.partials.push(PartialRecord {
                seq,
                step_index,
                value,
                created_at: at,
            });
            (seq, step_index, at)
        };
        self.inner.writer.send(WriteOp::Partial {
            id: live.id,
            seq,
            step_index,
            value: text,
            at,
        });
        Ok(())
    }

    /// Runs `work` as the next checkpointed step. If an earlier run completed this
    /// step, its stored output is returned and `work` is dropped without running.
    /// The checkpoint is committed before this returns.
    pub async fn step<T, F>(&self, name: &str, work: F) -> Result<T, JobError>
    where
        T: Serialize + DeserializeOwned,
        F: Future<Output = Result<T, JobError>>,
    {
        let index = self.inner.next_step.fetch_add(1, Ordering::Relaxed);
        let live = &self.inner.live;
        if let Some((stored_name, output)) = self.inner.checkpoints.get(&index)
            && stored_name == name
        {
            match serde_json::from_value::<T>(output.clone()) {
                Ok(value) => {
                    let mut st = live.lock();
                    st.touch();
                    st.record.current_step = Some(name.to_owned());
                    live.emit(
                        &mut st,
                        JobChange::StepCompleted {
                            index,
                            name: Arc::from(name),
                            duration_ms: 0,
                            resumed: true,
                        },
                    );
                    return Ok(value);
                }
                Err(e) => {
                    tracing::warn!(job = %live.id, step = name, error = %e, "stored checkpoint no longer fits; running the step again");
                }
            }
        }
        if self.is_cancelled() {
            return Err(JobError::cancelled());
        }
        // A run that has spent its cap goes no further (a step may check with its estimate).
        self.check_budget(0)?;
        let started_at = now_ms();
        let seq = {
            let mut st = live.lock();
            st.touch();
            st.step_started = Some(Instant::now());
            st.record.current_step = Some(name.to_owned());
            let record = StepRecord {
                index,
                name: name.to_owned(),
                status: StepStatus::Running,
                output: None,
                attempt: self.inner.attempt,
                started_at,
                finished_at: None,
            };
            match st.steps.iter_mut().find(|s| s.index == index) {
                Some(existing) => *existing = record,
                None => st.steps.push(record),
            }
            live.emit(
                &mut st,
                JobChange::StepStarted {
                    index,
                    name: Arc::from(name),
                },
            )
        };
        self.inner.writer.send(WriteOp::StepStarted {
            id: live.id,
            index,
            name: name.to_owned(),
            attempt: self.inner.attempt,
            seq,
            at: started_at,
        });

        let outcome = work.await;
        let finished_at = now_ms();
        match outcome {
            Ok(value) => {
                let output = serde_json::to_value(&value)?;
                let seq = live.lock().record.seq;
                self.inner
                    .writer
                    .commit(WriteOp::StepFinished {
                        id: live.id,
                        kind: live.kind.to_string(),
                        index,
                        name: name.to_owned(),
                        status: StepStatus::Completed,
                        output: Some(output.to_string()),
                        seq,
                        started_at,
                        at: finished_at,
                    })
                    .await
                    .map_err(|e| {
                        JobError::retryable(
                            ErrorCode::Storage,
                            format!("could not save the result of step “{name}”: {e}"),
                        )
                    })?;
                let duration_ms = finished_at - started_at;
                self.inner
                    .eta
                    .learn(&live.kind, index, duration_ms.max(0) as f64);
                let mut st = live.lock();
                st.touch();
                st.step_started = None;
                if let Some(step) = st.steps.iter_mut().find(|s| s.index == index) {
                    step.status = StepStatus::Completed;
                    step.output = Some(output);
                    step.finished_at = Some(finished_at);
                }
                live.emit(
                    &mut st,
                    JobChange::StepCompleted {
                        index,
                        name: Arc::from(name),
                        duration_ms,
                        resumed: false,
                    },
                );
                Ok(value)
            }
            Err(error) => {
                // A wait pauses the job: the step is neither completed nor failed.
                let step_status = if error.is_wait() {
                    StepStatus::Paused
                } else {
                    StepStatus::Failed
                };
                let seq = {
                    let mut st = live.lock();
                    st.touch();
                    st.step_started = None;
                    if let Some(step) = st.steps.iter_mut().find(|s| s.index == index) {
                        step.status = step_status;
                        step.finished_at = Some(finished_at);
                    }
                    live.emit(
                        &mut st,
                        JobChange::StepFailed {
                            index,
                            name: Arc::from(name),
                            error: error.clone(),
                        },
                    )
                };
                self.inner.writer.send(WriteOp::StepFinished {
                    id: live.id,
                    kind: live.kind.to_string(),
                    index,
                    name: name.to_owned(),
                    status: step_status,
                    output: None,
                    seq,
                    started_at,
                    at: finished_at,
                });
                Err(error)
            }
        }
    }

    /// Records one model call (made in the step running now): stored with the job, and
    /// added at once to its cost and token totals (which the spending cap checks).
    pub fn record_usage(&self, usage: Usage) {
        let live = &self.inner.live;
        let (step_index, at) = {
            let mut st = live.lock();
            st.record.cost_micros = st.record.cost_micros.saturating_add(usage.cost_micros);
            st.largest_call_micros = st.largest_call_micros.max(usage.cost_micros);
            st.record.tokens += i64::from(usage.prompt_tokens) + i64::from(usage.completion_tokens);
            (st.running_step(), now_ms())
        };
        self.inner.writer.send(WriteOp::Usage {
            id: live.id,
            step_index,
            usage: Box::new(usage),
            at,
        });
    }

    /// `Err(wait over_budget)` when the next model call would cross the run's spending cap:
    /// return it (with `?`) before the call, and the job pauses `over_budget` until
    /// [`crate::Engine::raise_limit`]. The next call is estimated to cost
    /// `next_estimate_micros`, or as much as the costliest call of this run so far if more.
    pub fn check_budget(&self, next_estimate_micros: i64) -> Result<(), JobError> {
        let st = self.inner.live.lock();
        let next = next_estimate_micros.max(st.largest_call_micros).max(0);
        match st.record.spend_limit {
            Some(limit) if st.record.cost_micros.saturating_add(next) > limit => {
                Err(JobError::wait(
                    PauseReason::OverBudget,
                    "This run reached its spending limit.",
                )
                .detail(format!(
                    "spent {} of {} micros",
                    st.record.cost_micros, limit
                )))
            }
            _ => Ok(()),
        }
    }

    /// Resolves when the job is asked to stop (user cancel or engine shutdown).
    pub fn cancelled(&self) -> WaitForCancellationFuture<'_> {
        self.inner.live.cancel.cancelled()
    }

    /// True once the job is asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.inner.live.cancel.is_cancelled()
    }

    /// `Err(cancelled)` once the job is asked to stop; handy with `?` between units of work.
    pub fn check_cancelled(&self) -> Result<(), JobError> {
        if self.is_cancelled() {
            Err(JobError::cancelled())
        } else {
            Ok(())
        }
    }

    /// The cancellation token, for passing to libraries that take one.
    pub fn cancellation_token(&self) -> CancellationToken {
        self.inner.live.cancel.clone()
    }
}
