//! `web_research`: queries, sources read and findings with citations; each source is a
//! checkpointed step and each finding is streamed the moment it is extracted.

use std::path::PathBuf;
use std::sync::Arc;

use jobs::{JobContext, JobError, JobKind};
use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;

use super::search::{Hit, OfflineKnowledge, SearchBackend, SearchChoice, Searxng, fetch_page};
use super::{MAX_QUESTIONS, ResearchSettings};
use crate::artefact::{Context, FindingText, Findings, ResearchAsk, SourceText};
use crate::initiative::Initiative;
use crate::playbook;
use crate::provider::{self, Io, OfflineScale, ProviderChoice, Providers, Source};
use crate::store::InitiativeStore;

/// Kind name.
pub const WEB_RESEARCH: &str = "web_research";

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

/// A source that was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SourceRecord {
    /// `S1`, `S2`… in the order found (a skipped source keeps its number unused).
    pub id: String,
    /// Title.
    pub title: String,
    /// Address of a web page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `web`, `knowledge_base` or `document`.
    pub kind: String,
    /// Query it was found for.
    pub query: String,
    /// Bytes read.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub bytes: usize,
    /// Larger than the size limit: only the first part was read.
    pub truncated: bool,
}

/// A source that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SkippedSource {
    /// Title.
    pub title: String,
    /// Address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Query it was found for.
    pub query: String,
    /// Why it was skipped (HTTP 404, took longer than 10 s…).
    pub reason: String,
}

/// A finding in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportFinding {
    /// `F1`, `F2`… in report order.
    pub id: String,
    /// The finding.
    pub statement: String,
    /// The source's own words.
    pub quote: String,
    /// Id of the source it cites.
    pub source_id: String,
    /// Query that led to it.
    pub query: String,
}

/// What research streams while it works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResearchPartial {
    /// A finding, with its citation.
    Finding {
        /// Source id.
        source_id: String,
        /// Source title.
        title: String,
        /// Source address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        /// The finding.
        statement: String,
        /// The source's words.
        quote: String,
    },
    /// A source that could not be read.
    Skipped(SkippedSource),
}

/// The research report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ResearchReport {
    /// Initiative id.
    pub initiative_id: String,
    /// Who extracted the findings.
    pub source: Source,
    /// Where it searched.
    pub search: String,
    /// Made without a network.
    pub offline: bool,
    /// How it was made, for the user.
    pub note: String,
    /// Queries run.
    pub queries: Vec<String>,
    /// Sources read.
    pub sources: Vec<SourceRecord>,
    /// Sources that could not be read.
    pub skipped: Vec<SkippedSource>,
    /// Findings, each citing a source that was read.
    pub findings: Vec<ReportFinding>,
    /// A short account of the findings.
    pub summary: String,
}

/// A search hit chosen for reading, with the query that found it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
struct Candidate {
    hit: Hit,
    query: String,
}

/// What reading one source gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
struct Outcome {
    record: Option<SourceRecord>,
    skipped: Option<SkippedSource>,
    findings: Vec<FindingText>,
}

/// The job kind.
#[derive(Clone)]
pub struct WebResearch {
    providers: Providers,
    settings: ResearchSettings,
    db_path: PathBuf,
    store: Arc<OnceCell<InitiativeStore>>,
    client: reqwest::Client,
}

impl WebResearch {
    /// A kind reading attached documents from the database at `db_path`.
    pub fn new(providers: Providers, settings: ResearchSettings, db_path: PathBuf) -> Self {
        WebResearch {
            providers,
            settings,
            db_path,
            store: Arc::new(OnceCell::new()),
            client: reqwest::Client::new(),
        }
    }

    async fn documents(
        &self,
        initiative_id: &str,
    ) -> Result<Vec<crate::documents::Document>, JobError> {
        let storage = |e: crate::Error| JobError::retryable("storage", e.to_string());
        // The engine has migrated the database before any job runs, so it can open now.
        let store = self
            .store
            .get_or_try_init(|| InitiativeStore::open(&self.db_path))
            .await
            .map_err(storage)?;
        store.documents(initiative_id).await.map_err(storage)
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
                let all =
                    playbook::all().map_err(|e| JobError::new("offline_engine", e.to_string()))?;
                Ok(Box::new(OfflineKnowledge::new(
                    all,
                    &scale.playbook.id,
                    documents,
                )))
            }
            SearchChoice::Searxng { base_url } => Ok(Box::new(
                Searxng::new(base_url, self.settings.search_timeout)
                    .map_err(|e| JobError::new("search_config", e.to_string()))?,
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
                        .map_err(|e| match e {
                            super::SearchError::Cancelled => JobError::cancelled(),
                            other => JobError::retryable("search", other.to_string()),
                        })?;
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
                Ok(report(
                    &input,
                    source,
                    search_label,
                    offline,
                    queries.clone(),
                    &candidates,
                    outcomes,
                    documents.len(),
                ))
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
        let found: Findings = provider::ask(provider, &input.initiative, &context, io)
            .await
            .map_err(JobError::from)?;
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

#[allow(clippy::too_many_arguments)]
fn report(
    input: &WebResearchInput,
    source: Source,
    search: String,
    offline: bool,
    queries: Vec<String>,
    candidates: &[Candidate],
    outcomes: Vec<Outcome>,
    documents: usize,
) -> ResearchReport {
    let mut sources = Vec::new();
    let mut skipped = Vec::new();
    let mut findings = Vec::new();
    for (candidate, outcome) in candidates.iter().zip(outcomes) {
        if let Some(s) = outcome.skipped {
            skipped.push(s);
        }
        if let Some(record) = outcome.record {
            for f in outcome.findings {
                findings.push(ReportFinding {
                    id: format!("F{}", findings.len() + 1),
                    statement: f.statement,
                    quote: f.quote,
                    source_id: record.id.clone(),
                    query: candidate.query.clone(),
                });
            }
            sources.push(record);
        }
    }
    let mut summary = format!(
        "{} finding{} from {} source{} for {} quer{}",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" },
        sources.len(),
        if sources.len() == 1 { "" } else { "s" },
        queries.len(),
        if queries.len() == 1 { "y" } else { "ies" },
    );
    if !skipped.is_empty() {
        summary.push_str(&format!(
            " ({} source{} skipped)",
            skipped.len(),
            if skipped.len() == 1 { "" } else { "s" }
        ));
    }
    summary.push('.');
    for q in &queries {
        if let Some(f) = findings.iter().find(|f| &f.query == q) {
            summary.push_str(&format!(" {} [{}]", f.statement, f.id));
        }
    }
    let note = if offline {
        format!(
            "Made offline: no web search was run. Sources are Charter's built-in knowledge base{}; findings are sentences quoted from them.",
            match documents {
                0 => String::new(),
                1 => " and your one note or document".to_owned(),
                n => format!(" and your {n} notes and documents"),
            }
        )
    } else {
        format!(
            "Searched {search}; each page was read within the time and size limits, and findings quote it."
        )
    };
    ResearchReport {
        initiative_id: input.initiative.id.clone(),
        source,
        search,
        offline,
        note,
        queries,
        sources,
        skipped,
        findings,
        summary,
    }
}
