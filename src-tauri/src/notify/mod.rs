//! When to send a native notification, what it says and where a click on it lands: decided
//! here in plain Rust; the platform is called only at the edge (`app::notices`).

pub mod click;
mod pause;

pub use pause::pause_notice;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use jobs::{JobId, JobStatus};

pub use click::{Button, Target};

/// Finishes within this window coalesce into one notification.
pub const COALESCE_WINDOW: Duration = Duration::from_secs(2);

/// The window as the user sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowView {
    /// Shown (not hidden to the tray).
    pub visible: bool,
    /// Has keyboard focus.
    pub focused: bool,
    /// Minimised.
    pub minimized: bool,
}

impl WindowView {
    /// The user is looking at the app: the UI shows a toast instead.
    pub fn attended(&self) -> bool {
        self.visible && self.focused && !self.minimized
    }
}

/// Notification settings: on/off and per operation kind.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(default)]
pub struct NotificationSettings {
    /// All notifications.
    pub enabled: bool,
    /// Per kind (`epm_generation`…); a kind not listed notifies.
    pub kinds: BTreeMap<String, bool>,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        NotificationSettings {
            enabled: true,
            kinds: BTreeMap::new(),
        }
    }
}

impl NotificationSettings {
    /// Whether a job of `kind` may notify.
    pub fn allows(&self, kind: &str) -> bool {
        self.enabled && self.kinds.get(kind).copied().unwrap_or(true)
    }
}

/// A job that reached a terminal state.
#[derive(Debug, Clone, PartialEq)]
pub struct Finished {
    /// Job id.
    pub id: JobId,
    /// Kind name.
    pub kind: String,
    /// Job title ("Program for Harbour Coffee").
    pub title: String,
    /// Its outcome.
    pub status: JobStatus,
}

/// A notification to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// First line.
    pub title: String,
    /// Second line.
    pub body: String,
    /// What a click on it opens.
    pub target: Target,
    /// The button it offers beside a click on its body, where the server shows buttons.
    pub button: Option<Button>,
}

impl Notice {
    /// A notice about Charter itself (no job): a click shows the window.
    pub fn about_charter(title: &str, body: &str) -> Notice {
        Notice {
            title: title.to_owned(),
            body: body.to_owned(),
            target: Target::Window,
            button: None,
        }
    }
}

/// What to do with a finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Nothing (cancelled by the user, or notifications off for it).
    Ignore,
    /// The window is in front: the UI shows a toast.
    Toast,
    /// Held for a notification at `due`.
    Queued {
        /// When the coalesced notification goes out.
        due: Instant,
    },
}

/// Display name of an operation kind (the kind itself for a kind no operation runs as).
pub fn kind_label(kind: &str) -> &str {
    strategy::OperationKind::from_job_kind(kind).map_or(kind, |op| op.info().label)
}

fn outcome(status: JobStatus) -> &'static str {
    match status {
        JobStatus::Completed => "ready",
        JobStatus::Failed => "failed",
        JobStatus::Interrupted => "interrupted",
        JobStatus::Cancelled => "cancelled",
        JobStatus::Pending | JobStatus::Running => "running",
        JobStatus::Paused => "paused",
    }
}

/// Collects finishes and turns each burst into one notice.
#[derive(Debug, Default)]
pub struct Notifier {
    held: Vec<Finished>,
    due: Option<Instant>,
}

impl Notifier {
    /// Decides what a finish at `now` leads to.
    pub fn on_finished(
        &mut self,
        finished: Finished,
        window: WindowView,
        settings: &NotificationSettings,
        now: Instant,
    ) -> Decision {
        // The user cancelled it: they know.
        if finished.status == JobStatus::Cancelled || !settings.allows(&finished.kind) {
            return Decision::Ignore;
        }
        if window.attended() {
            return Decision::Toast;
        }
        let due = *self.due.get_or_insert(now + COALESCE_WINDOW);
        self.held.push(finished);
        Decision::Queued { due }
    }

    /// When the held finishes go out.
    pub fn due(&self) -> Option<Instant> {
        self.due
    }

    /// The coalesced notice, once due.
    pub fn flush(&mut self, now: Instant) -> Option<Notice> {
        match self.due {
            Some(due) if now >= due => {
                self.due = None;
                let held = std::mem::take(&mut self.held);
                notice(&held)
            }
            _ => None,
        }
    }
}

