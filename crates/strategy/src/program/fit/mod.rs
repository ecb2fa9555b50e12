//! Fitting the plan to the user's team, budget and horizon: the full scope levelled with
//! the team as it is (`people.rs` maps the team to the roles), and a plan that defers could,
//! then should tasks until it fits (`defer.rs`: musts are never deferred, nor anything a kept
//! task depends on), with what each deferral saves and, when even the musts do not fit, what
//! they need.

mod defer;
mod people;

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::artefact::{Outline, Resources};
use crate::initiative::Initiative;
use crate::plan::{self, Budget, Network, PlanError, RiskInput};
use crate::program::assemble::{PlanParts, assemble_plan};
use crate::program::team::{TeamMember, complete_team, derive_team};
use crate::program::variant::{Deferral, Hire, PlanVariant, Shortfall, VariantId, VariantSummary};
use crate::program::{Schedule, budget, computed_risks, gates, risk_register};
use people::{balance_roles, fit_widths};

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
}
