//! A task network: tasks by index, their predecessors and successors, in topological order.

use std::collections::HashMap;

use super::{PlanError, PlanTask};

/// Tasks indexed for scheduling: dependencies resolved to indices and a topological order.
#[derive(Debug, Clone)]
pub struct Network {
    /// Predecessor indices of each task.
    pub preds: Vec<Vec<usize>>,
    /// Successor indices of each task.
    pub succs: Vec<Vec<usize>>,
    /// Every task index, each after all of its predecessors.
    pub order: Vec<usize>,
}

impl Network {
    /// Resolves dependencies by id; fails on duplicate ids, unknown ids and cycles.
    pub fn build(tasks: &[PlanTask]) -> Result<Network, PlanError> {
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(tasks.len());
        for (i, task) in tasks.iter().enumerate() {
            if index.insert(task.id.as_str(), i).is_some() {
                return Err(PlanError::DuplicateTask(task.id.clone()));
            }
        }
        let mut preds = vec![Vec::new(); tasks.len()];
        let mut succs = vec![Vec::new(); tasks.len()];
        for (i, task) in tasks.iter().enumerate() {
            for dep in &task.depends_on {
                let &p = index
                    .get(dep.as_str())
                    .ok_or_else(|| PlanError::UnknownDependency {
                        task: task.id.clone(),
                        missing: dep.clone(),
                    })?;
                if p == i {
                    return Err(PlanError::Cycle(vec![task.id.clone()]));
                }
                if !preds[i].contains(&p) {
                    preds[i].push(p);
                    succs[p].push(i);
                }
            }
        }
        let order = topological_order(&preds, &succs)
            .map_err(|stuck| PlanError::Cycle(find_cycle(&preds, &stuck, tasks)))?;
        Ok(Network {
            preds,
            succs,
            order,
        })
    }

    /// Number of tasks.
    pub fn len(&self) -> usize {
        self.preds.len()
    }

    /// True when there are no tasks.
    pub fn is_empty(&self) -> bool {
        self.preds.is_empty()
    }
}

/// Kahn's algorithm, taking the lowest ready index first so the order is stable.
/// On a cycle, returns the tasks that could never become ready.
fn topological_order(preds: &[Vec<usize>], succs: &[Vec<usize>]) -> Result<Vec<usize>, Vec<bool>> {
    let n = preds.len();
    let mut waiting: Vec<usize> = preds.iter().map(Vec::len).collect();
    let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<usize>> = (0..n)
        .filter(|&i| waiting[i] == 0)
        .map(std::cmp::Reverse)
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(std::cmp::Reverse(i)) = ready.pop() {
        order.push(i);
        for &s in &succs[i] {
            waiting[s] -= 1;
            if waiting[s] == 0 {
                ready.push(std::cmp::Reverse(s));
            }
        }
    }
    if order.len() == n {
        Ok(order)
    } else {
        Err(waiting.iter().map(|&w| w > 0).collect())
    }
}

/// Walks predecessors among the stuck tasks until one repeats: that loop is a cycle.
fn find_cycle(preds: &[Vec<usize>], stuck: &[bool], tasks: &[PlanTask]) -> Vec<String> {
    let Some(start) = stuck.iter().position(|&s| s) else {
        return Vec::new();
    };
    let mut seen_at: HashMap<usize, usize> = HashMap::new();
    let mut path = Vec::new();
    let mut current = start;
    loop {
        if let Some(&at) = seen_at.get(&current) {
            // `path[at..]` runs against the dependency arrows; reverse so each task precedes the next.
            let mut cycle: Vec<String> = path[at..]
                .iter()
                .map(|&i: &usize| tasks[i].id.clone())
                .collect();
            cycle.reverse();
            return cycle;
        }
        seen_at.insert(current, path.len());
        path.push(current);
        // Every stuck task has at least one stuck predecessor, or it would have become ready.
        match preds[current].iter().copied().find(|&p| stuck[p]) {
            Some(p) => current = p,
            None => return vec![tasks[current].id.clone()],
        }
    }
}
