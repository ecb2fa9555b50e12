//! What every command reaches: the workspace (engine, operations, initiatives), the
//! settings and the notification state.

use std::sync::{Arc, Mutex, RwLock};

use strategy::Workspace;

use crate::notify::Notifier;
use crate::settings::Settings;

/// Shared application state, managed by Tauri.
pub struct AppState {
    /// Engine, operations and initiatives.
    pub workspace: Arc<Workspace>,
    /// Current settings.
    pub settings: RwLock<Settings>,
    /// Finishes waiting to be notified.
    pub notifier: Mutex<Notifier>,
}

impl AppState {
    /// A copy of the current settings.
    pub fn settings(&self) -> Settings {
        match self.settings.read() {
            Ok(s) => s.clone(),
            // A panic while writing settings cannot leave them half-set (they are
            // replaced whole), so the value is still good.
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}
