//! The application: start-up (settings, workspace, recovery before the window shows),
//! window life (close to tray, single instance), the tray, notifications, keep-awake and
//! a quit that asks first.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use jobs::{ChangeKind, EngineConfig};
use strategy::{Providers, Workspace, WorkspaceConfig};
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, RunEvent, WindowEvent};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons};
use tauri_plugin_notification::NotificationExt;
use tauri_plugin_store::StoreExt;
use tauri_specta::Event;

use crate::error::IpcError;
use crate::notify::{Decision, Finished, Notifier, WindowView};
use crate::settings::Settings;
use crate::state::{AppState, Watches};
use crate::{JobFinishedToast, JobsChanged, OpenJob, logging, tray_text};

const MAIN: &str = "main";
const TRAY: &str = "main-tray";
const SETTINGS_FILE: &str = "settings.json";
const SETTINGS_KEY: &str = "settings";
/// How long a quit waits for running jobs to reach a checkpoint.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);
/// Fewest milliseconds between two tray rebuilds.
const TRAY_REFRESH: Duration = Duration::from_millis(500);

/// Whether a tray host exists to show the icon; without one, closing must quit.
static TRAY_AVAILABLE: AtomicBool = AtomicBool::new(false);

/// Saves settings to the store.
pub fn persist_settings(app: &AppHandle, settings: &Settings) -> Result<(), IpcError> {
    let store = app
        .store(SETTINGS_FILE)
        .map_err(|e| IpcError::new("settings", format!("cannot open the settings file: {e}")))?;
    let value =
        serde_json::to_value(settings).map_err(|e| IpcError::new("settings", e.to_string()))?;
    store.set(SETTINGS_KEY, value);
    store
        .save()
        .map_err(|e| IpcError::new("settings", format!("cannot save the settings: {e}")))?;
    if let Ok(dir) = app.path().app_data_dir() {
        restrict(&dir.join(SETTINGS_FILE), 0o600);
    }
    Ok(())
}

fn load_settings(app: &AppHandle) -> Settings {
    let stored = match app.store(SETTINGS_FILE) {
        Ok(store) => store.get(SETTINGS_KEY),
        Err(e) => {
            tracing::warn!(error = %e, "settings file unreadable; using defaults");
            None
        }
    };
    let (settings, warning) = Settings::from_stored(stored);
    if let Some(warning) = warning {
        tracing::warn!("{warning}");
    }
    settings
}

/// Owner-only permissions on the data folder and the files in it.
#[cfg(unix)]
fn restrict(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    if let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)) {
        tracing::warn!(error = %e, path = %path.display(), "cannot restrict permissions");
    }
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) {}

fn window_view(app: &AppHandle) -> WindowView {
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

fn show_main(app: &AppHandle) {
    if let Some(w) = app.get_webview_window(MAIN) {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

fn notify(app: &AppHandle, title: &str, body: &str) {
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::warn!(error = %e, "notification failed");
    }
}

/// Does a StatusNotifier host (a tray) exist on this desktop?
#[cfg(target_os = "linux")]
fn tray_host_present() -> bool {
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
fn tray_host_present() -> bool {
    true
}

/// Is the appindicator library installed? The tray crate panics without it, so the app
/// checks first and runs without a tray instead.
#[cfg(target_os = "linux")]
fn tray_library_present() -> bool {
    ["libayatana-appindicator3.so.1", "libappindicator3.so.1"]
        .iter()
        .any(|name| {
            // SAFETY: loading the library runs only its own initialisers, exactly as the
            // tray does when it loads the same library right after.
            unsafe { libloading::Library::new(name) }.is_ok()
        })
}

#[cfg(not(target_os = "linux"))]
fn tray_library_present() -> bool {
    true
}

/// A plain menu entry.
fn item(
    app: &AppHandle,
    id: String,
    label: String,
    enabled: bool,
) -> tauri::Result<MenuItem<tauri::Wry>> {
    MenuItem::with_id(app, id, label, enabled, None::<&str>)
}

fn build_tray_menu(app: &AppHandle, state: &AppState) -> tauri::Result<Menu<tauri::Wry>> {
    let running = state.workspace.engine().running();
    let menu = Menu::new(app)?;
    menu.append(&item(app, "open".into(), "Open Charter".into(), true)?)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&item(
        app,
        "count".into(),
        tray_text::running_line(running.len()),
        false,
    )?)?;
    for job in running.iter().take(tray_text::MAX_TRAY_JOBS) {
        menu.append(&item(
            app,
            format!("job:{}", job.id),
            tray_text::job_line(job),
            true,
        )?)?;
    }
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&item(app, "jobs".into(), "Jobs…".into(), true)?)?;
    let enabled = state.settings().notifications.enabled;
    menu.append(&CheckMenuItem::with_id(
        app,
        "notifications",
        "Notifications",
        true,
        enabled,
        None::<&str>,
    )?)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&item(app, "quit".into(), "Quit Charter".into(), true)?)?;
    Ok(menu)
}

