//! How Charter starts: shown, or hidden in the tray (the start at login), and starting at
//! login itself (an autostart entry that passes [`HIDDEN_FLAG`]).

use tauri::{AppHandle, Manager};
use tauri_plugin_autostart::ManagerExt;

use crate::notify::{self, Finished, Notice};
use crate::state::AppState;

/// The argument of a start at login: no window, only the tray.
pub const HIDDEN_FLAG: &str = "--hidden";

/// Whether to start without showing the window: asked for with [`HIDDEN_FLAG`], and only
/// when a tray exists to come back through (never a running app with no way in).
pub fn starts_hidden<S: AsRef<str>>(args: impl IntoIterator<Item = S>, tray: bool) -> bool {
    tray && args.into_iter().any(|a| a.as_ref() == HIDDEN_FLAG)
}

/// The one notice a hidden start gives for results finished while Charter was closed and
/// not seen yet (none when there are none).
pub fn unseen_notice(unseen: &[jobs::JobRecord]) -> Option<Notice> {
    let finished: Vec<Finished> = unseen
        .iter()
        .map(|j| Finished {
            id: j.id,
            kind: j.kind.clone(),
            title: j.title.clone(),
            status: j.status,
        })
        .collect();
    notify::notice(&finished)
}

/// Announces, once, what finished unseen: a hidden start's only word to the user.
pub async fn announce_unseen(app: &AppHandle) {
    let engine = app.state::<AppState>().workspace.engine().clone();
    match engine.recent_completions(0, 50).await {
        Ok(unseen) => {
            if let Some(notice) = unseen_notice(&unseen) {
                super::notices::show(app, notice);
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot read unseen results"),
    }
}

/// Makes the autostart entry match the setting (written or removed only when it differs).
pub fn sync_autostart(app: &AppHandle, wanted: bool) {
    // The entry's folder (~/.config/autostart, whatever XDG_CONFIG_HOME says) may not exist
    // yet on a fresh account, and the launcher does not make it.
    #[cfg(target_os = "linux")]
    if wanted && let Ok(home) = app.path().home_dir() {
        let _ = std::fs::create_dir_all(home.join(".config").join("autostart"));
    }
    let launcher = app.autolaunch();
    let current = launcher.is_enabled().unwrap_or(false);
    let result = match (wanted, current) {
        (true, false) => launcher.enable(),
        (false, true) => launcher.disable(),
        _ => Ok(()),
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, wanted, "cannot change the start at login");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_hidden_start_with_a_tray_stays_hidden() {
        assert!(starts_hidden(["charter", "--hidden"], true));
        assert!(!starts_hidden(["charter"], true));
        // Without a tray there would be no way in: the window shows.
        assert!(!starts_hidden(["charter", "--hidden"], false));
        assert!(!starts_hidden(["charter", "--hidden=no"], true));
    }

    #[test]
    fn nothing_unseen_says_nothing() {
        assert_eq!(unseen_notice(&[]), None);
    }
}
