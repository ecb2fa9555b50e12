//! Live job views over an IPC channel: ordered, with progress ticks coalesced so a job
//! emitting thousands of updates a second cannot flood the webview.

use std::time::{Duration, Instant};

use jobs::{JobChange, JobEvent, Snapshot, WatchItem};
use serde::Serialize;

/// Fewest milliseconds between two progress messages to one view (~30 a second).
pub const PROGRESS_INTERVAL: Duration = Duration::from_millis(33);

/// What a watching view receives, in order.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveMessage {
    /// A fresh snapshot (first message, and after the view fell behind).
    Snapshot {
        /// The job as of now.
        snapshot: Box<Snapshot>,
    },
    /// A change, with its per-job sequence number.
    Event {
        /// The event.
        event: JobEvent,
    },
}

/// Decides, event by event, what a view is sent: everything except progress ticks that
/// come less than [`PROGRESS_INTERVAL`] after the last one sent; a held-back tick is sent
/// before the next non-progress message or when [`Coalescer::flush_due`] says so, so the
/// last progress value always arrives.
#[derive(Debug, Default)]
pub struct Coalescer {
    last_progress_sent: Option<Instant>,
    held: Option<JobEvent>,
}

impl Coalescer {
    /// Messages to send now for `item` arriving at `now`.
    pub fn push(&mut self, item: WatchItem, now: Instant) -> Vec<LiveMessage> {
        match item {
            WatchItem::Resync(snapshot) => {
                self.held = None;
                self.last_progress_sent = Some(now);
                vec![LiveMessage::Snapshot { snapshot }]
            }
            WatchItem::Event(event) if matches!(event.change, JobChange::Progress { .. }) => {
                let due = self
                    .last_progress_sent
                    .is_none_or(|t| now.duration_since(t) >= PROGRESS_INTERVAL);
                if due {
                    self.held = None;
                    self.last_progress_sent = Some(now);
                    vec![LiveMessage::Event { event }]
                } else {
                    self.held = Some(event);
                    Vec::new()
                }
            }
            WatchItem::Event(event) => {
                let mut out = Vec::with_capacity(2);
                if let Some(held) = self.held.take() {
                    out.push(LiveMessage::Event { event: held });
                }
                out.push(LiveMessage::Event { event });
                out
            }
        }
    }

    /// When a held-back progress tick should go out if nothing else arrives.
    pub fn flush_due(&self) -> Option<Instant> {
        self.held.as_ref().map(|_| {
            self.last_progress_sent
                .map_or_else(Instant::now, |t| t + PROGRESS_INTERVAL)
        })
    }

    /// The held-back tick, if its time has come.
    pub fn flush(&mut self, now: Instant) -> Option<LiveMessage> {
        match self.flush_due() {
            Some(due) if now >= due => {
                self.last_progress_sent = Some(now);
                self.held.take().map(|event| LiveMessage::Event { event })
            }
            _ => None,
        }
    }
}

