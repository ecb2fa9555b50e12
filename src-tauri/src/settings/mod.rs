//! User settings: what the user can set, checked on load field by field (a bad field falls
//! back to its default with a warning naming it; the good ones are kept), and the file
//! they live in ([`file`]).

mod file;

pub(crate) use file::restrict;
pub use file::{SettingsError, SettingsFile};

use serde::{Deserialize, Serialize};
use strategy::research::SearchChoice;
use strategy::{ProviderChoice, Spending};

use crate::notify::NotificationSettings;

/// Days kept per terminal state; 0 keeps forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct RetentionDays {
    /// Completed and cancelled jobs.
    pub completed: u32,
    /// Failed and interrupted jobs.
    pub failed: u32,
}

impl Default for RetentionDays {
    fn default() -> Self {
        RetentionDays {
            completed: 30,
            failed: 365,
        }
    }
}

/// Everything the user can set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(default)]
pub struct Settings {
    /// Where content comes from (the API key lives in the OS keyring, never here).
    pub provider: ProviderChoice,
    /// Where research searches.
    pub search: SearchChoice,
    /// Prices per model and the most one run may spend.
    pub spending: Spending,
    /// Native notifications.
    pub notifications: NotificationSettings,
    /// The close button hides the window to the tray.
    pub close_to_tray: bool,
    /// Start Charter hidden in the tray when the user logs in.
    pub launch_at_login: bool,
    /// Keep the computer awake while jobs run.
    pub keep_awake: bool,
    /// Resume interrupted jobs at start (otherwise mark them interrupted).
    pub auto_resume: bool,
    /// How long finished jobs are kept.
    pub retention: RetentionDays,
    /// The close-to-tray explanation was shown once.
    pub tray_hint_shown: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            provider: ProviderChoice::Offline,
            search: SearchChoice::Offline,
            spending: Spending::default(),
            notifications: NotificationSettings::default(),
            close_to_tray: true,
            launch_at_login: false,
            keep_awake: true,
            auto_resume: true,
            retention: RetentionDays::default(),
            tray_hint_shown: false,
        }
    }
}

/// Settings as loaded, with a warning for each part that fell back to its default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadedSettings {
    /// The settings to use.
    pub settings: Settings,
    /// What was dropped and why, one line each (empty when all was good).
    pub warnings: Vec<String>,
}

/// Longest retention accepted (ten years).
pub const MAX_RETENTION_DAYS: u32 = 3650;

impl Settings {
    /// Checks values beyond their shape; the message is for the user.
    pub fn validate(&self) -> Result<(), String> {
        self.provider.validate()?;
        self.search.validate()?;
        self.spending.validate()?;
        for days in [self.retention.completed, self.retention.failed] {
            if days > MAX_RETENTION_DAYS {
                return Err(format!(
                    "Retention is limited to {MAX_RETENTION_DAYS} days (0 keeps forever)."
                ));
            }
        }
        Ok(())
    }

    /// Settings from what the file holds: defaults when absent; otherwise each field read
    /// and checked on its own, so a field that is unreadable or invalid falls back to its
    /// default (named in a warning) while the good ones are kept. Unknown fields are
    /// ignored; anything but an object gives all defaults with a warning.
    pub fn from_stored(stored: Option<serde_json::Value>) -> LoadedSettings {
        let mut loaded = LoadedSettings::default();
        let Some(stored) = stored else {
            return loaded;
        };
        let serde_json::Value::Object(fields) = stored else {
            loaded.warnings.push(format!(
                "settings are not an object ({stored}); using defaults"
            ));
            return loaded;
        };
        // The defaults as JSON, then each stored field laid over them on its own: whatever
        // fails to read or to validate is a fault of that field alone, since the rest
        // was good already.
        let mut accepted = match serde_json::to_value(&loaded.settings) {
            Ok(serde_json::Value::Object(defaults)) => defaults,
            _ => return loaded,
        };
        for (name, value) in fields {
            if !accepted.contains_key(&name) {
                continue;
            }
            let mut candidate = accepted.clone();
            candidate.insert(name.clone(), value);
            let checked =
                serde_json::from_value::<Settings>(serde_json::Value::Object(candidate.clone()))
                    .map_err(|e| format!("could not be read ({e})"))
                    .and_then(|s| {
                        s.validate()
                            .map(|()| s)
                            .map_err(|e| format!("is invalid ({e})"))
                    });
            match checked {
                Ok(settings) => {
                    accepted = candidate;
                    loaded.settings = settings;
                }
                Err(reason) => loaded
                    .warnings
                    .push(format!("setting `{name}` {reason}; using its default")),
            }
        }
        loaded
    }

