//! Where a click on a notification lands, decided from what the notice was about and what
//! its job is now; the platform adapter only reports which notice and which action.

use std::collections::VecDeque;

use jobs::{JobId, JobStatus};
use serde::{Deserialize, Serialize};

use crate::Navigate;

/// What a notice is about, and so where a click on it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum Target {
    /// Charter itself (the tray hint): the window, as it was.
    Window,
    /// Several jobs at once: the Jobs page.
    Jobs,
    /// One job.
    Job {
        /// Its id.
        id: JobId,
    },
}

/// The one button a notice offers beside a click on its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Button {
    /// Opens the finished job's result.
    Open,
    /// Runs the failed job again.
    Retry,
    /// Shows every job of a merged notice.
    ViewAll,
}

/// The action key of a click on the notice's body (the freedesktop spec's name).
pub const DEFAULT_KEY: &str = "default";

impl Button {
    const ALL: [Button; 3] = [Button::Open, Button::Retry, Button::ViewAll];

    /// The action key sent to the notification server.
    pub fn key(self) -> &'static str {
        match self {
            Button::Open => "open",
            Button::Retry => "retry",
            Button::ViewAll => "view_all",
        }
    }

    /// The button's words.
    pub fn label(self) -> &'static str {
        match self {
            Button::Open => "Open",
            Button::Retry => "Retry",
            Button::ViewAll => "View all",
        }
    }
}

/// What the user clicked on a notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clicked {
    /// The notice itself.
    Body,
    /// One of its buttons.
    Button(Button),
}

impl Clicked {
    /// The click an action key reports; `None` for a key Charter never sent.
    pub fn from_key(key: &str) -> Option<Clicked> {
        if key == DEFAULT_KEY {
            return Some(Clicked::Body);
        }
        Button::ALL
            .into_iter()
            .find(|b| b.key() == key)
            .map(Clicked::Button)
    }
}

/// What a click does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Landing {
    /// Shows the window on whatever page it was.
    Window,
    /// Shows the window on this page.
    Page(Navigate),
    /// Runs the job again, then shows it.
    RetryThenShow(JobId),
}

/// What the Jobs page says when the job a notice named is gone.
pub const DELETED: &str = "The job that notification was about has been deleted.";

/// Where a click lands: `now` is the job's status at the click (`None` once deleted).
pub fn landing(target: Target, clicked: Clicked, now: Option<JobStatus>) -> Landing {
    let id = match target {
        Target::Window => return Landing::Window,
        Target::Jobs => return Landing::Page(Navigate::Jobs),
        Target::Job { id } => id,
    };
    let Some(status) = now else {
        return Landing::Page(Navigate::JobsExplained {
            message: DELETED.to_owned(),
        });
    };
    let retryable = matches!(status, JobStatus::Failed | JobStatus::Interrupted);
    match (clicked, status) {
        (Clicked::Button(Button::Retry), _) if retryable => Landing::RetryThenShow(id),
        (_, JobStatus::Completed) => Landing::Page(Navigate::Result { id: id.to_string() }),
        _ => Landing::Page(Navigate::Job { id: id.to_string() }),
    }
}

/// How many sent notices are remembered (a server keeps few more on screen or in its list).
const REMEMBERED: usize = 64;

/// The targets of notices sent lately, by the server's notification id, kept on disk so a
/// click on a notice sent before a restart still lands. Ids are only meaningful to the
/// server that gave them, so the list belongs to one server instance (its bus name).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentNotices {
    server: String,
    sent: VecDeque<(u32, Target)>,
}

impl SentNotices {
    /// The list as loaded, emptied when another server instance gave its ids (a restarted
    /// server reuses them for other notices, maybe other apps').
    pub fn for_server(mut self, server: &str) -> SentNotices {
        if self.server != server {
            self.sent.clear();
            self.server = server.to_owned();
        }
        self
    }

    /// Whether a click reported by bus name `sender` comes from the server that gave
    /// these ids (not one since restarted, nor anyone else).
    pub fn is_from(&self, sender: &str) -> bool {
        !self.server.is_empty() && self.server == sender
    }

    /// Remembers that notice `id` is about `target`.
    pub fn record(&mut self, id: u32, target: Target) {
        self.sent.retain(|(known, _)| *known != id);
        self.sent.push_back((id, target));
        while self.sent.len() > REMEMBERED {
            self.sent.pop_front();
        }
    }

