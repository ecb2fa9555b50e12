//! Running a job: start, retry and cancel; admission to a slot, the run itself, and
//! committing its outcome (finish) or reporting that it could not be saved (lose).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::sync::OwnedSemaphorePermit;

use super::{Engine, Inner, KindEntry};
use crate::context::JobContext;
use crate::error::{Error, ErrorCode, JobError, Result};
use crate::live::{LiveJob, now_ms, snapshot_of};
use crate::model::{
    ChangeKind, JobChange, JobId, JobRecord, JobStatus, Pause, PauseReason, Snapshot, StartJob,
    Started,
};
use crate::store::{FinishRow, WriteOp};

/// How a job gets its turn to run.
pub(super) enum Admission {
    /// Stored as pending: wait for a slot, then mark it running; a resume from a pause
    /// does not count an attempt (unless it never ran).
    Queued { count_attempt: bool },
    /// Stored as running already (a slot was free at start); holds the slot, if limited.
    Started(Option<OwnedSemaphorePermit>),
}

impl Engine {
    /// Starts a job: validates, stores it, and returns its id; the work runs in the background.
    pub async fn start(&self, request: StartJob) -> Result<JobId> {
        if self.inner.shutdown.is_cancelled() {
            return Err(Error::ShutDown);
        }
        let entry = self
            .inner
            .kinds
            .get(&request.kind)
            .ok_or_else(|| Error::UnknownKind(request.kind.clone()))?;
        let title = request.title.trim();
        if title.is_empty() {
            return Err(Error::InvalidInput {
                kind: request.kind.clone(),
                reason: "the title must not be empty".into(),
            });
        }
        entry
            .kind
            .validate(&request.input)
            .map_err(|reason| Error::InvalidInput {
                kind: request.kind.clone(),
                reason,
            })?;
        // With a free slot the job is stored as running right away (attempt 1), saving a
        // transaction; otherwise it waits as pending.
        let admission = match &entry.slots {
            None => Some(None),
            Some(slots) => slots.clone().try_acquire_owned().ok().map(Some),
        };
        let started = admission.is_some();
        let now = now_ms();
        let record = JobRecord {
            id: JobId::new(),
            kind: request.kind,
            title: title.to_owned(),
            status: if started {
                JobStatus::Running
            } else {
                JobStatus::Pending
            },
            progress: 0.0,
            message: None,
            current_step: None,
            input: request.input,
            result: None,
            error: None,
            session_id: request.session_id,
            attempt: u32::from(started),
            seq: 0,
            pinned: false,
            created_at: now,
            started_at: started.then_some(now),
            updated_at: now,
            finished_at: None,
            seen_at: None,
            stalled: false,
            eta_ms: None,
            pause: None,
            kind_version: entry.kind.version(),
            unique_key: request.unique_key,
            spend_limit: request.spend_limit,
            cost_micros: 0,
            tokens: 0,
            forked_from: None,
            fork_step: None,
        };
        let id = record.id;
        self.inner
            .writer
            .commit(WriteOp::Insert {
                job: Box::new(record.clone()),
                owner: self.inner.owner.clone(),
            })
            .await?;
        let status = record.status;
        let live = LiveJob::new(
            record,
            Vec::new(),
            Vec::new(),
            self.inner.shutdown.child_token(),
        );
        self.inner.publish(&live, status, 0.0, ChangeKind::Created);
        let admission = match admission {
            Some(permit) => Admission::Started(permit),
            None => Admission::Queued {
                count_attempt: true,
            },
        };
        self.launch(live, admission);
        Ok(id)
    }

