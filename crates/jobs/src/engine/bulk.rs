//! Deleting jobs (one list or everything a query matches) and retrying everything a
//! query matches.

use std::collections::HashSet;

use super::Engine;
use crate::error::{Error, Result};
use crate::model::{ChangeKind, JobId, JobQuery, JobStatus};
use crate::store::{JobHead, WriteOp};

/// Jobs deleted per write transaction by bulk deletes, so other writes get their turn.
const BULK_CHUNK: usize = 500;
/// Retries a bulk retry runs at once.
const RETRY_CONCURRENCY: usize = 32;

impl Engine {
    /// Deletes finished jobs with their steps and partials; active ones are refused.
    pub async fn delete(&self, ids: &[JobId]) -> Result<u64> {
        for id in ids {
            if let Some(live) = self.live(*id) {
                return Err(Error::StillActive {
                    id: *id,
                    status: live.lock().record.status,
                });
            }
        }
        let heads = self.inner.reader.heads(ids).await?;
        if ids.len() == 1 && heads.is_empty() {
            return Err(Error::NotFound(ids[0]));
        }
        if let Some(paused) = heads.iter().find(|h| h.status.is_paused()) {
            return Err(Error::StillActive {
                id: paused.id,
                status: paused.status,
            });
        }
        self.delete_stored(heads).await
    }

    /// How many stored jobs match the query's filters, text and time included (`limit`
    /// and `after` are ignored): the number a bulk action over the same query will touch.
    pub async fn count_matching(&self, query: &JobQuery) -> Result<u64> {
        self.inner.reader.count_matching(query).await
    }

    /// Deletes every finished job matching the query's filters (`limit` and `after` are
    /// ignored), in chunks of one transaction each; active jobs are skipped. Returns how
    /// many were deleted; on a storage error the chunks before it stay deleted.
    pub async fn delete_matching(&self, query: &JobQuery) -> Result<u64> {
        let Some(query) = restricted(query, JobStatus::is_finished) else {
            return Ok(0);
        };
        let matched = self.inner.reader.matching(&query).await?;
        let ids: Vec<JobId> = {
            let live = self.inner.live.read().unwrap_or_else(|p| p.into_inner());
            matched
                .into_iter()
                .filter(|m| m.status.is_finished() && !live.contains_key(&m.id))
                .map(|m| m.id)
                .collect()
        };
        let mut deleted = 0;
        for chunk in ids.chunks(BULK_CHUNK) {
            let heads = self.inner.reader.heads(chunk).await?;
            deleted += self.delete_stored(heads).await?;
        }
        Ok(deleted)
    }

    /// Deletes these jobs in one transaction and announces the ones that went. The
    /// delete's guard keeps a job that became active since it was read (a retry in
    /// between); that one is not announced.
    async fn delete_stored(&self, heads: Vec<JobHead>) -> Result<u64> {
        if heads.is_empty() {
            return Ok(0);
        }
        let ids: Vec<JobId> = heads.iter().map(|h| h.id).collect();
        let deleted = self
            .inner
            .writer
            .commit(WriteOp::Delete(ids.clone()))
            .await?;
        let kept: HashSet<JobId> = if deleted < heads.len() as u64 {
            self.inner
                .reader
                .existing(&ids)
                .await?
                .into_iter()
                .collect()
        } else {
            HashSet::new()
        };
        for head in heads.iter().filter(|h| !kept.contains(&h.id)) {
            self.inner.announce(head, ChangeKind::Deleted);
        }
        Ok(deleted)
    }

    /// Retries every failed, cancelled or interrupted job matching the query's filters
    /// (`limit` and `after` are ignored) as [`Engine::retry`] does; other jobs, and jobs
    /// that cannot be retried (unknown kind, already queued), are skipped. Returns how many
    /// were queued again. A storage failure or shutdown is returned after every retry under
    /// way has ended (jobs queued before it stay queued).
    pub async fn retry_matching(&self, query: &JobQuery) -> Result<u64> {
        use futures::StreamExt;
        let Some(query) = restricted(query, retryable) else {
            return Ok(0);
        };
        let ids: Vec<JobId> = self
            .inner
            .reader
            .matching(&query)
            .await?
            .into_iter()
            .filter(|m| retryable(m.status))
            .map(|m| m.id)
            .collect();
        // Several at once, so the writer commits their requeues together. Every future
        // runs to its end: a retry dropped halfway would leave its job registered as live.
        let mut retries = futures::stream::iter(ids)
            .map(|id| self.retry(id))
            .buffer_unordered(RETRY_CONCURRENCY);
        let mut queued = 0;
        let mut failure = None;
        while let Some(outcome) = retries.next().await {
            match outcome {
                Ok(()) => queued += 1,
                Err(
                    Error::NotFound(_)
                    | Error::IllegalTransition { .. }
                    | Error::StillActive { .. }
                    | Error::UnknownKind(_),
                ) => {}
                Err(e) => {
                    if failure.is_none() {
                        failure = Some(e);
                    }
                }
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(queued),
        }
    }
}

/// Failed, cancelled or interrupted: the statuses retry accepts.
fn retryable(status: JobStatus) -> bool {
    status.is_finished() && status.can_become(JobStatus::Pending)
}

/// The query limited to the statuses `allowed` accepts (all of them when it names none);
/// `None` when none of the statuses it names is allowed.
fn restricted(query: &JobQuery, allowed: impl Fn(JobStatus) -> bool) -> Option<JobQuery> {
    let statuses: Vec<JobStatus> = if query.statuses.is_empty() {
        JobStatus::ALL.into_iter().filter(|s| allowed(*s)).collect()
    } else {
        query
            .statuses
            .iter()
            .copied()
            .filter(|s| allowed(*s))
            .collect()
    };
    if statuses.is_empty() {
        return None;
    }
    Some(JobQuery {
        statuses,
        limit: None,
        after: None,
        ..query.clone()
    })
}
