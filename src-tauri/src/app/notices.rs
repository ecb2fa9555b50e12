//! Showing notices and acting on clicks: on Linux over the freedesktop adapter (clicks and
//! buttons work), elsewhere through the notification plugin (no click reaches the app).

use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use tauri_specta::Event;

use super::window;
use crate::Navigate;
use crate::notify::Notice;
use crate::notify::click::{Clicked, Landing, Target, landing};
use crate::state::AppState;

/// Where notices go; managed by the app.
pub struct Notices {
    #[cfg(target_os = "linux")]
    freedesktop: Option<super::freedesktop::FreedesktopNotices>,
}

/// The file that keeps the sent notices' targets across restarts.
const SENT_FILE: &str = "notifications-sent.json";

impl Notices {
    /// Starts the platform's notification path; clicks go to [`on_click`].
    #[cfg_attr(not(target_os = "linux"), allow(unused_variables))]
    pub fn start(app: &AppHandle, data_dir: &std::path::Path) -> Notices {
        #[cfg(target_os = "linux")]
        {
            let handle = app.clone();
            let name = app
                .config()
                .product_name
                .clone()
                .unwrap_or_else(|| "Charter".to_owned());
            let started = super::freedesktop::FreedesktopNotices::start(
                None,
                name,
                data_dir.join(SENT_FILE),
                move |target, clicked| on_click(&handle, target, clicked),
            );
            match started {
                Ok(adapter) => Notices {
                    freedesktop: Some(adapter),
                },
                Err(e) => {
                    tracing::warn!(error = %e, "no session bus: notifications go through the plugin, without clicks");
                    Notices { freedesktop: None }
                }
            }
        }
        #[cfg(not(target_os = "linux"))]
        Notices {}
    }
}

/// Shows a native notification.
pub(super) fn show(app: &AppHandle, notice: Notice) {
    #[cfg(target_os = "linux")]
    if let Some(notices) = app.try_state::<Notices>()
        && let Some(adapter) = notices.freedesktop.as_ref()
    {
        adapter.send(notice);
        return;
    }
    let shown = app
        .notification()
        .builder()
        .title(&notice.title)
        .body(&notice.body)
        .show();
    if let Err(e) = shown {
        tracing::warn!(error = %e, "notification failed");
    }
}

/// A click on a notice: brings the window up on what the notice was about.
fn on_click(app: &AppHandle, target: Target, clicked: Clicked) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let engine = app.state::<AppState>().workspace.engine().clone();
        let now = match target {
            Target::Job { id } => match engine.get(id).await {
                Ok(snapshot) => Some(snapshot.job.status),
                Err(jobs::Error::NotFound(_)) => None,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the clicked notice's job");
                    window::show_main(&app);
                    return;
                }
            },
            Target::Jobs | Target::Window => None,
        };
        // The click is the user seeing it: no "while you were away" for it once the window shows.
        if let (Target::Job { id }, Some(status)) = (target, now)
            && status.is_finished()
            && let Err(e) = engine.mark_seen(&[id]).await
        {
            tracing::debug!(error = %e, "cannot mark the clicked job seen");
        }
        let page = match landing(target, clicked, now) {
            Landing::Window => None,
            Landing::Page(page) => Some(page),
            Landing::RetryThenShow(id) => {
                if let Err(e) = engine.retry(id).await {
                    tracing::warn!(error = %e, job = %id, "retry from a notification failed");
                }
                Some(Navigate::Job { id: id.to_string() })
            }
        };
        window::show_main(&app);
        if let Some(page) = page
            && let Err(e) = page.emit(&app)
        {
            tracing::warn!(error = %e, "cannot ask the window to show a page");
        }
    });
}
