//! User settings, kept in the settings store and validated on load: a corrupt or
//! hand-edited file falls back to defaults (field by field where it can) with a warning.

use serde::{Deserialize, Serialize};
use strategy::ProviderChoice;
use strategy::research::SearchChoice;

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
    /// Native notifications.
    pub notifications: NotificationSettings,
    /// The close button hides the window to the tray.
    pub close_to_tray: bool,
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
            notifications: NotificationSettings::default(),
            close_to_tray: true,
            keep_awake: true,
            auto_resume: true,
            retention: RetentionDays::default(),
            tray_hint_shown: false,
        }
    }
}

/// Longest retention accepted (ten years).
pub const MAX_RETENTION_DAYS: u32 = 3650;

impl Settings {
    /// Checks values beyond their shape; the message is for the user.
    pub fn validate(&self) -> Result<(), String> {
        self.provider.validate()?;
        self.search.validate()?;
        for days in [self.retention.completed, self.retention.failed] {
            if days > MAX_RETENTION_DAYS {
                return Err(format!(
                    "Retention is limited to {MAX_RETENTION_DAYS} days (0 keeps forever)."
                ));
            }
        }
        Ok(())
    }

    /// Settings from what the store holds: defaults when absent; on anything unreadable or
    /// invalid, defaults plus a warning saying what was dropped.
    pub fn from_stored(stored: Option<serde_json::Value>) -> (Settings, Option<String>) {
        let Some(value) = stored else {
            return (Settings::default(), None);
        };
        match serde_json::from_value::<Settings>(value) {
            Ok(settings) => match settings.validate() {
                Ok(()) => (settings, None),
                Err(reason) => (
                    Settings::default(),
                    Some(format!("settings were invalid ({reason}); using defaults")),
                ),
            },
            Err(e) => (
                Settings::default(),
                Some(format!(
                    "settings file could not be read ({e}); using defaults"
                )),
            ),
        }
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

    #[test]
    fn missing_settings_are_defaults_without_a_warning() {
        let (s, warning) = Settings::from_stored(None);
        assert_eq!(s, Settings::default());
        assert!(warning.is_none());
        assert!(s.close_to_tray && s.notifications.enabled && s.keep_awake);
    }

    #[test]
    fn partial_settings_keep_what_they_say_and_default_the_rest() {
        let (s, warning) = Settings::from_stored(Some(serde_json::json!({"close_to_tray": false})));
        assert!(warning.is_none());
        assert!(!s.close_to_tray);
        assert_eq!(s.provider, ProviderChoice::Offline);
    }

    #[test]
    fn corrupt_or_invalid_settings_fall_back_with_a_warning() {
        let (s, warning) =
            Settings::from_stored(Some(serde_json::json!({"close_to_tray": "yes please"})));
        assert_eq!(s, Settings::default());
        assert!(warning.is_some_and(|w| w.contains("could not be read")));
        let (s, warning) = Settings::from_stored(Some(serde_json::json!({
            "provider": {"type": "openai_compatible", "base_url": "not a url", "model": "m"}
        })));
        assert_eq!(s, Settings::default());
        assert!(warning.is_some_and(|w| w.contains("invalid")));
        let (_, warning) =
            Settings::from_stored(Some(serde_json::json!({"retention": {"completed": 99999}})));
        assert!(warning.is_some());
        let (_, warning) = Settings::from_stored(Some(serde_json::json!([1, 2, 3])));
        assert!(warning.is_some());
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
