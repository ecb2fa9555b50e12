//! The program: what `epm_generation` produces, computed from the provider's artefacts by
//! the planning core. Numbers come from Rust, never from the provider: the schedules,
//! budget and gates in `compute.rs`, the computed risks in `risks.rs`, the assembly in
//! `assemble.rs`.

mod assemble;
mod compute;
mod fit;
mod risks;
mod team;
mod variant;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::artefact::{Analysis, Kpi};
use crate::initiative::Initiative;
use crate::plan::{Budget, CpmSchedule, Levelled, Risk, StageGate};
use crate::playbook::Priority;
use crate::provider::Source;

pub use assemble::{Parts, PlanParts, assemble, assemble_plan};
pub use compute::{budget, contingency_rate, gates, schedule};
pub use fit::{Fitting, HiresPlan, fit};
pub use risks::{ComputedRisks, computed_risks, risk_register};
pub use team::{TeamMember, complete_team, derive_team};
pub use variant::{Deferral, Hire, PlanVariant, Shortfall, VariantId, VariantSummary};

/// Version of the program format, bumped when its shape changes (2: variants).
pub const PROGRAM_FORMAT: u32 = 2;

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
    /// The plan adopted: the chosen variant's (see `chosen`).
    #[serde(flatten)]
    pub plan: ProgramPlan,
    /// KPIs with targets.
    pub kpis: Vec<Kpi>,
    /// The plans the user can choose between (empty in programs made before variants).
    #[serde(default)]
    pub variants: Vec<PlanVariant>,
    /// Which variant `plan` is (absent in programs made before variants).
    #[serde(default)]
    pub chosen: Option<VariantId>,
}

impl Program {
    /// Adopts `variant`'s plan; false (and nothing changed) when there is no such variant.
    pub fn adopt(&mut self, variant: VariantId) -> bool {
        let Some(found) = self.variants.iter().find(|v| v.id == variant) else {
            return false;
        };
        self.plan = found.plan.clone();
        self.chosen = Some(variant);
        true
    }

    /// The variant adopted, if the program has variants.
    pub fn chosen_variant(&self) -> Option<&PlanVariant> {
        let chosen = self.chosen?;
        self.variants.iter().find(|v| v.id == chosen)
    }
}

/// One complete plan: what is done when, by whom, for how much, and what could go wrong.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProgramPlan {
    /// Workstreams with their dates and costs.
    pub workstreams: Vec<ProgramWorkstream>,
    /// Tasks with unconstrained and levelled dates.
    pub tasks: Vec<ScheduledTask>,
    /// Overall dates and the critical path.
    pub schedule: ScheduleSummary,
    /// The roles.
    pub resources: Vec<ResourceLine>,
    /// The people, when the plan is levelled person by person (empty otherwise).
    #[serde(default)]
    pub team: Vec<PersonLine>,
    /// The money.
    pub budget: Budget,
    /// Risks, most serious first.
    pub risks: Vec<Risk>,
    /// Go/no-go reviews at workstream milestones.
    pub stage_gates: Vec<StageGate>,
    /// Problems the user must see first (horizon or budget overrun…).
    pub warnings: Vec<String>,
}

impl ProgramPlan {
    /// The display name of role `id` (the id itself when the plan has no such role).
    pub fn role_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.resources
            .iter()
            .find(|r| r.id == id)
            .map_or(id, |r| r.name.as_str())
    }

    /// The display name of workstream `id` (the id itself when the plan has no such one).
    pub fn workstream_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.workstreams
            .iter()
            .find(|w| w.id == id)
            .map_or(id, |w| w.name.as_str())
    }
}

/// One person of the team with their roles and load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PersonLine {
    /// Id within the team.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role ids they cover, main role first.
    pub roles: Vec<String>,
    /// Tasks they work on.
    pub tasks: u32,
    /// Weeks of work booked.
    pub weeks_booked: u32,
    /// Booked share of the levelled schedule, 0–1.
    pub utilisation: f64,
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
    /// How much the initiative needs it.
    #[serde(default)]
    pub priority: Priority,
    /// Names of the people booked on it (empty when the plan is levelled by role).
    #[serde(default)]
    pub people: Vec<String>,
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