/// Forwards the events after a watch's snapshot (`events`, a [`jobs::WatchStream`] in the
/// app) to `send` until the job ends or `send` fails (the view is gone, so the
/// subscription is dropped with it).
pub async fn forward_events<S, F>(events: S, mut send: F)
where
    S: futures::Stream<Item = WatchItem>,
    F: FnMut(LiveMessage) -> bool,
{
    let mut events = std::pin::pin!(events);
    let mut coalescer = Coalescer::default();
    loop {
        let next = match coalescer.flush_due() {
            Some(due) => {
                match tokio::time::timeout_at(due.into(), futures::StreamExt::next(&mut events))
                    .await
                {
                    Ok(item) => item,
                    Err(_) => {
                        if let Some(message) = coalescer.flush(Instant::now())
                            && !send(message)
                        {
                            return;
                        }
                        continue;
                    }
                }
            }
            None => futures::StreamExt::next(&mut events).await,
        };
        let Some(item) = next else {
            // The watch ended (the job finished); anything held goes out first.
            if let Some(message) = coalescer
                .held
                .take()
                .map(|event| LiveMessage::Event { event })
            {
                send(message);
            }
            return;
        };
        for message in coalescer.push(item, Instant::now()) {
            if !send(message) {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use jobs::{JobId, JobStatus};

    use super::*;
    use crate::test_kinds::{Gate, GateInput, poll_until};

    fn event(seq: u64, change: JobChange) -> WatchItem {
        WatchItem::Event(JobEvent {
            job_id: JobId::default(),
            seq,
            at: 0,
            change,
        })
    }

    fn progress(seq: u64, p: f64) -> WatchItem {
        event(
            seq,
            JobChange::Progress {
                progress: p,
                message: None,
            },
        )
    }

    fn seqs(messages: &[LiveMessage]) -> Vec<u64> {
        messages
            .iter()
            .map(|m| match m {
                LiveMessage::Event { event } => event.seq,
                LiveMessage::Snapshot { .. } => 0,
            })
            .collect()
    }

    #[test]
    fn progress_is_thinned_to_the_interval_and_the_latest_value_wins() {
        let mut c = Coalescer::default();
        let t0 = Instant::now();
        let mut sent = Vec::new();
        // 1,000 ticks over one second: one every millisecond.
        for i in 0..1000u64 {
            sent.extend(c.push(
                progress(i + 1, i as f64 / 10.0),
                t0 + Duration::from_millis(i),
            ));
            if let Some(m) = c.flush(t0 + Duration::from_millis(i)) {
                sent.push(m);
            }
        }
        assert!(sent.len() <= 31, "{} messages in a second", sent.len());
        assert!(sent.len() >= 25, "{} messages in a second", sent.len());
        assert_eq!(seqs(&sent)[0], 1, "the first tick goes out at once");
        // The last tick is held, then flushed when due.
        let due = c.flush_due().expect("held");
        let last = c.flush(due).expect("flushed");
        assert_eq!(seqs(&[last]), [1000]);
        let all: Vec<u64> = seqs(&sent);
        assert!(all.windows(2).all(|w| w[0] < w[1]), "in order");
    }

    #[test]
    fn steps_partials_and_the_end_always_pass_and_flush_a_held_tick_first() {
        let mut c = Coalescer::default();
        let t0 = Instant::now();
        assert_eq!(c.push(progress(1, 10.0), t0).len(), 1);
        assert!(
            c.push(progress(2, 20.0), t0 + Duration::from_millis(1))
                .is_empty()
        );
        let out = c.push(
            event(
                3,
                JobChange::Partial {
                    step_index: Some(0),
                    value: Arc::new(serde_json::json!({"block": 1})),
                },
            ),
            t0 + Duration::from_millis(2),
        );
        assert_eq!(seqs(&out), [2, 3], "the held tick, then the partial");
        let out = c.push(
            event(
                4,
                JobChange::StepStarted {
                    index: 1,
                    name: Arc::from("next"),
                },
            ),
            t0 + Duration::from_millis(3),
        );
        assert_eq!(seqs(&out), [4]);
        assert!(c.flush_due().is_none());
    }

    fn progress_of(messages: &[LiveMessage]) -> Vec<f64> {
        messages
            .iter()
            .filter_map(|m| match m {
                LiveMessage::Event {
                    event:
                        JobEvent {
                            change: JobChange::Progress { progress, .. },
                            ..
                        },
                } => Some(*progress),
                _ => None,
            })
            .collect()
    }

    /// A job that ticks twice at once and then goes quiet: the second tick is held back,
    /// and the timer sends it although no further event comes.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_held_tick_is_sent_by_the_timer_when_nothing_follows() {
        let (_dir, engine, gate) = Gate::engine().await;
        let input = GateInput {
            ticks: vec![10.0, 20.0],
            hold: true,
        };
        let id = gate.start_with(&engine, "Ticks", input).await;
        poll_until("the job runs", || async {
            engine
                .running()
                .iter()
                .any(|j| j.id == id && j.status == JobStatus::Running)
        })
        .await;
        let watch = engine.watch(id).await.expect("watch");
        let sent = Arc::new(Mutex::new(Vec::new()));
        let forwarding = tokio::spawn(forward_events(watch.events, {
            let sent = sent.clone();
            move |m| {
                sent.lock().expect("lock").push(m);
                true
            }
        }));
        gate.open();
        poll_until("both ticks are sent", || async {
            progress_of(&sent.lock().expect("lock")) == [10.0, 20.0]
        })
        .await;
        let job = engine.get(id).await.expect("get").job;
        assert_eq!(
            job.status,
            JobStatus::Running,
            "no later event sent the tick"
        );
        engine.cancel(id).await.expect("cancel");
        tokio::time::timeout(Duration::from_secs(10), forwarding)
            .await
            .expect("the forwarding ends with the job")
            .expect("no panic");
    }

    /// A stream that ends while a tick is held back: the tick goes out before the end.
    #[tokio::test]
    async fn the_last_tick_is_flushed_when_the_stream_ends() {
        let items = futures::stream::iter([progress(1, 10.0), progress(2, 20.0)]);
        let mut sent = Vec::new();
        forward_events(items, |m| {
            sent.push(m);
            true
        })
        .await;
        assert_eq!(seqs(&sent), [1, 2], "the held tick was flushed at the end");
    }

    /// A send that fails (the view is gone) stops the forwarding at once, while the job
    /// goes on, and drops the subscription.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_send_stops_the_forwarding_and_drops_the_subscription() {
        let (_dir, engine, gate) = Gate::engine().await;
        let input = GateInput {
            ticks: vec![10.0, 20.0, 30.0],
            hold: true,
        };
        let id = gate.start_with(&engine, "Ticks", input).await;
        let watch = engine.watch(id).await.expect("watch");
        assert_eq!(engine.watchers(id), 1);
        let mut calls = 0;
        let forwarding = forward_events(watch.events, |_| {
            calls += 1;
            false
        });
        gate.open();
        tokio::time::timeout(Duration::from_secs(10), forwarding)
            .await
            .expect("the forwarding stops although the job runs on");
        assert_eq!(calls, 1, "nothing is sent after the failed send");
        assert_eq!(engine.watchers(id), 0, "the subscription is dropped");
        let job = engine.get(id).await.expect("get").job;
        assert!(job.status.is_active(), "{:?}", job.status);
        engine.cancel(id).await.expect("cancel");
    }
}
