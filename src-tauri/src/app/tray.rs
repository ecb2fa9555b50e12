//! The tray icon: whether this desktop can show one, its menu (the running jobs, the
//! notifications switch, quit), rebuilding it as jobs change, and what its items do.

use std::sync::Mutex;
use std::sync::atomic::Ordering;
#[cfg(target_os = "linux")]
use std::time::Duration;

use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

use super::tray_menu::{Change, Line, Shape, change};
use super::{TRAY_AVAILABLE, save_settings_later, window};
use crate::state::AppState;
use crate::{Navigate, tray_text};

/// The tray icon's id.
const TRAY: &str = "main-tray";

/// Menu item ids; a running job's item is [`JOB_PREFIX`] and its id.
const OPEN: &str = "open";
const COUNT: &str = "count";
const JOBS: &str = "jobs";
const UNSEEN: &str = "unseen";
const NOTIFICATIONS: &str = "notifications";
const QUIT: &str = "quit";
const JOB_PREFIX: &str = "job:";

/// What a click on a tray menu item does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TrayAction {
    /// Shows the window as it was.
    Show,
    /// Shows the window on a page.
    ShowPage(Navigate),
    /// Turns notifications on or off.
    ToggleNotifications,
    /// Asks to quit.
    Quit,
}

/// The action of the menu item `id`; `None` for items that do nothing (the count line).
pub(crate) fn action(id: &str) -> Option<TrayAction> {
    match id {
        OPEN => Some(TrayAction::Show),
        JOBS | UNSEEN => Some(TrayAction::ShowPage(Navigate::Jobs)),
        NOTIFICATIONS => Some(TrayAction::ToggleNotifications),
        QUIT => Some(TrayAction::Quit),
        other => other
            .strip_prefix(JOB_PREFIX)
            .filter(|job| !job.is_empty())
            .map(|job| TrayAction::ShowPage(Navigate::Job { id: job.to_owned() })),
    }
}

fn on_menu(app: &AppHandle, id: &str) {
    match action(id) {
        Some(TrayAction::Show) => window::show_main(app),
        Some(TrayAction::ShowPage(page)) => {
            window::show_main(app);
            if let Err(e) = page.emit(app) {
                tracing::warn!(error = %e, "cannot ask the window to show a page");
            }
        }
        Some(TrayAction::ToggleNotifications) => {
            let mut settings = app.state::<AppState>().settings();
            settings.notifications.enabled = !settings.notifications.enabled;
            save_settings_later(app, settings);
        }
        Some(TrayAction::Quit) => window::request_quit(app, false),
        None => {}
    }
}

/// Does a StatusNotifier host (a tray) exist on this desktop?
#[cfg(target_os = "linux")]
fn host_present() -> bool {
    let check = || -> Result<bool, dbus::Error> {
        let conn = dbus::blocking::Connection::new_session()?;
        let proxy = conn.with_proxy(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            Duration::from_millis(500),
        );
        let (owned,): (bool,) = proxy.method_call(
            "org.freedesktop.DBus",
            "NameHasOwner",
            ("org.kde.StatusNotifierWatcher",),
        )?;
        Ok(owned)
    };
    check().unwrap_or(false)
}

#[cfg(not(target_os = "linux"))]
fn host_present() -> bool {
    true
}

/// Is the appindicator library installed? The tray crate panics without it, so the app
/// checks first and runs without a tray instead.
#[cfg(target_os = "linux")]
pub(super) fn library_present() -> bool {
    ["libayatana-appindicator3.so.1", "libappindicator3.so.1"]
        .iter()
        .any(|name| {
            // SAFETY: loading the library runs only its own initialisers, exactly as the
            // tray does when it loads the same library right after.
            unsafe { libloading::Library::new(name) }.is_ok()
        })
}

#[cfg(not(target_os = "linux"))]
pub(super) fn library_present() -> bool {
    true
}

/// A plain menu entry.
fn item(
    app: &AppHandle,
    id: &str,
    label: &str,
    enabled: bool,
) -> tauri::Result<MenuItem<tauri::Wry>> {
    MenuItem::with_id(app, id, label, enabled, None::<&str>)
}

/// The menu shown now: what it says and its changing items, in the same order.
struct ShownMenu {
    shape: Shape,
    items: Vec<MenuItem<tauri::Wry>>,
}

/// The menu last given to the tray icon.
static SHOWN: Mutex<Option<ShownMenu>> = Mutex::new(None);

/// What the menu should say: the running count, each running job, the unseen results.
fn wanted(app: &AppHandle, running: &[jobs::JobRecord], unseen: u64) -> Shape {
    let line = |id: &str, text: String| Line {
        id: id.to_owned(),
        text,
    };
    let mut lines = vec![line(COUNT, tray_text::running_line(running.len()))];
    for job in running.iter().take(tray_text::MAX_TRAY_JOBS) {
        lines.push(line(
            &format!("{JOB_PREFIX}{}", job.id),
            tray_text::job_line(job),
        ));
    }
    if let Some(text) = tray_text::unseen_line(unseen) {
        lines.push(line(UNSEEN, text));
    }
    let notifications = app.state::<AppState>().settings().notifications.enabled;
    Shape {
        lines,
        notifications,
    }
}

