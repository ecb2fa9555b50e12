//! The engine: opens the database, runs jobs on tokio, and answers queries.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, broadcast};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::EngineConfig;
use crate::context::JobContext;
use crate::error::{Error, JobError, Result, classify_io};
use crate::kind::{Erased, ErasedKind, JobKind};
use crate::live::{EtaModel, LiveJob, now_ms, snapshot_of};
use crate::model::{
    ChangeKind, EngineEvent, JobChange, JobId, JobQuery, JobRecord, JobStatus, Page, Snapshot,
    StartJob, StatusCounts, StepStatus,
};
use crate::store::{self, FinishRow, ProgressRow, Reader, RecoveryReport, WriteOp};
use crate::watch::{Watch, WatchStream};
use crate::writer::{WriteCounts, Writer};

const ENGINE_EVENT_BUFFER: usize = 1024;
/// Jobs deleted per write transaction by bulk deletes, so other writes get their turn.
const BULK_CHUNK: usize = 500;
/// Retries a bulk retry runs at once.
const RETRY_CONCURRENCY: usize = 32;

struct KindEntry {
    kind: Arc<dyn ErasedKind>,
    slots: Option<Arc<Semaphore>>,
}

/// Collects kinds before the engine opens (recovery needs to know them).
pub struct EngineBuilder {
    config: EngineConfig,
    kinds: HashMap<String, Arc<dyn ErasedKind>>,
}

impl EngineBuilder {
    /// Registers a job kind; a later registration of the same name replaces it.
    pub fn register<K: JobKind>(mut self, kind: K) -> Self {
        let erased: Arc<dyn ErasedKind> = Arc::new(Erased(Arc::new(kind)));
        self.kinds.insert(erased.name().to_owned(), erased);
        self
    }

    /// Opens the database: takes the single-engine lease, migrates, recovers, starts.
    pub async fn open(self) -> Result<Engine> {
        Engine::open_with(self.config, self.kinds).await
    }
}

pub(crate) struct Inner {
    config: EngineConfig,
    owner: String,
    reader: Reader,
    writer: Writer,
    kinds: HashMap<String, KindEntry>,
    live: RwLock<HashMap<JobId, Arc<LiveJob>>>,
    events: broadcast::Sender<EngineEvent>,
    eta: Arc<EtaModel>,
    runners: TaskTracker,
    shutdown: CancellationToken,
    background: Mutex<Vec<JoinHandle<()>>>,
    writer_task: Mutex<Option<JoinHandle<()>>>,
    recovery: RecoveryReport,
    lease: Mutex<Option<File>>,
}

/// The durable job engine; cheap to clone, all clones share one engine.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

fn lease_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Takes an OS lock beside the database; it dies with the process, so a crash never leaves it held.
fn take_lease(db: &Path) -> Result<File> {
    let path = lease_path(db);
    let io_err = |action: &'static str, source: std::io::Error| {
        classify_io(&source).unwrap_or(Error::Io {
            action,
            path: path.clone(),
            source,
        })
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| io_err("cannot create the lock file", e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::AlreadyOpen {
            path: db.to_path_buf(),
        }),
        Err(std::fs::TryLockError::Error(e)) => Err(io_err("cannot lock", e)),
    }
}

impl Engine {
    /// Starts configuring an engine on the database at `config.path`.
    pub fn builder(config: EngineConfig) -> EngineBuilder {
        EngineBuilder {
            config,
            kinds: HashMap::new(),
        }
    }

