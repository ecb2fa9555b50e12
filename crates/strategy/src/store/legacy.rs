//! The one-time copy of initiatives and documents out of the job engine's file, where
//! Charter kept them before strategy had a file of its own. The engine's file is only read
//! (attached read-only); the copied rows and the marker that records the copy commit in one
//! transaction, so a crash anywhere loses nothing and a second run duplicates nothing.

use std::path::Path;

use sqlx::{Connection, SqliteConnection};

use super::{InitiativeStore, LEGACY_INITIATIVE_COLUMNS, classify, now_ms};
use crate::error::{Error, Result};

/// What [`InitiativeStore::import_legacy`] found and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegacyImport {
    /// An earlier run recorded the import (or that there was nothing to import).
    AlreadyDone,
    /// The engine's file does not exist or has no initiatives table; recorded.
    NothingToImport,
    /// The engine's file cannot be read as a database; nothing recorded (the engine, which
    /// opens it next, refuses it with its own error).
    Unreadable,
    /// Copied these rows and recorded the copy.
    Imported {
        /// Initiatives copied.
        initiatives: u64,
        /// Notes and documents copied.
        documents: u64,
    },
}

/// The legacy tables found in the engine's file.
struct LegacyTables {
    initiatives: bool,
    documents: bool,
}

impl InitiativeStore {
    /// Copies initiatives and documents from the job engine's file at `engine_db` unless
    /// that was done (or found unnecessary) before; the engine's file is never written.
    pub async fn import_legacy(&self, engine_db: &Path) -> Result<LegacyImport> {
        if self.legacy_recorded().await? {
            return Ok(LegacyImport::AlreadyDone);
        }
        // A connection of its own: the attachment must not outlive this call in the pool.
        let mut conn = self.pool.acquire().await?.detach();
        let outcome = import(&mut conn, engine_db).await;
        if let Err(e) = conn.close().await {
            tracing::debug!(%e, "closing the import connection failed");
        }
        let outcome = outcome?;
        match outcome {
            LegacyImport::Imported {
                initiatives,
                documents,
            } => tracing::info!(
                initiatives,
                documents,
                from = %engine_db.display(),
                to = %self.path.display(),
                "initiatives and documents moved into their own file"
            ),
            LegacyImport::Unreadable => tracing::warn!(
                file = %engine_db.display(),
                "the job database cannot be read; no initiatives were imported from it"
            ),
            LegacyImport::AlreadyDone | LegacyImport::NothingToImport => {}
        }
        Ok(outcome)
    }

    /// Whether the import has been recorded.
    async fn legacy_recorded(&self) -> Result<bool> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM legacy_import")
            .fetch_one(&self.pool)
            .await?;
        Ok(n > 0)
    }
}

async fn import(conn: &mut SqliteConnection, engine_db: &Path) -> Result<LegacyImport> {
    let tables = if engine_db.exists() {
        let uri = read_only_uri(engine_db)?;
        let attached = sqlx::query("ATTACH DATABASE ? AS legacy")
            .bind(uri)
            .execute(&mut *conn)
            .await;
        let tables = match attached {
            Ok(_) => legacy_tables(conn).await,
            Err(e) => Err(e),
        };
        match tables.map_err(|e| classify(e, engine_db)) {
            Ok(tables) => tables,
            Err(Error::NotADatabase { .. }) => return Ok(LegacyImport::Unreadable),
            Err(e) => return Err(e),
        }
    } else {
        LegacyTables {
            initiatives: false,
            documents: false,
        }
    };

    // IMMEDIATE: the marker is claimed under the write lock, so two processes starting at
    // once cannot both copy.
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    let claimed = sqlx::query(
        "INSERT INTO legacy_import (id, source, initiatives, documents, imported_at)
         VALUES (1, ?, 0, 0, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(engine_db.display().to_string())
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(LegacyImport::AlreadyDone);
    }
    if !tables.initiatives {
        tx.commit().await?;
        return Ok(LegacyImport::NothingToImport);
    }
    let sql = format!(
        "INSERT INTO main.initiatives ({LEGACY_INITIATIVE_COLUMNS})
         SELECT {LEGACY_INITIATIVE_COLUMNS} FROM legacy.initiatives WHERE true
         ON CONFLICT (id) DO NOTHING"
    );
    let initiatives = sqlx::query(&sql).execute(&mut *tx).await?.rows_affected();
    let documents = if tables.documents {
        // A document whose initiative is gone could never be shown; it stays behind.
        sqlx::query(
            "INSERT INTO main.documents (id, initiative_id, kind, title, content, bytes, created_at)
             SELECT id, initiative_id, kind, title, content, bytes, created_at FROM legacy.documents
             WHERE initiative_id IN (SELECT id FROM main.initiatives)
             ON CONFLICT (id) DO NOTHING",
        )
        .execute(&mut *tx)
        .await?
        .rows_affected()
    } else {
        0
    };
    sqlx::query("UPDATE legacy_import SET initiatives = ?, documents = ? WHERE id = 1")
        .bind(initiatives as i64)
        .bind(documents as i64)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(LegacyImport::Imported {
        initiatives,
        documents,
    })
}

async fn legacy_tables(
    conn: &mut SqliteConnection,
) -> std::result::Result<LegacyTables, sqlx::Error> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM legacy.sqlite_schema
         WHERE type = 'table' AND name IN ('initiatives', 'documents')",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(LegacyTables {
        initiatives: names.iter().any(|n| n == "initiatives"),
        documents: names.iter().any(|n| n == "documents"),
    })
}

/// A `file:` URI that opens `path` read-only (SQLite reads URIs in ATTACH).
fn read_only_uri(path: &Path) -> Result<String> {
    let absolute = std::fs::canonicalize(path).map_err(|source| Error::Io {
        action: "cannot find",
        path: path.to_path_buf(),
        source,
    })?;
    let mut uri = reqwest::Url::from_file_path(&absolute).map_err(|()| Error::Io {
        action: "cannot name",
        path: absolute.clone(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not an absolute path"),
    })?;
    uri.set_query(Some("mode=ro"));
    Ok(uri.to_string())
}
