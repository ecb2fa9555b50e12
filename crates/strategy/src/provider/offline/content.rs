//! What the offline engine writes for a program: the analysis, the outline for the budget
//! tier with repeated units appended, the team and its costs, the risks and the KPIs, all
//! from the chosen playbook and sized by [`OfflineScale`].

use super::OfflineScale;
use crate::artefact::{
    Analysis, Kpi, Measures, Outline, Resources, RiskList, RolePlan, TaskPlan, WorkstreamPlan,
};
use crate::initiative::Initiative;
use crate::plan::{CostItem, RiskInput, thousands};
use crate::playbook::PlaybookTask;

impl OfflineScale {
    pub fn analysis(&self, initiative: &Initiative) -> Analysis {
        let p = self.playbook;
        let mut assumptions = p.assumptions.clone();
        if self.known_currency {
            if initiative.currency != "USD" {
                assumptions.push(format!(
                    "Rates and costs are converted from US dollars at a fixed planning rate of 1 USD = {} {}.",
                    self.fx, initiative.currency
                ));
            }
        } else {
            assumptions.push(format!(
                "No planning rate is known for {}; amounts assume 1 {} ≈ 1 USD. Adjust the role rates.",
                initiative.currency, initiative.currency
            ));
        }
        assumptions.push(format!(
            "The budget is {:.2}× the playbook's reference programme; durations are scaled by {:.2} and non-labour spend by {:.2}.",
            self.choice.scale, self.duration_factor, self.spend_factor
        ));
        let mut summary = format!(
            "{}: a {}-month programme with a team of {} and a budget of {} {}, planned from the {} playbook. {}",
            initiative.name,
            initiative.horizon_months,
            initiative.team_size,
            thousands(initiative.budget),
            initiative.currency,
            p.name,
            p.description
        );
        if let Some(rollout) = &p.rollout {
            let n = self.choice.rollout_units;
            let unit = &rollout.unit;
            summary.push_str(&match n {
                0 => format!(" The budget covers the first {unit}; further ones are left for a later programme."),
                1 => format!(" Beyond the first {unit}, the budget allows one more within the plan."),
                n => format!(" Beyond the first {unit}, the budget allows {n} more within the plan."),
            });
        }
        Analysis {
            summary,
            industry: initiative
                .industry
                .clone()
                .unwrap_or_else(|| p.name.clone()),
            assumptions,
            success_factors: p.success_factors.clone(),
            playbook: Some(self.choice.clone()),
        }
    }

    /// Workstreams and tasks for the budget tier, with repeated units appended.
    pub fn outline(&self) -> Outline {
        let p = self.playbook;
        let included: Vec<_> = p
            .workstreams
            .iter()
            .filter(|w| self.includes(w.tier))
            .collect();
        let task_ids: std::collections::HashSet<&str> = included
            .iter()
            .flat_map(|w| w.tasks.iter().map(|t| t.id.as_str()))
            .collect();
        let mut workstreams: Vec<WorkstreamPlan> = included
            .iter()
            .map(|w| WorkstreamPlan {
                id: w.id.clone(),
                name: w.name.clone(),
                description: w.description.clone(),
                milestone: w.milestone.clone(),
                gate_criteria: w.gate_criteria.clone(),
                tasks: w
                    .tasks
                    .iter()
                    .map(|t| {
                        self.task(t, t.id.clone(), |d| {
                            task_ids.contains(d).then(|| d.to_owned())
                        })
                    })
                    .collect(),
            })
            .collect();
        if let Some(rollout) = &p.rollout {
            let slug = slug(&rollout.unit);
            let after: Vec<String> = rollout
                .after
                .iter()
                .filter(|a| task_ids.contains(a.as_str()))
                .cloned()
                .collect();
            let first_local = rollout.tasks.first().map(|t| t.id.clone());
            // The first unit is the core programme's; further ones are numbered from 2.
            for n in 2..=self.choice.rollout_units + 1 {
                let ws_id = format!("{slug}_{n}");
                let previous_first = (n > 2)
                    .then(|| {
                        first_local
                            .as_ref()
                            .map(|f| format!("{slug}_{}.{f}", n - 1))
                    })
                    .flatten();
                let tasks = rollout
                    .tasks
                    .iter()
                    .map(|t| {
                        // A repeated unit takes as long as the playbook says, whatever
                        // the size of the programme around it.
                        let mut task = self.task(t, format!("{ws_id}.{}", t.id), |d| {
                            Some(format!("{ws_id}.{d}"))
                        });
                        task.weeks = t.weeks;
                        if t.depends_on.is_empty() {
                            // Units open one after another: each starts once the previous
                            // one's first task is done, and all after the shared groundwork.
                            task.depends_on.extend(after.iter().cloned());
                            task.depends_on.extend(previous_first.iter().cloned());
                        }
                        task
                    })
                    .collect();
                let name = rollout.name.replace("{n}", &n.to_string());
                workstreams.push(WorkstreamPlan {
                    id: ws_id,
                    description: format!(
                        "{name}, repeating the playbook the core workstreams proved."
                    ),
                    name,
                    milestone: rollout.milestone.replace("{n}", &n.to_string()),
                    gate_criteria: rollout.gate_criteria.clone(),
                    tasks,
                });
            }
        }
        Outline { workstreams }
    }