    async fn open_with(
        config: EngineConfig,
        kinds: HashMap<String, Arc<dyn ErasedKind>>,
    ) -> Result<Engine> {
        let started = std::time::Instant::now();
        if let Some(dir) = config.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| {
                classify_io(&source).unwrap_or(Error::Io {
                    action: "cannot create the folder",
                    path: dir.to_path_buf(),
                    source,
                })
            })?;
        }
        let lease = take_lease(&config.path)?;
        let mut conn = store::open_writer(&config).await?;
        let owner = uuid::Uuid::now_v7().to_string();
        let resumable: Vec<String> = if config.auto_resume {
            kinds
                .values()
                .filter(|k| k.resumable())
                .map(|k| k.name().to_owned())
                .collect()
        } else {
            Vec::new()
        };
        let recovery =
            store::recover(&mut conn, &config.path, &owner, &resumable, now_ms()).await?;
        let reader = Reader::new(store::open_readers(&config).await?, config.path.clone());
        let eta = Arc::new(EtaModel::load(reader.step_stats().await?));
        let (writer, writer_task) = Writer::spawn(conn, config.path.clone());
        let kinds = kinds
            .into_iter()
            .map(|(name, kind)| {
                let slots = kind
                    .max_concurrency()
                    .map(|n| Arc::new(Semaphore::new(n.max(1))));
                (name, KindEntry { kind, slots })
            })
            .collect();
        let (events, _) = broadcast::channel(ENGINE_EVENT_BUFFER);
        let engine = Engine {
            inner: Arc::new(Inner {
                config,
                owner,
                reader,
                writer,
                kinds,
                live: RwLock::new(HashMap::new()),
                events,
                eta,
                runners: TaskTracker::new(),
                shutdown: CancellationToken::new(),
                background: Mutex::new(Vec::new()),
                writer_task: Mutex::new(Some(writer_task)),
                recovery,
                lease: Mutex::new(Some(lease)),
            }),
        };
        engine.resume_recovered().await?;
        engine.spawn_background();
        tracing::info!(
            path = %engine.inner.config.path.display(),
            resumed = engine.inner.recovery.resumed.len(),
            interrupted = engine.inner.recovery.interrupted.len(),
            ms = started.elapsed().as_millis() as u64,
            "job engine open"
        );
        Ok(engine)
    }

    async fn resume_recovered(&self) -> Result<()> {
        if self.inner.recovery.resumed.is_empty() {
            return Ok(());
        }
        let records = self.inner.reader.owned_active(&self.inner.owner).await?;
        let ids: Vec<JobId> = records.iter().map(|r| r.id).collect();
        let mut work = self.inner.reader.work_of(&ids).await?;
        // Load everything first, then launch: runners would compete with the loading.
        let lives: Vec<_> = records
            .into_iter()
            .map(|record| {
                let (steps, partials) = work.remove(&record.id).unwrap_or_default();
                LiveJob::new(record, steps, partials, self.inner.shutdown.child_token())
            })
            .collect();
        for live in lives {
            self.launch(live, Admission::Queued);
        }
        Ok(())
    }

    /// What recovery did when this engine opened.
    pub fn recovery(&self) -> &RecoveryReport {
        &self.inner.recovery
    }

    /// Counters of database writes since open.
    pub fn write_counts(&self) -> WriteCounts {
        self.inner.writer.stats.counts()
    }

    /// Every job change (coalesced progress), for lists, the tray and notifications.
    /// A receiver that falls behind gets `Lagged` and should re-read what it shows.
    pub fn events(&self) -> broadcast::Receiver<EngineEvent> {
        self.inner.events.subscribe()
    }

    fn publish(&self, live: &LiveJob, status: JobStatus, progress: f64, change: ChangeKind) {
        self.inner.publish(live, status, progress, change);
    }

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
            entity_id: request.entity_id,
            entity_type: request.entity_type,
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
        };
        let id = record.id;
        self.inner
            .writer
            .commit(WriteOp::Insert {
                job: Box::new(record.clone()),
                owner: self.inner.owner.clone(),
            })
            .await?;
        let live = LiveJob::new(
            record,
            Vec::new(),
            Vec::new(),
            self.inner.shutdown.child_token(),
        );
        let status = live.lock().record.status;
        self.publish(&live, status, 0.0, ChangeKind::Created);
        let admission = match admission {
            Some(permit) => Admission::Started(permit),
            None => Admission::Queued,
        };
        self.launch(live, admission);
        Ok(id)
    }

    fn launch(&self, live: Arc<LiveJob>, admission: Admission) {
        self.inner
            .live
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(live.id, live.clone());
        let inner = self.inner.clone();
        self.inner.runners.spawn(async move {
            run_job(inner, live, admission).await;
        });
    }

    fn live(&self, id: JobId) -> Option<Arc<LiveJob>> {
        self.inner.live_job(id)
    }

    /// The job with its steps and partial outputs.
    pub async fn get(&self, id: JobId) -> Result<Snapshot> {
        if let Some(live) = self.live(id) {
            return Ok(snapshot_of(&live.lock(), &self.inner.eta));
        }
        let job = self
            .inner
            .reader
            .job(id)
            .await?
            .ok_or(Error::NotFound(id))?;
        let steps = self.inner.reader.steps(id).await?;
        let partials = self.inner.reader.partials(id).await?;
        Ok(Snapshot {
            job,
            steps,
            partials,
        })
    }

    /// Attaches a view: the snapshot now, then every later event exactly once, in order.
    pub async fn watch(&self, id: JobId) -> Result<Watch> {
        if let Some(live) = self.live(id) {
            let (snapshot, rx) = live.subscribe(&self.inner.eta);
            let seq = snapshot.seq();
            return Ok(Watch {
                snapshot,
                events: WatchStream::live(&live, self.inner.eta.clone(), rx, seq),
            });
        }
        let snapshot = self.get(id).await?;
        // It may have been queued again (retry) while we read it.
        if snapshot.job.status.is_active()
            && let Some(live) = self.live(id)
        {
            let (snapshot, rx) = live.subscribe(&self.inner.eta);
            let seq = snapshot.seq();
            return Ok(Watch {
                snapshot,
                events: WatchStream::live(&live, self.inner.eta.clone(), rx, seq),
            });
        }
        Ok(Watch {
            snapshot,
            events: WatchStream::finished(self.inner.eta.clone()),
        })
    }

    /// How many views watch this job now (0 once it has finished).
    pub fn watchers(&self, id: JobId) -> usize {
        self.live(id).map_or(0, |l| l.watchers())
    }

    fn overlay(&self, mut records: Vec<JobRecord>) -> Vec<JobRecord> {
        let live = self.inner.live.read().unwrap_or_else(|p| p.into_inner());
        for r in records.iter_mut() {
            if let Some(l) = live.get(&r.id) {
                *r = l.record(&self.inner.eta);
            }
        }
        records
    }

    /// One page of jobs matching the query, newest first, with counts per status.
    pub async fn list(&self, query: &JobQuery) -> Result<Page> {
        let (items, next) = self.inner.reader.list(query).await?;
        let counts = self
            .inner
            .reader
            .counts(query.kind.as_deref(), query.session_id.as_deref())
            .await?;
        Ok(Page {
            items: self.overlay(items),
            next,
            counts,
        })
    }

    /// Counts per status, optionally for one kind.
    pub async fn counts(&self, kind: Option<&str>) -> Result<StatusCounts> {
        self.inner.reader.counts(kind, None).await
    }

    /// Jobs pending or running now, oldest first, with live progress.
    pub fn running(&self) -> Vec<JobRecord> {
        let live = self.inner.live.read().unwrap_or_else(|p| p.into_inner());
        let mut records: Vec<JobRecord> =
            live.values().map(|l| l.record(&self.inner.eta)).collect();
        records.retain(|r| r.status.is_active());
        records.sort_by_key(|r| r.id);
        records
    }

    /// The newest job of a session, optionally of one kind.
    pub async fn by_session(
        &self,
        session_id: &str,
        kind: Option<&str>,
    ) -> Result<Option<JobRecord>> {
        let found = self
            .inner
            .reader
            .latest_by_session(session_id, kind)
            .await?;
        Ok(found.map(|r| self.overlay(vec![r]).remove(0)))
    }

    /// Finished jobs the user has not seen, finished at or after `since` (unix ms), newest first.
    pub async fn recent_completions(&self, since: i64, limit: u32) -> Result<Vec<JobRecord>> {
        self.inner.reader.recent_completions(since, limit).await
    }

    /// Records that the user has seen these jobs' outcomes; returns how many changed.
    pub async fn mark_seen(&self, ids: &[JobId]) -> Result<u64> {
        let n = self
            .inner
            .writer
            .commit(WriteOp::MarkSeen {
                ids: ids.to_vec(),
                at: now_ms(),
            })
            .await?;
        if n > 0 {
            self.publish_ids(ids, ChangeKind::Seen).await;
        }
        Ok(n)
    }

    async fn publish_ids(&self, ids: &[JobId], change: ChangeKind) {
        for id in ids {
            if let Ok(Some(r)) = self.inner.reader.job(*id).await {
                let _ = self.inner.events.send(event_of(&r, change));
            }
        }
    }

    /// Pins (never pruned) or unpins a job.
    pub async fn pin(&self, id: JobId, pinned: bool) -> Result<()> {
        self.inner
            .writer
            .commit(WriteOp::Pin {
                id,
                pinned,
                at: now_ms(),
            })
            .await?;
        if let Some(live) = self.live(id) {
            live.lock().record.pinned = pinned;
        }
        self.publish_ids(&[id], ChangeKind::Pinned).await;
        Ok(())
    }

    /// Deletes finished jobs with their steps and partials; active ones are refused.
    pub async fn delete(&self, ids: &[JobId]) -> Result<u64> {
        for id in ids {
            if let Some(live) = self.live(*id) {
                return Err(Error::StillActive {
                    id: *id,
                    status: live.lock().record.status,
                });
            }
        }
        let mut records = Vec::new();
        for id in ids {
            if let Some(r) = self.inner.reader.job(*id).await? {
                records.push(r);
            }
        }
        if ids.len() == 1 && records.is_empty() {
            return Err(Error::NotFound(ids[0]));
        }
        let n = self
            .inner
            .writer
            .commit(WriteOp::Delete(ids.to_vec()))
            .await?;
        for r in records {
            let _ = self.inner.events.send(event_of(&r, ChangeKind::Deleted));
        }
        Ok(n)
    }

    /// Deletes every finished job matching the query's filters (`limit` and `after` are
    /// ignored), in chunks of one transaction each; active jobs are skipped. Returns how
    /// many were deleted; on a storage error the chunks before it stay deleted.
    pub async fn delete_matching(&self, query: &JobQuery) -> Result<u64> {
        let Some(query) = restricted(query, JobStatus::is_finished) else {
            return Ok(0);
        };
        let matched = self.inner.reader.matching(&query).await?;
        let ids: Vec<JobId> = {
            let live = self.inner.live.read().unwrap_or_else(|p| p.into_inner());
            matched
                .into_iter()
                .filter(|(id, status)| status.is_finished() && !live.contains_key(id))
                .map(|(id, _)| id)
                .collect()
        };
        let mut deleted = 0;
        for chunk in ids.chunks(BULK_CHUNK) {
            let heads = self.inner.reader.heads(chunk).await?;
            let n = self
                .inner
                .writer
                .commit(WriteOp::Delete(chunk.to_vec()))
                .await?;
            deleted += n;
            // A job retried meanwhile is kept by the delete's guard: announce only what went.
            let kept = if n < heads.len() as u64 {
                self.inner.reader.existing(chunk).await?
            } else {
                Vec::new()
            };
            for head in heads.iter().filter(|h| !kept.contains(&h.id)) {
                let _ = self.inner.events.send(EngineEvent {
                    job_id: head.id,
                    kind: Arc::from(head.kind.as_str()),
                    title: Arc::from(head.title.as_str()),
                    session_id: head.session_id.as_deref().map(Arc::from),
                    status: head.status,
                    progress: head.progress,
                    change: ChangeKind::Deleted,
                });
            }
        }
        Ok(deleted)
    }

    /// Retries every failed, cancelled or interrupted job matching the query's filters
    /// (`limit` and `after` are ignored) as [`Engine::retry`] does; other jobs, and jobs
    /// that cannot be retried (unknown kind, already queued), are skipped. Returns how many
    /// were queued again. A storage failure or shutdown is returned after every retry under
    /// way has ended (jobs queued before it stay queued).
    pub async fn retry_matching(&self, query: &JobQuery) -> Result<u64> {
        use futures::StreamExt;
        let Some(query) = restricted(query, retryable) else {
            return Ok(0);
        };
        let ids: Vec<JobId> = self
            .inner
            .reader
            .matching(&query)
            .await?
            .into_iter()
            .filter(|(_, status)| retryable(*status))
            .map(|(id, _)| id)
            .collect();
        // Several at once, so the writer commits their requeues together. Every future
        // runs to its end: a retry dropped halfway would leave its job registered as live.
        let mut retries = futures::stream::iter(ids)
            .map(|id| self.retry(id))
            .buffer_unordered(RETRY_CONCURRENCY);
        let mut queued = 0;
        let mut failure = None;
        while let Some(outcome) = retries.next().await {
            match outcome {
                Ok(()) => queued += 1,
                Err(
                    Error::NotFound(_)
                    | Error::IllegalTransition { .. }
                    | Error::StillActive { .. }
                    | Error::UnknownKind(_),
                ) => {}
                Err(e) => {
                    if failure.is_none() {
                        failure = Some(e);
                    }
                }
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(queued),
        }
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
            Some(r) => Err(Error::IllegalTransition {
                id,
                from: r.status,
                to: JobStatus::Cancelled,
            }),
        }
    }

    /// Cancels and waits until the job has reached its terminal state.
    pub async fn cancel_and_wait(&self, id: JobId) -> Result<Snapshot> {
        let mut watch = self.watch(id).await?;
        self.cancel(id).await?;
        use futures::StreamExt;
        while watch.events.next().await.is_some() {}
        self.get(id).await
    }

    /// Runs a failed, cancelled or interrupted job again, resuming after its last completed step.
    pub async fn retry(&self, id: JobId) -> Result<()> {
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
        if !record.status.can_become(JobStatus::Pending) || record.status.is_active() {
            return Err(Error::IllegalTransition {
                id,
                from: record.status,
                to: JobStatus::Pending,
            });
        }
        if !self.inner.kinds.contains_key(&record.kind) {
            return Err(Error::UnknownKind(record.kind));
        }
        // Keep what completed steps produced; the rest will be produced again.
        let steps: Vec<_> = steps
            .into_iter()
            .filter(|s| s.status == StepStatus::Completed)
            .collect();
        let partials = partials
            .into_iter()
            .filter(|p| {
                p.step_index
                    .is_some_and(|i| steps.iter().any(|s| s.index == i))
            })
            .collect();
        record.status = JobStatus::Pending;
        record.error = None;
        record.result = None;
        record.finished_at = None;
        record.seen_at = None;
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
            })
            .await;
        if let Err(e) = requeued {
            self.inner.remove_live(id);
            return Err(e);
        }
        self.publish(
            &live,
            JobStatus::Pending,
            live.lock().record.progress,
            ChangeKind::Retried,
        );
        let inner = self.inner.clone();
        self.inner.runners.spawn(async move {
            run_job(inner, live, Admission::Queued).await;
        });
        Ok(())
    }

    /// Deletes finished, unpinned jobs older than the retention per state; returns how many.
    pub async fn prune(&self) -> Result<u64> {
        self.inner.prune().await
    }

    /// Waits until every write queued so far is committed.
    pub async fn flush(&self) -> Result<()> {
        self.inner.flush_progress();
        self.inner.writer.commit(WriteOp::Flush).await.map(|_| ())
    }

    /// Stops the engine: running jobs are asked to stop and given `grace` to finish,
    /// then aborted; they stay active in the database and resume (or show as
    /// interrupted) at the next open. Progress is flushed; the lease is released.
    pub async fn shutdown(&self, grace: Duration) {
        if self.inner.shutdown.is_cancelled() {
            return;
        }
        self.inner.shutdown.cancel();
        self.inner.runners.close();
        if tokio::time::timeout(grace, self.inner.runners.wait())
            .await
            .is_err()
        {
            tracing::warn!(
                "jobs still running after the shutdown grace period; leaving them for recovery"
            );
        }
        let background: Vec<_> = std::mem::take(
            &mut *self
                .inner
                .background
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
        );
        for task in background {
            task.abort();
        }
        self.inner.flush_progress();
        if let Err(e) = self.inner.writer.commit(WriteOp::Flush).await {
            tracing::warn!(error = %e, "final flush of the job database failed");
        }
        self.inner.reader.close().await;
        let writer_task = self
            .inner
            .writer_task
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        // The writer ends once every handle is gone; runners that outlived the grace hold some.
        if let Some(task) = writer_task {
            task.abort();
        }
        self.inner
            .lease
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
    }

    fn spawn_background(&self) {
        let mut tasks = Vec::new();
        let weak = Arc::downgrade(&self.inner);
        let flush_every = self
            .inner
            .config
            .progress_flush_interval
            .max(Duration::from_millis(10));
        let stop = self.inner.shutdown.clone();
        tasks.push(tokio::spawn(every(
            flush_every,
            stop.clone(),
            weak.clone(),
            |inner| {
                inner.flush_progress();
            },
        )));
        let stall_check = (self.inner.config.stall_after / 4)
            .clamp(Duration::from_millis(20), Duration::from_secs(1));
        tasks.push(tokio::spawn(every(
            stall_check,
            stop.clone(),
            weak.clone(),
            |inner| {
                inner.check_stalls();
            },
        )));
        if let Some(period) = self.inner.config.prune_interval {
            let weak = weak.clone();
            let stop = stop.clone();
            tasks.push(tokio::spawn(async move {
                let mut tick = tokio::time::interval(period);
                loop {
                    tokio::select! {
                        _ = stop.cancelled() => break,
                        _ = tick.tick() => {}
                    }
                    let Some(inner) = weak.upgrade() else { break };
                    if let Err(e) = inner.prune().await {
                        tracing::warn!(error = %e, "scheduled retention failed");
                    }
                }
            }));
        }
        self.inner
            .background
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(tasks);
    }
}