/// One notice for a burst of finishes.
pub fn notice(finished: &[Finished]) -> Option<Notice> {
    match finished {
        [] => None,
        [one] => Some(Notice {
            title: format!("{} {}", kind_label(&one.kind), outcome(one.status)),
            body: one.title.clone(),
            target: Target::Job { id: one.id },
            button: Some(match one.status {
                JobStatus::Failed | JobStatus::Interrupted => Button::Retry,
                _ => Button::Open,
            }),
        }),
        many => {
            let failed = many
                .iter()
                .filter(|f| f.status == JobStatus::Failed)
                .count();
            let ready = many.len() - failed;
            let title = format!("{} jobs finished", many.len());
            let mut body = match (ready, failed) {
                (_, 0) => "All ready".to_owned(),
                (0, _) => "All failed".to_owned(),
                (r, f) => format!("{r} ready, {f} failed"),
            };
            let names: Vec<&str> = many.iter().take(3).map(|f| f.title.as_str()).collect();
            body.push_str(": ");
            body.push_str(&names.join(", "));
            if many.len() > 3 {
                body.push_str(&format!(" and {} more", many.len() - 3));
            }
            Some(Notice {
                title,
                body,
                target: Target::Jobs,
                button: Some(Button::ViewAll),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(kind: &str, title: &str, status: JobStatus) -> Finished {
        Finished {
            id: JobId::default(),
            kind: kind.into(),
            title: title.into(),
            status,
        }
    }

    const AWAY: WindowView = WindowView {
        visible: false,
        focused: false,
        minimized: false,
    };

    #[test]
    fn a_focused_window_gets_a_toast_and_no_notification() {
        let mut n = Notifier::default();
        let front = WindowView {
            visible: true,
            focused: true,
            minimized: false,
        };
        let d = n.on_finished(
            done("epm_generation", "Program for Cafe", JobStatus::Completed),
            front,
            &NotificationSettings::default(),
            Instant::now(),
        );
        assert_eq!(d, Decision::Toast);
        assert_eq!(n.due(), None);
        // Visible but unfocused, or minimised, counts as away.
        for view in [
            WindowView {
                focused: false,
                ..front
            },
            WindowView {
                minimized: true,
                ..front
            },
            AWAY,
        ] {
            assert!(!view.attended());
        }
    }

    #[test]
    fn one_finish_names_the_job_and_its_outcome() {
        let mut n = Notifier::default();
        let t0 = Instant::now();
        let job = done(
            "epm_generation",
            "Program for Harbour Coffee",
            JobStatus::Completed,
        );
        let id = job.id;
        assert_eq!(
            n.on_finished(job, AWAY, &NotificationSettings::default(), t0),
            Decision::Queued {
                due: t0 + COALESCE_WINDOW
            }
        );
        assert_eq!(
            n.flush(t0 + Duration::from_secs(1)),
            None,
            "not before the window closes"
        );
        let notice = n.flush(t0 + COALESCE_WINDOW).expect("notice");
        assert_eq!(notice.title, "Program ready");
        assert_eq!(notice.body, "Program for Harbour Coffee");
        assert_eq!(notice.target, Target::Job { id });
        assert_eq!(notice.button, Some(Button::Open));
        assert_eq!(n.flush(t0 + Duration::from_secs(10)), None, "sent once");

        let failed = notice_of(&[done("web_research", "Research for Cafe", JobStatus::Failed)]);
        assert_eq!(failed.title, "Research failed");
        assert_eq!(
            failed.button,
            Some(Button::Retry),
            "a failed job offers Retry"
        );
    }

    fn notice_of(f: &[Finished]) -> Notice {
        notice(f).expect("notice")
    }

    #[test]
    fn finishes_within_two_seconds_coalesce() {
        let mut n = Notifier::default();
        let t0 = Instant::now();
        let s = NotificationSettings::default();
        n.on_finished(
            done("epm_generation", "Program for A", JobStatus::Completed),
            AWAY,
            &s,
            t0,
        );
        n.on_finished(
            done("bmc_research", "Canvas for A", JobStatus::Completed),
            AWAY,
            &s,
            t0 + Duration::from_millis(900),
        );
        let d = n.on_finished(
            done("web_research", "Research for A", JobStatus::Failed),
            AWAY,
            &s,
            t0 + Duration::from_millis(1900),
        );
        assert_eq!(
            d,
            Decision::Queued {
                due: t0 + COALESCE_WINDOW
            },
            "joins the first one's window"
        );
        let notice = n.flush(t0 + COALESCE_WINDOW).expect("one notice");
        assert_eq!(notice.title, "3 jobs finished");
        assert_eq!(
            notice.body,
            "2 ready, 1 failed: Program for A, Canvas for A, Research for A"
        );
        assert_eq!(notice.target, Target::Jobs);
        assert_eq!(notice.button, Some(Button::ViewAll));
        // A later finish starts a new window.
        let later = t0 + Duration::from_secs(5);
        assert_eq!(
            n.on_finished(
                done("five_whys", "Why", JobStatus::Completed),
                AWAY,
                &s,
                later
            ),
            Decision::Queued {
                due: later + COALESCE_WINDOW
            }
        );
    }

    #[test]
    fn settings_and_cancellations_silence_notifications() {
        let mut n = Notifier::default();
        let t0 = Instant::now();
        let off = NotificationSettings {
            enabled: false,
            ..NotificationSettings::default()
        };
        assert_eq!(
            n.on_finished(
                done("epm_generation", "P", JobStatus::Completed),
                AWAY,
                &off,
                t0
            ),
            Decision::Ignore
        );
        let mut research_off = NotificationSettings::default();
        research_off.kinds.insert("web_research".into(), false);
        assert_eq!(
            n.on_finished(
                done("web_research", "R", JobStatus::Completed),
                AWAY,
                &research_off,
                t0
            ),
            Decision::Ignore
        );
        assert!(matches!(
            n.on_finished(
                done("epm_generation", "P", JobStatus::Completed),
                AWAY,
                &research_off,
                t0
            ),
            Decision::Queued { .. }
        ));
        assert_eq!(
            n.on_finished(
                done("epm_generation", "P", JobStatus::Cancelled),
                AWAY,
                &NotificationSettings::default(),
                t0
            ),
            Decision::Ignore
        );
    }
}
