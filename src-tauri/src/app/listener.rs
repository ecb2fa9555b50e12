//! The engine listener: follows the engine's change stream for the whole app and turns it
//! into the throttled `jobs-changed` hint (with keep-awake decided on the same beat),
//! toasts or coalesced native notifications for finished jobs, and tray rebuilds.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use jobs::{ChangeKind, Engine, EngineEvent, JobId, JobStatus};
use tauri::{AppHandle, Manager};
use tauri_specta::Event;
use tokio::sync::broadcast::error::RecvError;

use super::keep_awake::{Inhibitor, KeepAwake, SystemInhibitor};
use super::throttle::Throttle;
use super::{tray, window};
use crate::notify::{Decision, Finished, Notice, Notifier, WindowView, pause_notice};
use crate::settings::Settings;
use crate::state::AppState;
use crate::{JobFinishedToast, JobsChanged};

/// Fewest time between two `jobs-changed` hints.
pub const JOBS_CHANGED_INTERVAL: Duration = Duration::from_millis(250);
/// Fewest time between two tray rebuilds.
const TRAY_REFRESH: Duration = Duration::from_millis(500);

/// What the listener does on the desktop: Tauri's in the app, a recorder in tests.
pub(crate) trait Desktop {
    /// The current settings.
    fn settings(&self) -> Settings;
    /// The main window as the user sees it.
    fn window_view(&self) -> WindowView;
    /// Sends the `jobs-changed` hint.
    fn jobs_changed(&self, hint: JobsChanged);
    /// Asks the UI for a toast.
    fn toast(&self, toast: JobFinishedToast);
    /// Shows a native notification.
    fn notify(&self, notice: &Notice);
    /// Rebuilds the tray menu.
    fn refresh_tray(&self);
}

/// The jobs pending or running, kept from the stream's status changes so that counting
/// them clones nothing.
struct RunningJobs {
    ids: HashSet<JobId>,
}

impl RunningJobs {
    /// The engine's running jobs now (subscribe first, then read: every later change is
    /// on the stream, so the set converges whatever the overlap).
    fn read(engine: &Engine) -> Self {
        RunningJobs {
            ids: engine.running().into_iter().map(|job| job.id).collect(),
        }
    }

    /// Follows `event` when it moves a job between active and finished (seen and pinned
    /// events carry a status read from the database, which can be older than the stream's).
    fn apply(&mut self, event: &EngineEvent) {
        let moves = matches!(
            event.change,
            ChangeKind::Created
                | ChangeKind::Started
                | ChangeKind::Retried
                | ChangeKind::Finished
                | ChangeKind::Interrupted
                | ChangeKind::Deleted
                | ChangeKind::Paused
                | ChangeKind::Resumed
        );
        if !moves {
            return;
        }
        if event.status.is_active() {
            self.ids.insert(event.job_id);
        } else {
            self.ids.remove(&event.job_id);
        }
    }

    fn count(&self) -> usize {
        self.ids.len()
    }
}

/// Follows the engine until its stream closes.
pub(crate) async fn listen<D: Desktop, I: Inhibitor>(
    engine: &Engine,
    desktop: &D,
    mut awake: KeepAwake<I>,
) {
    let mut events = engine.events();
    let mut running = RunningJobs::read(engine);
    let mut notifier = Notifier::default();
    let mut hints = Throttle::new(JOBS_CHANGED_INTERVAL);
    let mut tray = Throttle::new(TRAY_REFRESH);
    tray.changed();
    // Jobs resumed at start-up keep the computer awake from the first moment.
    awake.update(running.count(), desktop.settings().keep_awake);
    loop {
        let now = Instant::now();
        let wake = [notifier.due(), hints.due(now), tray.due(now)]
            .into_iter()
            .flatten()
            .min();
        let received = match wake {
            Some(at) => tokio::time::timeout_at(at.into(), events.recv()).await.ok(),
            None => Some(events.recv().await),
        };
        match received {
            Some(Ok(event)) => {
                tray.changed();
                running.apply(&event);
                if !matches!(event.change, ChangeKind::Progress | ChangeKind::Seen) {
                    hints.changed();
                }
                if event.change == ChangeKind::Finished {
                    on_finished(&event, &mut notifier, desktop);
                }
                if event.change == ChangeKind::Paused {
                    on_paused(engine, &event, desktop).await;
                }
            }
            Some(Err(RecvError::Lagged(_))) => {
                // Changes were missed: count again and have everything re-read.
                running = RunningJobs::read(engine);
                hints.changed();
                tray.changed();
            }
            Some(Err(RecvError::Closed)) => return,
            None => {}
        }
        let now = Instant::now();
        if let Some(notice) = notifier.flush(now) {
            desktop.notify(&notice);
        }
        if hints.take(now) {
            let count = running.count();
            awake.update(count, desktop.settings().keep_awake);
            desktop.jobs_changed(JobsChanged {
                running: u32::try_from(count).unwrap_or(u32::MAX),
            });
        }
        if tray.take(now) {
            desktop.refresh_tray();
        }
    }
}

