//! What providers produce for each generation step, and the checks every answer must
//! pass (a model's answer that fails them is sent back once for repair).

use std::collections::HashSet;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::plan::{Network, PlanTask, RiskInput};

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

/// The first read of the initiative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Analysis {
    /// Two or three sentences on what the programme must achieve.
    pub summary: String,
    /// The industry as understood.
    pub industry: String,
    /// Planning assumptions.
    pub assumptions: Vec<String>,
    /// What the programme depends on most.
    pub success_factors: Vec<String>,
    /// The offline engine's playbook choice; absent for a model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub playbook: Option<PlaybookChoice>,
}

/// Which playbook the offline engine chose, and how clearly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlaybookChoice {
    /// Playbook id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// BM25 score of the initiative's text against it (0 when none matched).
    pub score: f64,
    /// Scores of the other candidates, best first (id, score).
    pub runners_up: Vec<(String, f64)>,
    /// Budget relative to the playbook's reference programme.
    pub scale: f64,
    /// Repeated units (stores, clinics…) planned, if the playbook has them.
    pub rollout_units: u32,
}

/// Workstreams and their tasks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Outline {
    /// In delivery order.
    pub workstreams: Vec<WorkstreamPlan>,
}

/// One workstream as proposed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct WorkstreamPlan {
    /// Unique id (snake_case).
    pub id: String,
    /// Display name.
    pub name: String,
    /// One sentence.
    pub description: String,
    /// What is true when it finishes (its stage gate).
    pub milestone: String,
    /// Exit criteria of its gate.
    pub gate_criteria: Vec<String>,
    /// Its tasks.
    pub tasks: Vec<TaskPlan>,
}

/// One task as proposed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TaskPlan {
    /// Unique id across the outline.
    pub id: String,
    /// What is done.
    pub name: String,
    /// Duration in whole weeks.
    pub weeks: u32,
    /// Role id doing it.
    pub role: String,
    /// People of that role at once.
    pub units: u32,
    /// Task ids that must finish first.
    pub depends_on: Vec<String>,
}

impl Outline {
    /// Every task with its workstream id, in outline order.
    pub fn tasks(&self) -> impl Iterator<Item = (&WorkstreamPlan, &TaskPlan)> {
        self.workstreams
            .iter()
            .flat_map(|w| w.tasks.iter().map(move |t| (w, t)))
    }

    /// The tasks as the planning core takes them.
    pub fn plan_tasks(&self) -> Vec<PlanTask> {
        self.tasks()
            .map(|(_, t)| PlanTask {
                id: t.id.clone(),
                weeks: t.weeks,
                role: t.role.clone(),
                units: t.units,
                depends_on: t.depends_on.clone(),
            })
            .collect()
    }

    /// Role ids the tasks use, in first-use order.
    pub fn roles_used(&self) -> Vec<&str> {
        let mut seen = Vec::new();
        for (_, t) in self.tasks() {
            if !seen.contains(&t.role.as_str()) {
                seen.push(t.role.as_str());
            }
        }
        seen
    }
}

/// People and money.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Resources {
    /// Roles with headcount and rates.
    pub roles: Vec<RolePlan>,
    /// Non-labour costs per workstream.
    pub costs: Vec<crate::plan::CostItem>,
}

/// One role of the team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RolePlan {
    /// Id used by tasks.
    pub id: String,
    /// Display name.
    pub name: String,
    /// People in this role.
    pub headcount: u32,
    /// Fully loaded monthly cost of one person, in the initiative's currency.
    pub monthly_rate: f64,
}

/// Proposed risks (scored by the planning core).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RiskList {
    /// The risks.
    pub risks: Vec<RiskInput>,
}

/// KPIs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Measures {
    /// The KPIs.
    pub kpis: Vec<Kpi>,
}

/// A key performance indicator with its target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Kpi {
    /// What is measured.
    pub name: String,
    /// Unit, e.g. `%`, `EUR`, `customers`.
    pub unit: String,
    /// Where it starts.
    pub baseline: f64,
    /// Where it must get to.
    pub target: f64,
    /// `increase` or `decrease`.
    pub direction: String,
    /// daily, weekly, monthly or quarterly.
    pub frequency: String,
    /// Workstream that moves it, if one does.
    #[serde(default)]
    pub workstream: Option<String>,
}

/// Largest outline accepted: beyond this a plan is not credible to review.
pub const MAX_TASKS: usize = 5_000;
/// Longest single task accepted, in weeks (five years).
pub const MAX_TASK_WEEKS: u32 = 260;

impl Artefact for Analysis {
    const KIND: ArtefactKind = ArtefactKind::Analysis;

    fn problems(&self, _context: &Context) -> Vec<String> {
        let mut problems = Vec::new();
        if self.summary.trim().is_empty() {
            problems.push("summary: must not be empty".to_owned());
        }
        if self.industry.trim().is_empty() {
            problems.push("industry: must not be empty".to_owned());
        }
        problems
    }
}

impl Artefact for Outline {
    const KIND: ArtefactKind = ArtefactKind::Outline;

