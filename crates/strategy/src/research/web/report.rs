//! What web research produces: the report with its sources, skipped sources and findings,
//! what it streams while it works, and how the report is put together from the steps.

use serde::{Deserialize, Serialize};

use super::WebResearchInput;
use crate::artefact::FindingText;
use crate::provider::Source;
use crate::research::search::Hit;

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
pub(super) struct Candidate {
    pub(super) hit: Hit,
    pub(super) query: String,
}

/// What reading one source gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub(super) struct Outcome {
    pub(super) record: Option<SourceRecord>,
    pub(super) skipped: Option<SkippedSource>,
    pub(super) findings: Vec<FindingText>,
}

/// What the steps gathered, for the report.
pub(super) struct Gathered<'a> {
    /// The job's input.
    pub(super) input: &'a WebResearchInput,
    /// Who extracted the findings.
    pub(super) source: Source,
    /// Where it searched.
    pub(super) search: String,
    /// Made without a network.
    pub(super) offline: bool,
    /// Queries run.
    pub(super) queries: Vec<String>,
    /// The hits chosen for reading, in order.
    pub(super) candidates: &'a [Candidate],
    /// What reading each gave, in the same order.
    pub(super) outcomes: Vec<Outcome>,
    /// Notes and documents of the initiative that were searched.
    pub(super) documents: usize,
}

/// The report from what the steps gathered: findings numbered in order, each citing the
/// source it came from, and a summary quoting the first finding for each query.
pub(super) fn report(gathered: Gathered<'_>) -> ResearchReport {
    let Gathered {
        input,
        source,
        search,
        offline,
        queries,
        candidates,
        outcomes,
        documents,
    } = gathered;
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
