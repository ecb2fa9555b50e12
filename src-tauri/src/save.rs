//! Saving exports to a file the user chose: complete or not at all.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// `path` with `.extension` added when it has no extension (a name typed without one).
pub fn with_extension(path: PathBuf, extension: &str) -> PathBuf {
    if path.extension().is_some() {
        return path;
    }
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".");
    name.push(extension);
    path.with_file_name(name)
}

/// Writes `contents` to `path` through a temporary file in the same folder that is
/// flushed to disk and then renamed over `path`, so a failure (full disk, no permission)
/// leaves either the old file or nothing, never a half-written one.
pub fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no file name"))?;
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}-{nanos}.tmp", std::process::id()));
    let temp = dir.join(temp_name);
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut file| {
            file.write_all(contents)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        // Nothing half-written is left behind; the first error is the one to report.
        let _ = std::fs::remove_file(&temp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_a_new_file_and_replaces_an_old_one_leaving_no_temp_file() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("canvas.md");
        write_atomically(&path, b"# First\n").expect("write");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "# First\n");
        write_atomically(&path, b"# Second\n").expect("replace");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "# Second\n");
        assert_eq!(entries(dir.path()), ["canvas.md"]);
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_nothing_else() {
        let dir = tempfile::tempdir().expect("dir");
        // The target is a folder: the rename fails after the temp file was written.
        let target = dir.path().join("taken.md");
        std::fs::create_dir(&target).expect("mkdir");
        std::fs::write(target.join("inside"), "keep").expect("write");
        assert!(write_atomically(&target, b"new").is_err());
        assert_eq!(entries(dir.path()), ["taken.md"], "no temp file is left");
        assert_eq!(
            std::fs::read_to_string(target.join("inside")).expect("read"),
            "keep"
        );
        // A folder that does not exist: nothing is created.
        let missing = dir.path().join("missing").join("x.md");
        assert!(write_atomically(&missing, b"new").is_err());
        assert_eq!(entries(dir.path()), ["taken.md"]);
    }

    #[test]
    fn an_extension_is_added_only_when_the_name_has_none() {
        assert_eq!(
            with_extension(PathBuf::from("/tmp/report"), "md"),
            PathBuf::from("/tmp/report.md")
        );
        assert_eq!(
            with_extension(PathBuf::from("/tmp/report.txt"), "md"),
            PathBuf::from("/tmp/report.txt")
        );
        assert_eq!(
            with_extension(PathBuf::from("/tmp/v1.2/report"), "json"),
            PathBuf::from("/tmp/v1.2/report.json")
        );
    }
}
