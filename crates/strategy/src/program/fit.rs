//! Fitting the plan to the user's team, budget and horizon: the full scope levelled with
//! the team as it is, and a plan that defers could, then should tasks until it fits (musts
//! are never deferred, nor anything a kept task depends on), with what each deferral saves
//! and, when even the musts do not fit, what they need.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::assemble::{PlanParts, assemble_plan};
use super::team::{TeamMember, complete_team, derive_team};
use super::variant::{Deferral, Hire, PlanVariant, Shortfall, VariantId, VariantSummary};
use super::{Schedule, budget, computed_risks, gates, risk_register};
use crate::artefact::{Outline, Resources};
use crate::initiative::Initiative;
use crate::plan::{self, Budget, MAX_TEAM_PEOPLE, Network, PlanError, RiskInput, thousands};
use crate::playbook::Priority;

/// Most people beyond the team tried when looking for the team the musts need.
const MOST_EXTRA_PEOPLE: u32 = 12;

/// The plans a program offers and the one it recommends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Fitting {
    /// The team the team variants are levelled with.
    pub team: Vec<TeamMember>,
    /// Fitted, full scope with hires, full scope with the team.
    pub variants: Vec<PlanVariant>,
    /// The plan adopted until the user picks another.
    pub recommended: VariantId,
}

/// What the hires plan (the outline staffed as `resources` says) already computed.
pub struct HiresPlan<'a> {
    /// Both schedules.
    pub schedule: &'a Schedule,
    /// Its budget.
    pub budget: &'a Budget,
}

/// The three variants for `outline`: with hires (as `hires` computed it), with the team
/// (the initiative's own mapping, or one derived from its team size), and fitted.
pub fn fit(
    initiative: &Initiative,
    outline: &Outline,
    resources: &Resources,
    proposed: &[RiskInput],
    hires: HiresPlan<'_>,
) -> Result<Fitting, PlanError> {
    let (team, mut notes) = if initiative.team.is_empty() {
        let derived = derive_team(initiative.team_size, outline, resources);
        (balance_roles(derived, outline)?, Vec::new())
    } else {
        complete_team(&initiative.team, outline, resources)
    };
    let (team_outline, widened) = fit_widths(outline, &team);
    notes.extend(widened);
    let fitter = Fitter {
        initiative,
        resources,
        proposed,
        roles: team.iter().map(|m| m.roles.clone()).collect(),
        team: &team,
    };
    let hires_variant = fitter.hires_variant(outline, hires);
    let everything = vec![true; team_outline.tasks().count()];
    let full = fitter.evaluate(&team_outline, &everything, Effort::Search)?;
    let full_variant = fitter.variant(VariantId::FullWithTeam, &full, Vec::new(), None, &notes);
    let fitted_variant = fitter.fitted(&team_outline, &notes)?;
    Ok(Fitting {
        team: team.clone(),
        variants: vec![fitted_variant, hires_variant, full_variant],
        recommended: VariantId::Fitted,
    })
}

/// Most rounds of moving one role to another person when balancing a derived team.
const MOST_BALANCING_ROUNDS: usize = 24;

/// A derived team whose people cover several roles, improved by moving a secondary role
/// from one person to another while that shortens the schedule (each move estimated in
/// one levelling pass); main roles stay where they are.
fn balance_roles(
    mut team: Vec<TeamMember>,
    outline: &Outline,
) -> Result<Vec<TeamMember>, PlanError> {
    if team.iter().all(|m| m.roles.len() <= 1) {
        return Ok(team);
    }
    let makespan = |team: &[TeamMember]| -> Result<u32, PlanError> {
        let (widened, _) = fit_widths(outline, team);
        let tasks = widened.plan_tasks();
        let network = Network::build(&tasks)?;
        let cpm = plan::critical_path(&tasks, &network)?;
        let roles: Vec<Vec<String>> = team.iter().map(|m| m.roles.clone()).collect();
        Ok(plan::level_team_quick(&tasks, &network, &cpm, &roles)?.makespan)
    };
    let mut best = makespan(&team)?;
    for _ in 0..MOST_BALANCING_ROUNDS {
        let mut improved: Option<(u32, Vec<TeamMember>)> = None;
        for from in 0..team.len() {
            for k in 1..team[from].roles.len() {
                let role = team[from].roles[k].clone();
                for to in 0..team.len() {
                    if to == from || team[to].roles.contains(&role) {
                        continue;
                    }
                    let mut trial = team.clone();
                    trial[from].roles.remove(k);
                    trial[to].roles.push(role.clone());
                    let weeks = makespan(&trial)?;
                    if weeks < improved.as_ref().map_or(best, |(w, _)| *w) {
                        improved = Some((weeks, trial));
                    }
                }
            }
        }
        match improved {
            Some((weeks, trial)) => {
                best = weeks;
                team = trial;
            }
            None => break,
        }
    }
    Ok(team)
}

