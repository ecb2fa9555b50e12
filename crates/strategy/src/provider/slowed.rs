//! A provider that takes its time: the inner provider's answer, after a fixed delay spent
//! "receiving" in small ticks. Demos and end-to-end tests use it to watch the built-in engine
//! work at the pace of a real model.

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;

use super::{Activity, Io, Provider, ProviderError, Request, Source};

/// How often a slowed call reports activity.
const TICK: Duration = Duration::from_millis(100);

/// Wraps a provider so every call lasts at least `delay`, reporting activity as it goes.
pub struct Slowed {
    inner: Arc<dyn Provider>,
    delay: Duration,
}

impl Slowed {
    /// `inner`, with `delay` added to every call.
    pub fn new(inner: Arc<dyn Provider>, delay: Duration) -> Slowed {
        Slowed { inner, delay }
    }
}

impl Provider for Slowed {
    fn source(&self) -> Source {
        self.inner.source()
    }

    fn generate<'a>(
        &'a self,
        request: Request<'a>,
        io: &'a Io,
    ) -> BoxFuture<'a, Result<serde_json::Value, ProviderError>> {
        Box::pin(async move {
            let ticks = (self.delay.as_millis() / TICK.as_millis()).max(1) as usize;
            (io.activity)(Activity::Waiting { attempt: 1 });
            for tick in 1..=ticks {
                tokio::select! {
                    _ = io.cancel.cancelled() => return Err(ProviderError::Cancelled),
                    _ = tokio::time::sleep(self.delay / ticks as u32) => {}
                }
                (io.activity)(Activity::Receiving { chars: tick * 40 });
            }
            self.inner.generate(request, io).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artefact::{ArtefactKind, Context};
    use crate::initiative::{Initiative, InitiativeDraft};
    use std::sync::Mutex;
    use tokio_util::sync::CancellationToken;

    /// Answers at once; the delay is all Slowed's.
    struct Instant;
    impl Provider for Instant {
        fn source(&self) -> Source {
            Source::local("test", "test")
        }
        fn generate<'a>(
            &'a self,
            _request: Request<'a>,
            _io: &'a Io,
        ) -> BoxFuture<'a, Result<serde_json::Value, ProviderError>> {
            Box::pin(async { Ok(serde_json::json!({"answer": 42})) })
        }
    }

    fn initiative() -> Initiative {
        let draft: InitiativeDraft = serde_json::from_value(serde_json::json!({
            "name": "Test", "description": "A test initiative for pacing.", "budget": 1000.0,
            "currency": "EUR", "horizon_months": 6, "team_size": 2, "start_date": "2027-01-04"
        }))
        .expect("draft");
        Initiative::from_draft("i".into(), draft, 0, 0)
    }

    async fn run(
        delay: Duration,
        cancel_after: Option<Duration>,
    ) -> (Result<serde_json::Value, ProviderError>, usize, Duration) {
        let slowed = Slowed::new(Arc::new(Instant), delay);
        let cancel = CancellationToken::new();
        let ticks = Arc::new(Mutex::new(0usize));
        let io = Io {
            cancel: cancel.clone(),
            activity: {
                let ticks = ticks.clone();
                Arc::new(move |_| *ticks.lock().expect("lock") += 1)
            },
        };
        let initiative = initiative();
        let context = Context::default();
        let check = |_: &serde_json::Value| Ok(());
        let request = Request {
            kind: ArtefactKind::Analysis,
            initiative: &initiative,
            context: &context,
            check: &check,
        };
        let started = std::time::Instant::now();
        let canceller = async {
            if let Some(after) = cancel_after {
                tokio::time::sleep(after).await;
                cancel.cancel();
            }
        };
        let (result, ()) = tokio::join!(slowed.generate(request, &io), canceller);
        let n = *ticks.lock().expect("lock");
        (result, n, started.elapsed())
    }

    #[tokio::test]
    async fn a_slowed_call_takes_its_delay_reports_activity_and_answers() {
        let (result, ticks, took) = run(Duration::from_millis(300), None).await;
        assert_eq!(result.expect("answer"), serde_json::json!({"answer": 42}));
        assert!(took >= Duration::from_millis(300), "took {took:?}");
        assert_eq!(ticks, 4, "one waiting report and three receiving ticks");
    }

    #[tokio::test]
    async fn cancelling_a_slowed_call_stops_it_at_once() {
        let (result, _, took) =
            run(Duration::from_secs(60), Some(Duration::from_millis(150))).await;
        assert!(matches!(result, Err(ProviderError::Cancelled)));
        assert!(took < Duration::from_secs(5), "took {took:?}");
    }
}