/// A toast when the user is looking, a (coalesced) notification later otherwise.
fn on_finished(event: &EngineEvent, notifier: &mut Notifier, desktop: &impl Desktop) {
    let finished = Finished {
        id: event.job_id,
        kind: event.kind.to_string(),
        title: event.title.to_string(),
        status: event.status,
    };
    let settings = desktop.settings().notifications;
    let decision = notifier.on_finished(finished, desktop.window_view(), &settings, Instant::now());
    if decision == Decision::Toast {
        desktop.toast(JobFinishedToast {
            id: event.job_id.to_string(),
            title: event.title.to_string(),
            status: event.status,
            session_id: event.session_id.as_deref().map(str::to_owned),
        });
    }
}

/// A notification when a pause needs the user (see [`pause_notice`]).
async fn on_paused(engine: &Engine, event: &EngineEvent, desktop: &impl Desktop) {
    let job = match engine.get(event.job_id).await {
        Ok(snapshot) => snapshot.job,
        Err(e) => {
            tracing::warn!(error = %e, job = %event.job_id, "cannot read a paused job");
            return;
        }
    };
    let Some(pause) = job
        .pause
        .as_ref()
        .filter(|_| job.status == JobStatus::Paused)
    else {
        return;
    };
    let settings = desktop.settings().notifications;
    if let Some(notice) = pause_notice(
        job.id,
        &job.kind,
        &job.title,
        pause,
        desktop.window_view(),
        &settings,
    ) {
        desktop.notify(&notice);
    }
}

/// The desktop as Tauri shows it.
struct TauriDesktop {
    app: AppHandle,
}

impl Desktop for TauriDesktop {
    fn settings(&self) -> Settings {
        self.app.state::<AppState>().settings()
    }

    fn window_view(&self) -> WindowView {
        window::view(&self.app)
    }

    fn jobs_changed(&self, hint: JobsChanged) {
        if let Err(e) = hint.emit(&self.app) {
            tracing::warn!(error = %e, "cannot send jobs-changed");
        }
    }

    fn toast(&self, toast: JobFinishedToast) {
        if let Err(e) = toast.emit(&self.app) {
            tracing::warn!(error = %e, "cannot send a toast");
        }
    }

    fn notify(&self, notice: &Notice) {
        super::notices::show(&self.app, notice.clone());
    }

    fn refresh_tray(&self) {
        tray::refresh(&self.app);
    }
}