    /// The engine's retention from the day counts.
    pub fn retention(&self) -> jobs::Retention {
        let days = |d: u32| (d > 0).then(|| std::time::Duration::from_secs(u64::from(d) * 86_400));
        jobs::Retention {
            completed: days(self.retention.completed),
            cancelled: days(self.retention.completed),
            failed: days(self.retention.failed),
            interrupted: days(self.retention.failed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(value: serde_json::Value) -> LoadedSettings {
        Settings::from_stored(Some(value))
    }

    #[test]
    fn missing_settings_are_defaults_without_a_warning() {
        let loaded = Settings::from_stored(None);
        assert_eq!(loaded.settings, Settings::default());
        assert!(loaded.warnings.is_empty());
        let s = loaded.settings;
        assert!(s.close_to_tray && s.notifications.enabled && s.keep_awake);
    }

    #[test]
    fn partial_settings_keep_what_they_say_and_default_the_rest() {
        let loaded = load(serde_json::json!({"close_to_tray": false}));
        assert!(loaded.warnings.is_empty());
        assert!(!loaded.settings.close_to_tray);
        assert_eq!(loaded.settings.provider, ProviderChoice::Offline);
    }

    #[test]
    fn a_bad_field_falls_back_alone_and_is_named() {
        let loaded = load(serde_json::json!({
            "close_to_tray": "yes please",
            "keep_awake": false,
            "auto_resume": false,
            "retention": {"completed": 7, "failed": 90},
        }));
        let expected = Settings {
            keep_awake: false,
            auto_resume: false,
            retention: RetentionDays {
                completed: 7,
                failed: 90,
            },
            ..Settings::default()
        };
        assert_eq!(loaded.settings, expected, "the good fields are kept");
        assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
        assert!(
            loaded.warnings[0].contains("`close_to_tray`")
                && loaded.warnings[0].contains("could not be read"),
            "{}",
            loaded.warnings[0]
        );
    }

    #[test]
    fn an_invalid_field_falls_back_alone_and_is_named() {
        let loaded = load(serde_json::json!({
            "provider": {"type": "openai_compatible", "base_url": "not a url", "model": "m"},
            "retention": {"completed": 99999},
            "close_to_tray": false,
        }));
        assert_eq!(loaded.settings.provider, ProviderChoice::Offline);
        assert_eq!(loaded.settings.retention, RetentionDays::default());
        assert!(!loaded.settings.close_to_tray, "the good field is kept");
        let warnings = loaded.warnings.join("\n");
        assert_eq!(loaded.warnings.len(), 2, "{warnings}");
        assert!(warnings.contains("`provider` is invalid"), "{warnings}");
        assert!(warnings.contains("`retention` is invalid"), "{warnings}");
    }

    #[test]
    fn unknown_fields_are_ignored_without_a_warning() {
        let loaded = load(serde_json::json!({"theme": "dark", "tray_hint_shown": true}));
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        assert!(loaded.settings.tray_hint_shown);
    }

    #[test]
    fn anything_but_an_object_gives_defaults_with_a_warning() {
        for value in [
            serde_json::json!([1, 2, 3]),
            serde_json::json!("settings"),
            serde_json::json!(null),
        ] {
            let loaded = load(value.clone());
            assert_eq!(loaded.settings, Settings::default(), "{value}");
            assert_eq!(loaded.warnings.len(), 1, "{value}");
        }
    }

    #[test]
    fn saved_settings_load_back_unchanged() {
        let mut s = Settings {
            close_to_tray: false,
            tray_hint_shown: true,
            ..Settings::default()
        };
        s.notifications.kinds.insert("web_research".into(), false);
        let loaded = load(serde_json::to_value(&s).expect("json"));
        assert_eq!(loaded.settings, s);
        assert!(loaded.warnings.is_empty());
    }

    #[test]
    fn spending_reads_prices_and_a_cap_and_refuses_a_negative_cap() {
        let loaded = load(serde_json::json!({"spending": {
            "prices": {"gpt-x": {"prompt_micros_per_1k": 2500, "completion_micros_per_1k": 10000}},
            "run_limit_micros": 2_000_000,
        }}));
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let spending = &loaded.settings.spending;
        assert_eq!(spending.run_limit_micros, Some(2_000_000));
        assert_eq!(
            spending
                .prices
                .price("gpt-x")
                .map(|p| p.completion_micros_per_1k),
            Some(10_000)
        );
        let negative = load(serde_json::json!({"spending": {"run_limit_micros": -5}}));
        assert_eq!(negative.settings.spending, Spending::default());
        assert!(
            negative.warnings[0].contains("`spending` is invalid"),
            "{:?}",
            negative.warnings
        );
    }

    #[test]
    fn retention_days_map_to_the_engine() {
        let mut s = Settings::default();
        s.retention.completed = 0;
        let r = s.retention();
        assert_eq!(r.completed, None);
        assert_eq!(r.failed, Some(std::time::Duration::from_secs(365 * 86_400)));
    }
}
