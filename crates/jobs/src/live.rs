//! In-memory state of active jobs: the source of live snapshots and of the
//! ordered per-job event stream.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Instant;

use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use crate::model::{
    JobChange, JobEvent, JobId, JobRecord, JobStatus, PartialRecord, Snapshot, StepRecord,
    StepStatus,
};
use crate::store::StepStatRow;

/// Events buffered per job before a slow watcher is resynced with a snapshot.
const EVENT_BUFFER: usize = 128;

/// Current unix time in ms.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The mutable part of an active job.
pub(crate) struct LiveState {
    pub record: JobRecord,
    pub message: Option<Arc<str>>,
    pub steps: Vec<StepRecord>,
    pub partials: Vec<PartialRecord>,
    pub last_activity: Instant,
    pub last_activity_ms: i64,
    pub step_started: Option<Instant>,
    /// Progress changed since the last flush.
    pub dirty: bool,
    /// The outcome is being committed: later progress is ignored.
    pub finishing: bool,
    /// The costliest model call of this run so far (in memory: 0 again after a restart),
    /// the spending cap's estimate of the next call.
    pub largest_call_micros: i64,
}

impl LiveState {
    /// Marks activity (clears a stall).
    pub fn touch(&mut self) {
        self.last_activity = Instant::now();
        self.last_activity_ms = now_ms();
        self.record.stalled = false;
    }

    /// Index of the step running now, if any.
    pub fn running_step(&self) -> Option<u32> {
        self.steps
            .iter()
            .rev()
            .find(|s| s.status == StepStatus::Running)
            .map(|s| s.index)
    }
}

/// One active job.
pub(crate) struct LiveJob {
    pub id: JobId,
    pub kind: Arc<str>,
    pub title: Arc<str>,
    pub session_id: Option<Arc<str>>,
    state: Mutex<LiveState>,
    events: broadcast::Sender<JobEvent>,
    pub cancel: CancellationToken,
    pub cancel_requested: AtomicBool,
    /// The user asked to pause it: the cancelled run ends paused, not cancelled.
    pub pause_requested: AtomicBool,
}

impl LiveJob {
    pub fn new(
        record: JobRecord,
        steps: Vec<StepRecord>,
        partials: Vec<PartialRecord>,
        cancel: CancellationToken,
    ) -> Arc<LiveJob> {
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        let message = record.message.as_deref().map(Arc::from);
        Arc::new(LiveJob {
            id: record.id,
            kind: Arc::from(record.kind.as_str()),
            title: Arc::from(record.title.as_str()),
            session_id: record.session_id.as_deref().map(Arc::from),
            state: Mutex::new(LiveState {
                record,
                message,
                steps,
                partials,
                last_activity: Instant::now(),
                last_activity_ms: now_ms(),
                step_started: None,
                dirty: false,
                finishing: false,
                largest_call_micros: 0,
            }),
            events,
            cancel,
            cancel_requested: AtomicBool::new(false),
            pause_requested: AtomicBool::new(false),
        })
    }

    /// Locks the state; a poisoned lock still holds consistent data (writes are single assignments).
    pub fn lock(&self) -> MutexGuard<'_, LiveState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Assigns the next sequence number and sends the event; call with the state locked
    /// so that sequence order and send order agree.
    pub fn emit(&self, st: &mut LiveState, change: JobChange) -> u64 {
        st.record.seq += 1;
        let at = now_ms();
        st.record.updated_at = at;
        if self.events.receiver_count() > 0 {
            // No receiver is not an error: nobody is watching.
            let _ = self.events.send(JobEvent {
                job_id: self.id,
                seq: st.record.seq,
                at,
                change,
            });
        }
        st.record.seq
    }

    /// Sends an event with a sequence number reserved earlier.
    pub fn emit_reserved(&self, st: &LiveState, seq: u64, change: JobChange) {
        if self.events.receiver_count() > 0 {
            let _ = self.events.send(JobEvent {
                job_id: self.id,
                seq,
                at: st.record.updated_at,
                change,
            });
        }
    }