    fn task(
        &self,
        t: &PlaybookTask,
        id: String,
        map_dep: impl Fn(&str) -> Option<String>,
    ) -> TaskPlan {
        TaskPlan {
            id,
            name: t.name.clone(),
            weeks: self.weeks(t.weeks),
            role: t.role.clone(),
            units: t.units.max(1),
            depends_on: t.depends_on.iter().filter_map(|d| map_dep(d)).collect(),
            priority: t.priority,
        }
    }

    /// Headcount per role from the team size (by the playbook's weights, at least one
    /// person per role used), rates and non-labour costs.
    pub fn resources(&self, outline: &Outline) -> Resources {
        let p = self.playbook;
        let used = outline.roles_used();
        let roles: Vec<_> = p
            .roles
            .iter()
            .filter(|r| used.contains(&r.id.as_str()))
            .collect();
        let mut headcount: Vec<u32> = vec![1; roles.len()];
        let spare = self.team_size.saturating_sub(roles.len() as u32);
        if spare > 0 {
            let total_weight: f64 = roles
                .iter()
                .map(|r| r.weight.max(0.0))
                .sum::<f64>()
                .max(f64::EPSILON);
            let shares: Vec<f64> = roles
                .iter()
                .map(|r| f64::from(spare) * r.weight.max(0.0) / total_weight)
                .collect();
            let mut given = 0;
            for (h, s) in headcount.iter_mut().zip(&shares) {
                *h += s.floor() as u32;
                given += s.floor() as u32;
            }
            // Largest remainder, ties to the earlier role, so the team adds up exactly.
            let mut order: Vec<usize> = (0..roles.len()).collect();
            order.sort_by(|&a, &b| {
                (shares[b] - shares[b].floor())
                    .total_cmp(&(shares[a] - shares[a].floor()))
                    .then(a.cmp(&b))
            });
            for &i in order.iter().take((spare - given) as usize) {
                headcount[i] += 1;
            }
        }
        let mut role_plans: Vec<RolePlan> = roles
            .iter()
            .zip(headcount)
            .map(|(r, h)| {
                let needed = outline
                    .tasks()
                    .filter(|(_, t)| t.role == r.id)
                    .map(|(_, t)| t.units)
                    .max()
                    .unwrap_or(1);
                RolePlan {
                    id: r.id.clone(),
                    name: r.name.clone(),
                    headcount: h.max(needed),
                    monthly_rate: self.money(r.monthly_rate_usd),
                }
            })
            .collect();
        // A role a model-free outline uses but the playbook forgot would fail the checks;
        // give it one person at the average rate rather than fail.
        for role in used {
            if !role_plans.iter().any(|r| r.id == role) {
                let avg = p.roles.iter().map(|r| r.monthly_rate_usd).sum::<f64>()
                    / p.roles.len().max(1) as f64;
                role_plans.push(RolePlan {
                    id: role.to_owned(),
                    name: role.replace('_', " "),
                    headcount: 1,
                    monthly_rate: self.money(avg),
                });
            }
        }
        let mut costs = Vec::new();
        for ws in &outline.workstreams {
            if let Some(template) = p.workstreams.iter().find(|w| w.id == ws.id) {
                costs.extend(template.non_labour.iter().map(|n| CostItem {
                    workstream: ws.id.clone(),
                    item: n.item.clone(),
                    amount: self.money(n.cost_usd * self.spend_factor),
                }));
            }
        }
        if let Some(rollout) = &p.rollout {
            let slug = slug(&rollout.unit);
            for n in 2..=self.choice.rollout_units + 1 {
                costs.push(CostItem {
                    workstream: format!("{slug}_{n}"),
                    item: format!(
                        "Set-up of {} {} {n} (premises, equipment, deposits)",
                        article(&rollout.unit),
                        rollout.unit
                    ),
                    amount: self.money(rollout.cost_usd_per_unit),
                });
            }
        }
        Resources {
            roles: role_plans,
            costs,
        }
    }