/// The outline with every task no wider than the people who can do it: a task needing more
/// people of a role than the team has takes proportionally longer with those there are.
fn fit_widths(outline: &Outline, team: &[TeamMember]) -> (Outline, Vec<String>) {
    let mut outline = outline.clone();
    let mut notes = Vec::new();
    for w in &mut outline.workstreams {
        for t in &mut w.tasks {
            let people = team.iter().filter(|m| m.roles.contains(&t.role)).count() as u32;
            if people > 0 && t.units > people {
                let weeks = (t.weeks * t.units).div_ceil(people);
                notes.push(format!(
                    "“{}” needs {} people at once; with the {people} who can do it, it takes {weeks} weeks instead of {}.",
                    t.name, t.units, t.weeks
                ));
                t.weeks = weeks;
                t.units = people;
            }
        }
    }
    (outline, notes)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Effort {
    /// The full levelling search: for plans shown to the user.
    Search,
    /// One levelling pass: for comparing candidate cuts.
    Quick,
}

/// A candidate plan's schedule and money.
struct Evaluated {
    outline: Outline,
    resources: Resources,
    schedule: Schedule,
    budget: Budget,
}

impl Evaluated {
    fn fits(&self, initiative: &Initiative) -> (bool, bool) {
        (
            self.budget.total <= self.budget.available,
            self.schedule.levelled.makespan <= initiative.horizon_weeks(),
        )
    }
}

struct Fitter<'a> {
    initiative: &'a Initiative,
    resources: &'a Resources,
    proposed: &'a [RiskInput],
    team: &'a [TeamMember],
    roles: Vec<Vec<String>>,
}

/// `outline` with only the tasks `keep` marks (in outline order), and no empty workstream.
fn subset(outline: &Outline, keep: &[bool]) -> Outline {
    let mut i = 0;
    let mut kept_ids = HashSet::new();
    let mut out = outline.clone();
    for w in &mut out.workstreams {
        w.tasks.retain(|t| {
            let k = keep.get(i).copied().unwrap_or(true);
            i += 1;
            if k {
                kept_ids.insert(t.id.clone());
            }
            k
        });
    }
    for w in &mut out.workstreams {
        for t in &mut w.tasks {
            t.depends_on.retain(|d| kept_ids.contains(d));
        }
    }
    out.workstreams.retain(|w| !w.tasks.is_empty());
    out
}

