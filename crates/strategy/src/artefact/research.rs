//! The research operations' artefacts (a canvas block, a why-level, findings in a source),
//! the questions behind them, and their checks.

use serde::{Deserialize, Serialize};

use super::{Artefact, ArtefactKind, Context};

/// The question behind a research artefact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResearchAsk {
    /// One block of the Business Model Canvas, with the evidence it may cite.
    CanvasBlock {
        /// Which block.
        block: BlockKind,
        /// Findings and facts that entries may cite by id.
        evidence: Vec<Evidence>,
    },
    /// The next level of a why-chain.
    WhyLevel {
        /// The problem statement.
        problem: String,
        /// Levels so far.
        chain: Vec<WhyLevel>,
        /// Deepest level allowed.
        max_depth: u32,
    },
    /// Findings in one source for one query.
    Findings {
        /// The query the source was found for.
        query: String,
        /// The source's text.
        source: SourceText,
    },
}

/// A piece of evidence a canvas entry can cite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Evidence {
    /// Id to cite (`F3` for a research finding, a fact id for the knowledge base).
    pub id: String,
    /// What it says.
    pub text: String,
    /// Where it comes from (title or URL).
    pub source: String,
}

/// A source's readable text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SourceText {
    /// Source id (`S1`…).
    pub id: String,
    /// Title.
    pub title: String,
    /// Address, for web pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The text (bounded by the fetch limits).
    pub text: String,
}

/// The nine blocks of the Business Model Canvas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// Who the business serves.
    CustomerSegments,
    /// What it offers them.
    ValuePropositions,
    /// How it reaches them.
    Channels,
    /// How it keeps them.
    CustomerRelationships,
    /// How it earns.
    RevenueStreams,
    /// What it needs.
    KeyResources,
    /// What it does.
    KeyActivities,
    /// Who it works with.
    KeyPartnerships,
    /// What it costs.
    CostStructure,
}

impl BlockKind {
    /// All nine, in the order the canvas is researched.
    pub const ALL: [BlockKind; 9] = [
        BlockKind::CustomerSegments,
        BlockKind::ValuePropositions,
        BlockKind::Channels,
        BlockKind::CustomerRelationships,
        BlockKind::RevenueStreams,
        BlockKind::KeyResources,
        BlockKind::KeyActivities,
        BlockKind::KeyPartnerships,
        BlockKind::CostStructure,
    ];

    /// Display title.
    pub fn title(self) -> &'static str {
        match self {
            BlockKind::CustomerSegments => "Customer segments",
            BlockKind::ValuePropositions => "Value propositions",
            BlockKind::Channels => "Channels",
            BlockKind::CustomerRelationships => "Customer relationships",
            BlockKind::RevenueStreams => "Revenue streams",
            BlockKind::KeyResources => "Key resources",
            BlockKind::KeyActivities => "Key activities",
            BlockKind::KeyPartnerships => "Key partnerships",
            BlockKind::CostStructure => "Cost structure",
        }
    }

    /// Words that find evidence relevant to the block.
    pub fn topic_words(self) -> &'static str {
        match self {
            BlockKind::CustomerSegments => "customers segment buyers audience demographics who",
            BlockKind::ValuePropositions => "value quality convenience price benefit why choose",
            BlockKind::Channels => "channel online store sales marketing reach distribution",
            BlockKind::CustomerRelationships => {
                "loyalty retention repeat service relationship community"
            }
            BlockKind::RevenueStreams => "revenue price pricing margin sales subscription ticket",
            BlockKind::KeyResources => "staff equipment site technology brand resources",
            BlockKind::KeyActivities => "operations production delivery hiring training activities",
            BlockKind::KeyPartnerships => "suppliers partners vendors contracts agreements",
            BlockKind::CostStructure => "cost costs rent labor wages overhead fixed variable",
        }
    }
}

/// One researched block of the canvas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CanvasBlock {
    /// Which block.
    pub block: BlockKind,
    /// Its entries.
    pub entries: Vec<CanvasEntry>,
}

/// One entry of a canvas block with the evidence behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CanvasEntry {
    /// The entry.
    pub text: String,
    /// Ids of the evidence it rests on (may be empty).
    #[serde(default)]
    pub evidence: Vec<String>,
}

/// One level of a why-chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WhyLevel {
    /// The why-question asked.
    pub question: String,
    /// The cause found.
    pub answer: String,
    /// What to do about it.
    pub countermeasure: String,
    /// 0–1: how sure the link is.
    pub confidence: f64,
    /// This answer is a root cause: the chain stops here.
    pub root_cause: bool,
    /// What the answer rests on (a knowledge-base link id, for the offline engine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
}

/// Findings extracted from one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Findings {
    /// The findings (may be empty when the source says nothing on the query).
    pub findings: Vec<FindingText>,
}

/// One finding with the words of the source it rests on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FindingText {
    /// The finding, in a sentence.
    pub statement: String,
    /// A verbatim quote from the source that supports it.
    pub quote: String,
}

/// Whitespace-collapsed, lower-case text, for checking that quotes are verbatim.
pub fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Artefact for CanvasBlock {
    const KIND: ArtefactKind = ArtefactKind::CanvasBlock;

    fn problems(&self, context: &Context) -> Vec<String> {
        let mut problems = Vec::new();
        if self.entries.is_empty() || self.entries.len() > 12 {
            problems.push("entries: give between 1 and 12 entries".to_owned());
        }
        let Some(ResearchAsk::CanvasBlock { block, evidence }) = &context.research else {
            return problems;
        };
        if self.block != *block {
            problems.push(format!("block: expected {:?}", block.title()));
        }
        for (e, entry) in self.entries.iter().enumerate() {
            if entry.text.trim().is_empty() {
                problems.push(format!("entries[{e}].text: must not be empty"));
            }
            for id in &entry.evidence {
                if !evidence.iter().any(|x| &x.id == id) {
                    problems.push(format!(
                        "entries[{e}].evidence: “{id}” is not one of the evidence ids given"
                    ));
                }
            }
        }
        problems
    }
}

impl Artefact for WhyLevel {
    const KIND: ArtefactKind = ArtefactKind::WhyLevel;

    fn problems(&self, _context: &Context) -> Vec<String> {
        let mut problems = Vec::new();
        if self.question.trim().is_empty() {
            problems.push("question: must not be empty".to_owned());
        }
        if self.answer.trim().is_empty() {
            problems.push("answer: must not be empty".to_owned());
        }
        if !(0.0..=1.0).contains(&self.confidence) {
            problems.push("confidence: must be between 0 and 1".to_owned());
        }
        problems
    }
}

impl Artefact for Findings {
    const KIND: ArtefactKind = ArtefactKind::Findings;

    fn problems(&self, context: &Context) -> Vec<String> {
        let mut problems = Vec::new();
        if self.findings.len() > 5 {
            problems.push("findings: give at most 5".to_owned());
        }
        let source = match &context.research {
            Some(ResearchAsk::Findings { source, .. }) => Some(normalise(&source.text)),
            _ => None,
        };
        for (f, finding) in self.findings.iter().enumerate() {
            if finding.statement.trim().is_empty() {
                problems.push(format!("findings[{f}].statement: must not be empty"));
            }
            let quote = normalise(&finding.quote);
            if quote.len() < 12 {
                problems.push(format!(
                    "findings[{f}].quote: quote at least a phrase of the source"
                ));
            } else if let Some(text) = &source
                && !text.contains(&quote)
            {
                problems.push(format!(
                    "findings[{f}].quote: not found verbatim in the source"
                ));
            }
        }
        problems
    }
}
