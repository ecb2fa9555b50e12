//! What providers produce for each generation step, and the checks every answer must
//! pass (a model's answer that fails them is sent back once for repair): the program's
//! artefacts in `program.rs`, the research operations' in `research.rs`.

mod program;
mod research;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use program::{
    Analysis, Kpi, MAX_TASK_WEEKS, MAX_TASKS, Measures, Outline, PlaybookChoice, Resources,
    RiskList, RolePlan, TaskPlan, WorkstreamPlan,
};
pub use research::{
    BlockKind, CanvasBlock, CanvasEntry, Evidence, FindingText, Findings, ResearchAsk, SourceText,
    WhyLevel, normalise,
};

/// Which artefact a provider is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ArtefactKind {
    /// [`Analysis`].
    Analysis,
    /// [`Outline`].
    Outline,
    /// [`Resources`].
    Resources,
    /// [`RiskList`].
    Risks,
    /// [`Measures`].
    Measures,
    /// [`CanvasBlock`].
    CanvasBlock,
    /// [`WhyLevel`].
    WhyLevel,
    /// [`Findings`].
    Findings,
}

impl ArtefactKind {
    /// Stable name used in prompts and logs.
    pub fn as_str(self) -> &'static str {
        match self {
            ArtefactKind::Analysis => "analysis",
            ArtefactKind::Outline => "outline",
            ArtefactKind::Resources => "resources",
            ArtefactKind::Risks => "risks",
            ArtefactKind::Measures => "measures",
            ArtefactKind::CanvasBlock => "canvas_block",
            ArtefactKind::WhyLevel => "why_level",
            ArtefactKind::Findings => "findings",
        }
    }
}

/// A typed provider answer: its kind and the checks beyond its JSON shape.
pub trait Artefact: Serialize + DeserializeOwned + Send + 'static {
    /// Which artefact this is.
    const KIND: ArtefactKind;
    /// Problems with the content, each naming where it is (`tasks[3].role: …`);
    /// `context` holds the earlier artefacts it must agree with.
    fn problems(&self, context: &Context) -> Vec<String>;
}

/// Earlier artefacts a later one must agree with.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Context {
    /// The analysis, once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<Analysis>,
    /// The outline, once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outline: Option<Outline>,
    /// The resources, once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// What a research artefact is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub research: Option<ResearchAsk>,
}
