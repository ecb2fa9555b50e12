//! The offline engine: deterministic content from the industry playbooks, sized by the
//! initiative's own budget, horizon and team. Same initiative in, same answer out.

use futures::future::BoxFuture;

use super::{Io, Provider, ProviderError, Request, Source, offline_research};
use crate::artefact::{
    Analysis, ArtefactKind, Kpi, Measures, Outline, PlaybookChoice, ResearchAsk, Resources,
    RiskList, RolePlan, TaskPlan, WorkstreamPlan,
};
use crate::initiative::Initiative;
use crate::plan::{CostItem, RiskInput};
use crate::playbook::{self, Playbook, PlaybookTask, Tier};

/// The built-in provider.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineProvider;

/// Label every offline result carries.
pub const OFFLINE_LABEL: &str = "Charter offline engine (built-in industry playbooks, no network)";

/// Most repeated units (stores, clinics…) one programme plans.
pub const MAX_ROLLOUT_UNITS: u32 = 24;

/// Weakest BM25 match that picks an industry playbook; below it a single common word
/// ("open", "season") decided the match, so the general playbook is used instead.
const MIN_MATCH_SCORE: f64 = 2.0;

/// Share of the budget beyond the reference programme spent on set-up of further units
/// (the rest pays for the people who open them and for contingency).
const ROLLOUT_SHARE: f64 = 0.6;

impl Provider for OfflineProvider {
    fn source(&self) -> Source {
        Source::local("offline", OFFLINE_LABEL)
    }

    fn generate<'a>(
        &'a self,
        request: Request<'a>,
        io: &'a Io,
    ) -> BoxFuture<'a, Result<serde_json::Value, ProviderError>> {
        Box::pin(async move {
            if io.cancel.is_cancelled() {
                return Err(ProviderError::Cancelled);
            }
            let scale = OfflineScale::for_initiative(request.initiative)?;
            let research = request.context.research.as_ref();
            let missing = || {
                ProviderError::Offline(format!(
                    "a {} request needs its research question",
                    request.kind.as_str()
                ))
            };
            let value = match (request.kind, research) {
                (ArtefactKind::Analysis, _) => to_json(&scale.analysis(request.initiative)),
                (ArtefactKind::Outline, _) => to_json(&scale.outline()),
                (ArtefactKind::Resources, _) => to_json(&scale.resources(&scale.outline())),
                (ArtefactKind::Risks, _) => to_json(&scale.risks(request.initiative)),
                (ArtefactKind::Measures, _) => to_json(&scale.measures(&scale.outline())),
                (ArtefactKind::CanvasBlock, Some(ResearchAsk::CanvasBlock { block, evidence })) => {
                    to_json(&offline_research::canvas_block(
                        scale.playbook,
                        *block,
                        evidence,
                    ))
                }
                (
                    ArtefactKind::WhyLevel,
                    Some(ResearchAsk::WhyLevel {
                        problem,
                        chain,
                        max_depth,
                    }),
                ) => to_json(&offline_research::why_level(
                    scale.playbook,
                    problem,
                    chain,
                    *max_depth,
                )?),
                (ArtefactKind::Findings, Some(ResearchAsk::Findings { query, source })) => {
                    to_json(&offline_research::findings(query, source))
                }
                (
                    ArtefactKind::CanvasBlock | ArtefactKind::WhyLevel | ArtefactKind::Findings,
                    _,
                ) => {
                    return Err(missing());
                }
            }?;
            (request.check)(&value).map_err(|problems| {
                ProviderError::Offline(format!(
                    "its {} failed its own checks: {problems}",
                    request.kind.as_str()
                ))
            })?;
            Ok(value)
        })
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, ProviderError> {
    serde_json::to_value(value).map_err(|e| ProviderError::Offline(e.to_string()))
}

/// Currency units per US dollar, fixed reference rates for planning (not live rates).
fn units_per_usd(currency: &str) -> Option<f64> {
    let rate = match currency {
        "USD" => 1.0,
        "EUR" => 0.92,
        "GBP" => 0.79,
        "CHF" => 0.88,
        "CAD" => 1.36,
        "AUD" => 1.52,
        "NZD" => 1.66,
        "JPY" => 150.0,
        "CNY" => 7.2,
        "INR" => 83.0,
        "SEK" => 10.5,
        "NOK" => 10.6,
        "DKK" => 6.9,
        "PLN" => 4.0,
        "CZK" => 23.0,
        "HUF" => 360.0,
        "BRL" => 5.0,
        "MXN" => 17.0,
        "ZAR" => 18.5,
        "SGD" => 1.34,
        "HKD" => 7.8,
        "AED" => 3.67,
        "SAR" => 3.75,
        "KRW" => 1_330.0,
        "TRY" => 32.0,
        "ILS" => 3.7,
        "NGN" => 1_500.0,
        "KES" => 130.0,
        _ => return None,
    };
    Some(rate)
}

