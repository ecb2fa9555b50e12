//! Resource levelling: a schedule that never books a role beyond its headcount, as short as
//! a bounded search finds.

mod search;
mod sgs;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{CpmSchedule, Network, PlanError, PlanTask};
use sgs::{MAX_PEOPLE, Pool, Problem, Schedule, Timeline};

/// How the levelled schedule is found, in words for exports and the program page.
pub const LEVELLING_METHOD: &str = "serial schedule generation over several priority rules, sampled task orders and a local search, each schedule improved by forward–backward justification";

/// A resource-feasible schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Levelled {
    /// Start week of each task, in task order.
    pub start: Vec<u32>,
    /// Finish week of each task (start + weeks).
    pub finish: Vec<u32>,
    /// Weeks from start to the last finish.
    pub makespan: u32,
    /// People booked per role per week.
    pub load: HashMap<String, Vec<u32>>,
    /// No schedule can be shorter: the longer of the critical path and the busiest role's
    /// work over its people (0 in results made before it was recorded).
    #[serde(default)]
    pub lower_bound: u32,
    /// Schedules built to find this one (0 in results made before it was recorded).
    #[serde(default)]
    pub schedules_built: u32,
    /// Indices of the people booked on each task, when levelled person by person (empty
    /// when levelled by role headcount).
    #[serde(default)]
    pub people: Vec<Vec<u32>>,
}

/// Most people [`level_team`] plans person by person.
pub const MAX_TEAM_PEOPLE: usize = MAX_PEOPLE;

/// The levelled schedule: the shortest of a bounded, deterministic search (see
/// [`LEVELLING_METHOD`]); never longer than one pass by least late start, never shorter
/// than the critical path, never over a role's headcount in any week.
pub fn level(
    tasks: &[PlanTask],
    network: &Network,
    cpm: &CpmSchedule,
    headcount: &HashMap<String, u32>,
) -> Result<Levelled, PlanError> {
    let (problem, role_names) = problem(tasks, network, cpm, headcount)?;
    let lower_bound = cpm.duration.max(problem.resource_bound());
    Ok(searched(&problem, &role_names, lower_bound))
}

/// The search's schedule for `problem`, with its loads and how many schedules it built.
fn searched(problem: &Problem, role_names: &[String], lower_bound: u32) -> Levelled {
    let found = search::search(problem, lower_bound);
    let built = u32::try_from(found.passes).unwrap_or(u32::MAX);
    result(problem, role_names, found.schedule, lower_bound, built)
}

/// The levelled schedule for a named team: each person can do the roles listed for them
/// (`people[p]`), works on one task at a time, and a task needing `units` people gets that
/// many who can do its role for its whole duration. Same search as [`level`].
pub fn level_team(
    tasks: &[PlanTask],
    network: &Network,
    cpm: &CpmSchedule,
    people: &[Vec<String>],
) -> Result<Levelled, PlanError> {
    level_people(tasks, network, cpm, people, Effort::Search)
}

