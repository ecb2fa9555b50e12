//! The single-engine lease: an OS lock on a file beside the database.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result, classify_io};

fn lease_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Takes an OS lock beside the database; it dies with the process, so a crash never
/// leaves it held. Held until the returned file is dropped.
pub(super) fn take_lease(db: &Path) -> Result<File> {
    let path = lease_path(db);
    let io_err = |action: &'static str, source: std::io::Error| {
        classify_io(&source).unwrap_or(Error::Io {
            action,
            path: path.clone(),
            source,
        })
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| io_err("cannot create the lock file", e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::AlreadyOpen {
            path: db.to_path_buf(),
        }),
        Err(std::fs::TryLockError::Error(e)) => Err(io_err("cannot lock", e)),
    }
}