/// How the offline engine reads an initiative: the playbook it chose and the factors it
/// sizes the plan by.
#[derive(Debug, Clone)]
pub struct OfflineScale {
    /// The chosen playbook.
    pub playbook: &'static Playbook,
    /// How it was chosen.
    pub choice: PlaybookChoice,
    /// Currency units per US dollar.
    pub fx: f64,
    /// Whether `fx` is a known reference rate (otherwise 1:1 is assumed).
    pub known_currency: bool,
    /// Budget in US dollars.
    pub budget_usd: f64,
    /// Multiplier on task durations.
    pub duration_factor: f64,
    /// Multiplier on non-labour costs.
    pub spend_factor: f64,
    /// People available.
    pub team_size: u32,
    /// ISO currency code of the initiative.
    pub currency: String,
}

impl OfflineScale {
    /// Chooses the playbook and the sizing factors for `initiative`.
    pub fn for_initiative(initiative: &Initiative) -> Result<OfflineScale, ProviderError> {
        let offline = |e: playbook::PlaybookError| ProviderError::Offline(e.to_string());
        let mut query = initiative.text();
        if let Some(industry) = &initiative.industry {
            // The user's own word for the industry counts more than the rest of the text.
            query = format!("{industry} {industry} {industry} {query}");
        }
        let ranked = playbook::rank(&query).map_err(offline)?;
        let (chosen, score) = match ranked.first() {
            Some((p, s)) if *s >= MIN_MATCH_SCORE => (*p, *s),
            best => (
                playbook::by_id(playbook::GENERAL)
                    .map_err(offline)?
                    .ok_or_else(|| {
                        ProviderError::Offline("the general playbook is missing".into())
                    })?,
                best.map_or(0.0, |(_, s)| *s),
            ),
        };
        let (fx, known_currency) = match units_per_usd(&initiative.currency) {
            Some(rate) => (rate, true),
            None => (1.0, false),
        };
        let budget_usd = initiative.budget / fx;
        let scale = budget_usd / chosen.reference.budget_usd.max(1.0);
        // The core workstreams open the first unit; money beyond the reference programme
        // pays for more, each costing its set-up plus the people who open it.
        let rollout_units = chosen.rollout.as_ref().map_or(0, |r| {
            let spare = (budget_usd - chosen.reference.budget_usd).max(0.0);
            let affordable = (spare * ROLLOUT_SHARE / r.cost_usd_per_unit.max(1.0)).floor();
            (affordable as u32).min(MAX_ROLLOUT_UNITS)
        });
        let round2 = |x: f64| (x * 100.0).round() / 100.0;
        Ok(OfflineScale {
            playbook: chosen,
            choice: PlaybookChoice {
                id: chosen.id.clone(),
                name: chosen.name.clone(),
                score: round2(score),
                runners_up: ranked
                    .iter()
                    .skip(1)
                    .take(3)
                    .map(|(p, s)| (p.id.clone(), round2(*s)))
                    .collect(),
                scale: round2(scale),
                rollout_units,
            },
            fx,
            known_currency,
            budget_usd,
            duration_factor: scale.powf(0.2).clamp(0.85, 1.3),
            spend_factor: scale.sqrt().clamp(0.6, 3.0),
            team_size: initiative.team_size,
            currency: initiative.currency.clone(),
        })
    }

    fn scale(&self) -> f64 {
        self.choice.scale
    }

    fn includes(&self, tier: Tier) -> bool {
        match tier {
            Tier::Core => true,
            Tier::Growth => self.scale() >= 0.8,
            Tier::Scale => self.scale() >= 2.5,
        }
    }

    fn weeks(&self, weeks: u32) -> u32 {
        if weeks == 0 {
            0
        } else {
            ((f64::from(weeks) * self.duration_factor).round() as u32).max(1)
        }
    }

    fn money(&self, usd: f64) -> f64 {
        (usd * self.fx).round()
    }

    /// The first read of the initiative.
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

    fn currency_code(&self) -> String {
        self.currency.clone()
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

/// A whole amount with thousands separators: 1250000 → "1,250,000".
pub(crate) fn thousands(amount: f64) -> String {
    let whole = amount.round() as i64;
    let digits = whole.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if whole < 0 {
        out.insert(0, '-');
    }
    out
}

/// Rounds a converted amount to a sensible precision: cents below 100, whole units above.
fn tidy(x: f64) -> f64 {
    if x.abs() >= 100.0 {
        x.round()
    } else {
        (x * 100.0).round() / 100.0
    }
}
