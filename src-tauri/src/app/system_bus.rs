//! What the OS says on the system bus that matters to waiting jobs: NetworkManager's state
//! reaching full connectivity (the network is back) and logind's `PrepareForSleep(false)`
//! (the machine woke). Each becomes one [`SystemEvent`]; without a system bus (containers,
//! CI) nothing is watched and the workspace's clock-gap detector still notices sleeps.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use dbus::blocking::Connection;
use dbus::message::MatchRule;

/// NetworkManager's `NM_STATE_CONNECTED_GLOBAL`: full internet access.
const NM_CONNECTED_GLOBAL: u32 = 70;
const NM_INTERFACE: &str = "org.freedesktop.NetworkManager";
const LOGIND_INTERFACE: &str = "org.freedesktop.login1.Manager";

/// A change that should send waiting jobs to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemEvent {
    /// The network has full connectivity again.
    NetworkBack,
    /// The machine resumed from sleep.
    Woke,
}

/// NetworkManager's `StateChanged(state)`: the network is back when the new state is full
/// connectivity (the signal only fires on a change, so reaching it means it was lower).
pub fn from_network_state(state: u32) -> Option<SystemEvent> {
    (state == NM_CONNECTED_GLOBAL).then_some(SystemEvent::NetworkBack)
}

/// logind's `PrepareForSleep(start)`: `true` before suspending, `false` after waking.
pub fn from_prepare_for_sleep(start: bool) -> Option<SystemEvent> {
    (!start).then_some(SystemEvent::Woke)
}

/// The watching thread: stopped when dropped.
pub struct Watching {
    stop: Arc<AtomicBool>,
}

impl Drop for Watching {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
    }
}

/// Watches the bus at `address` (the system bus when `None`) on a thread of its own and
/// calls `on_event` for each [`SystemEvent`]; `subscribed` learns whether it could. Returns
/// at once: connecting never holds up the caller, and a bus that cannot be reached is
/// logged and left alone.
pub fn watch(
    address: Option<&str>,
    on_event: impl Fn(SystemEvent) + Send + Sync + 'static,
    subscribed: impl FnOnce(bool) + Send + 'static,
) -> Watching {
    let address = address.map(str::to_owned);
    let stop = Arc::new(AtomicBool::new(false));
    let stopping = stop.clone();
    let spawned = std::thread::Builder::new()
        .name("system-bus".into())
        .spawn(move || {
            let conn = match subscribe(address.as_deref(), on_event) {
                Ok(conn) => {
                    subscribed(true);
                    conn
                }
                Err(e) => {
                    tracing::info!(error = %e, "no system bus: network and sleep signals are not watched");
                    subscribed(false);
                    return;
                }
            };
            while !stopping.load(Ordering::Acquire) {
                if let Err(e) = conn.process(Duration::from_millis(500)) {
                    tracing::warn!(error = %e, "the system bus connection failed; no longer watched");
                    return;
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "cannot start the system bus thread");
    }
    Watching { stop }
}

/// Connects and asks for the two signals.
fn subscribe(
    address: Option<&str>,
    on_event: impl Fn(SystemEvent) + Send + Sync + 'static,
) -> Result<Connection, dbus::Error> {
    let conn = match address {
        Some(address) => Connection::new_address(address)?,
        None => Connection::new_system()?,
    };
    let on_event = Arc::new(on_event);
    let on_network = on_event.clone();
    conn.add_match(
        MatchRule::new_signal(NM_INTERFACE, "StateChanged"),
        move |(state,): (u32,), _, _| {
            if let Some(event) = from_network_state(state) {
                tracing::info!(state, "the network is back");
                on_network(event);
            }
            true
        },
    )?;
    conn.add_match(
        MatchRule::new_signal(LOGIND_INTERFACE, "PrepareForSleep"),
        move |(start,): (bool,), _, _| {
            if let Some(event) = from_prepare_for_sleep(start) {
                tracing::info!("the machine woke from sleep");
                on_event(event);
            }
            true
        },
    )?;
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    use std::sync::Mutex;

    use dbus::Message;
    use dbus::channel::Sender;

    use super::*;

    #[test]
    fn only_full_connectivity_and_waking_count() {
        assert_eq!(from_network_state(70), Some(SystemEvent::NetworkBack));
        // Asleep, disconnected, connecting, local only, site only.
        for state in [10, 20, 40, 50, 60] {
            assert_eq!(from_network_state(state), None, "{state}");
        }
        assert_eq!(from_prepare_for_sleep(false), Some(SystemEvent::Woke));
        assert_eq!(from_prepare_for_sleep(true), None);
    }

    /// A private bus daemon standing in for the system bus; killed on drop.
    struct Bus {
        daemon: std::process::Child,
        address: String,
    }

    impl Drop for Bus {
        fn drop(&mut self) {
            let _ = self.daemon.kill();
            let _ = self.daemon.wait();
        }
    }

    fn private_bus() -> Bus {
        let mut daemon = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("dbus-daemon (package dbus)");
        let mut line = String::new();
        let stdout = daemon.stdout.take().expect("stdout");
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .expect("address");
        Bus {
            daemon,
            address: line.trim().to_owned(),
        }
    }

    #[test]
    fn signals_on_the_bus_become_events() {
        let bus = private_bus();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let (tx, subscribed) = std::sync::mpsc::channel();
        let _watching = watch(
            Some(&bus.address),
            move |e| log.lock().expect("lock").push(e),
            move |ok| {
                let _ = tx.send(ok);
            },
        );
        assert_eq!(subscribed.recv_timeout(Duration::from_secs(10)), Ok(true));

        let sender = Connection::new_address(&bus.address).expect("connect");
        let signal = |interface: &str, member: &str| {
            Message::new_signal("/org/freedesktop/stand_in", interface, member).expect("signal")
        };
        for message in [
            signal(LOGIND_INTERFACE, "PrepareForSleep").append1(true),
            signal(NM_INTERFACE, "StateChanged").append1(20u32),
            signal(LOGIND_INTERFACE, "PrepareForSleep").append1(false),
            signal(NM_INTERFACE, "StateChanged").append1(70u32),
        ] {
            sender.send(message).expect("send");
        }
        sender.channel().flush();

        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while seen.lock().expect("lock").len() < 2 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(
            *seen.lock().expect("lock"),
            vec![SystemEvent::Woke, SystemEvent::NetworkBack]
        );
    }

    #[test]
    fn no_bus_means_nothing_is_watched() {
        let (tx, subscribed) = std::sync::mpsc::channel();
        let _watching = watch(
            Some("unix:path=/nonexistent/charter-test-bus"),
            |_| {},
            move |ok| {
                let _ = tx.send(ok);
            },
        );
        assert_eq!(subscribed.recv_timeout(Duration::from_secs(10)), Ok(false));
    }
}