/// Saves settings from a menu or window handler: on the async runtime, never blocking the
/// main thread that those handlers run on; the tray shows the new state once saved.
fn save_settings_later(app: &AppHandle, settings: Settings) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        if let Err(e) = save_settings(&app, &state, settings) {
            tracing::warn!(error = %e, "cannot save settings");
        }
        refresh_tray(&app);
    });
}

/// Saves settings and makes them current.
pub(crate) fn save_settings(
    app: &AppHandle,
    state: &AppState,
    settings: Settings,
) -> Result<(), IpcError> {
    persist_settings(app, &settings)?;
    match state.settings.write() {
        Ok(mut current) => *current = settings,
        Err(poisoned) => *poisoned.into_inner() = settings,
    }
    Ok(())
}

fn refresh_tray(app: &AppHandle) {
    let state = app.state::<AppState>();
    let Some(tray) = app.tray_by_id(TRAY) else {
        return;
    };
    match build_tray_menu(app, &state) {
        Ok(menu) => {
            let _ = tray.set_menu(Some(menu));
            let _ = tray.set_tooltip(Some(tray_text::tooltip(
                state.workspace.engine().running().len(),
            )));
        }
        Err(e) => tracing::warn!(error = %e, "cannot rebuild the tray menu"),
    }
}

fn on_tray_menu(app: &AppHandle, id: &str) {
    match id {
        "open" => show_main(app),
        "jobs" => {
            show_main(app);
            let _ = OpenJob { id: String::new() }.emit(app);
        }
        "notifications" => {
            let state = app.state::<AppState>();
            let mut settings = state.settings();
            settings.notifications.enabled = !settings.notifications.enabled;
            save_settings_later(app, settings);
        }
        "quit" => request_quit(app, false),
        other => {
            if let Some(job) = other.strip_prefix("job:") {
                show_main(app);
                let _ = OpenJob { id: job.to_owned() }.emit(app);
            }
        }
    }
}

/// Asks before quitting, saying what happens to running jobs; with nothing running it quits
/// at once unless `always_ask` (closing the window where no tray can bring it back).
fn request_quit(app: &AppHandle, always_ask: bool) {
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

fn on_close_requested(app: &AppHandle, api: &tauri::CloseRequestApi) {
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
            notify(
                app,
                "Charter is still running",
                "Your jobs continue in the background. Open Charter again from the tray icon.",
            );
            let mut updated = settings;
            updated.tray_hint_shown = true;
            save_settings_later(app, updated);
        }
    } else {
        request_quit(app, true);
    }
}

/// Keeps the computer awake while jobs run (when the setting is on).
struct Awake {
    handle: Option<keepawake::KeepAwake>,
}

