//! Puts the program together from what the generation steps produced: tasks with their
//! dates, workstreams with their costs, the team with its load.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};

use super::{
    PROGRAM_FORMAT, PersonLine, PlanVariant, Program, ProgramPlan, ProgramWorkstream, ResourceLine,
    Schedule, ScheduleSummary, ScheduledTask, TeamMember, VariantId,
};
use crate::artefact::{Analysis, Kpi, Outline, Resources};
use crate::initiative::Initiative;
use crate::plan::{Budget, Risk, StageGate};
use crate::provider::Source;

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

/// Everything one plan is made of, as the planning steps produced it.
pub struct PlanParts<'a> {
    /// The initiative.
    pub initiative: &'a Initiative,
    /// The tasks kept.
    pub outline: &'a Outline,
    /// Roles and rates.
    pub resources: &'a Resources,
    /// Both schedules.
    pub schedule: &'a Schedule,
    /// The money.
    pub budget: &'a Budget,
    /// The scored register.
    pub risks: Vec<Risk>,
    /// Gates at workstream finishes.
    pub stage_gates: Vec<StageGate>,
    /// What the user must see first.
    pub warnings: Vec<String>,
    /// The people, when levelled person by person (`schedule.levelled.people` indexes it).
    pub team: &'a [TeamMember],
}

/// Everything the program needs besides its plans.
pub struct Parts<'a> {
    /// The initiative.
    pub initiative: &'a Initiative,
    /// Provider label.
    pub source: Source,
    /// Step 1.
    pub analysis: &'a Analysis,
    /// Step 7.
    pub kpis: &'a [Kpi],
    /// The plans to choose between.
    pub variants: Vec<PlanVariant>,
    /// The one adopted until the user picks another.
    pub recommended: VariantId,
}

/// Puts the program together, adopting the recommended variant's plan; `None` when there
/// is no such variant.
pub fn assemble(parts: Parts<'_>) -> Option<Program> {
    let plan = parts
        .variants
        .iter()
        .find(|v| v.id == parts.recommended)?
        .plan
        .clone();
    Some(Program {
        format: PROGRAM_FORMAT,
        initiative: parts.initiative.clone(),
        source: parts.source,
        analysis: parts.analysis.clone(),
        plan,
        kpis: parts.kpis.to_vec(),
        variants: parts.variants,
        chosen: Some(parts.recommended),
    })
}

/// Puts one plan together: tasks with their dates, workstreams with their costs, the roles
/// and people with their load.
pub fn assemble_plan(parts: PlanParts<'_>) -> ProgramPlan {
    let PlanParts {
        initiative,
        outline,
        schedule,
        budget,
        resources,
        team,
        ..
    } = parts;
    let start = initiative.start_date;
    let cpm = &schedule.cpm;
    let lev = &schedule.levelled;
    let person_name = |p: &u32| team.get(*p as usize).map(|m| m.name.clone());
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
            priority: t.priority,
            people: lev
                .people
                .get(i)
                .map(|ps| ps.iter().filter_map(person_name).collect())
                .unwrap_or_default(),
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
    let span = f64::from(lev.makespan.max(1));
    let resources_lines = resources
        .roles
        .iter()
        .map(|r| {
            let load = lev.load.get(&r.id);
            let person_weeks: u32 = load.map_or(0, |l| l.iter().sum());
            // Levelled person by person, a role has as many people as cover it.
            let headcount = if team.is_empty() {
                r.headcount
            } else {
                team.iter().filter(|m| m.roles.contains(&r.id)).count() as u32
            };
            let capacity = f64::from(headcount.max(1)) * span;
            ResourceLine {
                id: r.id.clone(),
                name: r.name.clone(),
                headcount,
                monthly_rate: r.monthly_rate,
                person_weeks,
                peak: load.and_then(|l| l.iter().copied().max()).unwrap_or(0),
                utilisation: ((f64::from(person_weeks) / capacity) * 1000.0).round() / 1000.0,
            }
        })
        .collect();
    let people = team
        .iter()
        .enumerate()
        .map(|(p, m)| {
            let mine: Vec<usize> = (0..tasks.len())
                .filter(|&i| lev.people.get(i).is_some_and(|ps| ps.contains(&(p as u32))))
                .collect();
            let weeks_booked: u32 = mine.iter().map(|&i| tasks[i].weeks).sum();
            PersonLine {
                id: m.id.clone(),
                name: m.name.clone(),
                roles: m.roles.clone(),
                tasks: mine.len() as u32,
                weeks_booked,
                utilisation: ((f64::from(weeks_booked) / span) * 1000.0).round() / 1000.0,
            }
        })
        .collect();
    ProgramPlan {
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
            shortest_possible_weeks: lev.lower_bound,
            schedules_built: lev.schedules_built,
        },
        tasks,
        resources: resources_lines,
        team: people,
        budget: budget.clone(),
        risks: parts.risks,
        stage_gates: parts.stage_gates,
        warnings: parts.warnings,
    }
}
