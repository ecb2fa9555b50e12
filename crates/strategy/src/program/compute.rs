//! The numbers of a program: both schedules, the budget rolled up from the levelled one,
//! and a stage gate at each workstream's finish.

use std::collections::{BTreeMap, HashMap};

use super::Schedule;
use crate::artefact::{Outline, Resources};
use crate::initiative::Initiative;
use crate::plan::{self, Budget, BudgetInput, Levelled, Milestone, Network, PlanError, StageGate};

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
