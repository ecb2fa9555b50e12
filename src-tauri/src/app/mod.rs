//! Start-up: logging, the settings, the workspace (recovery runs before the window shows),
//! the tray and the engine listener; then the app runs until a quit.

#[cfg(target_os = "linux")]
mod freedesktop;
#[cfg(target_os = "linux")]
mod hand_off;
mod keep_awake;
pub(crate) mod launch;
mod listener;
mod notices;
mod system_bus;
mod throttle;
mod tray;
mod tray_menu;
mod window;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use strategy::{Providers, Workspace, WorkspaceConfig};
use tauri::{AppHandle, Manager, RunEvent, WindowEvent};

use crate::logging;
use crate::progress_bench::{BENCH_VAR, BenchInput, ProgressBench};
use crate::settings::{Settings, SettingsFile, restrict};
use crate::state::{AppState, Watches};

/// The main window's label.
const MAIN: &str = "main";

/// Whether a tray host exists to show the icon; without one, closing must quit.
static TRAY_AVAILABLE: AtomicBool = AtomicBool::new(false);

/// Saves settings from a menu or window handler: on the async runtime, never blocking the
/// main thread that those handlers run on; the tray shows the new state once saved.
fn save_settings_later(app: &AppHandle, settings: Settings) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        if let Err(e) = state.save_settings(settings) {
            tracing::warn!(error = %e, "cannot save settings");
        }
        tray::refresh(&app);
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

/// The progress benchmark's rate and length, when `CHARTER_BENCH_PROGRESS` asks for it.
fn progress_bench_input() -> Option<BenchInput> {
    let text = std::env::var(BENCH_VAR).ok()?;
    BenchInput::parse(&text)
        .inspect_err(|e| tracing::warn!("{e}; no benchmark"))
        .ok()
}

fn setup(app: &mut tauri::App) -> Result<(), Box<dyn std::error::Error>> {
    let handle = app.handle().clone();
    logging::check_folder(app.path().app_log_dir().ok().as_deref());
    let data_dir = app.path().app_data_dir()?;
    std::fs::create_dir_all(&data_dir)?;
    restrict(&data_dir, 0o700);
    let settings_file = SettingsFile::in_dir(&data_dir);
    let loaded = settings_file.load();
    for warning in &loaded.warnings {
        tracing::warn!("{warning}");
    }
    let settings = loaded.settings;

    let mut config = WorkspaceConfig::new(&data_dir);
    config.engine.auto_resume = settings.auto_resume;
    config.engine.retention = settings.retention();
    config.providers = Providers {
        keys: Arc::new(crate::secrets::KeyringKeys),
        offline: offline_engine(),
        ..Providers::default()
    };
    // Before `open`: recovery may resume jobs that call a priced model at once.
    config.providers.spending.set(settings.spending.clone());
    let database_files = config.database_files();
    // Recovery runs inside `open`, before the window is shown.
    let started = Instant::now();
    let bench = progress_bench_input().map(|input| (ProgressBench::default(), input));
    let workspace =
        tauri::async_runtime::block_on(Workspace::open_with(config, |builder| match &bench {
            Some((kind, _)) => kind.register(builder),
            None => builder,
        }))?;
    if let Some((kind, input)) = &bench {
        let started = tauri::async_runtime::block_on(kind.start(workspace.engine(), *input));
        match started {
            Ok(id) => tracing::info!(%id, ?input, "progress benchmark started"),
            Err(e) => tracing::warn!(error = %e, "cannot start the progress benchmark"),
        }
    }
    let recovery = workspace.engine().recovery();
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        resumed = recovery.resumed.len(),
        interrupted = recovery.interrupted.len(),
        "workspace open"
    );
    let private_files = database_files.iter().map(|p| p.as_path());
    for path in private_files.chain([settings_file.path()]) {
        if path.exists() {
            restrict(path, 0o600);
        }
    }
    app.manage(AppState {
        workspace: Arc::new(workspace),
        settings: RwLock::new(settings),
        settings_file,
        watches: Arc::new(Watches::default()),
    });

    app.manage(notices::Notices::start(&handle, &data_dir));

    if tray::library_present() {
        tray::build(app, &handle)?;
    } else {
        tracing::warn!(
            "no appindicator library: running without a tray icon; closing the window quits"
        );
    }
    listener::spawn(handle.clone());
    launch::sync_autostart(&handle, app.state::<AppState>().settings().launch_at_login);
    if launch::starts_hidden(std::env::args(), TRAY_AVAILABLE.load(Ordering::Relaxed)) {
        // Started at login: the tray and the engine only, and one word on what is waiting.
        tracing::info!("started hidden in the tray");
        let app = handle.clone();
        tauri::async_runtime::spawn(async move { launch::announce_unseen(&app).await });
    } else {
        window::show_main(&handle);
    }
    watch_system_bus(app);
    Ok(())
}

/// Jobs waiting on an unreachable endpoint try again at once when NetworkManager says the
/// network is back or logind says the machine woke.
fn watch_system_bus(app: &tauri::App) {
    let waiting = app.state::<AppState>().workspace.waiting().clone();
    let watching = system_bus::watch(
        None,
        move |event| {
            tracing::debug!(?event, "waiting jobs try again");
            let waiting = waiting.clone();
            tauri::async_runtime::spawn(async move { waiting.network_back().await });
        },
        |subscribed| {
            if subscribed {
                tracing::info!("watching the system bus for the network and sleep");
            }
        },
    );
    app.manage(watching);
}

/// Builds and runs the app.
pub fn run() {
    let context = tauri::generate_context!();
    // Logging starts before anything else can fail, so start-up failures are logged too.
    logging::init(&logging::folder(&context.config().identifier));
    // A second launch hands over before the event loop exists (see `hand_off`); the plugin
    // below still owns the name and settles two launches at once.
    #[cfg(target_os = "linux")]
    if hand_off::to_running(&context.config().identifier) == hand_off::Launch::HandedOff {
        logging::finish();
        return;
    }
    let specta = crate::specta_builder();
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            window::show_main(app)
        }))
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec![launch::HIDDEN_FLAG]),
        ))
        .plugin(tauri_plugin_opener::init())
        // Size and place are restored, never visibility: a start at login stays hidden.
        .plugin(
            tauri_plugin_window_state::Builder::default()
                .with_state_flags(
                    tauri_plugin_window_state::StateFlags::all()
                        - tauri_plugin_window_state::StateFlags::VISIBLE,
                )
                .build(),
        )
        .invoke_handler(specta.invoke_handler())
        .setup(move |app| {
            specta.mount_events(app);
            setup(app)
        })
        .on_window_event(|window, event| {
            if window.label() == MAIN
                && let WindowEvent::CloseRequested { api, .. } = event
            {
                window::on_close_requested(window.app_handle(), api);
            }
        })
        .build(context);
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            tracing::error!(error = %e, "Charter could not start");
            eprintln!("Charter could not start: {e}");
            std::process::exit(1);
        }
    };
    app.run(|_app, event| {
        if let RunEvent::ExitRequested {
            code: None, api, ..
        } = event
        {
            // The last window went away without a quit: jobs keep running in the tray.
            if TRAY_AVAILABLE.load(Ordering::Relaxed) {
                api.prevent_exit();
            }
        }
    });
}
