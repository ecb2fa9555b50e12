//! Stage gates: one decision point at each workstream's milestone.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// A go/no-go review at a workstream milestone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StageGate {
    /// `G1`, `G2`… in date order.
    pub id: String,
    /// The milestone reached.
    pub name: String,
    /// Workstream id.
    pub workstream: String,
    /// Week (from programme start) of the review.
    pub week: u32,
    /// Calendar date of the review.
    pub date: NaiveDate,
    /// What must be true to pass.
    pub criteria: Vec<String>,
}

/// A workstream's milestone as the gate builder needs it.
#[derive(Debug, Clone)]
pub struct Milestone<'a> {
    /// Workstream id.
    pub workstream: &'a str,
    /// What is true when it finishes.
    pub name: &'a str,
    /// Week it finishes in the levelled schedule.
    pub finish_week: u32,
    /// Exit criteria.
    pub criteria: &'a [String],
}

/// One gate per workstream milestone, ordered by week then workstream order.
pub fn stage_gates(milestones: &[Milestone<'_>], start_date: NaiveDate) -> Vec<StageGate> {
    let mut order: Vec<usize> = (0..milestones.len()).collect();
    order.sort_by_key(|&i| (milestones[i].finish_week, i));
    order
        .into_iter()
        .enumerate()
        .map(|(n, i)| {
            let m = &milestones[i];
            StageGate {
                id: format!("G{}", n + 1),
                name: m.name.to_owned(),
                workstream: m.workstream.to_owned(),
                week: m.finish_week,
                date: start_date
                    .checked_add_days(Days::new(u64::from(m.finish_week) * 7))
                    .unwrap_or(NaiveDate::MAX),
                criteria: m.criteria.to_vec(),
            }
        })
        .collect()
}
