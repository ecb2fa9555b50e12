//! Logs: a daily-rotated file in the platform's log folder for the app (a week kept), and
//! stderr in development builds. Logging starts before the app is built, so even a failed
//! start is logged; the folder follows the rule of Tauri's `app_log_dir`, which only
//! exists once the app is built (start-up checks the two agree).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Keeps the file writer's thread alive; taken by [`finish`] to flush it.
static GUARD: Mutex<Option<WorkerGuard>> = Mutex::new(None);
/// The folder chosen by [`folder`] from the platform's rule (not set for an override).
static PLATFORM_FOLDER: OnceLock<PathBuf> = OnceLock::new();

/// Where logs go: `CHARTER_LOG_DIR` when set, otherwise the platform's log folder for the
/// app `identifier`, otherwise the temp folder.
pub fn folder(identifier: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os("CHARTER_LOG_DIR") {
        return PathBuf::from(dir);
    }
    match platform_folder(
        std::env::consts::OS,
        identifier,
        dirs::data_local_dir(),
        dirs::home_dir(),
    ) {
        Some(dir) => {
            let _ = PLATFORM_FOLDER.set(dir.clone());
            dir
        }
        None => std::env::temp_dir(),
    }
}

/// The log folder on `os`, as Tauri's `app_log_dir` resolves it: `~/Library/Logs/<id>` on
/// macOS; `<local data>/<id>/logs` elsewhere (`~/.local/share` on Linux, `%LOCALAPPDATA%`
/// on Windows).
fn platform_folder(
    os: &str,
    identifier: &str,
    local_data: Option<PathBuf>,
    home: Option<PathBuf>,
) -> Option<PathBuf> {
    match os {
        "macos" => home.map(|home| home.join("Library").join("Logs").join(identifier)),
        _ => local_data.map(|data| data.join(identifier).join("logs")),
    }
}

/// Warns when Tauri resolves the log folder (`resolved`) elsewhere than logging chose.
pub fn check_folder(resolved: Option<&Path>) {
    if let (Some(chosen), Some(resolved)) = (PLATFORM_FOLDER.get(), resolved)
        && chosen != resolved
    {
        tracing::warn!(
            chosen = %chosen.display(),
            resolved = %resolved.display(),
            "logs are written where Tauri's log folder is not"
        );
    }
}

/// Starts logging into `dir`; falls back to stderr alone if the folder cannot be used.
pub fn init(dir: &Path) {
    let filter = EnvFilter::try_from_env("CHARTER_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = cfg!(debug_assertions)
        .then(|| tracing_subscriber::fmt::layer().with_writer(std::io::stderr));
    let file = std::fs::create_dir_all(dir)
        .map_err(|e| e.to_string())
        .and_then(|()| {
            tracing_appender::rolling::Builder::new()
                .rotation(tracing_appender::rolling::Rotation::DAILY)
                .filename_prefix("charter")
                .filename_suffix("log")
                .max_log_files(7)
                .build(dir)
                .map_err(|e| e.to_string())
        });
    let (file_layer, problem) = match file {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            *GUARD.lock().unwrap_or_else(PoisonError::into_inner) = Some(guard);
            (
                Some(
                    tracing_subscriber::fmt::layer()
                        .with_ansi(false)
                        .with_writer(writer),
                ),
                None,
            )
        }
        Err(e) => (None, Some(e)),
    };
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(stderr)
        .with(file_layer)
        .try_init();
    if let Some(e) = problem {
        tracing::warn!(error = %e, dir = %dir.display(), "cannot write log files; logging to stderr only");
    }
}

/// Writes out the lines still queued for the log file; for a process about to end early.
pub fn finish() {
    drop(GUARD.lock().unwrap_or_else(PoisonError::into_inner).take());
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "app.charter.desktop";

    #[test]
    fn each_platform_gets_its_own_log_folder() {
        let data = Some(PathBuf::from("/home/ann/.local/share"));
        let home = Some(PathBuf::from("/home/ann"));
        assert_eq!(
            platform_folder("linux", ID, data, home.clone()),
            Some(PathBuf::from(
                "/home/ann/.local/share/app.charter.desktop/logs"
            ))
        );
        assert_eq!(
            platform_folder(
                "macos",
                ID,
                Some(PathBuf::from("/Users/ann/Library/Application Support")),
                Some(PathBuf::from("/Users/ann"))
            ),
            Some(PathBuf::from("/Users/ann/Library/Logs/app.charter.desktop"))
        );
        let local = PathBuf::from(r"C:\Users\ann\AppData\Local");
        assert_eq!(
            platform_folder("windows", ID, Some(local.clone()), home),
            Some(local.join(ID).join("logs"))
        );
    }

    #[test]
    fn no_known_folder_gives_none() {
        assert_eq!(platform_folder("linux", ID, None, None), None);
        assert_eq!(
            platform_folder("macos", ID, Some(PathBuf::from("/x")), None),
            None
        );
    }
}