    /// Starts a job, or when `request.unique_key` is set and a job of its kind with that
    /// key is pending, running or paused, returns that one (`joined`). A partial unique
    /// index makes this race-free: of two concurrent starts, one joins the other.
    pub async fn start_or_join(&self, request: StartJob) -> Result<Started> {
        let Some(key) = request.unique_key.clone() else {
            return Ok(Started {
                id: self.start(request).await?,
                joined: false,
            });
        };
        let kind = request.kind.clone();
        // The holder can finish between a refused insert and the read that looks for it:
        // then there is nothing to join and the start is tried again.
        for _ in 0..3 {
            if let Some(id) = self.inner.reader.holder_of(&kind, &key).await? {
                return Ok(Started { id, joined: true });
            }
            match self.start(request.clone()).await {
                Ok(id) => return Ok(Started { id, joined: false }),
                Err(Error::Duplicate) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(Error::Duplicate)
    }

    /// Registers the job as live and runs it on the runner tracker.
    pub(super) fn launch(&self, live: Arc<LiveJob>, admission: Admission) {
        self.inner
            .live
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(live.id, live.clone());
        self.spawn_runner(live, admission);
    }

    pub(super) fn spawn_runner(&self, live: Arc<LiveJob>, admission: Admission) {
        let inner = self.inner.clone();
        self.inner.runners.spawn(async move {
            run_job(inner, live, admission).await;
        });
    }

    /// Asks a job to stop. It ends as cancelled, keeping its completed steps and partials;
    /// a job that ignores the request is aborted after the grace period.
    pub async fn cancel(&self, id: JobId) -> Result<()> {
        if let Some(live) = self.live(id) {
            let status = live.lock().record.status;
            if status.is_finished() {
                return Err(Error::AlreadyFinished { id, status });
            }
            live.cancel_requested.store(true, Ordering::Release);
            live.cancel.cancel();
            return Ok(());
        }
        match self.inner.reader.job(id).await? {
            None => Err(Error::NotFound(id)),
            Some(r) if r.status.is_finished() => Err(Error::AlreadyFinished {
                id,
                status: r.status,
            }),
            Some(r) if r.status.is_paused() => {
                self.finish_stored(r, JobStatus::Cancelled, JobError::cancelled())
                    .await
            }
            Some(r) => Err(Error::IllegalTransition {
                id,
                from: r.status,
                to: JobStatus::Cancelled,
            }),
        }
    }

    /// Cancels and waits until the job has reached its terminal state.
    pub async fn cancel_and_wait(&self, id: JobId) -> Result<Snapshot> {
        use futures::StreamExt;
        let mut watch = self.watch(id).await?;
        self.cancel(id).await?;
        while watch.events.next().await.is_some() {}
        self.get(id).await
    }

    /// Runs a failed, cancelled or interrupted job again, resuming after its last completed
    /// step (the checkpoints its kind's current version can read).
    pub async fn retry(&self, id: JobId) -> Result<()> {
        self.requeue(id, false).await
    }
}

/// Runs one job to its terminal state.
async fn run_job(inner: Arc<Inner>, live: Arc<LiveJob>, admission: Admission) {
    let Some(entry) = inner.kinds.get(live.kind.as_ref()) else {
        tracing::error!(job = %live.id, kind = %live.kind, "no such kind registered");
        inner.remove_live(live.id);
        return;
    };
    let _permit = match admission {
        Admission::Started(permit) => permit,
        Admission::Queued { count_attempt } => {
            match admit(&inner, &live, entry, count_attempt).await {
                Some(permit) => permit,
                None => return,
            }
        }
    };
    let (attempt, progress) = {
        let mut st = live.lock();
        st.touch();
        let attempt = st.record.attempt;
        live.emit(&mut st, JobChange::Started { attempt });
        (attempt, st.record.progress)
    };
    inner.publish(&live, JobStatus::Running, progress, ChangeKind::Started);

    let ctx = JobContext::new(
        live.clone(),
        inner.writer.clone(),
        inner.eta.clone(),
        attempt,
    );
    let input = live.lock().record.input.clone();
    let work = entry.kind.run(input, ctx);
    let grace = inner.config.cancel_grace;
    let outcome = tokio::select! {
        outcome = work => outcome,
        _ = async { live.cancel.cancelled().await; tokio::time::sleep(grace).await } => {
            tracing::warn!(job = %live.id, "job did not stop within the grace period; aborted");
            Err(JobError::cancelled())
        }
    };
    if outcome.is_err()
        && inner.shutdown.is_cancelled()
        && !live.user_cancelled()
        && !live.user_paused()
    {
        // Engine shutdown: leave it active in the database so the next start resumes it.
        inner.remove_live(live.id);
        return;
    }
    finish(&inner, &live, outcome).await;
}

/// Waits for a slot, then commits pending → running (the attempt is counted before the
/// run starts). `None` when the job ended instead (cancelled, shutdown, storage failure).
async fn admit(
    inner: &Arc<Inner>,
    live: &Arc<LiveJob>,
    entry: &KindEntry,
    count_attempt: bool,
) -> Option<Option<OwnedSemaphorePermit>> {
    let permit = match &entry.slots {
        Some(slots) => tokio::select! {
            permit = slots.clone().acquire_owned() => permit.ok(),
            _ = live.cancel.cancelled() => None,
        },
        None => None,
    };
    if live.cancel.is_cancelled() {
        if live.user_cancelled() || live.user_paused() {
            finish(inner, live, Err(JobError::cancelled())).await;
        } else {
            inner.remove_live(live.id); // shutting down: stays pending for the next start
        }
        return None;
    }
    let seq = live.lock().record.seq;
    let started_at = now_ms();
    let marked = inner
        .writer
        .commit(WriteOp::MarkRunning {
            id: live.id,
            owner: inner.owner.clone(),
            seq,
            at: started_at,
            count_attempt,
        })
        .await;
    if let Err(e) = marked {
        tracing::error!(job = %live.id, error = %e, "could not start job");
        lose(inner, live, format!("the job could not be started: {e}"));
        return None;
    }
    let mut st = live.lock();
    st.record.status = JobStatus::Running;
    st.record.attempt += u32::from(count_attempt);
    st.record.started_at = Some(started_at);
    Some(permit)
}

/// Commits the terminal state, then tells watchers and the engine stream.
async fn finish(
    inner: &Arc<Inner>,
    live: &Arc<LiveJob>,
    outcome: Result<serde_json::Value, JobError>,
) {
    if let Some(pause) = pause_of(live, &outcome) {
        super::pause::park(inner, live, pause).await;
        return;
    }
    let (to, result, error) = match outcome {
        _ if live.user_cancelled() => (JobStatus::Cancelled, None, Some(JobError::cancelled())),
        Ok(value) => (JobStatus::Completed, Some(value), None),
        Err(e) => (JobStatus::Failed, None, Some(e)),
    };
    let row = {
        let mut st = live.lock();
        st.finishing = true;
        // Reserved, not yet taken: a view attaching before the event goes out must get a
        // snapshot below it, or it would drop the event as one it already has.
        let seq = st.record.seq + 1;
        FinishRow {
            id: live.id,
            to,
            result,
            error,
            progress: if to == JobStatus::Completed {
                100.0
            } else {
                st.record.progress
            },
            message: st.message.as_deref().map(str::to_owned),
            seq,
            at: now_ms(),
        }
    };
    let committed = inner
        .writer
        .commit(WriteOp::Finish(Box::new(row.clone())))
        .await;
    let row = match committed {
        Ok(_) => row,
        Err(e) if e.is_storage() && to != JobStatus::Failed => {
            // The outcome could not be saved; never report it. Try to record the failure instead.
            tracing::error!(job = %live.id, error = %e, "could not save the job's outcome");
            let failed = FinishRow {
                to: JobStatus::Failed,
                result: None,
                error: Some(JobError::retryable(
                    ErrorCode::Storage,
                    format!("the result could not be saved: {e}"),
                )),
                ..row
            };
            match inner
                .writer
                .commit(WriteOp::Finish(Box::new(failed.clone())))
                .await
            {
                Ok(_) => failed,
                Err(e2) => {
                    lose(inner, live, format!("the outcome could not be saved: {e2}"));
                    return;
                }
            }
        }
        Err(e) => {
            tracing::error!(job = %live.id, error = %e, "could not save the job's outcome");
            lose(inner, live, format!("the outcome could not be saved: {e}"));
            return;
        }
    };
    let progress = row.progress;
    {
        let mut st = live.lock();
        st.record.seq = row.seq;
        st.record.status = row.to;
        st.record.result = row.result;
        st.record.error = row.error;
        st.record.progress = row.progress;
        st.record.finished_at = Some(row.at);
        st.record.updated_at = row.at;
        st.record.stalled = false;
        st.dirty = false;
    }
    // Out of the registry first, so whoever hears "finished" finds it finished everywhere.
    // (Never hold a job's state lock while taking the registry lock: lists take them the other way.)
    inner.remove_live(live.id);
    {
        let st = live.lock();
        let snapshot = snapshot_of(&st, &inner.eta);
        live.emit_reserved(
            &st,
            row.seq,
            JobChange::Finished {
                snapshot: Box::new(snapshot),
            },
        );
    }
    inner.publish(live, row.to, progress, ChangeKind::Finished);
}

/// The pause a run's outcome asks for: a step's wait, or the user's pause request.
fn pause_of(live: &LiveJob, outcome: &Result<serde_json::Value, JobError>) -> Option<Pause> {
    if live.user_cancelled() {
        return None;
    }
    match outcome {
        Err(e) => match &e.wait {
            Some(wait) => Some(Pause {
                reason: wait.reason,
                message: e.message.clone(),
                detail: wait.detail.clone(),
                until: wait.until,
                check: wait.check.clone(),
                service: wait.service.clone(),
                since: chrono::Utc::now(),
            }),
            None if live.user_paused() && (e.is_cancelled() || live.cancel.is_cancelled()) => {
                Some(Pause::now(PauseReason::ByUser))
            }
            None => None,
        },
        Ok(_) => None,
    }
}

/// The outcome could not be stored: tell watchers so, and leave the row for recovery.
pub(super) fn lose(inner: &Inner, live: &Arc<LiveJob>, reason: String) {
    live.lock().finishing = true;
    inner.remove_live(live.id);
    let progress = {
        let mut st = live.lock();
        live.emit(&mut st, JobChange::Lost { reason });
        st.record.progress
    };
    inner.publish(
        live,
        JobStatus::Interrupted,
        progress,
        ChangeKind::Interrupted,
    );
}
