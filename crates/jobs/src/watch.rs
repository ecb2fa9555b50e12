//! A job's live view: a snapshot, then every later event exactly once, in order.

use std::pin::Pin;
use std::sync::{Arc, Weak};
use std::task::{Context, Poll};

use futures::{Stream, StreamExt};
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::wrappers::errors::BroadcastStreamRecvError;

use crate::live::{EtaModel, LiveJob};
use crate::model::{JobEvent, Snapshot, WatchItem};

/// What [`crate::Engine::watch`] returns.
pub struct Watch {
    /// The job as of now.
    pub snapshot: Snapshot,
    /// Events after the snapshot; ends after the final event, or at once for a finished job.
    pub events: WatchStream,
}

/// Ordered, de-duplicated events of one job; dropping it frees the subscription.
pub struct WatchStream {
    job: Weak<LiveJob>,
    eta: Arc<EtaModel>,
    rx: Option<BroadcastStream<JobEvent>>,
    last_seq: u64,
}

impl WatchStream {
    pub(crate) fn live(
        job: &Arc<LiveJob>,
        eta: Arc<EtaModel>,
        rx: tokio::sync::broadcast::Receiver<JobEvent>,
        last_seq: u64,
    ) -> Self {
        WatchStream {
            job: Arc::downgrade(job),
            eta,
            rx: Some(BroadcastStream::new(rx)),
            last_seq,
        }
    }

    pub(crate) fn finished(eta: Arc<EtaModel>) -> Self {
        WatchStream {
            job: Weak::new(),
            eta,
            rx: None,
            last_seq: 0,
        }
    }
}

impl Stream for WatchStream {
    type Item = WatchItem;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<WatchItem>> {
        let this = &mut *self;
        loop {
            let Some(rx) = this.rx.as_mut() else {
                return Poll::Ready(None);
            };
            match rx.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    this.rx = None;
                    return Poll::Ready(None);
                }
                Poll::Ready(Some(Ok(event))) => {
                    if event.seq <= this.last_seq {
                        continue;
                    }
                    this.last_seq = event.seq;
                    if event.change.is_final() {
                        this.rx = None;
                    }
                    return Poll::Ready(Some(WatchItem::Event(event)));
                }
                Poll::Ready(Some(Err(BroadcastStreamRecvError::Lagged(_)))) => {
                    // Fell behind: start over from a fresh snapshot rather than skip events.
                    if let Some(job) = this.job.upgrade() {
                        let (snapshot, rx) = job.subscribe(&this.eta);
                        this.last_seq = snapshot.seq();
                        this.rx = Some(BroadcastStream::new(rx));
                        if !snapshot.job.status.is_active() {
                            this.rx = None;
                        }
                        return Poll::Ready(Some(WatchItem::Resync(Box::new(snapshot))));
                    }
                    // The job has ended; the buffered tail still holds its final event.
                }
            }
        }
    }
}
