//! Risks the program's own numbers reveal (horizon, budget, headcount), with the warnings
//! that go with them, and the scored risk register.

use std::collections::BTreeMap;

use super::Schedule;
use crate::artefact::{Outline, Resources};
use crate::initiative::Initiative;
use crate::plan::{self, Budget, Risk, RiskInput, RiskOrigin, thousands};

/// What the numbers themselves reveal.
#[derive(Debug, Clone, PartialEq)]
pub struct ComputedRisks {
    /// Risks that lead the register, in order (horizon, then budget).
    pub leading: Vec<RiskInput>,
    /// Risks scored with the provider's.
    pub others: Vec<RiskInput>,
    /// What the user must see first.
    pub warnings: Vec<String>,
}

/// Risks the numbers themselves reveal, and the warnings that go with them; `people` is
/// how many the plan staffs.
pub fn computed_risks(
    initiative: &Initiative,
    outline: &Outline,
    resources: &Resources,
    schedule: &Schedule,
    budget: &Budget,
    people: u32,
) -> ComputedRisks {
    let mut leading = Vec::new();
    let mut others = Vec::new();
    let mut warnings = Vec::new();
    let horizon = initiative.horizon_weeks();
    let cpm_weeks = schedule.cpm.duration;
    let levelled_weeks = schedule.levelled.makespan;
    let owner = resources
        .roles
        .first()
        .map(|r| r.id.clone())
        .unwrap_or_default();
    let bottlenecks = bottleneck_roles(outline, schedule);

    if cpm_weeks > horizon {
        let months = (cpm_weeks * 12).div_ceil(52);
        let critical_ws: Vec<String> = critical_workstreams(outline, schedule);
        warnings.push(format!(
            "The critical path needs {cpm_weeks} weeks, but the horizon allows {horizon} ({} months). The plan keeps the real durations: extend the horizon to at least {months} months or cut scope.",
            initiative.horizon_months
        ));
        leading.push(RiskInput {
            title: format!(
                "The critical path ({cpm_weeks} weeks) does not fit the {}-month horizon ({horizon} weeks)",
                initiative.horizon_months
            ),
            category: "delivery".into(),
            probability: 5,
            impact: 5,
            mitigation: format!(
                "Extend the horizon to at least {months} months, or cut or phase scope on the critical workstreams ({}).",
                critical_ws.join(", ")
            ),
            owner_role: owner.clone(),
        });
    } else if levelled_weeks > horizon {
        let months = (levelled_weeks * 12).div_ceil(52);
        warnings.push(format!(
            "With the team as sized the work takes {levelled_weeks} weeks, beyond the {horizon}-week horizon; the critical path alone would take {cpm_weeks}. Add people in {} or extend the horizon to {months} months.",
            bottlenecks.join(", ")
        ));
        leading.push(RiskInput {
            title: format!(
                "The team as sized needs {levelled_weeks} weeks, beyond the {}-month horizon ({horizon} weeks)",
                initiative.horizon_months
            ),
            category: "delivery".into(),
            probability: 5,
            impact: 4,
            mitigation: format!(
                "Add people in the roles where work queues ({}), or extend the horizon to {months} months.",
                bottlenecks.join(", ")
            ),
            owner_role: owner.clone(),
        });
    } else if levelled_weeks * 20 > cpm_weeks * 23 {
        // More than 15 % of the schedule is waiting for people.
        others.push(RiskInput {
            title: format!(
                "Work queues for {}: headcount stretches the schedule from {cpm_weeks} to {levelled_weeks} weeks",
                bottlenecks.join(", ")
            ),
            category: "people".into(),
            probability: 3,
            impact: 3,
            mitigation: "Hire or contract ahead in these roles, or resequence their work.".into(),
            owner_role: owner.clone(),
        });
    }

    if budget.total > budget.available {
        let over = budget.total - budget.available;
        let share = if budget.available > 0.0 {
            over / budget.available
        } else {
            f64::INFINITY
        };
        warnings.push(format!(
            "The plan costs {} {} including contingency, {} {} more than the budget of {} {}.",
            thousands(budget.total),
            budget.currency,
            thousands(over),
            budget.currency,
            thousands(budget.available),
            budget.currency
        ));
        leading.push(RiskInput {
            title: format!(
                "The plan exceeds the budget by {} {}{}",
                thousands(over),
                budget.currency,
                if share.is_finite() {
                    format!(" ({:.0} %)", share * 100.0)
                } else {
                    String::new()
                }
            ),
            category: "financial".into(),
            probability: 5,
            impact: if share > 0.25 { 5 } else { 4 },
            mitigation: "Secure more funding, phase the later workstreams after revenue starts, or cut scope.".into(),
            owner_role: owner.clone(),
        });
    }

    if people > initiative.team_size {
        warnings.push(format!(
            "The plan staffs {people} people; the team has {}. The difference must be hired or contracted.",
            initiative.team_size
        ));
        others.push(RiskInput {
            title: format!(
                "The plan needs {people} people but the team has {}",
                initiative.team_size
            ),
            category: "people".into(),
            probability: 4,
            impact: 3,
            mitigation: "Hire or contract the missing roles before their first tasks start.".into(),
            owner_role: owner,
        });
    }
    ComputedRisks {
        leading,
        others,
        warnings,
    }
}

/// Roles whose tasks wait longest past their early start in the levelled schedule.
fn bottleneck_roles(outline: &Outline, schedule: &Schedule) -> Vec<String> {
    let mut waits: BTreeMap<&str, u32> = BTreeMap::new();
    for (i, (_, task)) in outline.tasks().enumerate() {
        let wait = schedule.levelled.start[i].saturating_sub(schedule.cpm.rows[i].early_start);
        *waits.entry(task.role.as_str()).or_default() += wait;
    }
    let mut ranked: Vec<(&str, u32)> = waits.into_iter().filter(|(_, w)| *w > 0).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let names: Vec<String> = ranked
        .iter()
        .take(3)
        .map(|(r, _)| (*r).to_owned())
        .collect();
    if names.is_empty() {
        vec!["the busiest roles".to_owned()]
    } else {
        names
    }
}

fn critical_workstreams(outline: &Outline, schedule: &Schedule) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (i, (w, _)) in outline.tasks().enumerate() {
        if schedule.cpm.rows[i].critical && !names.contains(&w.name) {
            names.push(w.name.clone());
        }
    }
    names
}

/// Scores the register: computed leading risks first, then everything by score.
pub fn risk_register(
    leading: Vec<RiskInput>,
    computed: Vec<RiskInput>,
    proposed: Vec<RiskInput>,
) -> Vec<Risk> {
    let others = computed
        .into_iter()
        .map(|r| (r, RiskOrigin::Computed))
        .chain(proposed.into_iter().map(|r| (r, RiskOrigin::Proposed)))
        .collect();
    plan::score_risks(leading, others)
}