    fn problems(&self, _context: &Context) -> Vec<String> {
        let mut problems = Vec::new();
        if self.workstreams.is_empty() {
            problems.push("workstreams: at least one workstream is needed".to_owned());
        }
        let mut ws_ids = HashSet::new();
        let mut task_ids = HashSet::new();
        for (w, ws) in self.workstreams.iter().enumerate() {
            if ws.id.trim().is_empty() || !ws_ids.insert(ws.id.as_str()) {
                problems.push(format!(
                    "workstreams[{w}].id: “{}” is empty or used twice",
                    ws.id
                ));
            }
            if ws.name.trim().is_empty() {
                problems.push(format!("workstreams[{w}].name: must not be empty"));
            }
            if ws.tasks.is_empty() {
                problems.push(format!(
                    "workstreams[{w}].tasks: at least one task is needed"
                ));
            }
            for (t, task) in ws.tasks.iter().enumerate() {
                let at = format!("workstreams[{w}].tasks[{t}]");
                if task.id.trim().is_empty() || !task_ids.insert(task.id.as_str()) {
                    problems.push(format!("{at}.id: “{}” is empty or used twice", task.id));
                }
                if task.name.trim().is_empty() {
                    problems.push(format!("{at}.name: must not be empty"));
                }
                if task.role.trim().is_empty() {
                    problems.push(format!("{at}.role: must name a role"));
                }
                if task.weeks > MAX_TASK_WEEKS {
                    problems.push(format!(
                        "{at}.weeks: {} is more than {MAX_TASK_WEEKS}",
                        task.weeks
                    ));
                }
                if task.units == 0 || task.units > 100 {
                    problems.push(format!("{at}.units: must be between 1 and 100"));
                }
            }
        }
        let count = task_ids.len();
        if count > MAX_TASKS {
            problems.push(format!("tasks: {count} tasks is more than {MAX_TASKS}"));
        }
        for (w, ws) in self.workstreams.iter().enumerate() {
            for (t, task) in ws.tasks.iter().enumerate() {
                for dep in &task.depends_on {
                    if !task_ids.contains(dep.as_str()) {
                        problems.push(format!(
                            "workstreams[{w}].tasks[{t}].depends_on: “{dep}” is not a task id"
                        ));
                    }
                }
            }
        }
        if problems.is_empty()
            && let Err(e) = Network::build(&self.plan_tasks())
        {
            problems.push(format!("depends_on: {e}"));
        }
        problems
    }
}

impl Artefact for Resources {
    const KIND: ArtefactKind = ArtefactKind::Resources;

    fn problems(&self, context: &Context) -> Vec<String> {
        let mut problems = Vec::new();
        let mut ids = HashSet::new();
        for (r, role) in self.roles.iter().enumerate() {
            if role.id.trim().is_empty() || !ids.insert(role.id.as_str()) {
                problems.push(format!(
                    "roles[{r}].id: “{}” is empty or used twice",
                    role.id
                ));
            }
            if role.headcount == 0 {
                problems.push(format!("roles[{r}].headcount: must be at least 1"));
            }
            if !role.monthly_rate.is_finite() || role.monthly_rate < 0.0 {
                problems.push(format!(
                    "roles[{r}].monthly_rate: must be a non-negative number"
                ));
            }
        }
        for (c, cost) in self.costs.iter().enumerate() {
            if !cost.amount.is_finite() || cost.amount < 0.0 {
                problems.push(format!("costs[{c}].amount: must be a non-negative number"));
            }
        }
        if let Some(outline) = &context.outline {
            for role in outline.roles_used() {
                if !ids.contains(role) {
                    problems.push(format!(
                        "roles: the tasks use role “{role}”, which is missing"
                    ));
                }
            }
            for (_, task) in outline.tasks() {
                if let Some(role) = self.roles.iter().find(|r| r.id == task.role)
                    && task.units > role.headcount
                {
                    problems.push(format!(
                        "roles: “{}” has {} people but task “{}” needs {} at once",
                        role.id, role.headcount, task.id, task.units
                    ));
                }
            }
            for (c, cost) in self.costs.iter().enumerate() {
                if !outline.workstreams.iter().any(|w| w.id == cost.workstream) {
                    problems.push(format!(
                        "costs[{c}].workstream: “{}” is not a workstream id",
                        cost.workstream
                    ));
                }
            }
        }
        problems
    }
}

impl Artefact for RiskList {
    const KIND: ArtefactKind = ArtefactKind::Risks;

    fn problems(&self, _context: &Context) -> Vec<String> {
        let mut problems = Vec::new();
        for (r, risk) in self.risks.iter().enumerate() {
            if risk.title.trim().is_empty() {
                problems.push(format!("risks[{r}].title: must not be empty"));
            }
            if !(1..=5).contains(&risk.probability) {
                problems.push(format!("risks[{r}].probability: must be 1–5"));
            }
            if !(1..=5).contains(&risk.impact) {
                problems.push(format!("risks[{r}].impact: must be 1–5"));
            }
        }
        problems
    }
}

impl Artefact for Measures {
    const KIND: ArtefactKind = ArtefactKind::Measures;

    fn problems(&self, _context: &Context) -> Vec<String> {
        let mut problems = Vec::new();
        if self.kpis.is_empty() {
            problems.push("kpis: at least one KPI is needed".to_owned());
        }
        for (k, kpi) in self.kpis.iter().enumerate() {
            if kpi.name.trim().is_empty() {
                problems.push(format!("kpis[{k}].name: must not be empty"));
            }
            if !kpi.baseline.is_finite() || !kpi.target.is_finite() {
                problems.push(format!("kpis[{k}]: baseline and target must be numbers"));
            }
            if kpi.direction != "increase" && kpi.direction != "decrease" {
                problems.push(format!(
                    "kpis[{k}].direction: must be “increase” or “decrease”"
                ));
            }
        }
        problems
    }
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
