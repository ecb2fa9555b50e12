//! Initiatives: the user's business idea, validated before it is stored or used.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::plan::MAX_TEAM_PEOPLE;
use crate::program::TeamMember;

/// What the user fills in to create or edit an initiative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InitiativeDraft {
    /// Short name, e.g. "Neighbourhood coffee bar".
    pub name: String,
    /// The idea in the user's words.
    pub description: String,
    /// Industry in the user's words; empty lets the engine infer it.
    #[serde(default)]
    pub industry: Option<String>,
    /// Money available for the programme, in `currency`.
    pub budget: f64,
    /// ISO 4217 code, e.g. `EUR`.
    pub currency: String,
    /// Months the programme may take.
    pub horizon_months: u32,
    /// People available to the programme.
    pub team_size: u32,
    /// First day of the programme.
    pub start_date: NaiveDate,
    /// Hard limits in the user's words ("must open before summer").
    #[serde(default)]
    pub constraints: Vec<String>,
    /// Who in the team covers which roles, as the user set it; empty lets the plan
    /// derive it from the team size.
    #[serde(default)]
    pub team: Vec<TeamMember>,
}

/// A stored initiative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Initiative {
    /// UUIDv7.
    pub id: String,
    /// Short name.
    pub name: String,
    /// The idea in the user's words.
    pub description: String,
    /// Industry in the user's words, if given.
    pub industry: Option<String>,
    /// Money available, in `currency`.
    pub budget: f64,
    /// ISO 4217 code.
    pub currency: String,
    /// Months the programme may take.
    pub horizon_months: u32,
    /// People available.
    pub team_size: u32,
    /// First day of the programme.
    pub start_date: NaiveDate,
    /// Hard limits.
    pub constraints: Vec<String>,
    /// Who covers which roles, as the user set it (empty: derived by the plan).
    #[serde(default)]
    pub team: Vec<TeamMember>,
    /// Unix ms.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub created_at: i64,
    /// Unix ms.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub updated_at: i64,
}

impl Initiative {
    /// An initiative with these fields (the draft is taken as validated).
    pub fn from_draft(id: String, d: InitiativeDraft, created_at: i64, updated_at: i64) -> Self {
        Initiative {
            id,
            name: d.name,
            description: d.description,
            industry: d.industry,
            budget: d.budget,
            currency: d.currency,
            horizon_months: d.horizon_months,
            team_size: d.team_size,
            start_date: d.start_date,
            constraints: d.constraints,
            team: d.team,
            created_at,
            updated_at,
        }
    }

    /// Its editable fields, as a form would hold them.
    pub fn draft(&self) -> InitiativeDraft {
        InitiativeDraft {
            name: self.name.clone(),
            description: self.description.clone(),
            industry: self.industry.clone(),
            budget: self.budget,
            currency: self.currency.clone(),
            horizon_months: self.horizon_months,
            team_size: self.team_size,
            start_date: self.start_date,
            constraints: self.constraints.clone(),
            team: self.team.clone(),
        }
    }

    /// Checks a stored snapshot again (as a job's input must be); the message is for the user.
    pub fn check(&self) -> Result<(), String> {
        self.draft()
            .validate()
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// The horizon in whole weeks (rounded up).
    pub fn horizon_weeks(&self) -> u32 {
        (self.horizon_months * 52).div_ceil(12)
    }

    /// Everything the user wrote, for ranking against playbooks.
    pub fn text(&self) -> String {
        let mut text = format!("{} {}", self.name, self.description);
        if let Some(industry) = &self.industry {
            text.push(' ');
            text.push_str(industry);
        }
        for c in &self.constraints {
            text.push(' ');
            text.push_str(c);
        }
        text
    }
}

/// One problem with one field of a draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldError {
    /// Field name as in [`InitiativeDraft`].
    pub field: String,
    /// What is wrong, in words for the user.
    pub message: String,
}

/// Every problem found in a draft, so a form can show them all at once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[error("{}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; "))]
pub struct ValidationErrors(pub Vec<FieldError>);

/// Longest name accepted.
pub const MAX_NAME: usize = 120;
/// Longest description accepted.
pub const MAX_DESCRIPTION: usize = 20_000;
/// Largest budget accepted (a trillion in any currency).
pub const MAX_BUDGET: f64 = 1e12;
/// Longest horizon: ten years.
pub const MAX_HORIZON_MONTHS: u32 = 120;
/// Largest team accepted.
pub const MAX_TEAM: u32 = 10_000;
/// Most constraints accepted.
pub const MAX_CONSTRAINTS: usize = 50;

