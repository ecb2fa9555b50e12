//! Watching an unreachable endpoint until it answers again: one probing task per endpoint,
//! with a backoff from 2 s doubling to 3 min, woken at once when the network comes back or the
//! machine wakes from sleep. Jobs paused `offline` or `provider_down` are resumed from here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, broadcast, watch};
use tokio_util::sync::CancellationToken;

/// How to check that an endpoint is back.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Probe {
    /// A TCP connection to `host:port` succeeds.
    Tcp(String),
    /// `GET` of this URL answers with a status below 500.
    Http(String),
}

impl Probe {
    /// The check for a chat-completions base URL: `GET {base}/models`.
    pub fn models(base_url: &str) -> Probe {
        Probe::Http(format!("{}/models", base_url.trim().trim_end_matches('/')))
    }

    /// What is probed: the URL, or `host:port`.
    pub fn url(&self) -> String {
        match self {
            Probe::Tcp(addr) | Probe::Http(addr) => addr.clone(),
        }
    }

    /// The endpoint as the user knows it (`localhost:11434`).
    pub fn label(&self) -> String {
        match self {
            Probe::Tcp(addr) => addr.clone(),
            Probe::Http(url) => crate::wait::endpoint_label(url).unwrap_or_else(|| url.clone()),
        }
    }

    /// Checks once; `Err` says why the endpoint is not back.
    pub async fn check(&self, client: &reqwest::Client, timeout: Duration) -> Result<(), String> {
        match self {
            Probe::Tcp(addr) => {
                match tokio::time::timeout(timeout, tokio::net::TcpStream::connect(addr)).await {
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(_) => Err(format!("no connection within {} s", timeout.as_secs())),
                }
            }
            Probe::Http(url) => {
                let response = client
                    .get(url)
                    .timeout(timeout)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if response.status().is_server_error() {
                    Err(format!("HTTP {}", response.status().as_u16()))
                } else {
                    Ok(())
                }
            }
        }
    }
}

/// Delays between probes: `first`, doubling after each failure, at most `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// After the first failure.
    pub first: Duration,
    /// Longest delay.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first: Duration::from_secs(2),
            max: Duration::from_secs(180),
        }
    }
}

impl Backoff {
    /// The delay after `failures` failed probes in a row (1 for the first).
    pub fn delay(&self, failures: u32) -> Duration {
        let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(31));
        self.first.saturating_mul(factor).min(self.max)
    }
}

/// Timing of the prober.
#[derive(Debug, Clone, Copy)]
pub struct ProbeSettings {
    /// Delays between probes.
    pub backoff: Backoff,
    /// Longest wait for one probe.
    pub timeout: Duration,
}

impl Default for ProbeSettings {
    fn default() -> Self {
        ProbeSettings {
            backoff: Backoff::default(),
            timeout: Duration::from_secs(5),
        }
    }
}

/// What the prober reports.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbeEvent {
    /// A probe failed; the next is due in `delay` (at `at`, for the user).
    Scheduled {
        /// Endpoint.
        probe: Probe,
        /// Failed probes in a row.
        failures: u32,
        /// Wait before the next probe.
        delay: Duration,
        /// When that is.
        at: DateTime<Utc>,
        /// Why the last probe failed.
        reason: String,
    },
    /// The endpoint answered: jobs waiting on it can resume.
    Up {
        /// Endpoint.
        probe: Probe,
    },
}

/// One endpoint being probed.
struct Endpoint {
    up: watch::Sender<bool>,
    wake: Notify,
    next: Mutex<Option<DateTime<Utc>>>,
}

struct Inner {
    settings: ProbeSettings,
    client: reqwest::Client,
    cancel: CancellationToken,
    endpoints: Mutex<HashMap<Probe, Arc<Endpoint>>>,
    events: broadcast::Sender<ProbeEvent>,
}

/// Probes endpoints until they answer; cheap to clone.
#[derive(Clone)]
pub struct Prober {
    inner: Arc<Inner>,
}

/// A wait for one endpoint to answer.
pub struct ProbeWatch {
    endpoint: Arc<Endpoint>,
    up: watch::Receiver<bool>,
    cancel: CancellationToken,
}