impl Awake {
    fn update(&mut self, running: usize, wanted: bool) {
        match (running > 0 && wanted, self.handle.is_some()) {
            (true, false) => {
                match keepawake::Builder::default()
                    .idle(true)
                    .sleep(true)
                    .reason("Charter jobs are running")
                    .app_name("Charter")
                    .app_reverse_domain("app.charter.desktop")
                    .create()
                {
                    Ok(handle) => self.handle = Some(handle),
                    Err(e) => tracing::warn!(error = %e, "cannot keep the computer awake"),
                }
            }
            (false, true) => self.handle = None,
            _ => {}
        }
    }
}

/// Follows the engine's change stream: notifications, toasts, the tray, keep-awake and the
/// `jobs-changed` hint.
fn spawn_engine_listener(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        let mut events = state.workspace.engine().events();
        let mut awake = Awake { handle: None };
        let mut last_tray = Instant::now() - TRAY_REFRESH;
        let mut tray_dirty = true;
        loop {
            let notify_due = state.notifier.lock().ok().and_then(|n| n.due());
            let tray_due = tray_dirty.then_some(last_tray + TRAY_REFRESH);
            let wake = [notify_due, tray_due].into_iter().flatten().min();
            let received = match wake {
                Some(at) => tokio::time::timeout_at(at.into(), events.recv()).await.ok(),
                None => Some(events.recv().await),
            };
            match received {
                Some(Ok(event)) => {
                    let important =
                        !matches!(event.change, ChangeKind::Progress | ChangeKind::Seen);
                    tray_dirty = true;
                    if important {
                        let running = state.workspace.engine().running().len();
                        awake.update(running, state.settings().keep_awake);
                        let _ = JobsChanged {
                            running: running as u32,
                        }
                        .emit(&app);
                    }
                    if event.change == ChangeKind::Finished {
                        let finished = Finished {
                            id: event.job_id,
                            kind: event.kind.to_string(),
                            title: event.title.to_string(),
                            status: event.status,
                        };
                        let view = window_view(&app);
                        let settings = state.settings().notifications;
                        let decision = match state.notifier.lock() {
                            Ok(mut n) => n.on_finished(finished, view, &settings, Instant::now()),
                            Err(_) => Decision::Ignore,
                        };
                        if decision == Decision::Toast {
                            let _ = JobFinishedToast {
                                id: event.job_id.to_string(),
                                title: event.title.to_string(),
                                status: event.status,
                            }
                            .emit(&app);
                        }
                    }
                }
                Some(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => tray_dirty = true,
                Some(Err(tokio::sync::broadcast::error::RecvError::Closed)) => return,
                None => {}
            }
            let now = Instant::now();
            let notice = state.notifier.lock().ok().and_then(|mut n| n.flush(now));
            if let Some(notice) = notice {
                notify(&app, &notice.title, &notice.body);
            }
            if tray_dirty && now >= last_tray + TRAY_REFRESH {
                refresh_tray(&app);
                last_tray = now;
                tray_dirty = false;
            }
        }
    });
}

/// The built-in engine; `CHARTER_OFFLINE_DELAY_MS` slows each of its answers to a model's
/// pace (demos and the end-to-end journeys, which need progress to watch).
fn offline_engine() -> Arc<dyn strategy::provider::Provider> {
    let engine: Arc<dyn strategy::provider::Provider> =
        Arc::new(strategy::provider::OfflineProvider);
    match std::env::var("CHARTER_OFFLINE_DELAY_MS")
        .ok()
        .map(|v| v.parse::<u64>())
    {
        Some(Ok(ms)) if ms > 0 => {
            tracing::info!(ms, "the offline engine is slowed");
            Arc::new(strategy::provider::Slowed::new(
                engine,
                std::time::Duration::from_millis(ms),
            ))
        }
        Some(Err(e)) => {
            tracing::warn!(%e, "CHARTER_OFFLINE_DELAY_MS is not a number of milliseconds; ignored");
            engine
        }
        _ => engine,
    }
}

