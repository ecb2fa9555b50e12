//! The program: what `epm_generation` produces, computed from the provider's artefacts by
//! the planning core. Numbers come from Rust, never from the provider: the schedules,
//! budget and gates in `compute.rs`, the computed risks in `risks.rs`, the assembly in
//! `assemble.rs`.

mod assemble;
mod compute;
mod risks;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::artefact::{Analysis, Kpi};
use crate::initiative::Initiative;
use crate::plan::{Budget, CpmSchedule, Levelled, Risk, StageGate};
use crate::provider::Source;

pub use assemble::{Parts, assemble};
pub use compute::{budget, contingency_rate, gates, schedule};
pub use risks::{ComputedRisks, computed_risks, risk_register};

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
    /// No schedule with this team can be shorter: the longer of the critical path and the
    /// busiest role's work over its people (0 in programs made before it was recorded).
    #[serde(default)]
    pub shortest_possible_weeks: u32,
    /// Schedules the levelling built to find this one (0 in programs made before the
    /// search, which levelled in one pass).
    #[serde(default)]
    pub schedules_built: u32,
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
