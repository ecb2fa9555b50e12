//! Resource levelling: a serial schedule that never books a role beyond its headcount.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use serde::{Deserialize, Serialize};

use super::{CpmSchedule, Network, PlanError, PlanTask};

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
}

/// Schedules tasks in priority order (least late start first, then least slack, then
/// input order), each at the first week where its predecessors are done and its role has
/// room for its whole duration: the serial schedule-generation scheme.
pub fn level(
    tasks: &[PlanTask],
    network: &Network,
    cpm: &CpmSchedule,
    headcount: &HashMap<String, u32>,
) -> Result<Levelled, PlanError> {
    let n = tasks.len();
    let mut role_of = Vec::with_capacity(n);
    let mut role_names: Vec<&str> = Vec::new();
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
            role_names.push(task.role.as_str());
            capacity.push(people);
            role_names.len() - 1
        });
        role_of.push(r);
    }

    let horizon_hint = (cpm.duration as usize).max(1) * 2;
    let mut load: Vec<Vec<u32>> = vec![Vec::with_capacity(horizon_hint); role_names.len()];
    let mut waiting: Vec<usize> = network.preds.iter().map(Vec::len).collect();
    let priority = |i: usize| Reverse((cpm.rows[i].late_start, cpm.rows[i].slack, i));
    let mut ready: BinaryHeap<Reverse<(u32, u32, usize)>> =
        (0..n).filter(|&i| waiting[i] == 0).map(priority).collect();
    let mut start = vec![0u32; n];
    let mut finish = vec![0u32; n];

    while let Some(Reverse((_, _, i))) = ready.pop() {
        let task = &tasks[i];
        let earliest = network.preds[i]
            .iter()
            .map(|&p| finish[p])
            .max()
            .unwrap_or(0);
        let week = first_fit(&mut load[role_of[i]], capacity[role_of[i]], earliest, task);
        start[i] = week;
        finish[i] = week + task.weeks;
        let row = &mut load[role_of[i]];
        for w in week..finish[i] {
            row[w as usize] += task.units;
        }
        for &s in &network.succs[i] {
            waiting[s] -= 1;
            if waiting[s] == 0 {
                ready.push(priority(s));
            }
        }
    }

    let makespan = finish.iter().copied().max().unwrap_or(0);
    let load = role_names
        .iter()
        .zip(load)
        .map(|(name, mut weeks)| {
            weeks.resize(makespan as usize, 0);
            ((*name).to_owned(), weeks)
        })
        .collect();
    Ok(Levelled {
        start,
        finish,
        makespan,
        load,
    })
}

/// First week ≥ `earliest` where the role has `units` free for the task's whole duration;
/// grows the load row so the window can be booked.
fn first_fit(row: &mut Vec<u32>, capacity: u32, earliest: u32, task: &PlanTask) -> u32 {
    let mut week = earliest;
    'search: loop {
        let end = week + task.weeks;
        if row.len() < end as usize {
            row.resize(end as usize, 0);
        }
        // Scan backwards so a clash jumps the window past the latest busy week at once.
        for w in (week..end).rev() {
            if row[w as usize] + task.units > capacity {
                week = w + 1;
                continue 'search;
            }
        }
        return week;
    }
}
