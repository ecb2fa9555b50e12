//! Puts the program together from what the generation steps produced: tasks with their
//! dates, workstreams with their costs, the team with its load.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};

use super::{
    PROGRAM_FORMAT, Program, ProgramWorkstream, ResourceLine, Schedule, ScheduleSummary,
    ScheduledTask,
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
            shortest_possible_weeks: lev.lower_bound,
            schedules_built: lev.schedules_built,
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
