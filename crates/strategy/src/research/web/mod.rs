//! `web_research`: queries, sources read and findings with citations; each source is a
//! checkpointed step and each finding is streamed the moment it is extracted (the report
//! and what is streamed are in `report.rs`).

mod report;

use jobs::{JobContext, JobError, JobKind};
use serde::{Deserialize, Serialize};

use super::search::{OfflineKnowledge, SearchBackend, SearchChoice, Searxng, fetch_page};
use super::{MAX_QUESTIONS, ResearchSettings};
use crate::artefact::{Context, Findings, ResearchAsk, SourceText};
use crate::code::ErrorCode;
use crate::initiative::Initiative;
use crate::operation::WEB_RESEARCH;
use crate::playbook;
use crate::provider::{self, Io, OfflineScale, ProviderChoice, Providers};
use crate::store::InitiativeStore;

use report::{Candidate, Gathered, Outcome};
pub use report::{ReportFinding, ResearchPartial, ResearchReport, SkippedSource, SourceRecord};

/// What to research.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WebResearchInput {
    /// The initiative as it was at the start.
    pub initiative: Initiative,
    /// The user's questions; empty: standard questions for the industry.
    #[serde(default)]
    pub questions: Vec<String>,
    /// Who extracts findings.
    #[serde(default)]
    pub provider: ProviderChoice,
    /// Where to search.
    #[serde(default)]
    pub search: SearchChoice,
}

/// The job kind.
#[derive(Clone)]
pub struct WebResearch {
    providers: Providers,
    settings: ResearchSettings,
    store: InitiativeStore,
    client: reqwest::Client,
}

impl WebResearch {
    /// A kind reading the initiative's attached documents from `store`.
    pub fn new(providers: Providers, settings: ResearchSettings, store: InitiativeStore) -> Self {
        WebResearch {
            providers,
            settings,
            store,
            client: reqwest::Client::new(),
        }
    }

    async fn documents(
        &self,
        initiative_id: &str,
    ) -> Result<Vec<crate::documents::Document>, JobError> {
        self.store
            .documents(initiative_id)
            .await
            .map_err(|e| JobError::retryable(e.code(), e.to_string()))
    }

    fn backend(
        &self,
        input: &WebResearchInput,
        documents: &[crate::documents::Document],
    ) -> Result<Box<dyn SearchBackend>, JobError> {
        match &input.search {
            SearchChoice::Offline => {
                let scale =
                    OfflineScale::for_initiative(&input.initiative).map_err(JobError::from)?;
                let all = playbook::all()
                    .map_err(|e| JobError::new(ErrorCode::OfflineEngine, e.to_string()))?;
                Ok(Box::new(OfflineKnowledge::new(
                    all,
                    &scale.playbook.id,
                    documents,
                )))
            }
            SearchChoice::Searxng { base_url } => Ok(Box::new(
                Searxng::new(base_url, self.settings.search_timeout)
                    .map_err(|e| JobError::new(ErrorCode::SearchConfig, e.to_string()))?,
            )),
        }
    }
}

/// Standard questions when the user asked none: the topics a plan depends on.
fn standard_queries(input: &WebResearchInput) -> Result<Vec<String>, JobError> {
    if !input.questions.is_empty() {
        return Ok(input
            .questions
            .iter()
            .map(|q| q.trim().to_owned())
            .collect());
    }
    let industry = match &input.initiative.industry {
        Some(industry) => industry.to_lowercase(),
        None => OfflineScale::for_initiative(&input.initiative)
            .map_err(JobError::from)?
            .playbook
            .name
            .to_lowercase(),
    };
    // The idea in its own words first, then the topics every plan depends on.
    let idea: String = input
        .initiative
        .description
        .split_whitespace()
        .take(14)
        .collect::<Vec<_>>()
        .join(" ");
    let topics = [
        "customers and demand",
        "pricing, margins and unit economics",
        "costs: rent, wages and suppliers",
        "regulation and licensing",
        "competition",
        "operations and hiring",
    ];
    Ok(std::iter::once(idea)
        .chain(topics.iter().map(|topic| format!("{industry} {topic}")))
        .collect())
}

/// Checks questions; the message is for the user.
pub fn validate_questions(questions: &[String]) -> Result<(), String> {
    if questions.len() > MAX_QUESTIONS {
        return Err(format!("Ask at most {MAX_QUESTIONS} questions at a time."));
    }
    for q in questions {
        if q.trim().is_empty() {
            return Err("A question is empty.".to_owned());
        }
        if q.chars().count() > 300 {
            return Err("Keep each question under 300 characters.".to_owned());
        }
    }
    Ok(())
}

impl JobKind for WebResearch {
    type Input = WebResearchInput;
    type Output = ResearchReport;

    fn name(&self) -> &str {
        WEB_RESEARCH
    }

    fn max_concurrency(&self) -> Option<usize> {
        Some(2)
    }

    fn validate(&self, input: &WebResearchInput) -> Result<(), String> {
        validate_questions(&input.questions)?;
        input.initiative.check()?;
        input.provider.validate()?;
        input.search.validate()
    }

