//! Recovery at open: jobs a dead engine left active are resumed or marked interrupted.

use std::path::Path;
use std::str::FromStr;

use rusqlite::{Connection, params};

use super::helpers::exec;

use crate::error::{Error, ErrorCode, JobError, Result};
use crate::kind::{Compatible, ErasedKind};
use crate::model::JobId;

/// A registered kind as recovery sees it: its version and compatibility, and whether
/// its jobs may resume by themselves.
pub(crate) struct KindRule<'a> {
    pub kind: &'a dyn ErasedKind,
    pub resume: bool,
}

/// What recovery did at open.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Jobs queued again to resume from their checkpoints.
    pub resumed: Vec<JobId>,
    /// Jobs marked interrupted (including those in `updated`).
    pub interrupted: Vec<JobId>,
    /// Jobs marked interrupted with the code `updated`: their kind's current version
    /// cannot read their checkpoints.
    pub updated: Vec<JobId>,
}

/// Resumes or interrupts every job a dead engine left active, in one transaction. Runs at
/// open, before any job, on the write connection (blocking for at most its busy timeout).
pub(crate) fn recover(
    conn: &mut Connection,
    path: &Path,
    owner: &str,
    kinds: &[KindRule<'_>],
    now: i64,
) -> Result<RecoveryReport> {
    let map = |e| Error::from_sqlite(e, path);
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(map)?;
    // One rule per (kind, version) left active: checkpoints at or after `keep` are unreadable.
    let left: Vec<(String, i64)> = rows_of(
        &tx,
        "SELECT DISTINCT kind, kind_version FROM jobs WHERE status IN ('pending', 'running')",
        [],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
    .map_err(map)?;
    let rules: Vec<serde_json::Value> = left
        .iter()
        .filter_map(|(kind, version)| {
            let rule = kinds.iter().find(|k| k.kind.name() == kind)?;
            let started_with = u32::try_from(*version).unwrap_or(0);
            let keep = match rule.kind.compatible(started_with) {
                Compatible::All => u32::MAX,
                Compatible::FirstSteps(n) => n,
                Compatible::None => 0,
            };
            Some(serde_json::json!({
                "kind": kind, "version": version, "keep": keep,
                "resume": rule.resume, "current": rule.kind.version(),
            }))
        })
        .collect();
    let rules = serde_json::Value::from(rules).to_string();
    let resumed: Vec<String> = rows_of(
        &tx,
        "UPDATE jobs SET status = 'pending', owner = ?1, updated_at = ?2, \
         kind_version = (SELECT r.value ->> '$.current' FROM json_each(?3) r \
           WHERE r.value ->> '$.kind' = jobs.kind AND r.value ->> '$.version' = jobs.kind_version) \
         WHERE status IN ('pending', 'running') AND EXISTS (SELECT 1 FROM json_each(?3) r \
           WHERE r.value ->> '$.kind' = jobs.kind AND r.value ->> '$.version' = jobs.kind_version \
           AND r.value ->> '$.resume' AND NOT EXISTS (SELECT 1 FROM job_steps s WHERE s.job_id = jobs.id \
             AND s.status = 'completed' AND s.idx >= r.value ->> '$.keep')) RETURNING id",
        params![owner, now, rules],
        |row| row.get(0),
    )
    .map_err(map)?;
    let updated_error = serde_json::to_string(&crate::engine::updated_error())
        .map_err(|e| Error::Corrupt(e.to_string()))?;
    let updated: Vec<String> = rows_of(
        &tx,
        "UPDATE jobs SET status = 'interrupted', error = ?1, updated_at = ?2, finished_at = ?2 \
         WHERE status IN ('pending', 'running') AND owner IS NOT ?3 AND EXISTS (SELECT 1 FROM json_each(?4) r \
           WHERE r.value ->> '$.kind' = jobs.kind AND r.value ->> '$.version' = jobs.kind_version \
           AND EXISTS (SELECT 1 FROM job_steps s WHERE s.job_id = jobs.id \
             AND s.status = 'completed' AND s.idx >= r.value ->> '$.keep')) RETURNING id",
        params![updated_error, now, owner, rules],
        |row| row.get(0),
    )
    .map_err(map)?;
    let error = JobError::retryable(
        ErrorCode::Interrupted,
        "Charter stopped while this job was running. Retry resumes it after its last completed step.",
    );
    let error = serde_json::to_string(&error).map_err(|e| Error::Corrupt(e.to_string()))?;
    let interrupted: Vec<String> = rows_of(
        &tx,
        "UPDATE jobs SET status = 'interrupted', error = ?1, updated_at = ?2, finished_at = ?2 \
         WHERE status IN ('pending', 'running') AND owner IS NOT ?3 RETURNING id",
        params![error, now, owner],
        |row| row.get(0),
    )
    .map_err(map)?;
    if !resumed.is_empty() {
        let ids = serde_json::Value::from(resumed.clone()).to_string();
        reset_unfinished_work(&tx, &ids).map_err(map)?;
    }
    tx.commit().map_err(map)?;
    let parse = |v: Vec<String>| {
        v.iter()
            .map(|s| JobId::from_str(s))
            .collect::<Result<Vec<_>>>()
    };
    let updated = parse(updated)?;
    let mut interrupted = parse(interrupted)?;
    interrupted.extend(updated.iter().copied());
    interrupted.sort();
    Ok(RecoveryReport {
        resumed: parse(resumed)?,
        interrupted,
        updated,
    })
}

/// Drops what an unfinished run left behind (steps not completed, partials outside
/// completed steps) so a resumed run neither duplicates nor loses anything. `ids` is a
/// JSON array of job ids.
pub(super) fn reset_unfinished_work(conn: &Connection, ids: &str) -> rusqlite::Result<()> {
    exec(
        conn,
        "DELETE FROM job_partials WHERE job_id IN (SELECT value FROM json_each(?1)) \
         AND (step_idx IS NULL OR NOT EXISTS (SELECT 1 FROM job_steps s WHERE s.job_id = job_partials.job_id \
         AND s.idx = job_partials.step_idx AND s.status = 'completed'))",
        [ids],
    )?;
    exec(
        conn,
        "DELETE FROM job_steps WHERE job_id IN (SELECT value FROM json_each(?1)) AND status <> 'completed'",
        [ids],
    )?;
    Ok(())
}

/// The rows a statement returns, each mapped by `row`.
fn rows_of<T>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    conn.prepare(sql)?.query_map(params, row)?.collect()
}
