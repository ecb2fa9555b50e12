//! Notifications over `org.freedesktop.Notifications` on the session bus (Linux): each
//! notice sent with a `default` action and, where the server shows buttons, its one button;
//! the server's `ActionInvoked` reported back as the notice's target and the click. The
//! official plugin sends neither actions nor clicks on desktop, hence this adapter; what a
//! click does is decided in `notify::click`.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use dbus::arg::PropMap;
use dbus::blocking::Connection;
use dbus::message::MatchRule;

use crate::notify::Notice;
use crate::notify::click::{Clicked, DEFAULT_KEY, SentNotices, Target};

const SERVER: &str = "org.freedesktop.Notifications";
const SERVER_PATH: &str = "/org/freedesktop/Notifications";
const CALL_TIMEOUT: Duration = Duration::from_secs(5);
/// How often the thread looks for a notice to send between bus reads.
const POLL: Duration = Duration::from_millis(100);

/// Sends notices to the desktop's notification server from a thread of its own; dropping
/// it stops the thread.
pub struct FreedesktopNotices {
    outbox: mpsc::Sender<Notice>,
}

impl FreedesktopNotices {
    /// Connects to the session bus (`address`, or the user's when `None`) and starts
    /// listening for clicks; `on_click` runs on the adapter's thread. The targets of sent
    /// notices are kept in `store` so clicks after a restart still land. `Err` when there
    /// is no session bus.
    pub fn start(
        address: Option<&str>,
        app_name: String,
        store: PathBuf,
        on_click: impl Fn(Target, Clicked) + Send + 'static,
    ) -> Result<Self, dbus::Error> {
        let conn = match address {
            Some(address) => Connection::new_address(address)?,
            None => Connection::new_session()?,
        };
        // Filled on the adapter's thread (a file read and a bus call, kept off start-up)
        // before it reads the first click.
        let sent = Arc::new(Mutex::new(SentNotices::default()));
        let clicks = sent.clone();
        conn.add_match(
            MatchRule::new_signal(SERVER, "ActionInvoked").with_sender(SERVER),
            move |(id, key): (u32, String), _, message| {
                let from = message.sender().map(|s| s.to_string()).unwrap_or_default();
                let target = {
                    let list = lock(&clicks);
                    list.is_from(&from).then(|| list.target(id)).flatten()
                };
                match (target, Clicked::from_key(&key)) {
                    (Some(target), Some(clicked)) => {
                        tracing::info!(id, key, ?target, "a notification was clicked");
                        on_click(target, clicked);
                    }
                    // Another app's notice, or an action Charter never offered.
                    _ => tracing::debug!(id, key, "a click that is not Charter's"),
                }
                true
            },
        )?;
        let (outbox, inbox) = mpsc::channel::<Notice>();
        let mut sender = Sending {
            conn,
            app_name,
            store,
            sent,
            buttons: None,
        };
        std::thread::Builder::new()
            .name("notifications".into())
            .spawn(move || {
                sender.recall();
                loop {
                    match inbox.recv_timeout(POLL) {
                        Ok(notice) => sender.send(&notice),
                        Err(RecvTimeoutError::Timeout) => {}
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                    if let Err(e) = sender.conn.process(Duration::ZERO) {
                        tracing::warn!(error = %e, "the session bus went away; notifications stop");
                        return;
                    }
                }
            })
            .map_err(|e| dbus::Error::new_failed(&e.to_string()))?;
        Ok(FreedesktopNotices { outbox })
    }

    /// Queues a notice; sent within [`POLL`].
    pub fn send(&self, notice: Notice) {
        if self.outbox.send(notice).is_err() {
            tracing::warn!("the notification thread has stopped; a notification is lost");
        }
    }
}

/// The adapter thread's side: the connection and what it knows of the server.
struct Sending {
    conn: Connection,
    app_name: String,
    store: PathBuf,
    sent: Arc<Mutex<SentNotices>>,
    /// Whether the server shows action buttons, once asked.
    buttons: Option<bool>,
}

impl Sending {
    /// The notices an earlier run sent, kept when the same server instance still runs.
    fn recall(&self) {
        let mut kept = load(&self.store);
        if let Some(server) = server_name(&self.conn) {
            kept = kept.for_server(&server);
        }
        *lock(&self.sent) = kept;
    }

    fn send(&mut self, notice: &Notice) {
        let proxy = self.conn.with_proxy(SERVER, SERVER_PATH, CALL_TIMEOUT);
        let buttons = *self.buttons.get_or_insert_with(|| {
            let caps: Result<(Vec<String>,), _> = proxy.method_call(SERVER, "GetCapabilities", ());
            caps.is_ok_and(|(caps,)| caps.iter().any(|c| c == "actions"))
        });
        let mut actions = vec![DEFAULT_KEY.to_owned(), "Open".to_owned()];
        if let Some(button) = notice.button.filter(|_| buttons) {
            actions.extend([button.key().to_owned(), button.label().to_owned()]);
        }
        let sent: Result<(u32,), _> = proxy.method_call(
            SERVER,
            "Notify",
            (
                self.app_name.as_str(),
                0u32,
                "",
                notice.title.as_str(),
                notice.body.as_str(),
                actions,
                PropMap::new(),
                -1i32,
            ),
        );
        let id = match sent {
            Ok((id,)) => id,
            Err(e) => {
                tracing::warn!(error = %e, "notification failed");
                return;
            }
        };
        // Asked after each send: a server restarted since gave this id, not the old one.
        let server = server_name(&self.conn).unwrap_or_default();
        let saved = {
            let mut list = lock(&self.sent);
            *list = std::mem::take(&mut *list).for_server(&server);
            list.record(id, notice.target);
            serde_json::to_vec(&*list)
        };
        match saved {
            Ok(bytes) => {
                if let Err(e) = crate::save::write_atomically(&self.store, &bytes) {
                    tracing::warn!(error = %e, "cannot keep the sent notifications' targets");
                }
            }
            Err(e) => tracing::warn!(error = %e, "cannot encode the sent notifications"),
        }
    }
}

/// The unique bus name of the running notification server, if one runs.
fn server_name(conn: &Connection) -> Option<String> {
    let bus = conn.with_proxy(
        "org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        CALL_TIMEOUT,
    );
    let owner: Result<(String,), _> =
        bus.method_call("org.freedesktop.DBus", "GetNameOwner", (SERVER,));
    owner.ok().map(|(name,)| name)
}

/// The sent notices kept by an earlier run; none when the file is missing or unreadable.
fn load(store: &PathBuf) -> SentNotices {
    match std::fs::read(store) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "the sent notifications' file is unreadable; starting afresh");
            SentNotices::default()
        }),
        Err(_) => SentNotices::default(),
    }
}

fn lock(sent: &Mutex<SentNotices>) -> std::sync::MutexGuard<'_, SentNotices> {
    sent.lock().unwrap_or_else(PoisonError::into_inner)
}