    async fn run(
        &self,
        input: WebResearchInput,
        ctx: JobContext,
    ) -> Result<ResearchReport, JobError> {
        let provider = self.providers.for_job(&input.provider)?;
        let cancel = ctx.cancellation_token();

        ctx.progress(0.0, "Planning queries…");
        let queries: Vec<String> = ctx
            .step("Planning queries", async { standard_queries(&input) })
            .await?;

        ctx.progress(5.0, "Searching…");
        let documents = self.documents(&input.initiative.id).await?;
        let backend = self.backend(&input, &documents)?;
        let search_label = backend.label();
        let candidates: Vec<Candidate> = ctx
            .step("Searching", async {
                let mut per_query = Vec::with_capacity(queries.len());
                for query in &queries {
                    let hits = backend
                        .search(query, self.settings.results_per_query, &cancel)
                        .await
                        .map_err(|e| search_error(e, backend.endpoint()))?;
                    per_query.push(hits);
                }
                // Round-robin over the queries (each one's best hit first), so that every
                // question is represented before any gets a second source.
                let mut found: Vec<Candidate> = Vec::new();
                let deepest = per_query.iter().map(Vec::len).max().unwrap_or(0);
                'pick: for rank in 0..deepest {
                    for (query, hits) in queries.iter().zip(&per_query) {
                        if found.len() >= self.settings.max_sources {
                            break 'pick;
                        }
                        if let Some(hit) = hits.get(rank)
                            && !found.iter().any(|c| c.hit.key == hit.key)
                        {
                            found.push(Candidate {
                                hit: hit.clone(),
                                query: query.clone(),
                            });
                        }
                    }
                }
                Ok(found)
            })
            .await?;

        let io = Io::quiet(cancel.clone());
        let mut outcomes = Vec::with_capacity(candidates.len());
        for (k, candidate) in candidates.iter().enumerate() {
            ctx.check_cancelled()?;
            let title: String = candidate.hit.title.chars().take(80).collect();
            ctx.progress(
                10.0 + 85.0 * k as f64 / candidates.len().max(1) as f64,
                format!("Reading {title} ({} of {})…", k + 1, candidates.len()),
            );
            let id = format!("S{}", k + 1);
            let outcome: Outcome = ctx
                .step(
                    &format!("Reading {title}"),
                    self.read(candidate, &id, provider.as_ref(), &input, &io, &ctx),
                )
                .await?;
            outcomes.push(outcome);
        }

        ctx.progress(96.0, "Writing the report…");
        let source = provider.source();
        let offline = source.engine == "offline" && input.search == SearchChoice::Offline;
        let report: ResearchReport = ctx
            .step("Writing the report", async {
                Ok(report::report(Gathered {
                    input: &input,
                    source,
                    search: search_label,
                    offline,
                    queries: queries.clone(),
                    candidates: &candidates,
                    outcomes,
                    documents: documents.len(),
                }))
            })
            .await?;
        ctx.progress(100.0, "Report ready");
        Ok(report)
    }
}

impl WebResearch {
    /// Reads one source and extracts its findings, streaming each one.
    async fn read(
        &self,
        candidate: &Candidate,
        id: &str,
        provider: &dyn provider::Provider,
        input: &WebResearchInput,
        io: &Io,
        ctx: &JobContext,
    ) -> Result<Outcome, JobError> {
        let hit = &candidate.hit;
        let (text, bytes, truncated) = match &hit.url {
            Some(url) if hit.kind == "web" => {
                match fetch_page(&self.client, url, self.settings.fetch, &io.cancel).await {
                    Ok(page) => (page.text, page.bytes, page.truncated),
                    Err(_) if io.cancel.is_cancelled() => return Err(JobError::cancelled()),
                    Err(reason) => {
                        let skipped = SkippedSource {
                            title: hit.title.clone(),
                            url: hit.url.clone(),
                            query: candidate.query.clone(),
                            reason,
                        };
                        ctx.partial(&ResearchPartial::Skipped(skipped.clone()))?;
                        return Ok(Outcome {
                            record: None,
                            skipped: Some(skipped),
                            findings: Vec::new(),
                        });
                    }
                }
            }
            _ => (hit.text.clone(), hit.text.len(), false),
        };
        let context = Context {
            research: Some(ResearchAsk::Findings {
                query: candidate.query.clone(),
                source: SourceText {
                    id: id.to_owned(),
                    title: hit.title.clone(),
                    url: hit.url.clone(),
                    text,
                },
            }),
            ..Context::default()
        };
        let found: Findings = provider::ask_in_job(
            ctx,
            provider,
            &self.providers.spending,
            &input.initiative,
            &context,
            io,
        )
        .await?;
        for f in &found.findings {
            ctx.partial(&ResearchPartial::Finding {
                source_id: id.to_owned(),
                title: hit.title.clone(),
                url: hit.url.clone(),
                statement: f.statement.clone(),
                quote: f.quote.clone(),
            })?;
        }
        Ok(Outcome {
            record: Some(SourceRecord {
                id: id.to_owned(),
                title: hit.title.clone(),
                url: hit.url.clone(),
                kind: hit.kind.clone(),
                query: candidate.query.clone(),
                bytes,
                truncated,
            }),
            skipped: None,
            findings: found.findings,
        })
    }
}

/// A search failure as the step's error: a transient cause pauses the job (probing
/// `endpoint` while it is unreachable), the rest fail.
fn search_error(e: super::SearchError, endpoint: Option<&str>) -> JobError {
    if let Some(wait) = crate::wait::classify_search(&e, endpoint, chrono::Utc::now()).wait() {
        return wait.into_job_error();
    }
    match e {
        super::SearchError::Cancelled => JobError::cancelled(),
        other => JobError::retryable(ErrorCode::Search, other.to_string()),
    }
}
