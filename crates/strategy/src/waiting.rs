//! Watching what waiting jobs wait on: a job paused because its endpoint could not be reached
//! is resumed the moment a probe of that endpoint answers (probes 2 s apart, doubling to
//! 3 min), and every offline job is tried again at once when the network comes back or the
//! machine wakes from sleep.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use jobs::{ChangeKind, Engine, JobId, PauseReason};
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

use crate::probe::{Probe, ProbeEvent, ProbeSettings, Prober};
use crate::wake::{SystemClock, spawn_wake_detector};

/// How often the sleep detector compares the clocks, and the gap it counts as a sleep.
const WAKE_PERIOD: Duration = Duration::from_secs(5);
const WAKE_TOLERANCE: Duration = Duration::from_secs(10);

/// Resumes offline jobs when their endpoint answers, the network returns or the machine
/// wakes; cheap to clone.
#[derive(Clone)]
pub struct Waiting {
    engine: Engine,
    prober: Prober,
    settings: ProbeSettings,
}

impl Waiting {
    /// Starts watching `engine`'s paused jobs until `cancel` (or the engine's shutdown).
    pub fn spawn(engine: Engine, settings: ProbeSettings, cancel: CancellationToken) -> Waiting {
        let prober = Prober::new(settings, cancel.clone());
        let waiting = Waiting {
            engine,
            prober,
            settings,
        };
        tokio::spawn(waiting.clone().run(cancel.clone()));
        let woken = waiting.clone();
        let handle = tokio::runtime::Handle::current();
        spawn_wake_detector(
            std::sync::Arc::new(SystemClock),
            WAKE_PERIOD,
            WAKE_TOLERANCE,
            cancel,
            move |_| {
                let woken = woken.clone();
                handle.spawn(async move { woken.network_back().await });
            },
        );
        waiting
    }

    /// The network came back or the machine woke: every endpoint is probed now (backoff
    /// reset) and every offline job is tried again at once, without counting an attempt.
    pub async fn network_back(&self) {
        self.prober.wake();
        match self.engine.resume_matching(&[PauseReason::Offline]).await {
            Ok(0) => {}
            Ok(resumed) => tracing::info!(resumed, "offline jobs tried again"),
            Err(e) => tracing::warn!(error = %e, "cannot resume offline jobs"),
        }
    }

    /// The endpoints being probed for waiting jobs.
    pub fn probing(&self) -> Vec<Probe> {
        self.prober.watching()
    }

    async fn run(self, cancel: CancellationToken) {
        let mut changes = self.engine.events();
        let mut probes = self.prober.subscribe();
        let stopping = self.engine.stopping();
        self.watch_paused().await;
        loop {
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = stopping.cancelled() => return,
                change = changes.recv() => match change {
                    Ok(event) if event.change == ChangeKind::Paused => self.watch_paused().await,
                    Ok(_) => {}
                    Err(RecvError::Lagged(_)) => self.watch_paused().await,
                    Err(RecvError::Closed) => return,
                },
                event = probes.recv() => match event {
                    Ok(ProbeEvent::Up { probe }) => self.endpoint_back(&probe).await,
                    Ok(ProbeEvent::Scheduled { probe, at, .. }) => {
                        self.next_check(&probe, at).await;
                    }
                    Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return,
                },
            }
        }
    }

    /// Offline jobs by the URL that tells their endpoint is back.
    async fn offline_jobs(&self) -> BTreeMap<String, BTreeSet<JobId>> {
        let paused = match self.engine.paused().await {
            Ok(paused) => paused,
            Err(e) => {
                tracing::warn!(error = %e, "cannot list paused jobs");
                return BTreeMap::new();
            }
        };
        let mut by_check: BTreeMap<String, BTreeSet<JobId>> = BTreeMap::new();
        for (id, pause) in paused {
            if pause.reason == PauseReason::Offline
                && let Some(check) = pause.check
            {
                by_check.entry(check).or_default().insert(id);
            }
        }
        by_check
    }

    /// Probes every endpoint an offline job waits on (an endpoint already probed is joined).
    async fn watch_paused(&self) {
        for check in self.offline_jobs().await.into_keys() {
            drop(self.prober.watch(Probe::Http(check)));
        }
    }

    /// The offline jobs waiting on `probe`'s endpoint.
    async fn waiting_on(&self, probe: &Probe) -> BTreeSet<JobId> {
        self.offline_jobs()
            .await
            .remove(&probe.url())
            .unwrap_or_default()
    }

    async fn endpoint_back(&self, probe: &Probe) {
        for id in self.waiting_on(probe).await {
            match self.engine.resume(id).await {
                Ok(()) => {
                    tracing::info!(job = %id, endpoint = %probe.label(), "endpoint back; job resumed")
                }
                Err(e) => tracing::debug!(job = %id, error = %e, "not resumed"),
            }
        }
    }

    /// Shows the next probe as the jobs' next try. Their own timer is set a probe's length
    /// later, so it only fires if the probing stopped (the probe resumes them sooner).
    async fn next_check(&self, probe: &Probe, at: chrono::DateTime<chrono::Utc>) {
        let margin = chrono::Duration::from_std(self.settings.timeout + Duration::from_secs(1))
            .unwrap_or_else(|_| chrono::Duration::seconds(6));
        for id in self.waiting_on(probe).await {
            if let Err(e) = self.engine.set_next_check(id, Some(at + margin)).await {
                tracing::debug!(job = %id, error = %e, "next check not set");
            }
        }
    }
}