    /// What notice `id` is about; `None` when Charter did not send it (another app's).
    pub fn target(&self, id: u32) -> Option<Target> {
        self.sent
            .iter()
            .rev()
            .find(|(known, _)| *known == id)
            .map(|(_, t)| *t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(id: JobId) -> Target {
        Target::Job { id }
    }

    #[test]
    fn action_keys_round_trip_and_unknown_keys_are_ignored() {
        assert_eq!(Clicked::from_key("default"), Some(Clicked::Body));
        for button in Button::ALL {
            assert_eq!(
                Clicked::from_key(button.key()),
                Some(Clicked::Button(button))
            );
        }
        assert_eq!(Clicked::from_key("inline-reply"), None);
        assert_eq!(Clicked::from_key(""), None);
    }

    #[test]
    fn a_finished_job_opens_its_result_and_anything_else_its_page() {
        let id = JobId::new();
        let result = Landing::Page(Navigate::Result { id: id.to_string() });
        let page = Landing::Page(Navigate::Job { id: id.to_string() });
        assert_eq!(
            landing(job(id), Clicked::Body, Some(JobStatus::Completed)),
            result
        );
        assert_eq!(
            landing(
                job(id),
                Clicked::Button(Button::Open),
                Some(JobStatus::Completed)
            ),
            result
        );
        for status in [JobStatus::Failed, JobStatus::Running, JobStatus::Paused] {
            assert_eq!(
                landing(job(id), Clicked::Body, Some(status)),
                page,
                "{status:?}"
            );
        }
    }

    #[test]
    fn retry_runs_a_failed_job_again_once() {
        let id = JobId::new();
        let retry = Clicked::Button(Button::Retry);
        for status in [JobStatus::Failed, JobStatus::Interrupted] {
            assert_eq!(
                landing(job(id), retry, Some(status)),
                Landing::RetryThenShow(id)
            );
        }
        // Already running again (a second click, or retried in the window): just show it.
        assert_eq!(
            landing(job(id), retry, Some(JobStatus::Running)),
            Landing::Page(Navigate::Job { id: id.to_string() })
        );
        // It succeeded since: its result.
        assert_eq!(
            landing(job(id), retry, Some(JobStatus::Completed)),
            Landing::Page(Navigate::Result { id: id.to_string() })
        );
    }

    #[test]
    fn a_deleted_job_lands_on_the_jobs_page_with_a_word_why() {
        let gone = landing(job(JobId::new()), Clicked::Button(Button::Retry), None);
        assert_eq!(
            gone,
            Landing::Page(Navigate::JobsExplained {
                message: DELETED.into()
            })
        );
    }

    #[test]
    fn merged_notices_show_all_jobs_and_the_hint_shows_the_window() {
        let all = Clicked::Button(Button::ViewAll);
        assert_eq!(
            landing(Target::Jobs, all, None),
            Landing::Page(Navigate::Jobs)
        );
        assert_eq!(
            landing(Target::Jobs, Clicked::Body, None),
            Landing::Page(Navigate::Jobs)
        );
        assert_eq!(
            landing(Target::Window, Clicked::Body, None),
            Landing::Window
        );
    }

    #[test]
    fn sent_notices_are_remembered_per_server_and_bounded() {
        let id = JobId::new();
        let mut sent = SentNotices::default().for_server(":1.7");
        sent.record(3, job(id));
        sent.record(4, Target::Jobs);
        assert_eq!(sent.target(3), Some(job(id)));
        assert_eq!(sent.target(5), None, "another app's notice");
        assert!(sent.is_from(":1.7") && !sent.is_from(":1.8"));
        assert!(!SentNotices::default().is_from(""), "no server known yet");
        // Reloaded after a restart against the same server: still known.
        let json = serde_json::to_string(&sent).expect("serialise");
        let loaded: SentNotices = serde_json::from_str(&json).expect("parse");
        assert_eq!(loaded.clone().for_server(":1.7").target(3), Some(job(id)));
        // A restarted server reuses ids for other notices: forget them.
        assert_eq!(loaded.for_server(":1.9").target(3), None);
        // A replaced id takes its new target; old entries fall off the front.
        sent.record(3, Target::Window);
        assert_eq!(sent.target(3), Some(Target::Window));
        for n in 100..100 + REMEMBERED as u32 {
            sent.record(n, Target::Jobs);
        }
        assert_eq!(sent.target(4), None);
        assert_eq!(sent.target(100), Some(Target::Jobs));
    }
}
