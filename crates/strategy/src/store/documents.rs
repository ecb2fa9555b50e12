//! Notes and attached files of an initiative: checked on the way in, read by research.

use sqlx::Row;

use super::{InitiativeStore, now_ms};
use crate::documents::{Document, DocumentError, check_text};
use crate::error::Result;

impl InitiativeStore {
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

    /// Deletes one of an initiative's notes or documents; false when it has no such one.
    pub async fn delete_document(&self, initiative_id: &str, id: &str) -> Result<bool> {
        let done = sqlx::query("DELETE FROM documents WHERE initiative_id = ? AND id = ?")
            .bind(initiative_id)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
