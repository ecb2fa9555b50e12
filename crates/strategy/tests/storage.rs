//! Strategy's own database file: a database written by the Charter before it (jobs,
//! initiatives and documents in one file, `fixtures/charter-v1.sqlite`) upgrades in place
//! with nothing lost or duplicated, even after a crash between the import and the engine's
//! start; the initiatives file refuses what it cannot open.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use jobs::{JobQuery, JobStatus};
use sqlx::{Connection, SqliteConnection};
use strategy::store::{InitiativeStore, LegacyImport};
use strategy::{Error, OperationResult, Workspace, WorkspaceConfig};

/// The fixture: written by the base commit's code (two initiatives, a note and a file on
/// the first, one completed five-whys job), checkpointed and vacuumed.
fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/charter-v1.sqlite")
}

const COFFEE: &str = "01a24076-9caf-7602-b835-841470a0f89b";
const CLINIC: &str = "01a24076-9cb8-756d-b94b-dd0216a21a7e";
const JOB: &str = "01a24076-9cba-7113-a2f2-54aa2e6c9123";

/// A data folder holding a copy of the old database as the engine's file.
fn old_data_folder() -> (tempfile::TempDir, WorkspaceConfig) {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = WorkspaceConfig::new(dir.path());
    std::fs::copy(fixture(), &config.engine.path).expect("copy the fixture");
    (dir, config)
}

/// Checks that the workspace holds exactly what the old database held.
async fn assert_holds_the_old_data(workspace: &Workspace) {
    let initiatives = workspace.initiatives().list().await.expect("list");
    let names: Vec<&str> = initiatives.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        ["Riverside Physio", "Harbour Coffee"],
        "most recent first"
    );
    let clinic = &initiatives[0];
    assert_eq!(clinic.id, CLINIC);
    assert_eq!(clinic.budget, 420_000.5);
    assert_eq!(clinic.currency, "GBP");
    assert_eq!(clinic.industry.as_deref(), Some("Health clinic"));
    let coffee = &initiatives[1];
    assert_eq!(coffee.id, COFFEE);
    assert_eq!(coffee.constraints, ["Open before the summer season"]);

    let documents = workspace
        .initiatives()
        .documents(COFFEE)
        .await
        .expect("docs");
    let titles: Vec<(&str, &str)> = documents
        .iter()
        .map(|d| (d.kind.as_str(), d.title.as_str()))
        .collect();
    assert_eq!(
        titles,
        [("note", "Terminal visit"), ("file", "landlord.md")]
    );
    assert!(documents[1].content.contains("six months rent-free"));
    assert!(
        workspace
            .initiatives()
            .documents(CLINIC)
            .await
            .expect("docs")
            .is_empty()
    );

    let jobs = workspace
        .engine()
        .list(&JobQuery::default())
        .await
        .expect("jobs");
    assert_eq!(jobs.items.len(), 1);
    let job = &jobs.items[0];
    assert_eq!(job.id.to_string(), JOB);
    assert_eq!(job.status, JobStatus::Completed);
    assert_eq!(job.session_id.as_deref(), Some(COFFEE));
    let Ok(OperationResult::FiveWhys(chain)) = workspace.result(job.id).await else {
        panic!("the old job's why-chain reads");
    };
    assert_eq!(chain.problem, "Weekday morning sales are 30% below plan");
}