    /// A consistent snapshot and a receiver for every later event.
    pub fn subscribe(&self, eta: &EtaModel) -> (Snapshot, broadcast::Receiver<JobEvent>) {
        let st = self.lock();
        let rx = self.events.subscribe();
        (snapshot_of(&st, eta), rx)
    }

    /// The current record with live values.
    pub fn record(&self, eta: &EtaModel) -> JobRecord {
        let st = self.lock();
        record_of(&st, eta)
    }

    /// Views currently subscribed.
    pub fn watchers(&self) -> usize {
        self.events.receiver_count()
    }

    pub fn user_cancelled(&self) -> bool {
        self.cancel_requested.load(Ordering::Acquire)
    }

    pub fn user_paused(&self) -> bool {
        self.pause_requested.load(Ordering::Acquire)
    }
}

/// The record of a locked live state, with the live message and ETA.
pub(crate) fn record_of(st: &LiveState, eta: &EtaModel) -> JobRecord {
    let mut record = st.record.clone();
    record.message = st.message.as_deref().map(str::to_owned);
    record.eta_ms = eta.estimate(st);
    record
}

/// The snapshot of a locked live state.
pub(crate) fn snapshot_of(st: &LiveState, eta: &EtaModel) -> Snapshot {
    Snapshot {
        job: record_of(st, eta),
        steps: st.steps.clone(),
        partials: st.partials.clone(),
    }
}

/// Learned mean duration of one step index of one kind.
#[derive(Debug, Clone)]
struct StepStat {
    index: u32,
    samples: u32,
    mean_ms: f64,
}

/// Samples beyond which a step's mean moves like a moving average over about this many
/// (the stored statistics follow the same rule).
pub(crate) const MEAN_WINDOW: u32 = 20;

/// Mean step durations per kind and step index, learned from completed steps, for ETAs.
/// Keyed by index, not name: some kinds name a step per run ("Reading <source>").
#[derive(Default)]
pub(crate) struct EtaModel {
    kinds: RwLock<HashMap<String, Vec<StepStat>>>,
}

impl EtaModel {
    pub fn load(rows: Vec<StepStatRow>) -> EtaModel {
        let mut kinds: HashMap<String, Vec<StepStat>> = HashMap::new();
        for row in rows {
            kinds.entry(row.kind).or_default().push(StepStat {
                index: row.index,
                samples: row.samples,
                mean_ms: row.mean_ms,
            });
        }
        EtaModel {
            kinds: RwLock::new(kinds),
        }
    }

    /// Folds a completed step's duration in (the rule the stored statistics follow).
    pub fn learn(&self, kind: &str, index: u32, duration_ms: f64) {
        let mut kinds = self.kinds.write().unwrap_or_else(|p| p.into_inner());
        let stats = kinds.entry(kind.to_owned()).or_default();
        match stats.iter_mut().find(|s| s.index == index) {
            Some(s) => {
                s.samples += 1;
                s.mean_ms += (duration_ms - s.mean_ms) / f64::from(s.samples.min(MEAN_WINDOW));
            }
            None => stats.push(StepStat {
                index,
                samples: 1,
                mean_ms: duration_ms,
            }),
        }
    }

    /// Remaining ms for a running job, or `None` without history for its kind.
    pub fn estimate(&self, st: &LiveState) -> Option<u64> {
        if st.record.status != JobStatus::Running {
            return None;
        }
        let kinds = self.kinds.read().unwrap_or_else(|p| p.into_inner());
        let stats = kinds.get(st.record.kind.as_str())?;
        if stats.is_empty() {
            return None;
        }
        let done = |index: u32| {
            st.steps
                .iter()
                .any(|s| s.index == index && s.status == StepStatus::Completed)
        };
        let running = st.running_step();
        let elapsed = st
            .step_started
            .map(|t| t.elapsed().as_millis() as f64)
            .unwrap_or(0.0);
        let mut remaining = 0.0;
        for s in stats {
            if done(s.index) {
                continue;
            }
            if Some(s.index) == running {
                remaining += (s.mean_ms - elapsed).max(0.0);
            } else {
                remaining += s.mean_ms;
            }
        }
        Some(remaining.round() as u64)
    }
}