impl Fitter<'_> {
    /// Roles and rates with only the costs of workstreams still in `outline`.
    fn resources_for(&self, outline: &Outline) -> Resources {
        let present: HashSet<&str> = outline.workstreams.iter().map(|w| w.id.as_str()).collect();
        Resources {
            roles: self.resources.roles.clone(),
            costs: self
                .resources
                .costs
                .iter()
                .filter(|c| present.contains(c.workstream.as_str()))
                .cloned()
                .collect(),
        }
    }

    /// The kept tasks levelled with the team, and their budget.
    fn evaluate(
        &self,
        outline: &Outline,
        keep: &[bool],
        effort: Effort,
    ) -> Result<Evaluated, PlanError> {
        self.evaluate_with(outline, keep, effort, &self.roles)
    }

    fn evaluate_with(
        &self,
        outline: &Outline,
        keep: &[bool],
        effort: Effort,
        roles: &[Vec<String>],
    ) -> Result<Evaluated, PlanError> {
        let kept = subset(outline, keep);
        let resources = self.resources_for(&kept);
        let tasks = kept.plan_tasks();
        let network = Network::build(&tasks)?;
        let cpm = plan::critical_path(&tasks, &network)?;
        let levelled = match effort {
            Effort::Search => plan::level_team(&tasks, &network, &cpm, roles)?,
            Effort::Quick => plan::level_team_quick(&tasks, &network, &cpm, roles)?,
        };
        let schedule = Schedule { cpm, levelled };
        let budget = budget(self.initiative, &kept, &resources, &schedule);
        Ok(Evaluated {
            outline: kept,
            resources,
            schedule,
            budget,
        })
    }

    /// A variant from an evaluated plan.
    fn variant(
        &self,
        id: VariantId,
        plan: &Evaluated,
        deferred: Vec<Deferral>,
        shortfall: Option<Shortfall>,
        notes: &[String],
    ) -> PlanVariant {
        let people = self.team.len() as u32;
        let computed = computed_risks(
            self.initiative,
            &plan.outline,
            &plan.resources,
            &plan.schedule,
            &plan.budget,
            people,
        );
        let mut warnings = computed.warnings;
        warnings.extend(notes.iter().cloned());
        let (fits_budget, fits_horizon) = plan.fits(self.initiative);
        let plan = assemble_plan(PlanParts {
            initiative: self.initiative,
            outline: &plan.outline,
            resources: &plan.resources,
            schedule: &plan.schedule,
            budget: &plan.budget,
            risks: risk_register(computed.leading, computed.others, self.proposed.to_vec()),
            stage_gates: gates(self.initiative, &plan.outline, &plan.schedule),
            warnings,
            team: self.team,
        });
        PlanVariant {
            id,
            label: id.label().to_owned(),
            summary: VariantSummary {
                weeks: plan.schedule.levelled_weeks,
                cost: plan.budget.total,
                headcount: people,
                tasks: plan.tasks.len() as u32,
                fits_budget,
                fits_horizon,
                fits_team: true,
            },
            deferred,
            shortfall,
            hires: Vec::new(),
            plan,
        }
    }

    /// Today's plan: the outline staffed as the resources say, hires where the team is short.
    fn hires_variant(&self, outline: &Outline, hires: HiresPlan<'_>) -> PlanVariant {
        let headcount: u32 = self.resources.roles.iter().map(|r| r.headcount).sum();
        let computed = computed_risks(
            self.initiative,
            outline,
            self.resources,
            hires.schedule,
            hires.budget,
            headcount,
        );
        let plan = assemble_plan(PlanParts {
            initiative: self.initiative,
            outline,
            resources: self.resources,
            schedule: hires.schedule,
            budget: hires.budget,
            risks: risk_register(computed.leading, computed.others, self.proposed.to_vec()),
            stage_gates: gates(self.initiative, outline, hires.schedule),
            warnings: computed.warnings,
            team: &[],
        });
        // Each team member fills the plan's seat of their main role first.
        let mut seats: BTreeMap<&str, u32> = BTreeMap::new();
        for m in self.team {
            if let Some(main) = m.roles.first() {
                *seats.entry(main.as_str()).or_default() += 1;
            }
        }
        // Only people beyond the team are hires; they go to the roles whose seats the
        // team's main roles leave empty, in the plan's role order.
        let mut to_hire = headcount.saturating_sub(self.initiative.team_size);
        let mut hire_list: Vec<Hire> = Vec::new();
        for r in &self.resources.roles {
            let have = seats.get(r.id.as_str()).copied().unwrap_or(0);
            let people = r.headcount.saturating_sub(have).min(to_hire);
            if people == 0 {
                continue;
            }
            to_hire -= people;
            let role_cost = hires
                .budget
                .by_role
                .iter()
                .find(|line| line.role == r.id)
                .map_or(0.0, |line| line.cost);
            hire_list.push(Hire {
                role: r.id.clone(),
                name: r.name.clone(),
                people,
                cost: (role_cost * f64::from(people) / f64::from(r.headcount.max(1))).round(),
            });
        }
        let horizon = self.initiative.horizon_weeks();
        PlanVariant {
            id: VariantId::FullWithHires,
            label: VariantId::FullWithHires.label().to_owned(),
            summary: VariantSummary {
                weeks: plan.schedule.levelled_weeks,
                cost: plan.budget.total,
                headcount,
                tasks: plan.tasks.len() as u32,
                fits_budget: plan.budget.total <= plan.budget.available,
                fits_horizon: plan.schedule.levelled_weeks <= horizon,
                fits_team: headcount <= self.initiative.team_size,
            },
            deferred: Vec::new(),
            shortfall: None,
            hires: hire_list,
            plan,
        }
    }

    /// Defers could, then should tasks until the plan fits the budget and the horizon; then
    /// takes back what still fits, most recently deferred first.
    fn fitted(&self, outline: &Outline, notes: &[String]) -> Result<PlanVariant, PlanError> {
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