/// A new menu for `shape`, with its changing items.
fn menu(app: &AppHandle, shape: Shape) -> tauri::Result<(Menu<tauri::Wry>, ShownMenu)> {
    let menu = Menu::new(app)?;
    menu.append(&item(app, OPEN, "Open Charter", true)?)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    let mut items = Vec::with_capacity(shape.lines.len());
    for line in &shape.lines {
        // The count line is a heading, not an action.
        let entry = item(app, &line.id, &line.text, line.id != COUNT)?;
        menu.append(&entry)?;
        items.push(entry);
    }
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&item(app, JOBS, "Jobs…", true)?)?;
    menu.append(&CheckMenuItem::with_id(
        app,
        NOTIFICATIONS,
        "Notifications",
        true,
        shape.notifications,
        None::<&str>,
    )?)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&item(app, QUIT, "Quit Charter", true)?)?;
    Ok((menu, ShownMenu { shape, items }))
}

/// Brings the tray's menu to `shape`: relabelled in place when the same items remain.
fn show(app: &AppHandle, tray: &tauri::tray::TrayIcon, shape: Shape) -> tauri::Result<()> {
    let mut shown = SHOWN.lock().unwrap_or_else(|p| p.into_inner());
    match change(shown.as_ref().map(|m| &m.shape), &shape) {
        Change::Nothing => {}
        Change::Relabel(lines) => {
            if let Some(current) = shown.as_mut() {
                for (index, text) in lines {
                    if let Some(entry) = current.items.get(index) {
                        entry.set_text(&text)?;
                    }
                }
                current.shape = shape;
            }
        }
        Change::Rebuild => {
            let (menu, built) = menu(app, shape)?;
            tray.set_menu(Some(menu))?;
            *shown = Some(built);
        }
    }
    Ok(())
}

/// Rebuilds the menu and tooltip from the jobs running now, and retitles the window.
pub(super) fn refresh(app: &AppHandle) {
    let running = app.state::<AppState>().workspace.engine().running();
    if let Some(window) = app.get_webview_window(super::MAIN)
        && let Err(e) = window.set_title(&tray_text::window_title(&running))
    {
        tracing::debug!(error = %e, "cannot retitle the window");
    }
    let Some(tray) = app.tray_by_id(TRAY) else {
        return;
    };
    // The unseen count is a database read: the menu is rebuilt once it is in.
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let engine = app.state::<AppState>().workspace.engine().clone();
        let unseen = engine.unseen_count().await.unwrap_or_else(|e| {
            tracing::debug!(error = %e, "cannot count unseen results");
            0
        });
        let shape = wanted(&app, &running, unseen);
        if let Err(e) = show(&app, &tray, shape) {
            tracing::warn!(error = %e, "cannot update the tray menu");
        }
        let _ = tray.set_tooltip(Some(tray_text::tooltip(running.len())));
    });
}

/// Shows the tray icon, if a tray host can show it.
pub(super) fn build(app: &tauri::App, handle: &AppHandle) -> tauri::Result<()> {
    TRAY_AVAILABLE.store(host_present(), Ordering::Relaxed);
    let running = handle.state::<AppState>().workspace.engine().running();
    let (menu, built) = menu(handle, wanted(handle, &running, 0))?;
    let mut tray = TrayIconBuilder::with_id(TRAY)
        .menu(&menu)
        .tooltip(tray_text::tooltip(running.len()))
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| on_menu(app, event.id().as_ref()));
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    match tray.build(app) {
        Ok(_) => *SHOWN.lock().unwrap_or_else(|p| p.into_inner()) = Some(built),
        Err(e) => {
            // No appindicator library: the app runs without a tray, and closing quits.
            tracing::warn!(error = %e, "no tray icon");
            TRAY_AVAILABLE.store(false, Ordering::Relaxed);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_menu_item_maps_to_its_action() {
        assert_eq!(action(OPEN), Some(TrayAction::Show));
        assert_eq!(action(JOBS), Some(TrayAction::ShowPage(Navigate::Jobs)));
        assert_eq!(action(UNSEEN), Some(TrayAction::ShowPage(Navigate::Jobs)));
        assert_eq!(action(NOTIFICATIONS), Some(TrayAction::ToggleNotifications));
        assert_eq!(action(QUIT), Some(TrayAction::Quit));
        let id = "0192e3a4-5b6c-7d8e-9f00-112233445566";
        assert_eq!(
            action(&format!("{JOB_PREFIX}{id}")),
            Some(TrayAction::ShowPage(Navigate::Job { id: id.into() }))
        );
    }

    #[test]
    fn inert_or_unknown_items_do_nothing() {
        assert_eq!(action(COUNT), None);
        assert_eq!(action(JOB_PREFIX), None, "a job item without an id");
        assert_eq!(action(""), None);
        assert_eq!(action("something-else"), None);
    }

    #[test]
    fn navigation_reaches_the_ui_as_a_tagged_target() {
        assert_eq!(
            serde_json::to_value(Navigate::Jobs).expect("json"),
            serde_json::json!({"to": "jobs"})
        );
        assert_eq!(
            serde_json::to_value(Navigate::Job { id: "j1".into() }).expect("json"),
            serde_json::json!({"to": "job", "id": "j1"})
        );
    }
}
