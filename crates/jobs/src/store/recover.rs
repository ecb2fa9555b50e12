//! Recovery at open: jobs a dead engine left active are resumed or marked interrupted.

use std::path::Path;
use std::str::FromStr;

use sqlx::{Connection, SqliteConnection};

use crate::error::{Error, ErrorCode, JobError, Result};
use crate::model::JobId;

/// What recovery did at open.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Jobs queued again to resume from their checkpoints.
    pub resumed: Vec<JobId>,
    /// Jobs marked interrupted.
    pub interrupted: Vec<JobId>,
}

/// Resumes or interrupts every job a dead engine left active, in one transaction.
pub(crate) async fn recover(
    conn: &mut SqliteConnection,
    path: &Path,
    owner: &str,
    resumable_kinds: &[String],
    now: i64,
) -> Result<RecoveryReport> {
    let map = |e| Error::from_sqlx(e, path);
    let mut tx = conn.begin().await.map_err(map)?;
    let kinds = serde_json::Value::from(resumable_kinds.to_vec()).to_string();
    let resumed: Vec<String> = sqlx::query_scalar(
        "UPDATE jobs SET status = 'pending', owner = ?1, updated_at = ?2 \
         WHERE status IN ('pending', 'running') AND kind IN (SELECT value FROM json_each(?3)) RETURNING id",
    )
    .bind(owner)
    .bind(now)
    .bind(&kinds)
    .fetch_all(&mut *tx)
    .await
    .map_err(map)?;
    let error = JobError::retryable(
        ErrorCode::Interrupted,
        "Charter stopped while this job was running. Retry resumes it after its last completed step.",
    );
    let error = serde_json::to_string(&error).map_err(|e| Error::Corrupt(e.to_string()))?;
    let interrupted: Vec<String> = sqlx::query_scalar(
        "UPDATE jobs SET status = 'interrupted', error = ?1, updated_at = ?2, finished_at = ?2 \
         WHERE status IN ('pending', 'running') AND owner IS NOT ?3 RETURNING id",
    )
    .bind(&error)
    .bind(now)
    .bind(owner)
    .fetch_all(&mut *tx)
    .await
    .map_err(map)?;
    if !resumed.is_empty() {
        let ids = serde_json::Value::from(resumed.clone()).to_string();
        reset_unfinished_work(&mut tx, &ids).await.map_err(map)?;
    }
    tx.commit().await.map_err(map)?;
    let parse = |v: Vec<String>| {
        v.iter()
            .map(|s| JobId::from_str(s))
            .collect::<Result<Vec<_>>>()
    };
    Ok(RecoveryReport {
        resumed: parse(resumed)?,
        interrupted: parse(interrupted)?,
    })
}

/// Drops what an unfinished run left behind (steps not completed, partials outside
/// completed steps) so a resumed run neither duplicates nor loses anything. `ids` is a
/// JSON array of job ids.
pub(super) async fn reset_unfinished_work(
    conn: &mut SqliteConnection,
    ids: &str,
) -> std::result::Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM job_partials WHERE job_id IN (SELECT value FROM json_each(?1)) \
         AND (step_idx IS NULL OR NOT EXISTS (SELECT 1 FROM job_steps s WHERE s.job_id = job_partials.job_id \
         AND s.idx = job_partials.step_idx AND s.status = 'completed'))",
    )
    .bind(ids)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "DELETE FROM job_steps WHERE job_id IN (SELECT value FROM json_each(?1)) AND status <> 'completed'",
    )
    .bind(ids)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
