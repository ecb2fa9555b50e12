//! A canvas started to follow a research job (Run all) waits for that job here, then cites
//! the findings of its report; a research that fails, is cancelled or deleted leaves the canvas
//! to go on with the built-in knowledge only.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use jobs::{Engine, JobContext, JobError, JobId, WeakEngine};

use crate::artefact::Evidence;
use crate::operation::OperationResult;
use crate::research::ResearchReport;

/// How often the research job is looked at while the canvas waits for it.
const POLL: Duration = Duration::from_millis(500);

/// A research report's findings as evidence a canvas may cite, each with where it came from.
pub fn findings_as_evidence(report: &ResearchReport) -> Vec<Evidence> {
    let source_of = |id: &str| {
        report
            .sources
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.url.clone().unwrap_or_else(|| s.title.clone()))
            .unwrap_or_default()
    };
    report
        .findings
        .iter()
        .map(|f| Evidence {
            id: f.id.clone(),
            text: f.statement.clone(),
            source: source_of(&f.source_id),
        })
        .collect()
}

/// The engine a waiting canvas reads the research job from: the canvas kind is registered
/// before the engine exists, so the engine is handed over once it is open — weakly, since
/// the engine owns this kind and a strong handle would keep it (and its database) open.
#[derive(Clone, Default)]
pub struct ResearchJobs(Arc<OnceLock<WeakEngine>>);

impl ResearchJobs {
    /// Hands over the open engine (once; later calls are ignored).
    pub fn set(&self, engine: &Engine) {
        let _ = self.0.set(engine.downgrade());
    }

    /// Waits (cancellably) until research job `id` is no longer pending, running or paused;
    /// its report's findings when it completed, none when it ended any other way or is gone.
    pub async fn findings_of(
        &self,
        id: &str,
        ctx: &JobContext,
    ) -> Result<Option<Vec<Evidence>>, JobError> {
        let Ok(job_id) = id.parse::<JobId>() else {
            return Ok(None);
        };
        loop {
            ctx.check_cancelled()?;
            // Upgraded per look, so a waiting canvas never holds the engine open between looks.
            let Some(engine) = self.0.get().and_then(WeakEngine::upgrade) else {
                return Err(JobError::new("internal", "the job engine is not open"));
            };
            let snapshot = match engine.get(job_id).await {
                Ok(snapshot) => snapshot,
                Err(jobs::Error::NotFound(_)) => return Ok(None),
                Err(e) => return Err(JobError::retryable("storage", e.to_string())),
            };
            drop(engine);
            let job = snapshot.job;
            // Paused research (offline, a rate limit) is still going: keep waiting for it.
            if !job.status.is_finished() {
                tokio::select! {
                    _ = ctx.cancelled() => {}
                    _ = tokio::time::sleep(POLL) => {}
                }
                continue;
            }
            return Ok(match OperationResult::from_job(&job) {
                Ok(OperationResult::Research(report)) => Some(findings_as_evidence(&report)),
                _ => None,
            });
        }
    }
}
