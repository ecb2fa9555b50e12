//! The real offline engine behind a gate: each provider call waits for a permit and is
//! recorded, so a test can stop a job between two steps.

use std::sync::{Arc, Mutex};

use serde_json::Value;
use strategy::artefact::ResearchAsk;
use strategy::provider::{
    Io, OfflineProvider, Provider, ProviderError, Providers, Request, Source,
};
use strategy::{Initiative, Workspace};

use super::{fast_providers, open_with_initiative, temp_config};

/// The offline engine behind a gate: each call waits for a permit, then is recorded.
pub struct Paced {
    permits: Arc<tokio::sync::Semaphore>,
    calls: Arc<Mutex<Vec<String>>>,
}

/// What a paced provider's calls are released with and recorded in.
#[derive(Clone)]
pub struct Pace {
    /// Add permits to let calls through.
    pub permits: Arc<tokio::sync::Semaphore>,
    /// One line per call that went through (`canvas_block:Channels`, `why_level:2`, `findings:S3`).
    pub calls: Arc<Mutex<Vec<String>>>,
}

impl Pace {
    /// Lets `n` more calls through.
    pub fn release(&self, n: usize) {
        self.permits.add_permits(n);
    }

    /// Calls made so far.
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().expect("lock").clone()
    }
}

/// Providers whose offline engine is paced, with the handle that paces it.
pub fn paced_providers() -> (Providers, Pace) {
    let pace = Pace {
        permits: Arc::new(tokio::sync::Semaphore::new(0)),
        calls: Arc::new(Mutex::new(Vec::new())),
    };
    let providers = Providers {
        offline: Arc::new(Paced {
            permits: pace.permits.clone(),
            calls: pace.calls.clone(),
        }),
        ..fast_providers()
    };
    (providers, pace)
}

impl Provider for Paced {
    fn source(&self) -> Source {
        OfflineProvider.source()
    }

    fn generate<'a>(
        &'a self,
        request: Request<'a>,
        io: &'a Io,
    ) -> futures::future::BoxFuture<'a, Result<Value, ProviderError>> {
        Box::pin(async move {
            tokio::select! {
                _ = io.cancel.cancelled() => return Err(ProviderError::Cancelled),
                permit = self.permits.acquire() => permit.expect("semaphore").forget(),
            }
            let detail = match &request.context.research {
                Some(ResearchAsk::CanvasBlock { block, .. }) => block.title().to_owned(),
                Some(ResearchAsk::WhyLevel { chain, .. }) => (chain.len() + 1).to_string(),
                Some(ResearchAsk::Findings { source, .. }) => source.id.clone(),
                None => String::new(),
            };
            self.calls
                .lock()
                .expect("lock")
                .push(format!("{}:{detail}", request.kind.as_str()));
            OfflineProvider.generate(request, io).await
        })
    }
}

/// A workspace whose offline engine is paced, with the coffee-bar initiative stored.
pub async fn paced_workspace() -> (tempfile::TempDir, Workspace, Initiative, Pace) {
    let (dir, mut config) = temp_config();
    let (providers, pace) = paced_providers();
    config.providers = providers;
    let (workspace, initiative) = open_with_initiative(&config).await;
    (dir, workspace, initiative, pace)
}
