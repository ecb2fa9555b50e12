//! Industry playbooks: the offline engine's knowledge, kept as JSON data files in
//! `playbooks/` and compiled into the binary, and the ranking that picks one for an idea.

use std::sync::OnceLock;

use bm25::{Document, Language, SearchEngine, SearchEngineBuilder};
use serde::{Deserialize, Serialize};

/// One industry's playbook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    /// File stem, e.g. `saas`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// One or two sentences.
    pub description: String,
    /// Words a user might use for such a business.
    pub keywords: Vec<String>,
    /// The programme the playbook is sized for.
    pub reference: Reference,
    /// Roles and their rates.
    pub roles: Vec<PlaybookRole>,
    /// Workstreams and their tasks.
    pub workstreams: Vec<PlaybookWorkstream>,
    /// Repeated units (stores, clinics…), if the business grows that way.
    #[serde(default)]
    pub rollout: Option<Rollout>,
    /// Typical risks.
    pub risks: Vec<PlaybookRisk>,
    /// Typical KPIs.
    pub kpis: Vec<PlaybookKpi>,
    /// Planning assumptions.
    pub assumptions: Vec<String>,
    /// What matters most.
    pub success_factors: Vec<String>,
    /// Knowledge-base facts for offline research.
    pub facts: Vec<Fact>,
    /// Cause-and-effect links for offline five-whys.
    pub causes: Vec<Cause>,
    /// Business Model Canvas starting material.
    pub canvas: CanvasSeed,
}

/// Size of the reference programme.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// Budget in US dollars.
    pub budget_usd: f64,
    /// People.
    pub team_size: u32,
    /// Months.
    pub horizon_months: u32,
}

/// A role with its rate and its share of the team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct PlaybookRole {
    /// Id used by tasks.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Fully loaded monthly cost in US dollars.
    pub monthly_rate_usd: f64,
    /// Relative share of the team's headcount.
    pub weight: f64,
}

/// When a workstream is part of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Always.
    Core,
    /// From mid-sized budgets.
    Growth,
    /// Large budgets only.
    Scale,
}

/// A workstream template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct PlaybookWorkstream {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// One sentence.
    pub description: String,
    /// When it is included.
    pub tier: Tier,
    /// What is true when it finishes.
    pub milestone: String,
    /// Exit criteria.
    pub gate_criteria: Vec<String>,
    /// Non-labour costs.
    pub non_labour: Vec<NonLabour>,
    /// Tasks.
    pub tasks: Vec<PlaybookTask>,
}

/// A non-labour cost in US dollars.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct NonLabour {
    /// What it is.
    pub item: String,
    /// Cost in US dollars.
    pub cost_usd: f64,
}

/// A task template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct PlaybookTask {
    /// Id (`workstream.task`, or local in a rollout).
    pub id: String,
    /// What is done.
    pub name: String,
    /// Weeks at reference scale.
    pub weeks: u32,
    /// Role id.
    pub role: String,
    /// People at once.
    pub units: u32,
    /// Task ids that must finish first.
    pub depends_on: Vec<String>,
    /// How much the initiative needs it (what a fitted plan may defer).
    pub priority: Priority,
}

/// How much a task is needed: a fitted plan defers could, then should tasks, never musts.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Deferred first.
    Could,
    /// Deferred when deferring could tasks is not enough.
    Should,
    /// Never deferred: without it the initiative does not deliver.
    #[default]
    Must,
}

impl Priority {
    /// The word users see.
    pub fn label(self) -> &'static str {
        match self {
            Priority::Must => "must",
            Priority::Should => "should",
            Priority::Could => "could",
        }
    }
}

/// A repeated unit of growth (a store, a clinic, a hub…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Rollout {
    /// Singular noun.
    pub unit: String,
    /// Workstream name with `{n}`.
    pub name: String,
    /// Milestone with `{n}`.
    pub milestone: String,
    /// Exit criteria.
    pub gate_criteria: Vec<String>,
    /// Non-labour cost of one unit in US dollars.
    pub cost_usd_per_unit: f64,
    /// Core task ids that must finish before any unit starts.
    pub after: Vec<String>,
    /// Tasks with local ids.
    pub tasks: Vec<PlaybookTask>,
}

/// A typical risk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct PlaybookRisk {
    /// Id.
    pub id: String,
    /// What could happen.
    pub title: String,
    /// Category.
    pub category: String,
    /// 1–5.
    pub probability: u8,
    /// 1–5.
    pub impact: u8,
    /// What is done about it.
    pub mitigation: String,
    /// Owning role id.
    pub owner_role: String,
}

/// A typical KPI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct PlaybookKpi {
    /// What is measured.
    pub name: String,
    /// Unit (`USD` amounts are converted to the initiative's currency).
    pub unit: String,
    /// Start value.
    pub baseline: f64,
    /// Target value.
    pub target: f64,
    /// `increase` or `decrease`.
    pub direction: String,
    /// How often it is measured.
    pub frequency: String,
    /// Workstream that moves it.
    #[serde(default)]
    pub workstream: Option<String>,
}

/// A knowledge-base fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Fact {
    /// Id, unique across playbooks.
    pub id: String,
    /// Topic.
    pub topic: String,
    /// The fact.
    pub text: String,
    /// Where it comes from.
    pub source: String,
}

