//! Initiatives and their documents in strategy's own SQLite file; all of this crate's SQL
//! lives in this module (documents in `documents.rs`, the one-time import from the engine's
//! file in `legacy.rs`).

mod documents;
mod legacy;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::NaiveDate;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, Sqlite};

use crate::error::{Error, Result};
use crate::initiative::{Initiative, InitiativeDraft};
use crate::program::{TeamMember, VariantId};

pub use legacy::LegacyImport;

type SqliteQuery<'q> = sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments<'q>>;

/// The migrations of strategy's file (`crates/strategy/migrations`), run by [`InitiativeStore::open`].
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long a write waits for another connection's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

const INITIATIVE_COLUMNS: &str = "id, name, description, industry, budget_minor, currency, horizon_months, team_size, start_date, constraints, team, created_at, updated_at";
/// The columns of the engine's file from before strategy had its own (no team mapping).
const LEGACY_INITIATIVE_COLUMNS: &str = "id, name, description, industry, budget_minor, currency, horizon_months, team_size, start_date, constraints, created_at, updated_at";

/// Reads and writes initiatives and documents in strategy's own database file.
#[derive(Clone, Debug)]
pub struct InitiativeStore {
    pool: SqlitePool,
    path: PathBuf,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A database error on the file at `path`, with "not a database" told apart.
fn classify(err: sqlx::Error, path: &Path) -> Error {
    if let sqlx::Error::Database(db) = &err {
        let primary = db
            .code()
            .and_then(|c| c.parse::<i64>().ok())
            .map(|c| c & 0xff);
        // SQLITE_CORRUPT and SQLITE_NOTADB.
        if matches!(primary, Some(11) | Some(26)) {
            return Error::NotADatabase {
                path: path.to_path_buf(),
            };
        }
    }
    Error::Database(err)
}

impl InitiativeStore {
    /// Opens (creating and migrating if needed) the database at `path`; refuses a file that
    /// is not a database and one written by a newer schema than this build knows.
    pub async fn open(path: &Path) -> Result<InitiativeStore> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                action: "cannot create the folder",
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|e| classify(e, path))?;
        // Touch the schema so that a file that is not a database fails here, clearly.
        sqlx::query("SELECT count(*) FROM sqlite_schema")
            .fetch_one(&pool)
            .await
            .map_err(|e| classify(e, path))?;
        check_schema_version(&pool, path).await?;
        MIGRATOR.run(&pool).await.map_err(|e| match e {
            sqlx::migrate::MigrateError::Execute(inner) => classify(inner, path),
            other => Error::Migrate(other),
        })?;
        Ok(InitiativeStore {
            pool,
            path: path.to_path_buf(),
        })
    }

    /// Validates and stores a new initiative.
    pub async fn create(&self, draft: InitiativeDraft) -> Result<Initiative> {
        let draft = draft.validate()?;
        let now = now_ms();
        let id = uuid::Uuid::now_v7().to_string();
        let insert = sqlx::query(
            "INSERT INTO initiatives (name, description, industry, budget_minor, currency, horizon_months, team_size, start_date, constraints, team, updated_at, id, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        );
        bind_fields(insert, &draft, now)
            .bind(&id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(Initiative::from_draft(id, draft, now, now))
    }

    /// The initiative with this id.
    pub async fn get(&self, id: &str) -> Result<Initiative> {
        let sql = format!("SELECT {INITIATIVE_COLUMNS} FROM initiatives WHERE id = ?");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => parse(&row),
            None => Err(Error::InitiativeNotFound(id.to_owned())),
        }
    }

    /// All initiatives, most recently changed first.
    pub async fn list(&self) -> Result<Vec<Initiative>> {
        let sql = format!(
            "SELECT {INITIATIVE_COLUMNS} FROM initiatives ORDER BY updated_at DESC, id DESC"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(parse).collect()
    }

    /// Validates and replaces an initiative's fields.
    pub async fn update(&self, id: &str, draft: InitiativeDraft) -> Result<Initiative> {
        let draft = draft.validate()?;
        let now = now_ms();
        let update = sqlx::query(
            "UPDATE initiatives SET name = ?, description = ?, industry = ?, budget_minor = ?, currency = ?,
                    horizon_months = ?, team_size = ?, start_date = ?, constraints = ?, team = ?, updated_at = ?
             WHERE id = ? RETURNING created_at",
        );
        let row = bind_fields(update, &draft, now)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let row = row.ok_or_else(|| Error::InitiativeNotFound(id.to_owned()))?;
        let created_at: i64 = row.try_get("created_at")?;
        Ok(Initiative::from_draft(
            id.to_owned(),
            draft,
            created_at,
            now,
        ))
    }

    /// Records `variant` as the plan adopted for the program of job `job_id`.
    pub async fn choose_variant(&self, job_id: &str, variant: VariantId) -> Result<()> {
        sqlx::query(
            "INSERT INTO program_choices (job_id, variant, chosen_at) VALUES (?, ?, ?)
             ON CONFLICT (job_id) DO UPDATE SET variant = excluded.variant, chosen_at = excluded.chosen_at",
        )
        .bind(job_id)
        .bind(variant.as_str())
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The variant adopted for the program of job `job_id`, if the user picked one.
    pub async fn chosen_variant(&self, job_id: &str) -> Result<Option<VariantId>> {
        let stored: Option<String> =
            sqlx::query_scalar("SELECT variant FROM program_choices WHERE job_id = ?")
                .bind(job_id)
                .fetch_optional(&self.pool)
                .await?;
        // The table's CHECK admits only known ids; anything else reads as no choice.
        Ok(stored.as_deref().and_then(VariantId::parse))
    }

    /// Deletes an initiative with its documents; `false` if there was none.
    pub async fn delete(&self, id: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM initiatives WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

async fn check_schema_version(pool: &SqlitePool, path: &Path) -> Result<()> {
    let has_table: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(pool)
    .await
    .map_err(|e| classify(e, path))?;
    if has_table == 0 {
        return Ok(());
    }
    let found: Option<i64> = sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations")
        .fetch_one(pool)
        .await
        .map_err(|e| classify(e, path))?;
    let supported = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    match found {
        Some(found) if found > supported => Err(Error::SchemaTooNew {
            path: path.to_path_buf(),
            found,
            supported,
        }),
        _ => Ok(()),
    }
}

/// Binds an initiative's editable fields and `updated_at`, in the order both the insert and
/// the update name them.
fn bind_fields<'q>(
    query: SqliteQuery<'q>,
    draft: &'q InitiativeDraft,
    now: i64,
) -> SqliteQuery<'q> {
    query
        .bind(&draft.name)
        .bind(&draft.description)
        .bind(&draft.industry)
        .bind(to_minor(draft.budget))
        .bind(&draft.currency)
        .bind(draft.horizon_months)
        .bind(draft.team_size)
        .bind(draft.start_date.to_string())
        .bind(constraints_json(&draft.constraints))
        .bind(team_json(&draft.team))
        .bind(now)
}

fn to_minor(amount: f64) -> i64 {
    (amount * 100.0).round() as i64
}

fn constraints_json(constraints: &[String]) -> String {
    serde_json::Value::from(constraints.to_vec()).to_string()
}

fn team_json(team: &[TeamMember]) -> String {
    // A list of plain records always serialises.
    serde_json::to_string(team).unwrap_or_else(|_| "[]".to_owned())
}

fn parse(row: &SqliteRow) -> Result<Initiative> {
    let id: String = row.try_get("id")?;
    let corrupt = |reason: String| Error::Corrupt {
        id: id.clone(),
        reason,
    };
    let start: String = row.try_get("start_date")?;
    let start_date = NaiveDate::parse_from_str(&start, "%Y-%m-%d")
        .map_err(|e| corrupt(format!("start date “{start}”: {e}")))?;
    let constraints: String = row.try_get("constraints")?;
    let constraints: Vec<String> =
        serde_json::from_str(&constraints).map_err(|e| corrupt(format!("constraints: {e}")))?;
    let team: String = row.try_get("team")?;
    let team: Vec<TeamMember> =
        serde_json::from_str(&team).map_err(|e| corrupt(format!("team: {e}")))?;
    let budget_minor: i64 = row.try_get("budget_minor")?;
    Ok(Initiative {
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        industry: row.try_get("industry")?,
        budget: budget_minor as f64 / 100.0,
        currency: row.try_get("currency")?,
        horizon_months: row.try_get("horizon_months")?,
        team_size: row.try_get("team_size")?,
        start_date,
        constraints,
        team,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        id,
    })
}
