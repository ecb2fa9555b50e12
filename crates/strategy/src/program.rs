//! The program: what `epm_generation` produces, computed from the provider's artefacts by
//! the planning core. Numbers come from Rust, never from the provider.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::artefact::{Analysis, Kpi, Outline, Resources};
use crate::initiative::Initiative;
use crate::plan::{
    self, Budget, BudgetInput, CpmSchedule, Levelled, Milestone, Network, PlanError, Risk,
    RiskInput, RiskOrigin, StageGate,
};
use crate::provider::Source;

/// Version of the program format, bumped when its shape changes.
pub const PROGRAM_FORMAT: u32 = 1;

/// The executable program for an initiative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Program {
    /// [`PROGRAM_FORMAT`] at generation.
    pub format: u32,
    /// The initiative as it was when the program was generated.
    pub initiative: Initiative,
    /// Where the content came from.
    pub source: Source,
    /// The first read of the initiative.
    pub analysis: Analysis,
    /// Workstreams with their dates and costs.
    pub workstreams: Vec<ProgramWorkstream>,
    /// Tasks with unconstrained and levelled dates.
    pub tasks: Vec<ScheduledTask>,
    /// Overall dates and the critical path.
    pub schedule: ScheduleSummary,
    /// The team.
    pub resources: Vec<ResourceLine>,
    /// The money.
    pub budget: Budget,
    /// Risks, most serious first.
    pub risks: Vec<Risk>,
    /// KPIs with targets.
    pub kpis: Vec<Kpi>,
    /// Go/no-go reviews at workstream milestones.
    pub stage_gates: Vec<StageGate>,
    /// Problems the user must see first (horizon or budget overrun…).
    pub warnings: Vec<String>,
}

/// One workstream in the program.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProgramWorkstream {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// One sentence.
    pub description: String,
    /// What is true when it ends.
    pub milestone: String,
    /// First week of work (levelled).
    pub start_week: u32,
    /// Week its last task ends (levelled).
    pub finish_week: u32,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub finish_date: NaiveDate,
    /// Holds at least one critical task.
    pub critical: bool,
    /// Tasks in it.
    pub task_count: u32,
    /// Its total cost (labour and non-labour).
    pub cost: f64,
}

/// One task with its dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScheduledTask {
    /// Id.
    pub id: String,
    /// Workstream id.
    pub workstream: String,
    /// What is done.
    pub name: String,
    /// Role id.
    pub role: String,
    /// People at once.
    pub units: u32,
    /// Duration in weeks.
    pub weeks: u32,
    /// Predecessor ids.
    pub depends_on: Vec<String>,
    /// Critical-path dates (weeks), unconstrained by headcount.
    pub early_start: u32,
    /// Earliest finish.
    pub early_finish: u32,
    /// Latest start.
    pub late_start: u32,
    /// Latest finish.
    pub late_finish: u32,
    /// Weeks of slack.
    pub slack: u32,
    /// On a critical path.
    pub critical: bool,
    /// Levelled start week (what the plan commits to).
    pub start_week: u32,
    /// Levelled finish week.
    pub finish_week: u32,
    /// Levelled first day.
    pub start_date: NaiveDate,
    /// Levelled last day.
    pub finish_date: NaiveDate,
}

/// The schedule in one look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScheduleSummary {
    /// Length of the critical path, unconstrained by headcount.
    pub critical_path_weeks: u32,
    /// Length of the levelled schedule with the team as sized.
    pub levelled_weeks: u32,
    /// Weeks the horizon allows.
    pub horizon_weeks: u32,
    /// The critical path fits the horizon.
    pub critical_path_fits: bool,
    /// The levelled schedule fits the horizon.
    pub fits_horizon: bool,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day of the levelled schedule.
    pub end_date: NaiveDate,
    /// Critical task ids by early start.
    pub critical_path: Vec<String>,
}

