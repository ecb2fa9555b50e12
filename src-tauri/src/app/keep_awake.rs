//! Keep-awake: holds off idle sleep while jobs run and the setting is on, and lets go
//! otherwise. The decision is plain code over an [`Inhibitor`]; the system one is the
//! `keepawake` crate (systemd-logind's inhibitor locks on Linux, power assertions on macOS,
//! the execution state on Windows).

/// Something that can keep the computer awake for as long as its hold lives.
pub trait Inhibitor {
    /// Keeps the computer awake until dropped.
    type Hold;

    /// Starts holding; the message says why it could not.
    fn hold(&mut self) -> Result<Self::Hold, String>;
}

/// What an update did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwakeChange {
    /// Nothing to change.
    Unchanged,
    /// The computer is now kept awake.
    Held,
    /// The hold was let go.
    Released,
    /// Holding failed (logged); the next update tries again.
    Failed(String),
}

/// Holds the computer awake while jobs run and the setting is on.
pub struct KeepAwake<I: Inhibitor> {
    inhibitor: I,
    hold: Option<I::Hold>,
}

impl<I: Inhibitor> KeepAwake<I> {
    /// Not holding yet.
    pub fn new(inhibitor: I) -> Self {
        KeepAwake {
            inhibitor,
            hold: None,
        }
    }

    /// Holds when `running` jobs exist and the user `wants` it; lets go otherwise.
    pub fn update(&mut self, running: usize, wanted: bool) -> AwakeChange {
        match (running > 0 && wanted, self.hold.is_some()) {
            (true, false) => match self.inhibitor.hold() {
                Ok(hold) => {
                    self.hold = Some(hold);
                    AwakeChange::Held
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot keep the computer awake");
                    AwakeChange::Failed(e)
                }
            },
            (false, true) => {
                self.hold = None;
                AwakeChange::Released
            }
            _ => AwakeChange::Unchanged,
        }
    }
}

/// The operating system's sleep inhibitor.
pub struct SystemInhibitor;

impl Inhibitor for SystemInhibitor {
    type Hold = keepawake::KeepAwake;

    fn hold(&mut self) -> Result<keepawake::KeepAwake, String> {
        keepawake::Builder::default()
            .idle(true)
            .sleep(true)
            .reason("Charter jobs are running")
            .app_name("Charter")
            .app_reverse_domain("app.charter.desktop")
            .create()
            .map_err(|e| e.to_string())
    }
}

/// An inhibitor for tests: counts the holds alive, and fails the attempts listed in
/// `failures` (by attempt number, from 1).
#[cfg(test)]
#[derive(Clone, Default)]
pub(crate) struct Fake {
    /// Holds alive now.
    pub live: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    attempts: usize,
    /// Attempts that fail.
    pub failures: Vec<usize>,
}

/// A hold of the [`Fake`] inhibitor.
#[cfg(test)]
pub(crate) struct FakeHold(std::sync::Arc<std::sync::atomic::AtomicUsize>);

#[cfg(test)]
impl Drop for FakeHold {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

#[cfg(test)]
impl Inhibitor for Fake {
    type Hold = FakeHold;

    fn hold(&mut self) -> Result<FakeHold, String> {
        self.attempts += 1;
        if self.failures.contains(&self.attempts) {
            return Err("no inhibitor service".into());
        }
        self.live.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(FakeHold(self.live.clone()))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::Ordering;

    use super::*;

    #[test]
    fn holds_while_jobs_run_with_the_setting_on_and_lets_go_after() {
        let fake = Fake::default();
        let live = fake.live.clone();
        let mut awake = KeepAwake::new(fake);
        assert_eq!(awake.update(0, true), AwakeChange::Unchanged);
        assert_eq!(awake.update(2, true), AwakeChange::Held);
        assert_eq!(live.load(Ordering::SeqCst), 1);
        assert_eq!(awake.update(5, true), AwakeChange::Unchanged, "one hold");
        assert_eq!(live.load(Ordering::SeqCst), 1);
        assert_eq!(awake.update(0, true), AwakeChange::Released);
        assert_eq!(live.load(Ordering::SeqCst), 0, "the hold was dropped");
    }

    #[test]
    fn the_setting_off_never_holds_and_lets_go_of_a_hold() {
        let fake = Fake::default();
        let live = fake.live.clone();
        let mut awake = KeepAwake::new(fake);
        assert_eq!(awake.update(3, false), AwakeChange::Unchanged);
        assert_eq!(live.load(Ordering::SeqCst), 0);
        assert_eq!(awake.update(3, true), AwakeChange::Held);
        assert_eq!(awake.update(3, false), AwakeChange::Released);
        assert_eq!(live.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn a_failure_is_reported_and_retried_on_the_next_change() {
        let fake = Fake {
            failures: vec![1],
            ..Fake::default()
        };
        let live = fake.live.clone();
        let mut awake = KeepAwake::new(fake);
        assert_eq!(
            awake.update(1, true),
            AwakeChange::Failed("no inhibitor service".into())
        );
        assert_eq!(live.load(Ordering::SeqCst), 0);
        assert_eq!(awake.update(2, true), AwakeChange::Held, "tried again");
        assert_eq!(live.load(Ordering::SeqCst), 1);
    }
}