async fn every(
    period: Duration,
    stop: CancellationToken,
    inner: std::sync::Weak<Inner>,
    f: impl Fn(&Inner),
) {
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

fn event_of(r: &JobRecord, change: ChangeKind) -> EngineEvent {
    EngineEvent {
        job_id: r.id,
        kind: Arc::from(r.kind.as_str()),
        title: Arc::from(r.title.as_str()),
        session_id: r.session_id.as_deref().map(Arc::from),
        status: r.status,
        progress: r.progress,
        change,
    }
}

impl Inner {
    fn live_job(&self, id: JobId) -> Option<Arc<LiveJob>> {
        self.live
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&id)
            .cloned()
    }

    fn remove_live(&self, id: JobId) {
        self.live
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id);
    }

    fn publish(&self, live: &LiveJob, status: JobStatus, progress: f64, change: ChangeKind) {
        let _ = self.events.send(EngineEvent {
            job_id: live.id,
            kind: live.kind.clone(),
            title: live.title.clone(),
            session_id: live.session_id.clone(),
            status,
            progress,
            change,
        });
    }

    /// Writes the latest progress of every job that moved since the last flush.
    fn flush_progress(&self) {
        let jobs: Vec<Arc<LiveJob>> = self
            .live
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect();
        let mut rows = Vec::new();
        for job in jobs {
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
        let jobs: Vec<Arc<LiveJob>> = self
            .live
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect();
        for job in jobs {
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
        let now = now_ms();
        let r = &self.config.retention;
        let cutoffs: Vec<(JobStatus, i64)> = [
            (JobStatus::Completed, r.completed),
            (JobStatus::Failed, r.failed),
            (JobStatus::Cancelled, r.cancelled),
            (JobStatus::Interrupted, r.interrupted),
        ]
        .into_iter()
        .filter_map(|(s, keep)| keep.map(|k| (s, now - k.as_millis() as i64)))
        .collect();
        let n = self.writer.commit(WriteOp::Prune(cutoffs)).await?;
        if n > 0 {
            self.writer.commit(WriteOp::Vacuum).await?;
            tracing::info!(pruned = n, "retention removed old jobs");
        }
        Ok(n)
    }
}

/// Failed, cancelled or interrupted: the statuses retry accepts.
fn retryable(status: JobStatus) -> bool {
    status.is_finished() && status.can_become(JobStatus::Pending)
}

/// The query limited to the statuses `allowed` accepts (all of them when it names none);
/// `None` when none of the statuses it names is allowed.
fn restricted(query: &JobQuery, allowed: impl Fn(JobStatus) -> bool) -> Option<JobQuery> {
    let statuses: Vec<JobStatus> = if query.statuses.is_empty() {
        JobStatus::ALL.into_iter().filter(|s| allowed(*s)).collect()
    } else {
        query
            .statuses
            .iter()
            .copied()
            .filter(|s| allowed(*s))
            .collect()
    };
    if statuses.is_empty() {
        return None;
    }
    Some(JobQuery {
        statuses,
        limit: None,
        after: None,
        ..query.clone()
    })
}

/// How a job gets its turn to run.
pub(crate) enum Admission {
    /// Stored as pending: wait for a slot, then mark it running.
    Queued,
    /// Stored as running already (a slot was free at start); holds the slot, if limited.
    Started(Option<OwnedSemaphorePermit>),
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
        Admission::Queued => match admit(&inner, &live, entry).await {
            Some(permit) => permit,
            None => return,
        },
    };
    let attempt = {
        let mut st = live.lock();
        st.touch();
        let attempt = st.record.attempt;
        live.emit(&mut st, JobChange::Started { attempt });
        attempt
    };
    inner.publish(
        &live,
        JobStatus::Running,
        live.lock().record.progress,
        ChangeKind::Started,
    );

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
    if outcome.is_err() && inner.shutdown.is_cancelled() && !live.user_cancelled() {
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
) -> Option<Option<OwnedSemaphorePermit>> {
    let permit = match &entry.slots {
        Some(slots) => tokio::select! {
            permit = slots.clone().acquire_owned() => permit.ok(),
            _ = live.cancel.cancelled() => None,
        },
        None => None,
    };
    if live.cancel.is_cancelled() {
        if live.user_cancelled() {
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
        })
        .await;
    if let Err(e) = marked {
        tracing::error!(job = %live.id, error = %e, "could not start job");
        lose(inner, live, format!("the job could not be started: {e}"));
        return None;
    }
    let mut st = live.lock();
    st.record.status = JobStatus::Running;
    st.record.attempt += 1;
    st.record.started_at = Some(started_at);
    Some(permit)
}

/// Commits the terminal state, then tells watchers and the engine stream.
async fn finish(inner: &Inner, live: &Arc<LiveJob>, outcome: Result<serde_json::Value, JobError>) {
    let (to, result, error) = match outcome {
        _ if live.user_cancelled() => (JobStatus::Cancelled, None, Some(JobError::cancelled())),
        Ok(value) => (JobStatus::Completed, Some(value), None),
        Err(e) => (JobStatus::Failed, None, Some(e)),
    };
    let row = {
        let mut st = live.lock();
        st.finishing = true;
        st.record.seq += 1;
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
            seq: st.record.seq,
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
                    crate::error::ErrorCode::Storage,
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

/// The outcome could not be stored: tell watchers so, and leave the row for recovery.
fn lose(inner: &Inner, live: &Arc<LiveJob>, reason: String) {
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
