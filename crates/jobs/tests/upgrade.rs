//! Upgrading a database in place: a file written by the previous schema (every table in
//! one file, migrations 1–3 applied) opens with this engine with its jobs, steps,
//! partials and counts intact, its step statistics folded by step index, and the domain
//! tables gone (the strategy crate imports them before the engine opens).

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use jobs::{Engine, Error, JobId, JobStatus};
use sha2::{Digest, Sha384};
use sqlx::sqlite::{SqliteAutoVacuum, SqliteConnectOptions, SqliteJournalMode};
use sqlx::{Connection, SqliteConnection};
use support::*;

/// The migrations existing databases applied, with the SHA-384 sqlx recorded for each.
const APPLIED: [(&str, &str); 3] = [
    (
        "20261129000001_jobs.sql",
        "b498295983cf091e307c7adc559274b8c51e6ba821af577064aef5d910adfc6845468fc1b1b5855444316a3f4a896fdf",
    ),
    (
        "20261129000002_initiatives.sql",
        "645ee4a9444b477816b5a847a9070006abcab66d3cc59aa40a94a8cf928de54c30efabdb8aedee8859882b6feb6c3b54",
    ),
    (
        "20261129000003_documents.sql",
        "97087933a4d6787cea21a284aaacc667835c2fbc3e5727bbb7faa0e72765e15379a5608d95423af7c90fc7573d8e2eec",
    ),
];

fn migrations_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations")
}

