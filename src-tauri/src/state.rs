//! What every command reaches: the workspace (engine, operations, initiatives), the
//! settings and their file, and the live job views being forwarded.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use futures::future::{AbortHandle, Abortable};
use strategy::Workspace;

use crate::settings::{Settings, SettingsError, SettingsFile};

/// Shared application state, managed by Tauri.
pub struct AppState {
    /// Engine, operations and initiatives.
    pub workspace: Arc<Workspace>,
    /// Current settings.
    pub settings: RwLock<Settings>,
    /// Where the settings are saved.
    pub settings_file: SettingsFile,
    /// Job views being forwarded, by IPC channel id.
    pub watches: Arc<Watches>,
}

impl AppState {
    /// A copy of the current settings.
    pub fn settings(&self) -> Settings {
        match self.settings.read() {
            Ok(s) => s.clone(),
            // A panic while writing settings cannot leave them half-set (they are
            // replaced whole), so the value is still good.
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Saves `settings` to the file, then makes them current (unsaved settings never
    /// become current).
    pub fn save_settings(&self, settings: Settings) -> Result<(), SettingsError> {
        self.settings_file.save(&settings)?;
        match self.settings.write() {
            Ok(mut current) => *current = settings,
            Err(poisoned) => *poisoned.into_inner() = settings,
        }
        Ok(())
    }
}

/// The job views being forwarded to the webview, by IPC channel id, so that a view can
/// stop its forwarding when it goes away (Tauri never reports a dropped JS channel).
#[derive(Debug, Default)]
pub struct Watches {
    running: Mutex<HashMap<u32, (u64, AbortHandle)>>,
    tickets: AtomicU64,
}

impl Watches {
    /// Runs `forwarding` for the view on `channel` until it ends or [`Watches::stop`]
    /// stops it; registered at once (before the returned future is first polled), and
    /// forgotten when it ends. A forwarding still registered under the same id is
    /// stopped first: its page is gone (a reloaded page can reuse channel ids).
    pub fn track<F>(
        self: &Arc<Self>,
        channel: u32,
        forwarding: F,
    ) -> impl Future<Output = ()> + use<F>
    where
        F: Future<Output = ()>,
    {
        let (handle, registration) = AbortHandle::new_pair();
        let ticket = self.tickets.fetch_add(1, Ordering::Relaxed);
        if let Some((_, previous)) = self.lock().insert(channel, (ticket, handle)) {
            previous.abort();
        }
        let watches = self.clone();
        async move {
            // `Err(Aborted)` only says it was stopped; either way it is over.
            let _ = Abortable::new(forwarding, registration).await;
            watches.forget(channel, ticket);
        }
    }

    /// Stops the forwarding on `channel`; returns whether one was running (stopping an
    /// unknown or finished one does nothing).
    pub fn stop(&self, channel: u32) -> bool {
        match self.lock().remove(&channel) {
            Some((_, handle)) => {
                handle.abort();
                true
            }
            None => false,
        }
    }

    /// How many forwardings are running.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no forwarding is running.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes the entry of a forwarding that ended, unless its id was taken over since.
    fn forget(&self, channel: u32, ticket: u64) {
        let mut running = self.lock();
        if running.get(&channel).is_some_and(|(t, _)| *t == ticket) {
            running.remove(&channel);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u32, (u64, AbortHandle)>> {
        // The map is never left half-changed by a panic (single inserts and removes).
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;
    use std::time::Duration;

    use super::*;

    /// Sets its flag when dropped: the forwarding's resources were released.
    struct Dropped(Arc<AtomicBool>);

    impl Drop for Dropped {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    async fn forever(flag: Arc<AtomicBool>) {
        let _guard = Dropped(flag);
        futures::future::pending::<()>().await;
    }

    async fn settle() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    #[tokio::test]
    async fn stop_ends_the_forwarding_and_releases_it() {
        let watches = Arc::new(Watches::default());
        let dropped = Arc::new(AtomicBool::new(false));
        let task = tokio::spawn(watches.track(7, forever(dropped.clone())));
        assert_eq!(watches.len(), 1, "registered before it first runs");
        settle().await;
        assert!(!dropped.load(Ordering::SeqCst));
        assert!(watches.stop(7));
        tokio::time::timeout(Duration::from_secs(2), task)
            .await
            .expect("the forwarding ends")
            .expect("no panic");
        assert!(
            dropped.load(Ordering::SeqCst),
            "its subscription is dropped"
        );
        assert!(watches.is_empty());
        assert!(!watches.stop(7), "stopping twice does nothing");
        assert!(!watches.stop(99), "an unknown id does nothing");
    }

    #[tokio::test]
    async fn a_forwarding_that_ends_by_itself_is_forgotten() {
        let watches = Arc::new(Watches::default());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(watches.track(3, async move {
            let _ = rx.await;
        }));
        settle().await;
        assert_eq!(watches.len(), 1);
        tx.send(()).expect("send");
        task.await.expect("ends");
        assert!(watches.is_empty());
        assert!(!watches.stop(3));
    }

    #[tokio::test]
    async fn a_reused_channel_id_replaces_the_old_forwarding_and_keeps_the_new_one() {
        let watches = Arc::new(Watches::default());
        let old_dropped = Arc::new(AtomicBool::new(false));
        let old = tokio::spawn(watches.track(5, forever(old_dropped.clone())));
        settle().await;
        let new_dropped = Arc::new(AtomicBool::new(false));
        let new = tokio::spawn(watches.track(5, forever(new_dropped.clone())));
        tokio::time::timeout(Duration::from_secs(2), old)
            .await
            .expect("the old forwarding ends")
            .expect("no panic");
        assert!(old_dropped.load(Ordering::SeqCst));
        settle().await;
        // The old one ending did not remove the new registration.
        assert_eq!(watches.len(), 1);
        assert!(!new_dropped.load(Ordering::SeqCst));
        assert!(watches.stop(5));
        new.await.expect("ends");
        assert!(new_dropped.load(Ordering::SeqCst));
        assert!(watches.is_empty());
    }

    #[tokio::test]
    async fn many_views_are_tracked_independently() {
        let watches = Arc::new(Watches::default());
        let flags: Vec<Arc<AtomicBool>> =
            (0..10).map(|_| Arc::new(AtomicBool::new(false))).collect();
        let tasks: Vec<_> = flags
            .iter()
            .enumerate()
            .map(|(i, f)| tokio::spawn(watches.track(i as u32, forever(f.clone()))))
            .collect();
        settle().await;
        assert_eq!(watches.len(), 10);
        for i in (0..10).step_by(2) {
            assert!(watches.stop(i));
        }
        for (i, task) in tasks.into_iter().enumerate() {
            if i % 2 == 0 {
                task.await.expect("stopped");
            }
        }
        settle().await;
        assert_eq!(watches.len(), 5);
        for (i, f) in flags.iter().enumerate() {
            assert_eq!(f.load(Ordering::SeqCst), i % 2 == 0, "view {i}");
        }
    }
}