/// A cause-and-effect link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Cause {
    /// Id, unique across playbooks.
    pub id: String,
    /// What is observed.
    pub effect: String,
    /// Why it happens.
    pub cause: String,
    /// What to do about it.
    pub countermeasure: String,
    /// 0–1.
    pub confidence: f64,
    /// Words of problem statements it matches.
    pub keywords: Vec<String>,
    /// A root cause: the chain stops here.
    pub root: bool,
}

/// Starting entries for the nine canvas blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct CanvasSeed {
    /// Customer segments.
    pub customer_segments: Vec<String>,
    /// Value propositions.
    pub value_propositions: Vec<String>,
    /// Channels.
    pub channels: Vec<String>,
    /// Customer relationships.
    pub customer_relationships: Vec<String>,
    /// Revenue streams.
    pub revenue_streams: Vec<String>,
    /// Key resources.
    pub key_resources: Vec<String>,
    /// Key activities.
    pub key_activities: Vec<String>,
    /// Key partnerships.
    pub key_partnerships: Vec<String>,
    /// Cost structure.
    pub cost_structure: Vec<String>,
}

/// The playbook files, compiled in.
const FILES: [(&str, &str); 19] = [
    (
        "food_beverage_retail",
        include_str!("../playbooks/food_beverage_retail.json"),
    ),
    ("ecommerce", include_str!("../playbooks/ecommerce.json")),
    ("saas", include_str!("../playbooks/saas.json")),
    (
        "professional_services",
        include_str!("../playbooks/professional_services.json"),
    ),
    (
        "manufacturing",
        include_str!("../playbooks/manufacturing.json"),
    ),
    (
        "health_clinic",
        include_str!("../playbooks/health_clinic.json"),
    ),
    ("education", include_str!("../playbooks/education.json")),
    ("logistics", include_str!("../playbooks/logistics.json")),
    (
        "community_project",
        include_str!("../playbooks/community_project.json"),
    ),
    (
        "research_project",
        include_str!("../playbooks/research_project.json"),
    ),
    ("event", include_str!("../playbooks/event.json")),
    ("hospitality", include_str!("../playbooks/hospitality.json")),
    (
        "building_renovation",
        include_str!("../playbooks/building_renovation.json"),
    ),
    (
        "office_relocation",
        include_str!("../playbooks/office_relocation.json"),
    ),
    (
        "product_launch",
        include_str!("../playbooks/product_launch.json"),
    ),
    (
        "marketing_campaign",
        include_str!("../playbooks/marketing_campaign.json"),
    ),
    ("mobile_app", include_str!("../playbooks/mobile_app.json")),
    (
        "it_migration",
        include_str!("../playbooks/it_migration.json"),
    ),
    ("general", include_str!("../playbooks/general.json")),
];

/// Id of the fallback playbook used when nothing matches.
pub const GENERAL: &str = "general";

/// A playbook file that does not parse (a build defect, caught by the tests).
#[derive(Debug, Clone, thiserror::Error)]
#[error("playbook {file} is malformed: {reason}")]
pub struct PlaybookError {
    /// File stem.
    pub file: String,
    /// What failed.
    pub reason: String,
}

struct Library {
    playbooks: Vec<Playbook>,
    index: SearchEngine<usize>,
}

fn library() -> Result<&'static Library, PlaybookError> {
    static LIBRARY: OnceLock<Result<Library, PlaybookError>> = OnceLock::new();
    LIBRARY
        .get_or_init(|| {
            let playbooks = FILES
                .iter()
                .map(|(file, text)| {
                    serde_json::from_str::<Playbook>(text).map_err(|e| PlaybookError {
                        file: (*file).to_owned(),
                        reason: e.to_string(),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let documents = playbooks
                .iter()
                .enumerate()
                .map(|(i, p)| Document::new(i, ranking_text(p)));
            let index =
                SearchEngineBuilder::<usize>::with_documents(Language::English, documents).build();
            Ok(Library { playbooks, index })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// What an idea is ranked against: name and keywords (weighted by repetition), the
/// description and the workstream names.
fn ranking_text(p: &Playbook) -> String {
    let mut text = format!("{} {} {}", p.name, p.name, p.description);
    for k in &p.keywords {
        text.push(' ');
        text.push_str(k);
        text.push(' ');
        text.push_str(k);
    }
    for w in &p.workstreams {
        text.push(' ');
        text.push_str(&w.name);
    }
    text
}

/// Every playbook, in file order.
pub fn all() -> Result<&'static [Playbook], PlaybookError> {
    Ok(&library()?.playbooks)
}

/// The playbook with this id.
pub fn by_id(id: &str) -> Result<Option<&'static Playbook>, PlaybookError> {
    Ok(all()?.iter().find(|p| p.id == id))
}

/// Playbooks ranked against `text`, best first (ties by id); only those that share a term
/// with it. The general playbook competes too, so generic wording picks it; when nothing
/// matches at all the list is empty: use [`GENERAL`].
pub fn rank(text: &str) -> Result<Vec<PlaybookMatch>, PlaybookError> {
    let library = library()?;
    let mut ranked: Vec<PlaybookMatch> = library
        .index
        .search(text, None)
        .into_iter()
        .filter(|r| r.score > 0.0)
        .map(|r| PlaybookMatch {
            playbook: &library.playbooks[r.document.id],
            score: f64::from(r.score),
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.playbook.id.cmp(&b.playbook.id))
    });
    Ok(ranked)
}

/// A playbook that matches a text, and how well.
#[derive(Debug, Clone, Copy)]
pub struct PlaybookMatch {
    /// The playbook.
    pub playbook: &'static Playbook,
    /// Its BM25 score against the text.
    pub score: f64,
}
