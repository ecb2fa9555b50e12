//! The critical-path method: early and late dates, slack and the critical tasks.

use serde::{Deserialize, Serialize};

use super::{Network, PlanError, PlanTask};

/// Dates of one task in weeks from the programme start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CpmRow {
    /// Earliest start.
    pub early_start: u32,
    /// Earliest finish.
    pub early_finish: u32,
    /// Latest start that keeps the end date.
    pub late_start: u32,
    /// Latest finish that keeps the end date.
    pub late_finish: u32,
    /// Weeks the task can slip without moving the end date.
    pub slack: u32,
    /// On a critical path (zero slack).
    pub critical: bool,
}

/// The unconstrained schedule: rows in task order, the end week and the critical tasks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CpmSchedule {
    /// One row per task, in the order the tasks were given.
    pub rows: Vec<CpmRow>,
    /// Weeks from start to the last finish.
    pub duration: u32,
    /// Indices of the zero-slack tasks, by early start then index.
    pub critical: Vec<usize>,
}

/// Forward and backward passes over the network.
pub fn critical_path(tasks: &[PlanTask], network: &Network) -> Result<CpmSchedule, PlanError> {
    let n = tasks.len();
    let mut es = vec![0u32; n];
    let mut ef = vec![0u32; n];
    for &i in &network.order {
        es[i] = network.preds[i].iter().map(|&p| ef[p]).max().unwrap_or(0);
        ef[i] = es[i] + tasks[i].weeks;
    }
    let duration = ef.iter().copied().max().unwrap_or(0);
    let mut lf = vec![duration; n];
    let mut ls = vec![0u32; n];
    for &i in network.order.iter().rev() {
        lf[i] = network.succs[i]
            .iter()
            .map(|&s| ls[s])
            .min()
            .unwrap_or(duration);
        ls[i] = lf[i] - tasks[i].weeks;
    }
    let rows: Vec<CpmRow> = (0..n)
        .map(|i| {
            let slack = ls[i] - es[i];
            CpmRow {
                early_start: es[i],
                early_finish: ef[i],
                late_start: ls[i],
                late_finish: lf[i],
                slack,
                critical: slack == 0,
            }
        })
        .collect();
    let mut critical: Vec<usize> = (0..n).filter(|&i| rows[i].critical).collect();
    critical.sort_by_key(|&i| (rows[i].early_start, i));
    Ok(CpmSchedule {
        rows,
        duration,
        critical,
    })
}