/// One role of the team with its load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ResourceLine {
    /// Role id.
    pub id: String,
    /// Role name.
    pub name: String,
    /// People.
    pub headcount: u32,
    /// Monthly cost of one person.
    pub monthly_rate: f64,
    /// Person-weeks booked.
    pub person_weeks: u32,
    /// Most people booked in any week.
    pub peak: u32,
    /// Booked share of the role's capacity over the levelled schedule, 0–1.
    pub utilisation: f64,
}

/// Unconstrained and levelled schedules together (the output of the Scheduling step).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Schedule {
    /// Critical-path dates.
    pub cpm: CpmSchedule,
    /// Resource-levelled dates.
    pub levelled: Levelled,
}

/// Computes both schedules for an outline staffed by `resources`.
pub fn schedule(outline: &Outline, resources: &Resources) -> Result<Schedule, PlanError> {
    let tasks = outline.plan_tasks();
    let network = Network::build(&tasks)?;
    let cpm = plan::critical_path(&tasks, &network)?;
    let headcount: HashMap<String, u32> = resources
        .roles
        .iter()
        .map(|r| (r.id.clone(), r.headcount))
        .collect();
    let levelled = plan::level(&tasks, &network, &cpm, &headcount)?;
    Ok(Schedule { cpm, levelled })
}

/// Contingency on top of labour and non-labour: 10 %, 15 % when the plan already overruns
/// its horizon (late programmes overspend).
pub fn contingency_rate(initiative: &Initiative, schedule: &Schedule) -> f64 {
    if schedule.levelled.makespan > initiative.horizon_weeks() {
        0.15
    } else {
        0.10
    }
}

/// Rolls the budget up from the levelled schedule.
pub fn budget(
    initiative: &Initiative,
    outline: &Outline,
    resources: &Resources,
    schedule: &Schedule,
) -> Budget {
    let tasks = outline.plan_tasks();
    let workstream_of: Vec<String> = outline.tasks().map(|(w, _)| w.id.clone()).collect();
    let rates: BTreeMap<String, f64> = resources
        .roles
        .iter()
        .map(|r| (r.id.clone(), r.monthly_rate))
        .collect();
    let ws_start = workstream_starts(outline, &schedule.levelled);
    plan::roll_up(&BudgetInput {
        tasks: &tasks,
        workstream_of: &workstream_of,
        start: &schedule.levelled.start,
        monthly_rate: &rates,
        costs: &resources.costs,
        workstream_start: &ws_start,
        start_date: initiative.start_date,
        contingency_rate: contingency_rate(initiative, schedule),
        available: initiative.budget,
        currency: initiative.currency.clone(),
    })
}

fn workstream_starts(outline: &Outline, levelled: &Levelled) -> BTreeMap<String, u32> {
    let mut starts = BTreeMap::new();
    for (i, (w, _)) in outline.tasks().enumerate() {
        let s = starts.entry(w.id.clone()).or_insert(u32::MAX);
        *s = (*s).min(levelled.start[i]);
    }
    starts
}

