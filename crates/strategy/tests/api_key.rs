//! The promise that an API key never reaches a job's input, the database or the logs: a
//! model job run with a distinctive key from the key store, once failing (the server echoes
//! the key in its error) and once completing. The server receives the key; nothing Charter
//! stores or logs (at TRACE, everything captured) contains it.
//!
//! Alone in its test binary: it installs the process-wide log subscriber.

mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use jobs::{JobStatus, Snapshot};
use strategy::provider::ApiKeys;
use strategy::{ProviderChoice, Workspace};
use support::{ChatServer, Logs, Reply, offline_answer};
use tracing_subscriber::util::SubscriberInitExt;

const SECRET: &str = "sk-charter-7f3a9c2e51d84b06-never-stored";

/// The key store: one key for every server.
struct Keys;

impl ApiKeys for Keys {
    fn api_key(&self, _base_url: &str) -> Option<secrecy::SecretString> {
        Some(SECRET.to_owned().into())
    }
}

/// Everything the engine stores of a job, as text.
fn stored(snapshot: &Snapshot) -> String {
    serde_json::to_string(&(&snapshot.job, &snapshot.steps, &snapshot.partials)).expect("json")
}

/// Fails when any file in `dir` (the databases with their -wal and -shm) holds the key.
fn assert_no_file_holds_the_key(dir: &Path) {
    let mut read = 0;
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            // Removed between the listing and the read (a -shm or -wal as its pool closes).
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => panic!("cannot read {}: {e}", path.display()),
        };
        read += 1;
        assert!(
            !bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()),
            "{} holds the API key",
            path.display()
        );
    }
    assert!(read >= 2, "both databases were read");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_key_reaches_the_server_and_nothing_charter_keeps() {
    let logs = Logs::default();
    logs.subscriber().try_init().expect("the only subscriber");
    tracing::trace!("log capture is on");

    let (dir, mut config) = support::temp_config();
    config.providers.keys = Arc::new(Keys);
    let workspace = Workspace::open(config).await.expect("open");
    let initiative = workspace
        .initiatives()
        .create(support::coffee_draft())
        .await
        .expect("create");
    // First the server refuses the key at the measures step, echoing it in its error.
    let answers = initiative.clone();
    let server = ChatServer::start(move |r, _| {
        if r.artefact == "measures" {
            let key = r.authorization.clone().unwrap_or_default();
            Reply::Status(
                401,
                None,
                format!(r#"{{"error":{{"message":"bad key {key}"}}}}"#),
            )
        } else {
            Reply::Stream(offline_answer(&answers, &r.artefact))
        }
    })
    .await;
    let provider = ProviderChoice::OpenaiCompatible {
        base_url: server.base_url.clone(),
        model: "test-model".into(),
    };
    let id = workspace
        .generate_program(&initiative.id, provider)
        .await
        .expect("start")
        .id;
    // A refused key pauses the job (it waits for the key to change) instead of failing it.
    let failed = support::wait_finished(&workspace, id).await;
    assert_eq!(failed.job.status, JobStatus::Paused);
    assert_eq!(
        failed.job.pause.as_ref().map(|p| p.reason),
        Some(jobs::PauseReason::Unauthorized)
    );
    assert!(!stored(&failed).contains(SECRET), "{}", stored(&failed));

    // Then it answers, and the resumed job completes.
    let answers = initiative.clone();
    server.set_script(move |r, _| Reply::Stream(offline_answer(&answers, &r.artefact)));
    workspace.engine().resume(id).await.expect("resume");
    let done = support::wait_finished(&workspace, id).await;
    assert_eq!(
        done.job.status,
        JobStatus::Completed,
        "{:?}",
        done.job.error
    );
    assert!(!stored(&done).contains(SECRET), "{}", stored(&done));

    // The server did receive the key, on every request.
    let requests = server.requests();
    assert!(requests.len() >= 6);
    let bearer = format!("Bearer {SECRET}");
    assert!(
        requests
            .iter()
            .all(|r| r.authorization.as_deref() == Some(bearer.as_str()))
    );

    // Not a byte of the databases holds it, while open (the -wal files) or after.
    assert_no_file_holds_the_key(dir.path());
    workspace.engine().shutdown(Duration::from_secs(2)).await;
    drop(workspace);
    assert_no_file_holds_the_key(dir.path());

    // Nor the logs, which did capture everything down to TRACE.
    let text = logs.text();
    assert!(text.contains("log capture is on"), "the capture works");
    assert!(
        text.contains("sqlx::query"),
        "dependencies' events are captured too"
    );
    assert!(!text.contains(SECRET), "the logs hold the API key:\n{text}");
}