fn config_at(path: &Path) -> jobs::EngineConfig {
    let mut config = jobs::EngineConfig::new(path);
    config.prune_interval = None;
    config
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_migrations_existing_databases_applied_are_unchanged_byte_for_byte() {
    for (file, checksum) in APPLIED {
        let bytes = std::fs::read(migrations_dir().join(file)).expect("migration file");
        assert_eq!(
            hex(&Sha384::digest(&bytes)),
            checksum,
            "{file} changed: databases that applied it would no longer open (see migrations/README.md)"
        );
    }
}

/// A database exactly as the previous engine left it: migrations 1–3 applied by sqlx
/// (from copies of those three files alone), with the engine's connection settings.
async fn old_database(path: &Path) -> SqliteConnection {
    let old = tempfile::tempdir().expect("temp dir");
    for (file, _) in APPLIED {
        std::fs::copy(migrations_dir().join(file), old.path().join(file)).expect("copy");
    }
    let migrator = sqlx::migrate::Migrator::new(old.path())
        .await
        .expect("old migrations");
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .auto_vacuum(SqliteAutoVacuum::Incremental);
    let mut conn = SqliteConnection::connect_with(&opts)
        .await
        .expect("connect");
    migrator.run(&mut conn).await.expect("old schema");
    conn
}

struct OldJob {
    id: JobId,
    kind: &'static str,
    status: &'static str,
    pinned: bool,
    result: Option<&'static str>,
    error: Option<&'static str>,
    /// (status, output) per step, from index 0.
    steps: &'static [(&'static str, Option<&'static str>)],
    /// The step index of each partial.
    partials: &'static [u32],
}

const T0: i64 = 1_780_000_000_000;

async fn insert_old_job(conn: &mut SqliteConnection, job: &OldJob) {
    let finished = (job.status != "running").then_some(T0 + 5_000);
    sqlx::query(
        "INSERT INTO jobs (id, kind, title, status, progress, input, result, error, session_id, \
         entity_id, entity_type, attempt, seq, pinned, created_at, started_at, updated_at, \
         finished_at, owner) \
         VALUES (?, ?, ?, ?, 50, '{\"idea\":\"coffee\"}', ?, ?, 'init-1', 'ent-1', 'initiative', \
         1, 9, ?, ?, ?, ?, ?, 'a-dead-engine')",
    )
    .bind(job.id.to_string())
    .bind(job.kind)
    .bind(format!("{} job", job.status))
    .bind(job.status)
    .bind(job.result)
    .bind(job.error)
    .bind(i64::from(job.pinned))
    .bind(T0)
    .bind(T0 + 10)
    .bind(T0 + 5_000)
    .bind(finished)
    .execute(&mut *conn)
    .await
    .expect("insert job");
    for (idx, (status, output)) in job.steps.iter().enumerate() {
        sqlx::query(
            "INSERT INTO job_steps (job_id, idx, name, status, output, attempt, started_at, finished_at) \
             VALUES (?, ?, ?, ?, ?, 1, ?, ?)",
        )
        .bind(job.id.to_string())
        .bind(idx as i64)
        .bind(format!("Step {idx}"))
        .bind(*status)
        .bind(*output)
        .bind(T0 + 100 * idx as i64)
        .bind((*status != "running").then_some(T0 + 100 * idx as i64 + 50))
        .execute(&mut *conn)
        .await
        .expect("insert step");
    }
    for (seq, step) in job.partials.iter().enumerate() {
        sqlx::query(
            "INSERT INTO job_partials (job_id, seq, step_idx, value, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(job.id.to_string())
        .bind(seq as i64 + 1)
        .bind(i64::from(*step))
        .bind(format!("{{\"part\":{seq}}}"))
        .bind(T0 + 200)
        .execute(&mut *conn)
        .await
        .expect("insert partial");
    }
}

/// Step statistics as the old schema kept them: one row per (kind, step name).
const OLD_STATS: [(&str, &str, i64, i64, f64); 6] = [
    ("web_research", "Planning queries", 0, 4, 100.0),
    ("web_research", "Searching", 1, 5, 200.0),
    ("web_research", "Reading a.example", 2, 1, 300.0),
    ("web_research", "Reading b.example", 2, 3, 500.0),
    ("web_research", "Reading c.example", 3, 2, 400.0),
    ("epm_generation", "Analysing the initiative", 0, 2, 1_000.0),
];

async fn insert_domain_rows(conn: &mut SqliteConnection) {
    sqlx::query(
        "INSERT INTO initiatives (id, name, description, budget_minor, currency, horizon_months, \
         team_size, start_date, created_at, updated_at) \
         VALUES ('init-1', 'Coffee shop', 'A coffee shop', 100000, 'EUR', 12, 3, '2027-01-01', 1, 1)",
    )
    .execute(&mut *conn)
    .await
    .expect("insert initiative");
    sqlx::query(
        "INSERT INTO documents (id, initiative_id, kind, title, content, bytes, created_at) \
         VALUES ('doc-1', 'init-1', 'note', 'Rent', 'Rent is high', 12, 1)",
    )
    .execute(&mut *conn)
    .await
    .expect("insert document");
}

async fn tables(conn: &mut SqliteConnection) -> Vec<String> {
    sqlx::query_scalar("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .fetch_all(&mut *conn)
        .await
        .expect("tables")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_of_the_previous_schema_upgrades_in_place_and_keeps_every_job() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("charter.db");
    let mut conn = old_database(&path).await;
    let completed = OldJob {
        id: JobId::new(),
        kind: "epm_generation",
        status: "completed",
        pinned: false,
        result: Some(r#"{"program":"ok"}"#),
        error: None,
        steps: &[("completed", Some(r#""a""#)), ("completed", Some(r#""b""#))],
        partials: &[0, 1],
    };
    let failed = OldJob {
        id: JobId::new(),
        kind: "web_research",
        status: "failed",
        pinned: false,
        result: None,
        error: Some(r#"{"code":"boom","message":"it broke","retryable":true}"#),
        steps: &[
            ("completed", Some("1")),
            ("completed", Some("2")),
            ("failed", None),
        ],
        partials: &[0, 1],
    };
    let running = OldJob {
        id: JobId::new(),
        kind: "epm_generation",
        status: "running",
        pinned: false,
        result: None,
        error: None,
        steps: &[("completed", Some(r#""a""#)), ("running", None)],
        partials: &[0, 1],
    };
    let cancelled = OldJob {
        id: JobId::new(),
        kind: "web_research",
        status: "cancelled",
        pinned: true,
        result: None,
        error: Some(r#"{"code":"cancelled","message":"Cancelled","retryable":false}"#),
        steps: &[("completed", Some("1"))],
        partials: &[],
    };
    for job in [&completed, &failed, &running, &cancelled] {
        insert_old_job(&mut conn, job).await;
    }
    for (kind, name, idx, samples, mean_ms) in OLD_STATS {
        sqlx::query(
            "INSERT INTO step_stats (kind, name, idx, samples, mean_ms) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(kind)
        .bind(name)
        .bind(idx)
        .bind(samples)
        .bind(mean_ms)
        .execute(&mut conn)
        .await
        .expect("insert stat");
    }
    insert_domain_rows(&mut conn).await;
    conn.close().await.expect("close");

    // The registered kind stands in for web research; epm_generation is not registered,
    // so the job a dead engine left running comes back interrupted.
    let config = config_at(&path);
    let research = Gated::new("web_research");
    let engine = Engine::builder(config)
        .register(research.clone())
        .open()
        .await
        .expect("the old database opens");
    assert_eq!(engine.recovery().interrupted, vec![running.id]);

    let expected = [
        (&completed, JobStatus::Completed, 2, 2),
        (&failed, JobStatus::Failed, 3, 2),
        (&running, JobStatus::Interrupted, 2, 2),
        (&cancelled, JobStatus::Cancelled, 1, 0),
    ];
    for (old, status, steps, partials) in expected {
        let snapshot = engine.get(old.id).await.expect("job kept");
        assert_eq!(snapshot.job.status, status);
        assert_eq!(snapshot.job.kind, old.kind);
        assert_eq!(snapshot.job.session_id.as_deref(), Some("init-1"));
        assert_eq!(snapshot.job.pinned, old.pinned);
        assert_eq!(snapshot.job.input, serde_json::json!({ "idea": "coffee" }));
        assert_eq!(
            snapshot.steps.len(),
            steps,
            "steps of the {} job",
            old.status
        );
        assert_eq!(
            snapshot.partials.len(),
            partials,
            "partials of the {} job",
            old.status
        );
    }
    let snapshot = engine.get(completed.id).await.unwrap();
    assert_eq!(
        snapshot.job.result,
        Some(serde_json::json!({ "program": "ok" }))
    );
    assert_eq!(snapshot.steps[1].output, Some(serde_json::json!("b")));
    let snapshot = engine.get(failed.id).await.unwrap();
    assert_eq!(snapshot.job.error.expect("error kept").code, "boom");

    let counts = engine.counts(None).await.unwrap();
    assert_eq!(
        (
            counts.completed,
            counts.failed,
            counts.cancelled,
            counts.interrupted
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(counts.total(), 4);

    let stats: Vec<(String, i64, String, i64, f64)> = sqlx::query_as(
        "SELECT kind, idx, name, samples, mean_ms FROM step_stats \
         ORDER BY kind, idx",
    )
    .fetch_all(&mut raw_write_connection(&path).await)
    .await
    .unwrap();
    let stat = |kind: &str, idx, name: &str, samples, mean_ms| {
        (kind.to_owned(), idx, name.to_owned(), samples, mean_ms)
    };
    assert_eq!(
        stats,
        vec![
            stat("epm_generation", 0, "Analysing the initiative", 2, 1_000.0),
            stat("web_research", 0, "Planning queries", 4, 100.0),
            stat("web_research", 1, "Searching", 5, 200.0),
            // 1 × 300 ms and 3 × 500 ms fold into 4 samples of 450 ms; the most-sampled name stays.
            stat("web_research", 2, "Reading b.example", 4, 450.0),
            stat("web_research", 3, "Reading c.example", 2, 400.0),
        ]
    );

    // The ETA comes from the folded statistics: steps 1–3 of web research are still to
    // run while step 0 runs (200 + 450 + 400 ms), step 0's 100 ms at most.
    let id = start_gated(&engine, &research, "Reading", 4).await;
    let eta = step_running(&engine, id, 0).await.job.eta_ms.expect("eta");
    assert!((1_050..=1_150).contains(&eta), "ETA {eta} ms");
    for _ in 0..4 {
        research.open();
    }
    wait_finished(&engine, id).await;
    assert_eq!(
        engine.counts(None).await.unwrap().completed,
        2,
        "triggers still count"
    );
    engine.shutdown(Duration::from_secs(1)).await;

    let mut conn = raw_write_connection(&path).await;
    let names = tables(&mut conn).await;
    assert!(!names.contains(&"initiatives".to_owned()), "{names:?}");
    assert!(!names.contains(&"documents".to_owned()), "{names:?}");
    let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info('jobs')")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert!(
        !columns.iter().any(|c| c.starts_with("entity_")),
        "{columns:?}"
    );
    let applied: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert!(
        applied.len() > APPLIED.len(),
        "the new migrations are applied"
    );
    for ((version, checksum), (file, expected)) in applied.iter().zip(APPLIED) {
        assert!(file.starts_with(&version.to_string()));
        assert_eq!(hex(checksum), expected);
    }
    conn.close().await.unwrap();
    assert_eq!(integrity(&path).await, "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_from_a_newer_charter_is_refused_before_anything_is_dropped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("charter.db");
    let mut conn = old_database(&path).await;
    insert_domain_rows(&mut conn).await;
    let future = 99_991_231_000_001_i64;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (?, 'from the future', 1, x'00', 0)",
    )
    .bind(future)
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();

    let config = config_at(&path);
    match Engine::builder(config)
        .register(Steps::new("steps"))
        .open()
        .await
    {
        Err(Error::SchemaTooNew { found, .. }) => assert_eq!(found, future),
        Err(other) => panic!("expected SchemaTooNew, got {other:?}"),
        Ok(_) => panic!("opened a database from a newer schema"),
    }
    let mut conn = raw_write_connection(&path).await;
    let initiatives: i64 = sqlx::query_scalar("SELECT count(*) FROM initiatives")
        .fetch_one(&mut conn)
        .await
        .expect("the initiatives are still there");
    assert_eq!(initiatives, 1);
    conn.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_database_holds_only_the_engine_tables() {
    let (_dir, config) = temp_config();
    let engine = open(&config, &Steps::new("steps")).await;
    engine.shutdown(Duration::from_secs(1)).await;
    let names = tables(&mut raw_write_connection(&config.path).await).await;
    assert_eq!(
        names,
        [
            "_sqlx_migrations",
            "job_counts",
            "job_partials",
            "job_steps",
            "jobs",
            "step_stats",
            "usage"
        ]
    );
}