/// Risks the numbers themselves reveal, and the warnings that go with them. The first
/// list leads the register (horizon, then budget); the second is scored with the rest.
pub fn computed_risks(
    initiative: &Initiative,
    outline: &Outline,
    resources: &Resources,
    schedule: &Schedule,
    budget: &Budget,
) -> (Vec<RiskInput>, Vec<RiskInput>, Vec<String>) {
    let mut leading = Vec::new();
    let mut others = Vec::new();
    let mut warnings = Vec::new();
    let horizon = initiative.horizon_weeks();
    let cpm_weeks = schedule.cpm.duration;
    let levelled_weeks = schedule.levelled.makespan;
    let owner = resources
        .roles
        .first()
        .map(|r| r.id.clone())
        .unwrap_or_default();
    let bottlenecks = bottleneck_roles(outline, schedule);

    if cpm_weeks > horizon {
        let months = (cpm_weeks * 12).div_ceil(52);
        let critical_ws: Vec<String> = critical_workstreams(outline, schedule);
        warnings.push(format!(
            "The critical path needs {cpm_weeks} weeks, but the horizon allows {horizon} ({} months). The plan keeps the real durations: extend the horizon to at least {months} months or cut scope.",
            initiative.horizon_months
        ));
        leading.push(RiskInput {
            title: format!(
                "The critical path ({cpm_weeks} weeks) does not fit the {}-month horizon ({horizon} weeks)",
                initiative.horizon_months
            ),
            category: "delivery".into(),
            probability: 5,
            impact: 5,
            mitigation: format!(
                "Extend the horizon to at least {months} months, or cut or phase scope on the critical workstreams ({}).",
                critical_ws.join(", ")
            ),
            owner_role: owner.clone(),
        });
    } else if levelled_weeks > horizon {
        let months = (levelled_weeks * 12).div_ceil(52);
        warnings.push(format!(
            "With the team as sized the work takes {levelled_weeks} weeks, beyond the {horizon}-week horizon; the critical path alone would take {cpm_weeks}. Add people in {} or extend the horizon to {months} months.",
            bottlenecks.join(", ")
        ));
        leading.push(RiskInput {
            title: format!(
                "The team as sized needs {levelled_weeks} weeks, beyond the {}-month horizon ({horizon} weeks)",
                initiative.horizon_months
            ),
            category: "delivery".into(),
            probability: 5,
            impact: 4,
            mitigation: format!(
                "Add people in the roles where work queues ({}), or extend the horizon to {months} months.",
                bottlenecks.join(", ")
            ),
            owner_role: owner.clone(),
        });
    } else if levelled_weeks * 20 > cpm_weeks * 23 {
        // More than 15 % of the schedule is waiting for people.
        others.push(RiskInput {
            title: format!(
                "Work queues for {}: headcount stretches the schedule from {cpm_weeks} to {levelled_weeks} weeks",
                bottlenecks.join(", ")
            ),
            category: "people".into(),
            probability: 3,
            impact: 3,
            mitigation: "Hire or contract ahead in these roles, or resequence their work.".into(),
            owner_role: owner.clone(),
        });
    }

    if budget.total > budget.available {
        let over = budget.total - budget.available;
        let share = if budget.available > 0.0 {
            over / budget.available
        } else {
            f64::INFINITY
        };
        warnings.push(format!(
            "The plan costs {} {} including contingency, {} {} more than the budget of {} {}.",
            crate::provider::thousands(budget.total),
            budget.currency,
            crate::provider::thousands(over),
            budget.currency,
            crate::provider::thousands(budget.available),
            budget.currency
        ));
        leading.push(RiskInput {
            title: format!(
                "The plan exceeds the budget by {} {}{}",
                crate::provider::thousands(over),
                budget.currency,
                if share.is_finite() {
                    format!(" ({:.0} %)", share * 100.0)
                } else {
                    String::new()
                }
            ),
            category: "financial".into(),
            probability: 5,
            impact: if share > 0.25 { 5 } else { 4 },
            mitigation: "Secure more funding, phase the later workstreams after revenue starts, or cut scope.".into(),
            owner_role: owner.clone(),
        });
    }

    let people: u32 = resources.roles.iter().map(|r| r.headcount).sum();
    if people > initiative.team_size {
        warnings.push(format!(
            "The plan staffs {people} people; the team has {}. The difference must be hired or contracted.",
            initiative.team_size
        ));
        others.push(RiskInput {
            title: format!(
                "The plan needs {people} people but the team has {}",
                initiative.team_size
            ),
            category: "people".into(),
            probability: 4,
            impact: 3,
            mitigation: "Hire or contract the missing roles before their first tasks start.".into(),
            owner_role: owner,
        });
    }
    (leading, others, warnings)
}

