//! The plans a program offers side by side, and what each one gives up or needs.

use serde::{Deserialize, Serialize};

use super::ProgramPlan;
use crate::playbook::Priority;

/// Which plan a variant is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum VariantId {
    /// The user's team, within their budget and horizon: could, then should tasks deferred.
    Fitted,
    /// Everything, with the people the full plan staffs (hires where the team is short).
    FullWithHires,
    /// Everything, with the user's team as it is.
    FullWithTeam,
}

impl VariantId {
    /// Every variant, in the order the program page shows them.
    pub const ALL: [VariantId; 3] = [
        VariantId::Fitted,
        VariantId::FullWithHires,
        VariantId::FullWithTeam,
    ];

    /// The name users see.
    pub fn label(self) -> &'static str {
        match self {
            VariantId::Fitted => "Fits your constraints",
            VariantId::FullWithHires => "Full scope with hires",
            VariantId::FullWithTeam => "Full scope with your team",
        }
    }

    /// The id as stored (`fitted`, `full_with_hires`, `full_with_team`).
    pub fn as_str(self) -> &'static str {
        match self {
            VariantId::Fitted => "fitted",
            VariantId::FullWithHires => "full_with_hires",
            VariantId::FullWithTeam => "full_with_team",
        }
    }

    /// The variant stored as `text`.
    pub fn parse(text: &str) -> Option<VariantId> {
        VariantId::ALL.into_iter().find(|v| v.as_str() == text)
    }
}

/// One plan the user can adopt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlanVariant {
    /// Which one.
    pub id: VariantId,
    /// Its name ([`VariantId::label`]).
    pub label: String,
    /// Its figures in one look.
    pub summary: VariantSummary,
    /// Tasks left for later, in the order they were deferred.
    pub deferred: Vec<Deferral>,
    /// What the must tasks alone need, when even they do not fit.
    pub shortfall: Option<Shortfall>,
    /// People to hire beyond the team, by role.
    pub hires: Vec<Hire>,
    /// The plan itself.
    pub plan: ProgramPlan,
}

/// A variant's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VariantSummary {
    /// Levelled duration.
    pub weeks: u32,
    /// Total cost with contingency.
    pub cost: f64,
    /// People working on it.
    pub headcount: u32,
    /// Tasks kept.
    pub tasks: u32,
    /// Within the budget.
    pub fits_budget: bool,
    /// Within the horizon.
    pub fits_horizon: bool,
    /// Needs no one beyond the team.
    pub fits_team: bool,
}

/// A task the fitted plan leaves for later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Deferral {
    /// Task id.
    pub task: String,
    /// What is not done.
    pub name: String,
    /// Its workstream's name.
    pub workstream: String,
    /// Its priority.
    pub priority: Priority,
    /// Money it saves: its labour, its workstream's other costs when none of it is left,
    /// and the contingency on both.
    pub saves: f64,
    /// Weeks the schedule got shorter when it was deferred (estimated in one levelling pass).
    pub saves_weeks: u32,
    /// Deferring it leaves its workstream empty, so its milestone is not reached.
    pub drops_workstream: bool,
}

/// What the must tasks alone need, beyond what the user has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Shortfall {
    /// Least budget the musts need (with contingency).
    pub budget: f64,
    /// Least weeks they need with the team.
    pub weeks: u32,
    /// Least people that finish them within the horizon, if some team up to a limit does.
    pub team: Option<u32>,
    /// The same in a sentence.
    pub summary: String,
}

/// People to hire for a role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Hire {
    /// Role id.
    pub role: String,
    /// Role name.
    pub name: String,
    /// How many.
    pub people: u32,
    /// What their share of the role's booked work costs (before contingency).
    pub cost: f64,
}
