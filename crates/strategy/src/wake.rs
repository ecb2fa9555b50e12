//! Noticing that the machine slept, without help from the OS: the monotonic clock stops while
//! suspended and the wall clock does not, so a tick whose wall-clock time ran well ahead of its
//! monotonic time spanned a sleep. Used where no sleep/wake signal is available.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// The two clocks, read together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sample {
    /// Wall-clock time (runs on during sleep).
    pub wall: DateTime<Utc>,
    /// Monotonic time (stops during sleep).
    pub mono: Instant,
}

/// Where the detector reads the time; tests inject a clock that jumps.
pub trait Clock: Send + Sync {
    /// Both clocks now.
    fn sample(&self) -> Sample;
}

/// The system's clocks.
pub struct SystemClock;

impl Clock for SystemClock {
    fn sample(&self) -> Sample {
        Sample {
            wall: Utc::now(),
            mono: Instant::now(),
        }
    }
}

/// How long the machine slept between two samples: the wall clock's advance beyond the
/// monotonic clock's, when it exceeds `tolerance`. A wall clock set back is no sleep.
pub fn slept(before: Sample, after: Sample, tolerance: Duration) -> Option<Duration> {
    let wall = (after.wall - before.wall).to_std().ok()?;
    let mono = after.mono.saturating_duration_since(before.mono);
    let gap = wall.checked_sub(mono)?;
    (gap > tolerance).then_some(gap)
}

/// Samples `clock` every `period` and calls `on_wake` with the time slept whenever a tick
/// spanned a sleep longer than `tolerance`; stops when `cancel` is cancelled.
pub fn spawn_wake_detector(
    clock: Arc<dyn Clock>,
    period: Duration,
    tolerance: Duration,
    cancel: CancellationToken,
    on_wake: impl Fn(Duration) + Send + Sync + 'static,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut before = clock.sample();
        loop {
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep(period) => {}
            }
            let after = clock.sample();
            if let Some(gap) = slept(before, after, tolerance) {
                tracing::info!(slept_s = gap.as_secs(), "the machine woke from sleep");
                on_wake(gap);
            }
            before = after;
        }
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + secs, 0).expect("time")
    }

    #[tokio::test(start_paused = true)]
    async fn a_wall_clock_ahead_of_the_monotonic_one_is_a_sleep() {
        let mono = Instant::now();
        let s = |wall: i64, mono_secs: u64| Sample {
            wall: at(wall),
            mono: mono + Duration::from_secs(mono_secs),
        };
        let tolerance = Duration::from_secs(10);
        // Both advanced alike: awake.
        assert_eq!(slept(s(0, 0), s(30, 30), tolerance), None);
        // Small drift (NTP slewing, a slow tick) is tolerated.
        assert_eq!(slept(s(0, 0), s(38, 30), tolerance), None);
        // Thirty seconds of monotonic time, ten minutes of wall time: slept 9.5 minutes.
        assert_eq!(
            slept(s(0, 0), s(600, 30), tolerance),
            Some(Duration::from_secs(570))
        );
        // The wall clock set back is not a sleep.
        assert_eq!(slept(s(600, 0), s(0, 30), tolerance), None);
    }

    /// A clock that follows tokio's (paused) time, plus jumps of the wall clock.
    struct JumpingClock {
        start: Sample,
        jumped: Mutex<chrono::Duration>,
    }

    impl Clock for JumpingClock {
        fn sample(&self) -> Sample {
            let mono = Instant::now();
            let ran = chrono::Duration::from_std(mono - self.start.mono).expect("duration");
            let jumped = *self.jumped.lock().expect("lock");
            Sample {
                wall: self.start.wall + ran + jumped,
                mono,
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_detector_reports_each_sleep_once() {
        let clock = Arc::new(JumpingClock {
            start: Sample {
                wall: at(0),
                mono: Instant::now(),
            },
            jumped: Mutex::new(chrono::Duration::zero()),
        });
        let woke = Arc::new(Mutex::new(Vec::new()));
        let seen = woke.clone();
        let cancel = CancellationToken::new();
        let task = spawn_wake_detector(
            clock.clone(),
            Duration::from_secs(5),
            Duration::from_secs(10),
            cancel.clone(),
            move |gap| seen.lock().expect("lock").push(gap),
        );
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert!(woke.lock().expect("lock").is_empty(), "awake all along");

        // The machine sleeps an hour: the wall clock jumps, the monotonic one does not.
        *clock.jumped.lock().expect("lock") = chrono::Duration::hours(1);
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(
            *woke.lock().expect("lock"),
            [Duration::from_secs(3600)],
            "one wake, the hour slept"
        );
        cancel.cancel();
        task.await.expect("the detector stops");
    }
}
