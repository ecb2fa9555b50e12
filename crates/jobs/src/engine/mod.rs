//! The engine: the builder, opening (lease, migrations, recovery), and the queries.
//! Running a job is in `run`, bulk actions in `bulk`, timers in `background`.

mod background;
mod bulk;
mod fork;
mod lease;
mod pause;
mod requeue;
mod run;

use std::collections::HashMap;
use std::fs::File;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::sync::{Semaphore, broadcast};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::EngineConfig;
use crate::error::{Error, Result, classify_io};
use crate::kind::{Erased, ErasedKind, JobKind};
use crate::live::{EtaModel, LiveJob, now_ms, snapshot_of};
use crate::model::{
    ChangeKind, EngineEvent, JobId, JobQuery, JobRecord, JobStatus, Page, Snapshot, StatusCounts,
};
use crate::store::{self, JobHead, JobWork, KindRule, Reader, RecoveryReport, WriteOp};
use crate::watch::{Watch, WatchStream};
use crate::writer::{WriteCounts, Writer};
pub use fork::{ResumePreview, StepRef};
pub(crate) use requeue::updated_error;
use run::Admission;

const ENGINE_EVENT_BUFFER: usize = 1024;

/// A registered kind and its concurrency slots.
struct KindEntry {
    kind: Arc<dyn ErasedKind>,
    /// `None`: unlimited.
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

/// What every clone of an [`Engine`] shares.
struct Inner {
    config: EngineConfig,
    /// This engine instance's id, stored as the owner of the jobs it runs.
    owner: String,
    reader: Reader,
    writer: Writer,
    kinds: HashMap<String, KindEntry>,
    /// Active jobs. Never take it while holding a job's state lock: lists take them the
    /// other way.
    live: RwLock<HashMap<JobId, Arc<LiveJob>>>,
    events: broadcast::Sender<EngineEvent>,
    eta: Arc<EtaModel>,
    runners: TaskTracker,
    shutdown: CancellationToken,
    background: Mutex<Vec<JoinHandle<()>>>,
    /// Timers that resume paused jobs at their `until`, by job.
    timers: Mutex<HashMap<JobId, JoinHandle<()>>>,
    writer_task: Mutex<Option<JoinHandle<()>>>,
    recovery: RecoveryReport,
    /// Held until shutdown (or the process ends).
    lease: Mutex<Option<File>>,
}

/// The durable job engine; cheap to clone, all clones share one engine.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

/// A handle on an engine that does not keep it open: for a job kind that reads other jobs,
/// since the engine owns its kinds and a strong handle there would never let it close.
#[derive(Clone, Default)]
pub struct WeakEngine {
    inner: std::sync::Weak<Inner>,
}

impl WeakEngine {
    /// The engine, while it is still open somewhere.
    pub fn upgrade(&self) -> Option<Engine> {
        self.inner.upgrade().map(|inner| Engine { inner })
    }
}

impl Engine {
    /// A handle that does not keep this engine open.
    pub fn downgrade(&self) -> WeakEngine {
        WeakEngine {
            inner: Arc::downgrade(&self.inner),
        }
    }

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
        let lease = lease::take_lease(&config.path)?;
        let mut conn = store::open_writer(&config).await?;
        let owner = uuid::Uuid::now_v7().to_string();
        let rules: Vec<KindRule<'_>> = kinds
            .values()
            .map(|k| KindRule {
                kind: k.as_ref(),
                resume: config.auto_resume && k.resumable(),
            })
            .collect();
        let recovery = store::recover(&mut conn, &config.path, &owner, &rules, now_ms())?;
        drop(rules);
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
                timers: Mutex::new(HashMap::new()),
                writer_task: Mutex::new(Some(writer_task)),
                recovery,
                lease: Mutex::new(Some(lease)),
            }),
        };
        engine.resume_recovered().await?;
        engine.arm_timers().await?;
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

    /// Launches the jobs recovery queued again, with the work their last run stored.
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
                let JobWork { steps, partials } = work.remove(&record.id).unwrap_or_default();
                LiveJob::new(record, steps, partials, self.inner.shutdown.child_token())
            })
            .collect();
        for live in lives {
            self.launch(
                live,
                Admission::Queued {
                    count_attempt: true,
                },
            );
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

    fn live(&self, id: JobId) -> Option<Arc<LiveJob>> {
        self.inner.live_job(id)
    }

    /// The job's stored record, or `NotFound`.
    pub(crate) async fn stored(&self, id: JobId) -> Result<JobRecord> {
        self.inner.reader.job(id).await?.ok_or(Error::NotFound(id))
    }

    /// The job with its steps and partial outputs.
    pub async fn get(&self, id: JobId) -> Result<Snapshot> {
        if let Some(live) = self.live(id) {
            return Ok(snapshot_of(&live.lock(), &self.inner.eta));
        }
        let job = self.stored(id).await?;
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
            return Ok(self.watch_live(&live));
        }
        let snapshot = self.get(id).await?;
        // It may have been queued again (retry) while we read it.
        if snapshot.job.status.is_active()
            && let Some(live) = self.live(id)
        {
            return Ok(self.watch_live(&live));
        }
        Ok(Watch {
            snapshot,
            events: WatchStream::finished(self.inner.eta.clone()),
        })
    }

    fn watch_live(&self, live: &Arc<LiveJob>) -> Watch {
        let (snapshot, rx) = live.subscribe(&self.inner.eta);
        let seq = snapshot.seq();
        Watch {
            snapshot,
            events: WatchStream::live(live, self.inner.eta.clone(), rx, seq),
        }
    }

    /// How many views watch this job now (0 once it has finished).
    pub fn watchers(&self, id: JobId) -> usize {
        self.live(id).map_or(0, |l| l.watchers())
    }

    /// How many views watch any job now (a finished job's views end with it).
    pub fn watching(&self) -> usize {
        let live = self.inner.live.read().unwrap_or_else(|p| p.into_inner());
        live.values().map(|l| l.watchers()).sum()
    }

    /// Replaces stored records of active jobs with their live values.
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
        let listed = self.inner.reader.list(query).await?;
        let counts = self
            .inner
            .reader
            .counts(query.kind.as_deref(), query.session_id.as_deref())
            .await?;
        Ok(Page {
            items: self.overlay(listed.items),
            next: listed.next,
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

    /// How many finished jobs the user has not seen yet.
    pub async fn unseen_count(&self) -> Result<u64> {
        self.inner.reader.unseen_count().await
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
            self.announce_stored(ids, ChangeKind::Seen).await;
        }
        Ok(n)
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
        self.announce_stored(&[id], ChangeKind::Pinned).await;
        Ok(())
    }

    /// Announces a change to these jobs as stored now; a failed read only costs the
    /// announcement (the change itself is committed).
    async fn announce_stored(&self, ids: &[JobId], change: ChangeKind) {
        match self.inner.reader.heads(ids).await {
            Ok(heads) => {
                for head in &heads {
                    self.inner.announce(head, change);
                }
            }
            Err(e) => tracing::warn!(error = %e, ?change, "could not announce a job change"),
        }
    }

    /// Waits until every write queued so far is committed.
    pub async fn flush(&self) -> Result<()> {
        self.inner.flush_progress();
        self.inner.writer.commit(WriteOp::Flush).await.map(|_| ())
    }

    /// A token cancelled when the engine shuts down, for tasks that work on its behalf.
    pub fn stopping(&self) -> tokio_util::sync::CancellationToken {
        self.inner.shutdown.child_token()
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
        self.stop_background();
        self.inner.flush_progress();
        if let Err(e) = self.inner.writer.commit(WriteOp::Flush).await {
            tracing::warn!(error = %e, "final flush of the job database failed");
        }
        self.inner.reader.close().await;
        // Closed now rather than when the last handle goes: runners that outlived the grace
        // hold some, and the file should be left checkpointed and free.
        self.inner.writer.stop().await;
        let writer_task = self
            .inner
            .writer_task
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(task) = writer_task
            && let Err(e) = task.await
        {
            tracing::warn!(error = %e, "the job writer thread ended abnormally");
        }
        self.inner
            .lease
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
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

    /// Every active job now.
    fn live_jobs(&self) -> Vec<Arc<LiveJob>> {
        self.live
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect()
    }

    /// Sends a change of an active job on the engine stream (nobody listening is fine).
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

    /// Sends a change of a stored job on the engine stream.
    fn announce(&self, head: &JobHead, change: ChangeKind) {
        let _ = self.events.send(EngineEvent {
            job_id: head.id,
            kind: Arc::from(head.kind.as_str()),
            title: Arc::from(head.title.as_str()),
            session_id: head.session_id.as_deref().map(Arc::from),
            status: head.status,
            progress: head.progress,
            change,
        });
    }
}
