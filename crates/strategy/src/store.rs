//! Initiatives in SQLite; all of this crate's SQL lives here.

use std::path::Path;
use std::time::Duration;

use chrono::NaiveDate;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::{Row, SqliteConnection};

use crate::documents::{Document, DocumentError, check_text};
use crate::error::{Error, Result};
use crate::initiative::{Initiative, InitiativeDraft};

/// Reads and writes initiatives in the job database (which the engine migrated).
#[derive(Clone, Debug)]
pub struct InitiativeStore {
    pool: SqlitePool,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl InitiativeStore {
    /// Opens the store on a database the job engine has already opened and migrated.
    pub async fn open(path: &Path) -> Result<InitiativeStore> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(2)
            .connect_with(opts)
            .await?;
        let tables: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'initiatives'",
        )
        .fetch_one(&pool)
        .await?;
        if tables == 0 {
            return Err(Error::NotMigrated);
        }
        Ok(InitiativeStore { pool })
    }

    /// Validates and stores a new initiative.
    pub async fn create(&self, draft: InitiativeDraft) -> Result<Initiative> {
        let draft = draft.validate()?;
        let now = now_ms();
        let id = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            "INSERT INTO initiatives (id, name, description, industry, budget_minor, currency, horizon_months, team_size, start_date, constraints, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(&draft.name)
        .bind(&draft.description)
        .bind(&draft.industry)
        .bind(to_minor(draft.budget))
        .bind(&draft.currency)
        .bind(draft.horizon_months)
        .bind(draft.team_size)
        .bind(draft.start_date.to_string())
        .bind(constraints_json(&draft.constraints))
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(Initiative::from_draft(id, draft, now, now))
    }

    /// The initiative with this id.
    pub async fn get(&self, id: &str) -> Result<Initiative> {
        let row = sqlx::query(
            "SELECT id, name, description, industry, budget_minor, currency, horizon_months, team_size, start_date, constraints, created_at, updated_at
             FROM initiatives WHERE id = ?",
        )
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
        let rows = sqlx::query(
            "SELECT id, name, description, industry, budget_minor, currency, horizon_months, team_size, start_date, constraints, created_at, updated_at
             FROM initiatives ORDER BY updated_at DESC, id DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(parse).collect()
    }

    /// Validates and replaces an initiative's fields.
    pub async fn update(&self, id: &str, draft: InitiativeDraft) -> Result<Initiative> {
        let draft = draft.validate()?;
        let now = now_ms();
        let mut conn = self.pool.acquire().await?;
        let created_at = update_row(&mut conn, id, &draft, now).await?;
        Ok(Initiative::from_draft(
            id.to_owned(),
            draft,
            created_at,
            now,
        ))
    }

    /// Stores a note or an attached file's text (checked) for an initiative.
    pub async fn add_document(
        &self,
        initiative_id: &str,
        kind: &str,
        title: &str,
        content: String,
    ) -> Result<Document> {
        let title = title.trim();
        if title.is_empty() {
            return Err(DocumentError::Empty("give the note a title".into()).into());
        }
        let content = check_text(title, content.into_bytes())?;
        // Fails clearly for an unknown initiative rather than on the foreign key.
        self.get(initiative_id).await?;
        let document = Document {
            id: uuid::Uuid::now_v7().to_string(),
            initiative_id: initiative_id.to_owned(),
            kind: kind.to_owned(),
            title: title.to_owned(),
            bytes: content.len() as u64,
            content,
            created_at: now_ms(),
        };
        sqlx::query(
            "INSERT INTO documents (id, initiative_id, kind, title, content, bytes, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&document.id)
        .bind(&document.initiative_id)
        .bind(&document.kind)
        .bind(&document.title)
        .bind(&document.content)
        .bind(document.bytes as i64)
        .bind(document.created_at)
        .execute(&self.pool)
        .await?;
        Ok(document)
    }

    /// An initiative's notes and documents, oldest first.
    pub async fn documents(&self, initiative_id: &str) -> Result<Vec<Document>> {
        let rows = sqlx::query(
            "SELECT id, initiative_id, kind, title, content, bytes, created_at
             FROM documents WHERE initiative_id = ? ORDER BY id",
        )
        .bind(initiative_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let bytes: i64 = row.try_get("bytes")?;
                Ok(Document {
                    id: row.try_get("id")?,
                    initiative_id: row.try_get("initiative_id")?,
                    kind: row.try_get("kind")?,
                    title: row.try_get("title")?,
                    content: row.try_get("content")?,
                    bytes: bytes.max(0) as u64,
                    created_at: row.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Deletes a note or document; `false` if there was none.
    pub async fn delete_document(&self, id: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM documents WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Deletes an initiative; `false` if there was none.
    pub async fn delete(&self, id: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM initiatives WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

async fn update_row(
    conn: &mut SqliteConnection,
    id: &str,
    draft: &InitiativeDraft,
    now: i64,
) -> Result<i64> {
    let created_at: Option<i64> = sqlx::query_scalar(
        "UPDATE initiatives SET name = ?, description = ?, industry = ?, budget_minor = ?, currency = ?,
                horizon_months = ?, team_size = ?, start_date = ?, constraints = ?, updated_at = ?
         WHERE id = ? RETURNING created_at",
    )
    .bind(&draft.name)
    .bind(&draft.description)
    .bind(&draft.industry)
    .bind(to_minor(draft.budget))
    .bind(&draft.currency)
    .bind(draft.horizon_months)
    .bind(draft.team_size)
    .bind(draft.start_date.to_string())
    .bind(constraints_json(&draft.constraints))
    .bind(now)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    created_at.ok_or_else(|| Error::InitiativeNotFound(id.to_owned()))
}

fn to_minor(amount: f64) -> i64 {
    (amount * 100.0).round() as i64
}

fn constraints_json(constraints: &[String]) -> String {
    serde_json::Value::from(constraints.to_vec()).to_string()
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
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        id,
    })
}
