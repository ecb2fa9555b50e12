//! The settings file in the app's data folder: read once at start-up (missing, unreadable
//! or corrupt gives defaults with a warning, never a failed start) and written whole,
//! atomically and owner-only, on every change.

use std::path::{Path, PathBuf};

use super::{LoadedSettings, Settings};

/// The file's name in the data folder.
pub const SETTINGS_FILE: &str = "settings.json";
/// The key the settings sit under (the layout the settings store plugin wrote, kept so
/// existing files load).
const SETTINGS_KEY: &str = "settings";

/// Why settings could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The settings could not be turned into JSON.
    #[error("the settings could not be encoded: {0}")]
    Encode(#[from] serde_json::Error),
    /// The file could not be written.
    #[error("cannot save the settings to {path}: {source}")]
    Write {
        /// The settings file.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
}

/// Where the settings live.
#[derive(Debug, Clone)]
pub struct SettingsFile {
    path: PathBuf,
}

impl SettingsFile {
    /// The settings file in `data_dir`.
    pub fn in_dir(data_dir: &Path) -> Self {
        SettingsFile {
            path: data_dir.join(SETTINGS_FILE),
        }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The stored settings: defaults when there is no file; defaults for whatever cannot be
    /// used, each named in a warning.
    pub fn load(&self) -> LoadedSettings {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Settings::from_stored(None);
            }
            Err(e) => return defaults_because(format!("the settings file cannot be read ({e})")),
        };
        match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(serde_json::Value::Object(mut file)) => {
                Settings::from_stored(file.remove(SETTINGS_KEY))
            }
            Ok(other) => defaults_because(format!(
                "the settings file holds no settings ({})",
                json_kind(&other)
            )),
            Err(e) => defaults_because(format!("the settings file is corrupt ({e})")),
        }
    }

    /// Writes `settings` whole: a crash mid-write leaves the old file, never half a file.
    pub fn save(&self, settings: &Settings) -> Result<(), SettingsError> {
        let file = serde_json::json!({ SETTINGS_KEY: settings });
        let bytes = serde_json::to_vec_pretty(&file)?;
        crate::save::write_atomically(&self.path, &bytes).map_err(|source| {
            SettingsError::Write {
                path: self.path.clone(),
                source,
            }
        })?;
        restrict(&self.path, 0o600);
        Ok(())
    }
}

fn defaults_because(warning: String) -> LoadedSettings {
    LoadedSettings {
        settings: Settings::default(),
        warnings: vec![format!("{warning}; using defaults")],
    }
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Owner-only permissions (`mode`) on a file or folder of the app's data.
#[cfg(unix)]
pub(crate) fn restrict(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    if let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)) {
        tracing::warn!(error = %e, path = %path.display(), "cannot restrict permissions");
    }
}

/// Owner-only permissions: the platform's defaults already keep the user's data private.
#[cfg(not(unix))]
pub(crate) fn restrict(_path: &Path, _mode: u32) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_in(dir: &tempfile::TempDir) -> SettingsFile {
        SettingsFile::in_dir(dir.path())
    }

    #[test]
    fn no_file_gives_defaults_without_a_warning() {
        let dir = tempfile::tempdir().expect("dir");
        let loaded = file_in(&dir).load();
        assert_eq!(loaded.settings, Settings::default());
        assert!(loaded.warnings.is_empty());
    }

    #[test]
    fn a_corrupt_file_gives_defaults_with_a_warning_and_the_next_save_repairs_it() {
        let dir = tempfile::tempdir().expect("dir");
        let file = file_in(&dir);
        std::fs::write(file.path(), b"{\"settings\": {\"close_to_tray\": fal").expect("write");
        let loaded = file.load();
        assert_eq!(loaded.settings, Settings::default());
        assert_eq!(loaded.warnings.len(), 1);
        assert!(
            loaded.warnings[0].contains("corrupt"),
            "{}",
            loaded.warnings[0]
        );

        let changed = Settings {
            close_to_tray: false,
            ..Settings::default()
        };
        file.save(&changed)
            .expect("a corrupt file does not block saving");
        let again = file.load();
        assert_eq!(again.settings, changed);
        assert!(again.warnings.is_empty(), "{:?}", again.warnings);
    }

    #[test]
    fn a_file_with_one_bad_field_keeps_the_others() {
        let dir = tempfile::tempdir().expect("dir");
        let file = file_in(&dir);
        std::fs::write(
            file.path(),
            br#"{"settings": {"keep_awake": false, "retention": "forever", "other": 1}}"#,
        )
        .expect("write");
        let loaded = file.load();
        assert!(!loaded.settings.keep_awake);
        assert_eq!(
            loaded.settings.retention,
            super::super::RetentionDays::default()
        );
        assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
        assert!(loaded.warnings[0].contains("`retention`"));
    }

    #[test]
    fn a_file_that_is_not_an_object_or_unreadable_gives_defaults_with_a_warning() {
        let dir = tempfile::tempdir().expect("dir");
        let file = file_in(&dir);
        std::fs::write(file.path(), b"[1, 2]").expect("write");
        let loaded = file.load();
        assert_eq!(loaded.settings, Settings::default());
        assert!(
            loaded.warnings[0].contains("a list"),
            "{:?}",
            loaded.warnings
        );

        // A folder where the file should be cannot be read.
        std::fs::remove_file(file.path()).expect("remove");
        std::fs::create_dir(file.path()).expect("mkdir");
        let loaded = file.load();
        assert_eq!(loaded.settings, Settings::default());
        assert!(
            loaded.warnings[0].contains("cannot be read"),
            "{:?}",
            loaded.warnings
        );
    }

    #[test]
    fn saved_files_keep_the_store_layout_and_are_owner_only() {
        let dir = tempfile::tempdir().expect("dir");
        let file = file_in(&dir);
        file.save(&Settings::default()).expect("save");
        let text = std::fs::read_to_string(file.path()).expect("read");
        let json: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(json["settings"]["close_to_tray"], serde_json::json!(true));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(file.path())
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