/// Roles whose tasks wait longest past their early start in the levelled schedule.
fn bottleneck_roles(outline: &Outline, schedule: &Schedule) -> Vec<String> {
    let mut waits: BTreeMap<&str, u32> = BTreeMap::new();
    for (i, (_, task)) in outline.tasks().enumerate() {
        let wait = schedule.levelled.start[i].saturating_sub(schedule.cpm.rows[i].early_start);
        *waits.entry(task.role.as_str()).or_default() += wait;
    }
    let mut ranked: Vec<(&str, u32)> = waits.into_iter().filter(|(_, w)| *w > 0).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let names: Vec<String> = ranked
        .iter()
        .take(3)
        .map(|(r, _)| (*r).to_owned())
        .collect();
    if names.is_empty() {
        vec!["the busiest roles".to_owned()]
    } else {
        names
    }
}

fn critical_workstreams(outline: &Outline, schedule: &Schedule) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (i, (w, _)) in outline.tasks().enumerate() {
        if schedule.cpm.rows[i].critical && !names.contains(&w.name) {
            names.push(w.name.clone());
        }
    }
    names
}

/// Scores the register: computed leading risks first, then everything by score.
pub fn risk_register(
    leading: Vec<RiskInput>,
    computed: Vec<RiskInput>,
    proposed: Vec<RiskInput>,
) -> Vec<Risk> {
    let others = computed
        .into_iter()
        .map(|r| (r, RiskOrigin::Computed))
        .chain(proposed.into_iter().map(|r| (r, RiskOrigin::Proposed)))
        .collect();
    plan::score_risks(leading, others)
}

/// One gate per workstream, at its levelled finish.
pub fn gates(initiative: &Initiative, outline: &Outline, schedule: &Schedule) -> Vec<StageGate> {
    let finishes = workstream_finishes(outline, &schedule.levelled);
    let milestones: Vec<Milestone<'_>> = outline
        .workstreams
        .iter()
        .map(|w| Milestone {
            workstream: &w.id,
            name: &w.milestone,
            finish_week: finishes.get(&w.id).copied().unwrap_or(0),
            criteria: &w.gate_criteria,
        })
        .collect();
    plan::stage_gates(&milestones, initiative.start_date)
}

fn workstream_finishes(outline: &Outline, levelled: &Levelled) -> BTreeMap<String, u32> {
    let mut finishes = BTreeMap::new();
    for (i, (w, _)) in outline.tasks().enumerate() {
        let f = finishes.entry(w.id.clone()).or_insert(0);
        *f = (*f).max(levelled.finish[i]);
    }
    finishes
}

fn day(start: NaiveDate, week: u32) -> NaiveDate {
    start
        .checked_add_days(Days::new(u64::from(week) * 7))
        .unwrap_or(NaiveDate::MAX)
}

/// Last day of work that ends at the start of `finish_week` (or its first day, for milestones).
fn last_day(start: NaiveDate, start_week: u32, finish_week: u32) -> NaiveDate {
    if finish_week > start_week {
        day(start, finish_week).pred_opt().unwrap_or(start)
    } else {
        day(start, start_week)
    }
}

/// Everything the assembly needs, as the earlier steps produced it.
pub struct Parts<'a> {
    /// The initiative.
    pub initiative: &'a Initiative,
    /// Provider label.
    pub source: Source,
    /// Step 1.
    pub analysis: &'a Analysis,
    /// Step 2.
    pub outline: &'a Outline,
    /// Step 3.
    pub resources: &'a Resources,
    /// Step 4.
    pub schedule: &'a Schedule,
    /// Step 5.
    pub budget: &'a Budget,
    /// Step 6.
    pub risks: &'a [Risk],
    /// Step 7.
    pub kpis: &'a [Kpi],
    /// Step 7.
    pub stage_gates: &'a [StageGate],
    /// From step 6.
    pub warnings: &'a [String],
}

