//! A second launch hands over to the Charter already running before any window system starts
//! (Linux). The single-instance plugin does this only once the event loop exists and then calls
//! `exit` while the toolkit's X input thread is still setting up: about one second launch in 200
//! crashed (SIGSEGV in libXext's teardown), after the window had already come back. The plugin
//! still owns the bus name and answers the call; this only makes the call before there is
//! anything to tear down.

use std::time::Duration;

use dbus::blocking::Connection;

/// The plugin's D-Bus interface and method that run its callback (show the window).
const INTERFACE: &str = "org.SingleInstance.DBus";
const METHOD: &str = "ExecuteCallback";
/// A running Charter answers at once; one that does not within this is left to the plugin.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);

/// What this launch does after asking for a running Charter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Launch {
    /// A running Charter took the launch (and showed its window): this process ends.
    HandedOff,
    /// No Charter answered: this one starts (the plugin still settles a start at the same time).
    StartHere,
}

/// The bus name and object path the single-instance plugin serves for the app `identifier`.
pub fn plugin_address(identifier: &str) -> (String, String) {
    let name = format!("{identifier}.SingleInstance");
    let path = format!("/{}", name.replace('.', "/").replace('-', "_"));
    (name, path)
}

/// What to do given the call's outcome (`Err` holds the D-Bus error name, if any).
pub fn decide(outcome: &Result<(), Option<String>>) -> Launch {
    match outcome {
        Ok(()) => Launch::HandedOff,
        Err(_) => Launch::StartHere,
    }
}

/// Whether a failed call simply means no Charter is running (the usual first start).
pub fn nobody_running(error_name: Option<&str>) -> bool {
    matches!(
        error_name,
        Some(
            "org.freedesktop.DBus.Error.ServiceUnknown"
                | "org.freedesktop.DBus.Error.NameHasNoOwner"
        )
    )
}

/// Asks a running Charter on the session bus to take this launch (its arguments and working
/// folder), as the plugin's own second launch would.
pub fn to_running(identifier: &str) -> Launch {
    let (name, path) = plugin_address(identifier);
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|d| d.to_str().map(str::to_owned))
        .unwrap_or_default();
    let outcome = call(&name, &path, std::env::args().collect(), cwd);
    match &outcome {
        Ok(()) => tracing::info!("Charter is already running: it took this launch"),
        Err(e) if nobody_running(e.as_deref()) => {}
        Err(e) => {
            tracing::warn!(error = ?e, "could not ask a running Charter; starting, the plugin decides")
        }
    }
    decide(&outcome)
}

fn call(name: &str, path: &str, args: Vec<String>, cwd: String) -> Result<(), Option<String>> {
    let conn = Connection::new_session().map_err(|e| e.name().map(str::to_owned))?;
    let proxy = conn.with_proxy(name, path, CALL_TIMEOUT);
    proxy
        .method_call::<(), _, _, _>(INTERFACE, METHOD, (args, cwd))
        .map_err(|e| e.name().map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_is_the_plugins_for_the_apps_identifier() {
        assert_eq!(
            plugin_address("app.charter.desktop"),
            (
                "app.charter.desktop.SingleInstance".to_owned(),
                "/app/charter/desktop/SingleInstance".to_owned()
            )
        );
        // Dashes are not allowed in object paths; the plugin writes them as underscores.
        assert_eq!(plugin_address("com.my-app").1, "/com/my_app/SingleInstance");
    }

    #[test]
    fn only_an_answer_ends_this_launch() {
        assert_eq!(decide(&Ok(())), Launch::HandedOff);
        assert_eq!(
            decide(&Err(Some(
                "org.freedesktop.DBus.Error.ServiceUnknown".into()
            ))),
            Launch::StartHere
        );
        assert_eq!(
            decide(&Err(Some("org.freedesktop.DBus.Error.NoReply".into()))),
            Launch::StartHere
        );
        assert_eq!(decide(&Err(None)), Launch::StartHere);
    }

    #[test]
    fn no_owner_is_the_usual_first_start_and_anything_else_is_worth_a_warning() {
        assert!(nobody_running(Some(
            "org.freedesktop.DBus.Error.ServiceUnknown"
        )));
        assert!(nobody_running(Some(
            "org.freedesktop.DBus.Error.NameHasNoOwner"
        )));
        assert!(!nobody_running(Some("org.freedesktop.DBus.Error.NoReply")));
        assert!(!nobody_running(None));
    }
}