    /// The playbook's risks, made likelier where the initiative is tighter than the reference.
    pub fn risks(&self, initiative: &Initiative) -> RiskList {
        let reference = &self.playbook.reference;
        let short_horizon = initiative.horizon_months < reference.horizon_months;
        let small_team = initiative.team_size * 2 < reference.team_size;
        let lean_budget = self.scale() < 0.5;
        let big_bet = self.scale() > 2.0;
        let risks = self
            .playbook
            .risks
            .iter()
            .map(|r| {
                let mut probability = r.probability;
                let mut impact = r.impact;
                match r.category.as_str() {
                    "delivery" if short_horizon => probability += 1,
                    "people" if small_team => probability += 1,
                    "financial" if lean_budget => probability += 1,
                    "financial" if big_bet => impact += 1,
                    _ => {}
                }
                RiskInput {
                    title: r.title.clone(),
                    category: r.category.clone(),
                    probability: probability.clamp(1, 5),
                    impact: impact.clamp(1, 5),
                    mitigation: r.mitigation.clone(),
                    owner_role: r.owner_role.clone(),
                }
            })
            .collect();
        RiskList { risks }
    }

    /// The playbook's KPIs, money converted to the initiative's currency.
    pub fn measures(&self, outline: &Outline) -> Measures {
        let currency_unit = |unit: &str| unit == "USD";
        let kpis = self
            .playbook
            .kpis
            .iter()
            .map(|k| {
                let (unit, baseline, target) = if currency_unit(&k.unit) {
                    (
                        self.currency_code(),
                        tidy(k.baseline * self.fx),
                        tidy(k.target * self.fx),
                    )
                } else {
                    (k.unit.clone(), k.baseline, k.target)
                };
                Kpi {
                    name: k.name.clone(),
                    unit,
                    baseline,
                    target,
                    direction: k.direction.clone(),
                    frequency: k.frequency.clone(),
                    workstream: k
                        .workstream
                        .clone()
                        .filter(|w| outline.workstreams.iter().any(|ws| &ws.id == w)),
                }
            })
            .collect();
        Measures { kpis }
    }
}

/// `snake_case` of a noun, for ids.
fn slug(noun: &str) -> String {
    let mut out = String::with_capacity(noun.len());
    for c in noun.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_owned()
}

fn article(noun: &str) -> &'static str {
    match noun.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// Rounds a converted amount to a sensible precision: cents below 100, whole units above.
fn tidy(x: f64) -> f64 {
    if x.abs() >= 100.0 {
        x.round()
    } else {
        (x * 100.0).round() / 100.0
    }
}