impl InitiativeDraft {
    /// Trims and normalises the draft, or lists everything wrong with it.
    pub fn validate(mut self) -> Result<InitiativeDraft, ValidationErrors> {
        let mut errors = Vec::new();
        let mut fail = |field: &str, message: String| {
            errors.push(FieldError {
                field: field.to_owned(),
                message,
            })
        };
        self.name = self.name.trim().to_owned();
        if self.name.is_empty() {
            fail("name", "Give the initiative a name.".into());
        } else if self.name.chars().count() > MAX_NAME {
            fail(
                "name",
                format!("Keep the name under {MAX_NAME} characters."),
            );
        }
        self.description = self.description.trim().to_owned();
        if self.description.chars().count() < 10 {
            fail(
                "description",
                "Describe the idea in at least a sentence (10 characters or more).".into(),
            );
        } else if self.description.chars().count() > MAX_DESCRIPTION {
            fail(
                "description",
                format!("Keep the description under {MAX_DESCRIPTION} characters."),
            );
        }
        self.industry = self
            .industry
            .map(|i| i.trim().to_owned())
            .filter(|i| !i.is_empty());
        if self
            .industry
            .as_ref()
            .is_some_and(|i| i.chars().count() > 80)
        {
            fail("industry", "Keep the industry under 80 characters.".into());
        }
        if !self.budget.is_finite() {
            fail("budget", "The budget must be a number.".into());
        } else if self.budget < 0.0 {
            fail("budget", "The budget cannot be negative.".into());
        } else if self.budget > MAX_BUDGET {
            fail("budget", "The budget is too large to plan with.".into());
        }
        self.currency = self.currency.trim().to_ascii_uppercase();
        if self.currency.len() != 3 || !self.currency.bytes().all(|b| b.is_ascii_uppercase()) {
            fail(
                "currency",
                "Use a three-letter currency code such as EUR, USD or GBP.".into(),
            );
        }
        if self.horizon_months == 0 {
            fail(
                "horizon_months",
                "The horizon must be at least one month.".into(),
            );
        } else if self.horizon_months > MAX_HORIZON_MONTHS {
            fail(
                "horizon_months",
                "The horizon cannot be longer than 10 years (120 months).".into(),
            );
        }
        if self.team_size == 0 {
            fail("team_size", "The team needs at least one person.".into());
        } else if self.team_size > MAX_TEAM {
            fail(
                "team_size",
                format!("Teams larger than {MAX_TEAM} people are not supported."),
            );
        }
        if !(2000..=2100).contains(&self.start_date.year()) {
            fail(
                "start_date",
                "The start date must fall between the years 2000 and 2100.".into(),
            );
        }
        self.constraints = self
            .constraints
            .iter()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect();
        if self.constraints.len() > MAX_CONSTRAINTS {
            fail(
                "constraints",
                format!("List at most {MAX_CONSTRAINTS} constraints."),
            );
        }
        if self.constraints.iter().any(|c| c.chars().count() > 500) {
            fail(
                "constraints",
                "Keep each constraint under 500 characters.".into(),
            );
        }
        for m in &mut self.team {
            m.name = m.name.trim().to_owned();
            m.roles.retain(|r| !r.trim().is_empty());
            m.roles.dedup();
        }
        if !self.team.is_empty() {
            let ids: std::collections::HashSet<&str> =
                self.team.iter().map(|m| m.id.as_str()).collect();
            if self.team.len() != self.team_size as usize {
                fail(
                    "team",
                    format!(
                        "The team lists {} people but its size is {}.",
                        self.team.len(),
                        self.team_size
                    ),
                );
            } else if self.team.len() > MAX_TEAM_PEOPLE {
                fail(
                    "team",
                    format!("Who covers which role can be set for up to {MAX_TEAM_PEOPLE} people."),
                );
            } else if ids.len() != self.team.len() || ids.iter().any(|i| i.trim().is_empty()) {
                fail("team", "Every team member needs their own id.".into());
            } else if self
                .team
                .iter()
                .any(|m| m.name.is_empty() || m.name.chars().count() > 80)
            {
                fail(
                    "team",
                    "Give every team member a name under 80 characters.".into(),
                );
            } else if self.team.iter().any(|m| m.roles.is_empty()) {
                fail("team", "Every team member needs at least one role.".into());
            }
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(ValidationErrors(errors))
        }
    }
}
