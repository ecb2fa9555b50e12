//! One handle on everything the app needs: the job engine with every operation kind
//! registered, and the initiatives stored beside the jobs.

use jobs::{Engine, EngineConfig, JobId, JobQuery, JobStatus, StartJob};

use crate::epm::{EPM_GENERATION, EpmGeneration, EpmInput};
use crate::error::{Error, Result};
use crate::initiative::Initiative;
use crate::provider::{ProviderChoice, Providers};
use crate::store::InitiativeStore;

/// Settings for [`Workspace::open`].
#[derive(Clone)]
pub struct WorkspaceConfig {
    /// The job engine's settings (its database also holds the initiatives).
    pub engine: EngineConfig,
    /// How providers are built.
    pub providers: Providers,
}

/// The engine, the operations and the initiatives.
pub struct Workspace {
    engine: Engine,
    initiatives: InitiativeStore,
}

impl Workspace {
    /// Opens (creating and migrating if needed) the database, registers every operation
    /// kind and runs recovery.
    pub async fn open(config: WorkspaceConfig) -> Result<Workspace> {
        let engine = Engine::builder(config.engine.clone())
            .register(EpmGeneration::new(config.providers.clone()))
            .open()
            .await?;
        let initiatives = InitiativeStore::open(&config.engine.path).await?;
        Ok(Workspace {
            engine,
            initiatives,
        })
    }

    /// The job engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The initiatives.
    pub fn initiatives(&self) -> &InitiativeStore {
        &self.initiatives
    }

    /// Starts generating a program for an initiative; returns the job id at once.
    pub async fn generate_program(
        &self,
        initiative_id: &str,
        provider: ProviderChoice,
    ) -> Result<JobId> {
        provider
            .validate()
            .map_err(|reason| jobs::Error::InvalidInput {
                kind: EPM_GENERATION.to_owned(),
                reason,
            })?;
        let initiative = self.initiatives.get(initiative_id).await?;
        let title = format!("Program for {}", initiative.name);
        let input = EpmInput {
            initiative,
            provider,
        };
        let input = serde_json::to_value(&input).map_err(|e| jobs::Error::InvalidInput {
            kind: EPM_GENERATION.to_owned(),
            reason: e.to_string(),
        })?;
        Ok(self
            .engine
            .start(StartJob::new(EPM_GENERATION, title, input).session(initiative_id))
            .await?)
    }

    /// Deletes an initiative with its jobs (running ones are cancelled first).
    pub async fn delete_initiative(&self, id: &str) -> Result<()> {
        let _: Initiative = self.initiatives.get(id).await?;
        let mut after = None;
        loop {
            let page = self
                .engine
                .list(&JobQuery {
                    session_id: Some(id.to_owned()),
                    limit: Some(500),
                    after,
                    ..JobQuery::default()
                })
                .await?;
            for job in &page.items {
                if matches!(job.status, JobStatus::Pending | JobStatus::Running) {
                    match self.engine.cancel_and_wait(job.id).await {
                        Ok(_) | Err(jobs::Error::AlreadyFinished { .. }) => {}
                        Err(e) => return Err(Error::Jobs(e)),
                    }
                }
            }
            let ids: Vec<JobId> = page.items.iter().map(|j| j.id).collect();
            self.engine.delete(&ids).await?;
            match page.next {
                Some(next) if !ids.is_empty() => after = Some(next),
                _ => break,
            }
        }
        self.initiatives.delete(id).await?;
        Ok(())
    }
}
