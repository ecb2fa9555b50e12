//! A throttle for "something changed" signals (the `jobs-changed` hint, tray rebuilds): the
//! first change after a quiet spell goes out at once, changes within the interval after it
//! wait and go out as one at the interval's end, so there is at most one signal per
//! interval and the last change is never left unsignalled.

use std::time::{Duration, Instant};

/// Decides when a signal for pending changes goes out.
#[derive(Debug, Clone)]
pub struct Throttle {
    interval: Duration,
    pending: bool,
    next_allowed: Option<Instant>,
}

impl Throttle {
    /// A throttle allowing one signal per `interval`.
    pub fn new(interval: Duration) -> Self {
        Throttle {
            interval,
            pending: false,
            next_allowed: None,
        }
    }

    /// Notes a change to be signalled.
    pub fn changed(&mut self) {
        self.pending = true;
    }

    /// When the pending signal may go out (`now` when it may at once); `None` when nothing
    /// is pending.
    pub fn due(&self, now: Instant) -> Option<Instant> {
        self.pending
            .then(|| self.next_allowed.map_or(now, |next| next.max(now)))
    }

    /// Whether a signal goes out at `now`; if so, the pending changes count as signalled.
    pub fn take(&mut self, now: Instant) -> bool {
        let allowed = self.next_allowed.is_none_or(|next| now >= next);
        if !(self.pending && allowed) {
            return false;
        }
        self.pending = false;
        self.next_allowed = Some(now + self.interval);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn nothing_goes_out_without_a_change() {
        let mut t = Throttle::new(250 * MS);
        let now = Instant::now();
        assert_eq!(t.due(now), None);
        assert!(!t.take(now));
    }

    #[test]
    fn the_first_change_goes_out_at_once_and_only_once() {
        let mut t = Throttle::new(250 * MS);
        let t0 = Instant::now();
        t.changed();
        assert_eq!(t.due(t0), Some(t0));
        assert!(t.take(t0));
        assert!(!t.take(t0 + 300 * MS), "nothing new to signal");
        assert_eq!(t.due(t0 + 300 * MS), None);
    }

    #[test]
    fn a_burst_is_one_signal_per_interval_with_the_last_change_signalled() {
        let mut t = Throttle::new(250 * MS);
        let t0 = Instant::now();
        let mut sent = Vec::new();
        // 1,500 changes, one every millisecond: 1.5 s of changes.
        for i in 0..1500u32 {
            let now = t0 + i * MS;
            t.changed();
            if t.take(now) {
                sent.push(now);
            }
        }
        // The last ones are still pending: they go out when due.
        let due = t.due(t0 + 1500 * MS).expect("the tail is pending");
        assert!(t.take(due));
        sent.push(due);
        assert_eq!(sent.len(), 7, "{sent:?}");
        assert!(
            sent.windows(2).all(|w| w[1] - w[0] >= 250 * MS),
            "at most one per interval"
        );
        assert_eq!(t.due(due + 1000 * MS), None, "nothing is left");
    }

    #[test]
    fn a_change_within_the_interval_waits_for_its_end() {
        let mut t = Throttle::new(250 * MS);
        let t0 = Instant::now();
        t.changed();
        assert!(t.take(t0));
        t.changed();
        assert_eq!(t.due(t0 + 10 * MS), Some(t0 + 250 * MS));
        assert!(!t.take(t0 + 249 * MS));
        assert!(t.take(t0 + 250 * MS));
        // After a quiet spell the next change goes out at once again.
        t.changed();
        assert_eq!(t.due(t0 + 2000 * MS), Some(t0 + 2000 * MS));
    }
}
