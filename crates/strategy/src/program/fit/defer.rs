//! The fitted plan: could, then should tasks deferred until the plan fits, what each
//! deferral saves, and what the musts need when even they do not fit.

use std::collections::BTreeMap;

use super::{Effort, Evaluated, Fitter, subset};
use crate::artefact::{Outline, Resources};
use crate::plan::{MAX_TEAM_PEOPLE, PlanError, thousands};
use crate::playbook::Priority;
use crate::program::team::derive_team;
use crate::program::variant::{Deferral, PlanVariant, Shortfall, VariantId};

/// Most people beyond the team tried when looking for the team the musts need.
const MOST_EXTRA_PEOPLE: u32 = 12;

impl Fitter<'_> {
    /// Defers could, then should tasks until the plan fits the budget and the horizon; then
    /// takes back what still fits, most recently deferred first.
    pub(super) fn fitted(
        &self,
        outline: &Outline,
        notes: &[String],
    ) -> Result<PlanVariant, PlanError> {
        let tasks: Vec<_> = outline.tasks().collect();
        let n = tasks.len();
        let index: BTreeMap<&str, usize> = tasks
            .iter()
            .enumerate()
            .map(|(i, (_, t))| (t.id.as_str(), i))
            .collect();
        let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (i, (_, t)) in tasks.iter().enumerate() {
            for d in &t.depends_on {
                if let Some(&j) = index.get(d.as_str()) {
                    dependents[j].push(i);
                }
            }
        }
        let mut keep = vec![true; n];
        let mut current = self.evaluate(outline, &keep, Effort::Quick)?;
        let mut cut_order: Vec<(usize, f64, u32)> = Vec::new();
        'levels: for level in [Priority::Could, Priority::Should] {
            loop {
                let (fits_budget, fits_horizon) = current.fits(self.initiative);
                if fits_budget && fits_horizon {
                    break 'levels;
                }
                // Positions of kept tasks in the evaluated (kept-only) outline.
                let position = kept_positions(&keep);
                let candidates: Vec<usize> = (0..n)
                    .filter(|&i| {
                        keep[i]
                            && tasks[i].1.priority <= level
                            && dependents[i].iter().all(|&d| !keep[d])
                    })
                    .collect();
                let Some(&pick) = candidates.iter().max_by(|&&a, &&b| {
                    let key = |i: usize| {
                        let t = tasks[i].1;
                        let work = u64::from(t.weeks) * u64::from(t.units);
                        let finish = position[i].map_or(0, |p| current.schedule.levelled.finish[p]);
                        (finish, work)
                    };
                    let cost = |i: usize| task_cost(self.resources, tasks[i].1);
                    if fits_horizon {
                        // Over budget only: the task that saves most, the later one on a tie.
                        cost(a).total_cmp(&cost(b)).then(a.cmp(&b))
                    } else {
                        // Over the horizon: the task that ends last, the larger one on a tie.
                        key(a).cmp(&key(b)).then(a.cmp(&b))
                    }
                }) else {
                    continue 'levels;
                };
                keep[pick] = false;
                let next = self.evaluate(outline, &keep, Effort::Quick)?;
                let saves = (current.budget.total - next.budget.total).max(0.0);
                let weeks = current
                    .schedule
                    .levelled
                    .makespan
                    .saturating_sub(next.schedule.levelled.makespan);
                cut_order.push((pick, saves, weeks));
                current = next;
            }
        }
        // Take back, most recently deferred first, what fits beside the kept tasks.
        let (fits_budget, fits_horizon) = current.fits(self.initiative);
        if fits_budget && fits_horizon {
            let mut k = cut_order.len();
            while k > 0 {
                k -= 1;
                let (i, _, _) = cut_order[k];
                let ready = tasks[i]
                    .1
                    .depends_on
                    .iter()
                    .all(|d| index.get(d.as_str()).is_none_or(|&j| keep[j]));
                if !ready {
                    continue;
                }
                keep[i] = true;
                let (b, h) = self
                    .evaluate(outline, &keep, Effort::Quick)?
                    .fits(self.initiative);
                if b && h {
                    cut_order.remove(k);
                } else {
                    keep[i] = false;
                }
            }
        }
        let final_plan = self.evaluate(outline, &keep, Effort::Search)?;
        let deferred = cut_order
            .iter()
            .map(|&(i, saves, weeks)| {
                let (w, t) = tasks[i];
                Deferral {
                    task: t.id.clone(),
                    name: t.name.clone(),
                    workstream: w.name.clone(),
                    priority: t.priority,
                    saves: saves.round(),
                    saves_weeks: weeks,
                    drops_workstream: w
                        .tasks
                        .iter()
                        .all(|x| index.get(x.id.as_str()).is_none_or(|&j| !keep[j])),
                }
            })
            .collect();
        let (fits_budget, fits_horizon) = final_plan.fits(self.initiative);
        let shortfall = if fits_budget && fits_horizon {
            None
        } else {
            Some(self.shortfall(outline, &keep, &final_plan)?)
        };
        Ok(self.variant(VariantId::Fitted, &final_plan, deferred, shortfall, notes))
    }

    /// What the tasks that cannot be deferred need: their cost, their weeks with the team,
    /// and the smallest larger team that finishes them within the horizon.
    fn shortfall(
        &self,
        outline: &Outline,
        keep: &[bool],
        plan: &Evaluated,
    ) -> Result<Shortfall, PlanError> {
        let initiative = self.initiative;
        let horizon = initiative.horizon_weeks();
        let weeks = plan.schedule.levelled.makespan;
        let mut team = None;
        if weeks > horizon && plan.schedule.cpm.duration <= horizon {
            let kept = subset(outline, keep);
            for extra in 1..=MOST_EXTRA_PEOPLE {
                let size = self.team.len() as u32 + extra;
                if size as usize > MAX_TEAM_PEOPLE {
                    break;
                }
                let bigger = derive_team(size, &kept, self.resources);
                let roles: Vec<Vec<String>> = bigger.iter().map(|m| m.roles.clone()).collect();
                let trial = self.evaluate_with(outline, keep, Effort::Quick, &roles)?;
                if trial.schedule.levelled.makespan <= horizon {
                    team = Some(size);
                    break;
                }
            }
        }
        let currency = &plan.budget.currency;
        let mut parts = Vec::new();
        if plan.budget.total > plan.budget.available {
            parts.push(format!(
                "{} {currency} (the budget is {} {currency})",
                thousands(plan.budget.total),
                thousands(plan.budget.available)
            ));
        }
        if weeks > horizon {
            parts.push(format!(
                "{weeks} weeks with this team (the horizon is {horizon})"
            ));
        }
        let mut summary = format!("Even the must tasks alone need {}.", parts.join(" and "));
        if weeks > horizon {
            match team {
                Some(size) => summary.push_str(&format!(
                    " A team of {size} would finish them within the horizon."
                )),
                None if plan.schedule.cpm.duration > horizon => summary.push_str(&format!(
                    " No team can: their critical path alone is {} weeks.",
                    plan.schedule.cpm.duration
                )),
                None => summary.push_str(&format!(
                    " Up to {MOST_EXTRA_PEOPLE} more people would not finish them within the horizon."
                )),
            }
        }
        Ok(Shortfall {
            budget: plan.budget.total,
            weeks,
            team,
            summary,
        })
    }
}

/// For each task, its position among the kept tasks (`None` when it is not kept).
fn kept_positions(keep: &[bool]) -> Vec<Option<usize>> {
    let mut next = 0;
    keep.iter()
        .map(|&k| {
            k.then(|| {
                next += 1;
                next - 1
            })
        })
        .collect()
}

/// A task's labour cost at its role's rate (what deferring it saves before contingency).
fn task_cost(resources: &Resources, task: &crate::artefact::TaskPlan) -> f64 {
    let rate = resources
        .roles
        .iter()
        .find(|r| r.id == task.role)
        .map_or(0.0, |r| r.monthly_rate);
    rate * 12.0 / 52.0 * f64::from(task.weeks) * f64::from(task.units)
}
