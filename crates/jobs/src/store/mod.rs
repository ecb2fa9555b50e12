//! All SQL of the engine: opening the database and applying its migrations here; row
//! decoding, reads, writes and recovery in the submodules.

mod helpers;
mod read;
mod recover;
mod rows;
mod write;

use std::path::Path;

use sqlx::sqlite::{
    SqliteAutoVacuum, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{Connection, SqliteConnection};

use crate::config::EngineConfig;
use crate::error::{Error, Result};
use crate::model::{JobId, JobStatus};

pub(crate) use read::{JobWork, Reader};
pub use recover::RecoveryReport;
pub(crate) use recover::{KindRule, recover};
pub(crate) use rows::{JobHead, StepStatRow};
pub(crate) use write::{Applied, FinishRow, PauseRow, ProgressRow, PruneCutoff, WriteOp};

/// The engine's embedded migrations (`crates/jobs/migrations`; see its README).
pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

fn connect_options(config: &EngineConfig) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(&config.path)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(config.busy_timeout)
        .auto_vacuum(SqliteAutoVacuum::Incremental)
}

/// Statements the write connection keeps prepared (every write op's SQL fits).
const WRITE_STATEMENT_CACHE: usize = 64;

/// Refuses newer schemas and applies migrations, then opens the write connection: a
/// plain SQLite connection, so that the writer applies a whole batch in one blocking
/// hand-off with its statements prepared once.
pub(crate) async fn open_writer(config: &EngineConfig) -> Result<rusqlite::Connection> {
    let path = &config.path;
    migrate(config).await?;
    let conn = rusqlite::Connection::open(path).map_err(|e| Error::from_sqlite(e, path))?;
    conn.busy_timeout(config.busy_timeout)
        .and_then(|()| conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"))
        .map_err(|e| Error::from_sqlite(e, path))?;
    conn.set_prepared_statement_cache_capacity(WRITE_STATEMENT_CACHE);
    Ok(conn)
}

/// Creates the file if missing (in WAL mode with incremental auto-vacuum), refuses newer
/// schemas and applies migrations.
async fn migrate(config: &EngineConfig) -> Result<()> {
    let path = &config.path;
    let opts = connect_options(config).create_if_missing(true);
    let mut conn = SqliteConnection::connect_with(&opts)
        .await
        .map_err(|e| Error::from_sqlx(e, path))?;
    // Touch the schema so that a file that is not a database fails here, clearly.
    sqlx::query("SELECT count(*) FROM sqlite_schema")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| Error::from_sqlx(e, path))?;
    check_schema_version(&mut conn, path).await?;
    MIGRATOR.run(&mut conn).await.map_err(|e| match e {
        sqlx::migrate::MigrateError::Execute(inner) => Error::from_sqlx(inner, path),
        other => Error::Migrate(other),
    })?;
    conn.close().await.map_err(|e| Error::from_sqlx(e, path))
}

/// Opens the pool of read-only connections used for queries (they inherit WAL from the file).
pub(crate) async fn open_readers(config: &EngineConfig) -> Result<SqlitePool> {
    let opts = SqliteConnectOptions::new()
        .filename(&config.path)
        .foreign_keys(true)
        .busy_timeout(config.busy_timeout)
        .read_only(true);
    SqlitePoolOptions::new()
        .max_connections(config.read_connections.max(1))
        .connect_with(opts)
        .await
        .map_err(|e| Error::from_sqlx(e, &config.path))
}

fn newest_known_migration() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Refuses a file migrated by a newer build, before anything in it changes.
async fn check_schema_version(conn: &mut SqliteConnection, path: &Path) -> Result<()> {
    let has_table: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| Error::from_sqlx(e, path))?;
    if has_table == 0 {
        return Ok(());
    }
    let found: Option<i64> = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations")
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| Error::from_sqlx(e, path))?;
    let supported = newest_known_migration();
    match found {
        Some(found) if found > supported => Err(Error::SchemaTooNew {
            path: path.to_path_buf(),
            found,
            supported,
        }),
        _ => Ok(()),
    }
}

/// A JSON array of status names, bound as one value and read with `json_each`.
fn statuses_json(statuses: &[JobStatus]) -> String {
    let names: Vec<&str> = statuses.iter().map(|s| s.as_str()).collect();
    serde_json::Value::from(names).to_string()
}

/// A JSON array of ids, bound as one value and read with `json_each`.
fn ids_json(ids: &[JobId]) -> String {
    let names: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
    serde_json::Value::from(names).to_string()
}
