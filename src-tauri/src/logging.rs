//! Logs: a daily-rotated file in the app's log folder (a week kept), and stderr in
//! development builds.

use std::path::Path;
use std::sync::OnceLock;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

static GUARD: OnceLock<WorkerGuard> = OnceLock::new();

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
            let _ = GUARD.set(guard);
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