impl ProbeWatch {
    /// Resolves `true` once the endpoint answered, `false` if the prober was cancelled first.
    pub async fn up(&mut self) -> bool {
        tokio::select! {
            biased;
            r = self.up.wait_for(|up| *up) => r.is_ok(),
            _ = self.cancel.cancelled() => false,
        }
    }

    /// When the next probe is due, while it is down.
    pub fn next_check(&self) -> Option<DateTime<Utc>> {
        *self.endpoint.next.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Prober {
    /// A prober whose tasks stop when `cancel` is cancelled.
    pub fn new(settings: ProbeSettings, cancel: CancellationToken) -> Prober {
        let (events, _) = broadcast::channel(64);
        Prober {
            inner: Arc::new(Inner {
                settings,
                client: reqwest::Client::new(),
                cancel,
                endpoints: Mutex::new(HashMap::new()),
                events,
            }),
        }
    }

    /// Every schedule and recovery from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<ProbeEvent> {
        self.inner.events.subscribe()
    }

    /// Probes `probe` at once and then with backoff until it answers; a second call for an
    /// endpoint already probed joins that task.
    pub fn watch(&self, probe: Probe) -> ProbeWatch {
        let mut endpoints = self.lock();
        if let Some(endpoint) = endpoints.get(&probe) {
            return ProbeWatch {
                endpoint: endpoint.clone(),
                up: endpoint.up.subscribe(),
                cancel: self.inner.cancel.clone(),
            };
        }
        let (up, rx) = watch::channel(false);
        let endpoint = Arc::new(Endpoint {
            up,
            wake: Notify::new(),
            next: Mutex::new(None),
        });
        endpoints.insert(probe.clone(), endpoint.clone());
        tokio::spawn(run(self.inner.clone(), probe, endpoint.clone()));
        ProbeWatch {
            endpoint,
            up: rx,
            cancel: self.inner.cancel.clone(),
        }
    }

    /// Probes every watched endpoint now (network back, resumed from sleep), backoff reset.
    pub fn wake(&self) {
        for endpoint in self.lock().values() {
            endpoint.wake.notify_one();
        }
    }

    /// Endpoints being probed.
    pub fn watching(&self) -> Vec<Probe> {
        self.lock().keys().cloned().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Probe, Arc<Endpoint>>> {
        self.inner
            .endpoints
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }
}

/// One endpoint's probing task.
async fn run(inner: Arc<Inner>, probe: Probe, endpoint: Arc<Endpoint>) {
    let settings = inner.settings;
    let mut failures = 0u32;
    loop {
        let checked = tokio::select! {
            _ = inner.cancel.cancelled() => break,
            r = probe.check(&inner.client, settings.timeout) => r,
        };
        let reason = match checked {
            Ok(()) => {
                tracing::info!(endpoint = %probe.label(), failures, "endpoint answers again");
                inner
                    .endpoints
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&probe);
                *endpoint.next.lock().unwrap_or_else(|e| e.into_inner()) = None;
                endpoint.up.send_replace(true);
                let _ = inner.events.send(ProbeEvent::Up { probe });
                return;
            }
            Err(reason) => reason,
        };
        failures = failures.saturating_add(1);
        let delay = settings.backoff.delay(failures);
        let at = chrono::Duration::from_std(delay)
            .ok()
            .and_then(|d| Utc::now().checked_add_signed(d))
            .unwrap_or_else(Utc::now);
        *endpoint.next.lock().unwrap_or_else(|e| e.into_inner()) = Some(at);
        tracing::debug!(endpoint = %probe.label(), failures, delay_s = delay.as_secs(), %reason, "endpoint still down");
        let _ = inner.events.send(ProbeEvent::Scheduled {
            probe: probe.clone(),
            failures,
            delay,
            at,
            reason,
        });
        tokio::select! {
            _ = inner.cancel.cancelled() => break,
            _ = tokio::time::sleep(delay) => {}
            _ = endpoint.wake.notified() => failures = 0,
        }
    }
    inner
        .endpoints
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&probe);
}

#[cfg(test)]
mod tests;