/// Puts the program together.
pub fn assemble(parts: Parts<'_>) -> Program {
    let Parts {
        initiative,
        outline,
        schedule,
        budget,
        resources,
        ..
    } = parts;
    let start = initiative.start_date;
    let cpm = &schedule.cpm;
    let lev = &schedule.levelled;
    let tasks: Vec<ScheduledTask> = outline
        .tasks()
        .enumerate()
        .map(|(i, (w, t))| ScheduledTask {
            id: t.id.clone(),
            workstream: w.id.clone(),
            name: t.name.clone(),
            role: t.role.clone(),
            units: t.units,
            weeks: t.weeks,
            depends_on: t.depends_on.clone(),
            early_start: cpm.rows[i].early_start,
            early_finish: cpm.rows[i].early_finish,
            late_start: cpm.rows[i].late_start,
            late_finish: cpm.rows[i].late_finish,
            slack: cpm.rows[i].slack,
            critical: cpm.rows[i].critical,
            start_week: lev.start[i],
            finish_week: lev.finish[i],
            start_date: day(start, lev.start[i]),
            finish_date: last_day(start, lev.start[i], lev.finish[i]),
        })
        .collect();
    let cost_of: HashMap<&str, f64> = budget
        .by_workstream
        .iter()
        .map(|l| (l.workstream.as_str(), l.total))
        .collect();
    let workstreams = outline
        .workstreams
        .iter()
        .map(|w| {
            let mine: Vec<&ScheduledTask> = tasks.iter().filter(|t| t.workstream == w.id).collect();
            let start_week = mine.iter().map(|t| t.start_week).min().unwrap_or(0);
            let finish_week = mine.iter().map(|t| t.finish_week).max().unwrap_or(0);
            ProgramWorkstream {
                id: w.id.clone(),
                name: w.name.clone(),
                description: w.description.clone(),
                milestone: w.milestone.clone(),
                start_week,
                finish_week,
                start_date: day(start, start_week),
                finish_date: last_day(start, start_week, finish_week),
                critical: mine.iter().any(|t| t.critical),
                task_count: mine.len() as u32,
                cost: cost_of.get(w.id.as_str()).copied().unwrap_or(0.0),
            }
        })
        .collect();
    let horizon_weeks = initiative.horizon_weeks();
    let resources = resources
        .roles
        .iter()
        .map(|r| {
            let load = lev.load.get(&r.id);
            let person_weeks: u32 = load.map_or(0, |l| l.iter().sum());
            let capacity = f64::from(r.headcount) * f64::from(lev.makespan.max(1));
            ResourceLine {
                id: r.id.clone(),
                name: r.name.clone(),
                headcount: r.headcount,
                monthly_rate: r.monthly_rate,
                person_weeks,
                peak: load.and_then(|l| l.iter().copied().max()).unwrap_or(0),
                utilisation: ((f64::from(person_weeks) / capacity) * 1000.0).round() / 1000.0,
            }
        })
        .collect();
    Program {
        format: PROGRAM_FORMAT,
        initiative: initiative.clone(),
        source: parts.source,
        analysis: parts.analysis.clone(),
        workstreams,
        schedule: ScheduleSummary {
            critical_path_weeks: cpm.duration,
            levelled_weeks: lev.makespan,
            horizon_weeks,
            critical_path_fits: cpm.duration <= horizon_weeks,
            fits_horizon: lev.makespan <= horizon_weeks,
            start_date: start,
            end_date: last_day(start, 0, lev.makespan),
            critical_path: cpm.critical.iter().map(|&i| tasks[i].id.clone()).collect(),
        },
        tasks,
        resources,
        budget: budget.clone(),
        risks: parts.risks.to_vec(),
        kpis: parts.kpis.to_vec(),
        stage_gates: parts.stage_gates.to_vec(),
        warnings: parts.warnings.to_vec(),
    }
}
