//! The planning core: pure computation from tasks, roles and costs to a schedule,
//! a levelled schedule, a budget, scored risks and stage gates. No provider is involved.

mod budget;
mod cpm;
mod gates;
mod level;
mod network;
mod risk;

pub use budget::{
    Budget, BudgetInput, BudgetLine, CostItem, MonthLine, RoleLine, roll_up, thousands,
};
pub use cpm::{CpmRow, CpmSchedule, critical_path};
pub use gates::{Milestone, StageGate, stage_gates};
pub use level::{
    LEVELLING_METHOD, Levelled, MAX_TEAM_PEOPLE, level, level_single_pass, level_team,
    level_team_quick,
};
pub use network::Network;
pub use risk::{Risk, RiskInput, RiskOrigin, Severity, score_risks};

use serde::{Deserialize, Serialize};

/// One task as the planning core sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlanTask {
    /// Unique id.
    pub id: String,
    /// Duration in whole weeks (0 for a milestone).
    pub weeks: u32,
    /// Role that does the work.
    pub role: String,
    /// People of that role needed at once.
    pub units: u32,
    /// Ids of tasks that must finish before this one starts.
    pub depends_on: Vec<String>,
}

/// Why a plan cannot be computed; each names the tasks or roles at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum PlanError {
    /// Two tasks share an id.
    #[error("two tasks share the id “{0}”")]
    DuplicateTask(String),
    /// A task depends on a task that does not exist.
    #[error("task “{task}” depends on “{missing}”, which does not exist")]
    UnknownDependency {
        /// The dependent task.
        task: String,
        /// The id it names.
        missing: String,
    },
    /// The dependencies loop back on themselves.
    #[error("the dependencies form a cycle: {}", cycle_text(.0))]
    Cycle(Vec<String>),
    /// A task names a role that has no headcount.
    #[error("task “{task}” needs role “{role}”, which has no people")]
    UnknownRole {
        /// The task.
        task: String,
        /// The role it names.
        role: String,
    },
    /// A task needs more people at once than its role has.
    #[error("task “{task}” needs {units} × {role} at once, but the team has {headcount}")]
    Infeasible {
        /// The task.
        task: String,
        /// Its role.
        role: String,
        /// People it needs at once.
        units: u32,
        /// People the role has.
        headcount: u32,
    },
    /// A team too large to plan person by person.
    #[error("a team of {people} is too large to plan person by person (at most {most})")]
    TeamTooLarge {
        /// People in the team.
        people: u32,
        /// The most planned person by person.
        most: u32,
    },
}

fn cycle_text(tasks: &[String]) -> String {
    let mut text = tasks.join(" → ");
    if let Some(first) = tasks.first() {
        text.push_str(" → ");
        text.push_str(first);
    }
    text
}
