//! Run all: an initiative's research, the canvas that cites its findings once it has ended,
//! and the program, started together from one request. Each is an ordinary durable job; the
//! canvas's wait for the research is a checkpointed step of its own, so the order holds across
//! a closed window or a restart. Five whys is left out: it needs a problem the user observes.

use serde::Serialize;

use jobs::Started;

use crate::error::Result;
use crate::provider::ProviderChoice;
use crate::research::SearchChoice;
use crate::workspace::Workspace;

/// The jobs Run all started (or joined, where the same request was already under way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RunAll {
    /// Research on the initiative's own questions.
    pub research: Started,
    /// The canvas, waiting for that research before it starts its blocks.
    pub canvas: Started,
    /// The program, which needs neither and starts at once.
    pub program: Started,
}

impl Workspace {
    /// Starts research, then a canvas that waits for it, then the program. The research
    /// checks the provider, the search settings and the initiative before it starts, and the
    /// other two use the same ones, so a refusal starts nothing.
    pub async fn run_all(
        &self,
        initiative_id: &str,
        provider: ProviderChoice,
        search: SearchChoice,
    ) -> Result<RunAll> {
        let research = self
            .web_research(initiative_id, Vec::new(), provider.clone(), search)
            .await?;
        let canvas = self
            .canvas(initiative_id, provider.clone(), Some(research.id))
            .await?;
        let program = self.generate_program(initiative_id, provider).await?;
        Ok(RunAll {
            research,
            canvas,
            program,
        })
    }
}