/// [`level_team`] in one pass by least late start, justified: a quick estimate for
/// comparing many candidate plans (never shorter than the search's result).
pub fn level_team_quick(
    tasks: &[PlanTask],
    network: &Network,
    cpm: &CpmSchedule,
    people: &[Vec<String>],
) -> Result<Levelled, PlanError> {
    level_people(tasks, network, cpm, people, Effort::OnePass)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Effort {
    Search,
    OnePass,
}

fn level_people(
    tasks: &[PlanTask],
    network: &Network,
    cpm: &CpmSchedule,
    people: &[Vec<String>],
    effort: Effort,
) -> Result<Levelled, PlanError> {
    if people.len() > MAX_PEOPLE {
        return Err(PlanError::TeamTooLarge {
            people: people.len() as u32,
            most: MAX_PEOPLE as u32,
        });
    }
    let mut headcount: HashMap<String, u32> = HashMap::new();
    for roles in people {
        for role in roles {
            *headcount.entry(role.clone()).or_default() += 1;
        }
    }
    let (mut problem, role_names) = problem(tasks, network, cpm, &headcount)?;
    // Most specialised first, then by index: generalists stay free for the roles only
    // they cover.
    let qualified = role_names
        .iter()
        .map(|role| {
            let mut who: Vec<usize> = (0..people.len())
                .filter(|&p| people[p].iter().any(|r| r == role))
                .collect();
            who.sort_by_key(|&p| (people[p].len(), p));
            who
        })
        .collect();
    problem.pool = Pool::People {
        qualified,
        people: people.len(),
    };
    let lower_bound = cpm.duration.max(problem.resource_bound());
    if effort == Effort::OnePass {
        let mut timeline = Timeline::new(&problem.pool);
        let first = sgs::forward(&problem, &search::single_pass_list(&problem), &mut timeline);
        let (schedule, passes) = sgs::justify(&problem, first, &mut timeline);
        let built = u32::try_from(passes + 1).unwrap_or(u32::MAX);
        return Ok(result(&problem, &role_names, schedule, lower_bound, built));
    }
    Ok(searched(&problem, &role_names, lower_bound))
}

/// One pass of the serial scheme by least late start, then least slack: the levelling
/// Charter used before the search (kept for the benchmark's comparison).
pub fn level_single_pass(
    tasks: &[PlanTask],
    network: &Network,
    cpm: &CpmSchedule,
    headcount: &HashMap<String, u32>,
) -> Result<Levelled, PlanError> {
    let (problem, role_names) = problem(tasks, network, cpm, headcount)?;
    let lower_bound = cpm.duration.max(problem.resource_bound());
    let mut timeline = Timeline::new(&problem.pool);
    let schedule = sgs::forward(&problem, &search::single_pass_list(&problem), &mut timeline);
    Ok(result(&problem, &role_names, schedule, lower_bound, 1))
}

/// Roles and dependencies by index; refuses unknown roles and tasks wider than their role.
fn problem<'a>(
    tasks: &[PlanTask],
    network: &'a Network,
    cpm: &CpmSchedule,
    headcount: &HashMap<String, u32>,
) -> Result<(Problem<'a>, Vec<String>), PlanError> {
    let mut role = Vec::with_capacity(tasks.len());
    let mut role_names: Vec<String> = Vec::new();
    let mut role_index: HashMap<&str, usize> = HashMap::new();
    let mut capacity: Vec<u32> = Vec::new();
    for task in tasks {
        let Some(&people) = headcount.get(&task.role) else {
            return Err(PlanError::UnknownRole {
                task: task.id.clone(),
                role: task.role.clone(),
            });
        };
        if task.units > people {
            return Err(PlanError::Infeasible {
                task: task.id.clone(),
                role: task.role.clone(),
                units: task.units,
                headcount: people,
            });
        }
        let r = *role_index.entry(task.role.as_str()).or_insert_with(|| {
            role_names.push(task.role.clone());
            capacity.push(people);
            role_names.len() - 1
        });
        role.push(r);
    }
    let mut rank = vec![0usize; tasks.len()];
    for (k, &i) in network.order.iter().enumerate() {
        rank[i] = k;
    }
    let problem = Problem {
        weeks: tasks.iter().map(|t| t.weeks).collect(),
        units: tasks.iter().map(|t| t.units).collect(),
        role,
        pool: Pool::Roles(capacity),
        preds: &network.preds,
        succs: &network.succs,
        rank,
        late_start: cpm.rows.iter().map(|r| r.late_start).collect(),
        slack: cpm.rows.iter().map(|r| r.slack).collect(),
    };
    Ok((problem, role_names))
}

/// The schedule with its finishes and each role's weekly load.
fn result(
    problem: &Problem,
    role_names: &[String],
    schedule: Schedule,
    lower_bound: u32,
    schedules_built: u32,
) -> Levelled {
    let finish: Vec<u32> = (0..problem.len())
        .map(|i| schedule.start[i] + problem.weeks[i])
        .collect();
    let mut rows = vec![vec![0u32; schedule.makespan as usize]; role_names.len()];
    for i in 0..problem.len() {
        for w in schedule.start[i]..finish[i] {
            rows[problem.role[i]][w as usize] += problem.units[i];
        }
    }
    let people = schedule
        .assigned
        .iter()
        .map(|&bits| {
            (0..MAX_PEOPLE as u32)
                .filter(|p| bits & (1 << p) != 0)
                .collect()
        })
        .collect();
    Levelled {
        start: schedule.start,
        finish,
        makespan: schedule.makespan,
        load: role_names.iter().cloned().zip(rows).collect(),
        lower_bound,
        schedules_built,
        people,
    }
}