/// Starts the listener for the app's lifetime.
pub(super) fn spawn(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let workspace = app.state::<AppState>().workspace.clone();
        let desktop = TauriDesktop { app };
        listen(
            workspace.engine(),
            &desktop,
            KeepAwake::new(SystemInhibitor),
        )
        .await;
    });
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    use jobs::{JobQuery, JobStatus};

    use super::*;
    use crate::app::keep_awake::Fake;
    use crate::test_kinds::{Gate, poll_until};

    /// Records what the listener did, with when.
    #[derive(Default)]
    struct Recorder {
        hints: Mutex<Vec<(Instant, u32)>>,
        toasts: Mutex<Vec<JobFinishedToast>>,
        notices: Mutex<Vec<Notice>>,
        tray_refreshes: AtomicUsize,
    }

    impl Recorder {
        fn hints(&self) -> Vec<(Instant, u32)> {
            self.hints.lock().expect("lock").clone()
        }

        fn last_hint(&self) -> Option<u32> {
            self.hints().last().map(|(_, running)| *running)
        }
    }

    impl Desktop for Recorder {
        fn settings(&self) -> Settings {
            Settings::default()
        }

        fn window_view(&self) -> WindowView {
            WindowView {
                visible: false,
                focused: false,
                minimized: false,
            }
        }

        fn jobs_changed(&self, hint: JobsChanged) {
            self.hints
                .lock()
                .expect("lock")
                .push((Instant::now(), hint.running));
        }

        fn toast(&self, toast: JobFinishedToast) {
            self.toasts.lock().expect("lock").push(toast);
        }

        fn notify(&self, notice: &Notice) {
            self.notices.lock().expect("lock").push(notice.clone());
        }

        fn refresh_tray(&self) {
            self.tray_refreshes.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn running_jobs(engine: &Engine) -> usize {
        engine.running().len()
    }

    /// Retrying 500 failed jobs makes about 1,500 engine events (retried, started,
    /// finished): the UI gets a handful of hints, at most one per interval, and the last
    /// one carries the final count, both while they wait and once they are done.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_bulk_retry_of_500_jobs_sends_few_hints_and_the_last_carries_the_count() {
        const JOBS: usize = 500;
        let (_dir, engine, gate) = Gate::engine().await;
        gate.fail_next_runs(true);
        for i in 0..JOBS {
            gate.start(&engine, &format!("Job {i}")).await;
        }
        poll_until("every job failed", || async {
            engine.counts(None).await.expect("counts").failed as usize == JOBS
        })
        .await;

        let recorder = Arc::new(Recorder::default());
        let holds = Fake::default();
        let listener = tokio::spawn({
            let engine = engine.clone();
            let recorder = recorder.clone();
            let holds = holds.clone();
            async move { listen(&engine, &*recorder, KeepAwake::new(holds)).await }
        });
        let events = Arc::new(AtomicUsize::new(0));
        let counter = tokio::spawn({
            let mut stream = engine.events();
            let events = events.clone();
            async move {
                loop {
                    match stream.recv().await {
                        Ok(_) => events.fetch_add(1, Ordering::SeqCst),
                        Err(RecvError::Lagged(missed)) => {
                            events.fetch_add(missed as usize, Ordering::SeqCst)
                        }
                        Err(RecvError::Closed) => return,
                    };
                }
            }
        });
        let started = Instant::now();

        gate.fail_next_runs(false);
        let query = JobQuery {
            statuses: vec![JobStatus::Failed],
            ..JobQuery::default()
        };
        assert_eq!(
            engine.retry_matching(&query).await.expect("retry") as usize,
            JOBS
        );
        poll_until("all 500 run", || async { running_jobs(&engine) == JOBS }).await;
        poll_until("a hint says 500 run", || async {
            recorder.last_hint() == Some(JOBS as u32)
        })
        .await;
        assert_eq!(
            holds.live.load(Ordering::SeqCst),
            1,
            "kept awake while they run"
        );

        gate.open();
        poll_until("all finished", || async { running_jobs(&engine) == 0 }).await;
        poll_until("a hint says none run", || async {
            recorder.last_hint() == Some(0)
        })
        .await;
        // Nothing else is pending: no hint follows the last one.
        tokio::time::sleep(JOBS_CHANGED_INTERVAL * 3).await;
        let elapsed = started.elapsed();
        let hints = recorder.hints();
        assert_eq!(
            hints.last().map(|h| h.1),
            Some(0),
            "the last hint is the final count"
        );
        assert_eq!(holds.live.load(Ordering::SeqCst), 0, "let go once none run");

        counter.abort();
        let events = events.load(Ordering::SeqCst);
        assert!(events >= 2 * JOBS, "the engine sent {events} events");
        // The throttle spaces hints by the interval; the margin is for the recorder's own
        // clock reading, not for the throttle.
        let spacing = JOBS_CHANGED_INTERVAL - Duration::from_millis(25);
        assert!(
            hints
                .windows(2)
                .all(|w| w[1].0.duration_since(w[0].0) >= spacing),
            "at most one hint per interval: {:?}",
            hints
                .iter()
                .take(20)
                .map(|h| h.0.duration_since(started))
                .collect::<Vec<_>>()
        );
        let bound = elapsed.as_millis() / spacing.as_millis() + 1;
        assert!(
            hints.len() as u128 <= bound,
            "{} hints for {events} events in {elapsed:?}",
            hints.len()
        );
        // Every job finished away from the window: one coalesced notice, no toasts.
        poll_until("the notice", || async {
            !recorder.notices.lock().expect("lock").is_empty()
        })
        .await;
        assert!(recorder.toasts.lock().expect("lock").is_empty());
        assert!(recorder.tray_refreshes.load(Ordering::SeqCst) >= 1);
        listener.abort();
    }

    /// Only status moves count: a pinned or seen job read from the database cannot put a
    /// finished job back among the running ones.
    #[test]
    fn the_running_set_follows_status_moves_only() {
        let id = JobId::new();
        let event = |change, status| EngineEvent {
            job_id: id,
            kind: Arc::from("k"),
            title: Arc::from("t"),
            session_id: None,
            status,
            progress: 0.0,
            change,
        };
        let mut running = RunningJobs {
            ids: HashSet::new(),
        };
        running.apply(&event(ChangeKind::Created, JobStatus::Pending));
        running.apply(&event(ChangeKind::Started, JobStatus::Running));
        assert_eq!(running.count(), 1);
        running.apply(&event(ChangeKind::Finished, JobStatus::Completed));
        assert_eq!(running.count(), 0);
        running.apply(&event(ChangeKind::Pinned, JobStatus::Running));
        running.apply(&event(ChangeKind::Seen, JobStatus::Running));
        assert_eq!(
            running.count(),
            0,
            "stale database reads are not status moves"
        );
        running.apply(&event(ChangeKind::Retried, JobStatus::Pending));
        assert_eq!(running.count(), 1);
        running.apply(&event(ChangeKind::Interrupted, JobStatus::Interrupted));
        assert_eq!(running.count(), 0);
    }
}