fn setup(app: &mut tauri::App) -> Result<(), Box<dyn std::error::Error>> {
    let handle = app.handle().clone();
    let data_dir = app.path().app_data_dir()?;
    std::fs::create_dir_all(&data_dir)?;
    restrict(&data_dir, 0o700);
    let settings = load_settings(&handle);

    let mut engine = EngineConfig::new(data_dir.join("charter.db"));
    engine.auto_resume = settings.auto_resume;
    engine.retention = settings.retention();
    let config = WorkspaceConfig {
        engine,
        providers: Providers {
            keys: Arc::new(crate::secrets::KeyringKeys),
            offline: offline_engine(),
            ..Providers::default()
        },
        research: Default::default(),
    };
    // Recovery runs inside `open`, before the window is shown.
    let started = Instant::now();
    let workspace = tauri::async_runtime::block_on(Workspace::open(config))?;
    let recovery = workspace.engine().recovery();
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        resumed = recovery.resumed.len(),
        interrupted = recovery.interrupted.len(),
        "workspace open"
    );
    for file in [
        "charter.db",
        "charter.db-wal",
        "charter.db-shm",
        SETTINGS_FILE,
    ] {
        let path = data_dir.join(file);
        if path.exists() {
            restrict(&path, 0o600);
        }
    }
    app.manage(AppState {
        workspace: Arc::new(workspace),
        settings: RwLock::new(settings),
        notifier: Mutex::new(Notifier::default()),
        watches: Arc::new(Watches::default()),
    });

    let state = app.state::<AppState>();
    if tray_library_present() {
        build_tray(app, &handle, &state)?;
    } else {
        tracing::warn!(
            "no appindicator library: running without a tray icon; closing the window quits"
        );
    }
    spawn_engine_listener(handle.clone());
    show_main(&handle);
    Ok(())
}

fn build_tray(app: &tauri::App, handle: &AppHandle, state: &AppState) -> tauri::Result<()> {
    TRAY_AVAILABLE.store(tray_host_present(), Ordering::Relaxed);
    let menu = build_tray_menu(handle, state)?;
    let mut tray = TrayIconBuilder::with_id(TRAY)
        .menu(&menu)
        .tooltip(tray_text::tooltip(0))
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| on_tray_menu(app, event.id().as_ref()));
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    if let Err(e) = tray.build(app) {
        // No appindicator library: the app runs without a tray, and closing quits.
        tracing::warn!(error = %e, "no tray icon");
        TRAY_AVAILABLE.store(false, Ordering::Relaxed);
    }
    Ok(())
}

/// Builds and runs the app.
pub fn run() {
    let log_dir = std::env::var_os("CHARTER_LOG_DIR")
        .map(std::path::PathBuf::from)
        .or_else(dirs_log)
        .unwrap_or_else(std::env::temp_dir);
    logging::init(&log_dir);
    let specta = crate::specta_builder();
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            show_main(app)
        }))
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .invoke_handler(specta.invoke_handler())
        .setup(move |app| {
            specta.mount_events(app);
            setup(app)
        })
        .on_window_event(|window, event| {
            if window.label() == MAIN
                && let WindowEvent::CloseRequested { api, .. } = event
            {
                on_close_requested(window.app_handle(), api);
            }
        })
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "Charter could not start");
            eprintln!("Charter could not start: {e}");
            std::process::exit(1);
        }
    };
    app.run(|app, event| {
        if let RunEvent::ExitRequested {
            code: None, api, ..
        } = event
        {
            // The last window went away without a quit: jobs keep running in the tray.
            if TRAY_AVAILABLE.load(Ordering::Relaxed) {
                api.prevent_exit();
            } else {
                let _ = app;
            }
        }
    });
}

/// The platform's log folder for Charter (`~/.local/share/app.charter.desktop/logs` on Linux).
fn dirs_log() -> Option<std::path::PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".local/share"))
        })?;
    Some(base.join("app.charter.desktop").join("logs"))
}
