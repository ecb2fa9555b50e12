//! The main window and quitting: showing it, closing it to the tray (with a one-time
//! hint), and a quit that asks first when jobs are running.

use std::sync::atomic::Ordering;
use std::time::Duration;

use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons};

use super::{MAIN, TRAY_AVAILABLE, save_settings_later};
use crate::notify::{Notice, WindowView};
use crate::state::AppState;

/// How long a quit waits for running jobs to reach a checkpoint.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// The window as the user sees it now.
pub(super) fn view(app: &AppHandle) -> WindowView {
    match app.get_webview_window(MAIN) {
        Some(w) => WindowView {
            visible: w.is_visible().unwrap_or(false),
            focused: w.is_focused().unwrap_or(false),
            minimized: w.is_minimized().unwrap_or(false),
        },
        None => WindowView {
            visible: false,
            focused: false,
            minimized: false,
        },
    }
}

/// Brings the window to the front.
pub(super) fn show_main(app: &AppHandle) {
    if let Some(w) = app.get_webview_window(MAIN) {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

/// Asks before quitting, saying what happens to running jobs; with nothing running it quits
/// at once unless `always_ask` (closing the window where no tray can bring it back).
pub(super) fn request_quit(app: &AppHandle, always_ask: bool) {
    let state = app.state::<AppState>();
    let running = state.workspace.engine().running().len();
    if running == 0 {
        if !always_ask {
            quit_now(app.clone());
            return;
        }
        let handle = app.clone();
        app.dialog()
            .message("This desktop has no tray to keep Charter in, so closing the window quits it.")
            .title("Quit Charter?")
            .buttons(MessageDialogButtons::OkCancelCustom(
                "Quit".into(),
                "Cancel".into(),
            ))
            .show(move |quit| {
                if quit {
                    quit_now(handle);
                }
            });
        return;
    }
    let fate = if state.settings().auto_resume {
        "They will resume where they left off the next time you open Charter."
    } else {
        "They will be marked interrupted; you can retry them from their last completed step."
    };
    let jobs = if running == 1 {
        "1 job is".to_owned()
    } else {
        format!("{running} jobs are")
    };
    let handle = app.clone();
    app.dialog()
        .message(format!("{jobs} still running. {fate}"))
        .title("Quit Charter?")
        .buttons(MessageDialogButtons::OkCancelCustom(
            "Quit".into(),
            "Keep running".into(),
        ))
        .show(move |quit| {
            if quit {
                quit_now(handle);
            }
        });
}

/// Stops the engine gracefully (checkpoints flushed), then exits.
fn quit_now(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let workspace = app.state::<AppState>().workspace.clone();
        workspace.engine().shutdown(SHUTDOWN_GRACE).await;
        app.exit(0);
    });
}

/// The close button: hides to the tray where there is one (explaining it the first time),
/// otherwise asks to quit.
pub(super) fn on_close_requested(app: &AppHandle, api: &tauri::CloseRequestApi) {
    let state = app.state::<AppState>();
    let settings = state.settings();
    api.prevent_close();
    let to_tray = settings.close_to_tray && TRAY_AVAILABLE.load(Ordering::Relaxed);
    tracing::info!(to_tray, "the window's close button was pressed");
    if to_tray {
        if let Some(w) = app.get_webview_window(MAIN)
            && let Err(e) = w.hide()
        {
            tracing::warn!(error = %e, "the window could not be hidden");
        }
        if !settings.tray_hint_shown {
            super::notices::show(
                app,
                Notice::about_charter(
                    "Charter is still running",
                    "Your jobs continue in the background. Open Charter again from the tray icon.",
                ),
            );
            let mut updated = settings;
            updated.tray_hint_shown = true;
            save_settings_later(app, updated);
        }
    } else {
        request_quit(app, true);
    }
}
