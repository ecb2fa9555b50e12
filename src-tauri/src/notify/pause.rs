//! The notice for a paused job: only when the user must act on it.

use jobs::JobId;

use super::{Button, Notice, NotificationSettings, Target, WindowView, kind_label};

/// The notice for a job that paused, only when the user must act (a refused key, a spending
/// cap reached); a pause that clears by itself (offline, rate limit, server down) or one the
/// user made says nothing. Nothing either while the user is looking: the page shows it.
pub fn pause_notice(
    id: JobId,
    kind: &str,
    title: &str,
    pause: &jobs::Pause,
    view: WindowView,
    settings: &NotificationSettings,
) -> Option<Notice> {
    use jobs::PauseReason;
    if view.attended() || !settings.allows(kind) {
        return None;
    }
    let search = pause.service.as_deref() == Some(strategy::wait::Service::SearchServer.as_str());
    let what = match pause.reason {
        PauseReason::Unauthorized if search => {
            "the search server refused access; check the search settings"
        }
        PauseReason::Unauthorized => "the model server refused the API key; check it in Settings",
        PauseReason::OverBudget => "it reached its spending cap; continue it with more",
        PauseReason::Offline
        | PauseReason::RateLimited
        | PauseReason::ProviderDown
        | PauseReason::ByUser => return None,
    };
    Some(Notice {
        title: format!("{title} is waiting for you"),
        body: format!("{} paused: {what}.", kind_label(kind)),
        target: Target::Job { id },
        button: Some(Button::Open),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobs::{Pause, PauseReason};

    const AWAY: WindowView = WindowView {
        visible: false,
        focused: false,
        minimized: false,
    };

    #[test]
    fn only_pauses_the_user_must_act_on_notify_and_only_when_away() {
        let settings = NotificationSettings::default();
        let id = JobId::new();
        let notice = |reason, view| {
            pause_notice(
                id,
                "epm_generation",
                "Program for A",
                &Pause::now(reason),
                view,
                &settings,
            )
        };
        for reason in PauseReason::ALL {
            let expected = matches!(reason, PauseReason::Unauthorized | PauseReason::OverBudget);
            assert_eq!(notice(reason, AWAY).is_some(), expected, "{reason:?}");
        }
        let key = notice(PauseReason::Unauthorized, AWAY).expect("a notice");
        assert_eq!(key.title, "Program for A is waiting for you");
        assert!(key.body.contains("API key"), "{}", key.body);
        assert_eq!(key.target, Target::Job { id });
        assert_eq!(key.button, Some(Button::Open));
        let front = WindowView {
            visible: true,
            focused: true,
            minimized: false,
        };
        assert_eq!(notice(PauseReason::OverBudget, front), None);
        let off = NotificationSettings {
            enabled: false,
            ..NotificationSettings::default()
        };
        let search = Pause {
            service: Some("search_server".into()),
            ..Pause::now(PauseReason::Unauthorized)
        };
        let said =
            pause_notice(id, "web_research", "R", &search, AWAY, &settings).expect("a notice");
        assert!(
            said.body.contains("the search server refused access"),
            "{}",
            said.body
        );
        let p = Pause::now(PauseReason::OverBudget);
        assert_eq!(
            pause_notice(id, "epm_generation", "A", &p, AWAY, &off),
            None
        );
    }
}