#[tokio::test]
async fn an_old_database_upgrades_in_place_and_a_second_open_duplicates_nothing() {
    let (_dir, config) = old_data_folder();
    let workspace = Workspace::open(config.clone()).await.expect("open");
    assert_holds_the_old_data(&workspace).await;
    // The upgraded workspace works: a new note lands in the new file, a job runs.
    let coffee = workspace.initiatives().get(COFFEE).await.expect("coffee");
    workspace
        .add_note(
            COFFEE,
            "After the upgrade",
            "Written by the new version.".into(),
        )
        .await
        .expect("note");
    let done = support::canvas(&workspace, &coffee).await;
    assert_eq!(done.job.status, JobStatus::Completed);
    workspace.engine().shutdown(Duration::from_secs(2)).await;
    drop(workspace);

    let workspace = Workspace::open(config.clone()).await.expect("reopen");
    assert_eq!(workspace.initiatives().list().await.expect("list").len(), 2);
    assert_eq!(
        workspace
            .initiatives()
            .documents(COFFEE)
            .await
            .expect("docs")
            .len(),
        3
    );
    assert_eq!(
        import(workspace.initiatives(), &config).await,
        LegacyImport::AlreadyDone
    );
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn the_import_only_reads_the_engines_file() {
    let (_dir, config) = old_data_folder();
    let before = std::fs::read(&config.engine.path).expect("read");
    let store = store(&config).await;
    let imported = import(&store, &config).await;
    assert_eq!(
        imported,
        LegacyImport::Imported {
            initiatives: 2,
            documents: 2
        }
    );
    assert_eq!(
        std::fs::read(&config.engine.path).expect("read"),
        before,
        "not a byte of the engine's file changed"
    );
}

#[tokio::test]
async fn a_crash_between_the_import_and_the_engine_loses_and_duplicates_nothing() {
    let (_dir, config) = old_data_folder();
    // The import commits, then the process dies before the engine opens (and before its
    // migration could drop the old tables).
    let store = store(&config).await;
    import(&store, &config).await;
    drop(store);

    let workspace = Workspace::open(config).await.expect("open after the crash");
    assert_holds_the_old_data(&workspace).await;
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn an_import_that_fails_half_way_leaves_nothing_behind_and_is_tried_again() {
    let (_dir, config) = old_data_folder();
    // A document the new file refuses (its kind breaks a CHECK), after the initiatives
    // have been copied: the whole import must roll back.
    let mut old = connect(&config.engine.path).await;
    sqlx::query("PRAGMA ignore_check_constraints = ON")
        .execute(&mut old)
        .await
        .expect("pragma");
    sqlx::query(
        "INSERT INTO documents (id, initiative_id, kind, title, content, bytes, created_at)
         VALUES ('bad', ?, 'video', 'Clip', 'x', 1, 0)",
    )
    .bind(CLINIC)
    .execute(&mut old)
    .await
    .expect("insert");

    let store = store(&config).await;
    store
        .import_legacy(&config.engine.path)
        .await
        .expect_err("the bad document stops the import");
    assert!(
        store.list().await.expect("list").is_empty(),
        "nothing half-copied"
    );

    sqlx::query("DELETE FROM documents WHERE id = 'bad'")
        .execute(&mut old)
        .await
        .expect("delete");
    old.close().await.expect("close");
    assert_eq!(
        import(&store, &config).await,
        LegacyImport::Imported {
            initiatives: 2,
            documents: 2
        },
        "not recorded as done, so tried again"
    );
}

#[tokio::test]
async fn changes_still_in_the_old_files_write_ahead_log_are_imported() {
    // The old app died with its last write only in the -wal file; a copy of the folder
    // taken then is what the new version finds.
    let (_dir, config) = old_data_folder();
    let mut old = connect(&config.engine.path).await;
    sqlx::query("PRAGMA wal_autocheckpoint = 0")
        .execute(&mut old)
        .await
        .expect("pragma");
    sqlx::query(
        "INSERT INTO initiatives (id, name, description, industry, budget_minor, currency, horizon_months, team_size, start_date, constraints, created_at, updated_at)
         VALUES ('late', 'Late idea', 'Written just before the crash.', NULL, 100, 'EUR', 6, 1, '2027-01-04', '[]', 1, 1)",
    )
    .execute(&mut old)
    .await
    .expect("insert");
    let copy = tempfile::tempdir().expect("temp dir");
    let copied = WorkspaceConfig::new(copy.path());
    for suffix in ["", "-wal", "-shm"] {
        let name = |p: &Path| PathBuf::from(format!("{}{suffix}", p.display()));
        std::fs::copy(name(&config.engine.path), name(&copied.engine.path)).expect("copy");
    }
    old.close().await.expect("close");

    let workspace = Workspace::open(copied).await.expect("open");
    let names: Vec<String> = workspace
        .initiatives()
        .list()
        .await
        .expect("list")
        .into_iter()
        .map(|i| i.name)
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(names.contains(&"Late idea".to_owned()));
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn a_fresh_folder_records_that_there_was_nothing_to_import() {
    let (_dir, config) = support::temp_config();
    let workspace = Workspace::open(config.clone()).await.expect("open");
    assert!(
        workspace
            .initiatives()
            .list()
            .await
            .expect("list")
            .is_empty()
    );
    assert_eq!(
        import(workspace.initiatives(), &config).await,
        LegacyImport::AlreadyDone
    );
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn a_job_file_that_is_not_a_database_is_left_to_the_engine_to_refuse() {
    let (_dir, config) = support::temp_config();
    std::fs::write(
        &config.engine.path,
        "not a database, just text ".repeat(100),
    )
    .expect("write");
    let err = Workspace::open(config.clone())
        .await
        .err()
        .expect("refused");
    assert_eq!(err.code().as_str(), "not_a_database", "{err}");
    assert!(
        matches!(err, Error::Jobs(_)),
        "the engine's own error: {err:?}"
    );
    // Nothing was recorded: once the file is a database again, its initiatives are imported.
    let store = store(&config).await;
    assert_eq!(import(&store, &config).await, LegacyImport::Unreadable);
    std::fs::copy(fixture(), &config.engine.path).expect("copy");
    assert!(matches!(
        store.import_legacy(&config.engine.path).await,
        Ok(LegacyImport::Imported { .. })
    ));
}

#[tokio::test]
async fn the_initiatives_file_refuses_what_it_cannot_open() {
    let dir = tempfile::tempdir().expect("temp dir");

    let text = dir.path().join("text.db");
    std::fs::write(&text, "not a database, just text ".repeat(100)).expect("write");
    let err = InitiativeStore::open(&text).await.expect_err("not a db");
    assert!(matches!(err, Error::NotADatabase { .. }), "{err:?}");
    assert_eq!(err.code().as_str(), "not_a_database");

    // An empty file is an empty database: it is migrated.
    let empty = dir.path().join("empty.db");
    std::fs::File::create(&empty).expect("file");
    let store = InitiativeStore::open(&empty).await.expect("empty file");
    assert!(store.list().await.expect("list").is_empty());
    drop(store);

    // A file a newer Charter migrated further is refused, not half-understood.
    let newer = dir.path().join("newer.db");
    drop(InitiativeStore::open(&newer).await.expect("create"));
    let mut conn = connect(&newer).await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (99991231000001, 'from the future', 1, x'00', 0)",
    )
    .execute(&mut conn)
    .await
    .expect("insert");
    conn.close().await.expect("close");
    let err = InitiativeStore::open(&newer).await.expect_err("too new");
    let Error::SchemaTooNew {
        found, supported, ..
    } = &err
    else {
        panic!("expected SchemaTooNew, got {err:?}");
    };
    assert_eq!(*found, 99991231000001);
    assert!(supported < found);
    assert_eq!(err.code().as_str(), "schema_too_new");
}

/// Strategy's store in the data folder of `config`.
async fn store(config: &WorkspaceConfig) -> InitiativeStore {
    InitiativeStore::open(&config.initiatives)
        .await
        .expect("store")
}

/// Imports from the engine's file of `config` into `store`.
async fn import(store: &InitiativeStore, config: &WorkspaceConfig) -> LegacyImport {
    store
        .import_legacy(&config.engine.path)
        .await
        .expect("import")
}

/// A plain connection to a database file, as another program would open it.
async fn connect(path: &Path) -> SqliteConnection {
    SqliteConnection::connect_with(
        &sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal),
    )
    .await
    .expect("connect")
}
