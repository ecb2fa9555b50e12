//! The program's artefacts (analysis, outline, resources, risks, KPIs) and their checks.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::{Artefact, ArtefactKind, Context};
use crate::plan::{Network, PlanTask, RiskInput};
use crate::playbook::Priority;

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
    /// How much the initiative needs it (absent in outlines made before priorities: must).
    #[serde(default)]
    pub priority: Priority,
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
