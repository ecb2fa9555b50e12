//! Research operations: the Business Model Canvas, Five Whys and web research, each a job
//! kind whose results stream as partials while they land.

mod after;
mod canvas;
mod search;
mod web;
mod whys;

use std::time::Duration;

pub use after::{ResearchJobs, findings_as_evidence};
pub use canvas::{BmcInput, BmcResearch, Canvas};
pub use search::{
    FetchLimits, Hit, OfflineKnowledge, Page, SearchBackend, SearchChoice, SearchError, Searxng,
    fetch_page,
};
pub use web::{
    ReportFinding, ResearchPartial, ResearchReport, SkippedSource, SourceRecord, WebResearch,
    WebResearchInput, validate_questions,
};
pub use whys::{ChainLevel, FiveWhys, FiveWhysInput, WhyChain, validate_problem};

/// Limits of web research.
#[derive(Debug, Clone)]
pub struct ResearchSettings {
    /// Most sources read per report.
    pub max_sources: usize,
    /// Results taken per query.
    pub results_per_query: usize,
    /// Time and size limits per page.
    pub fetch: FetchLimits,
    /// Longest wait for the search endpoint.
    pub search_timeout: Duration,
}

impl Default for ResearchSettings {
    fn default() -> Self {
        ResearchSettings {
            max_sources: 8,
            results_per_query: 4,
            fetch: FetchLimits::default(),
            search_timeout: Duration::from_secs(15),
        }
    }
}

/// Longest problem statement accepted.
pub const MAX_PROBLEM_CHARS: usize = 2_000;
/// Deepest why-chain allowed.
pub const MAX_WHY_DEPTH: u32 = 7;
/// Most research questions per report.
pub const MAX_QUESTIONS: usize = 10;
