//! How the offline engine reads an initiative: the playbook that matches it best and the
//! factors (currency, budget scale, durations, spend) it sizes the plan by.

use super::ProviderError;
use crate::artefact::PlaybookChoice;
use crate::initiative::Initiative;
use crate::playbook::{self, Playbook, Tier};

/// Most repeated units (stores, clinics…) one programme plans.
const MAX_ROLLOUT_UNITS: u32 = 24;

/// Weakest BM25 match that picks an industry playbook; below it a single common word
/// ("open", "season") decided the match, so the general playbook is used instead.
const MIN_MATCH_SCORE: f64 = 2.0;

/// Share of the budget beyond the reference programme spent on set-up of further units
/// (the rest pays for the people who open them and for contingency).
const ROLLOUT_SHARE: f64 = 0.6;

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

/// Multiplier on task durations for a budget `scale` times the reference: smaller
/// programmes do smaller versions of each task.
fn duration_factor(scale: f64) -> f64 {
    scale.powf(0.2).clamp(0.7, 1.3)
}

/// Multiplier on non-labour costs for a budget `scale` times the reference: below the
/// reference, spend shrinks nearly in step with the budget (a small clinic fits out a
/// smaller space), above it more slowly.
fn spend_factor(scale: f64) -> f64 {
    let factor = if scale < 1.0 {
        scale.powf(0.75)
    } else {
        scale.sqrt()
    };
    factor.clamp(0.25, 3.0)
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
            Some(best) if best.score >= MIN_MATCH_SCORE => (best.playbook, best.score),
            best => (
                playbook::by_id(playbook::GENERAL)
                    .map_err(offline)?
                    .ok_or_else(|| {
                        ProviderError::Offline("the general playbook is missing".into())
                    })?,
                best.map_or(0.0, |b| b.score),
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
                    .map(|m| (m.playbook.id.clone(), round2(m.score)))
                    .collect(),
                scale: round2(scale),
                rollout_units,
            },
            fx,
            known_currency,
            budget_usd,
            duration_factor: duration_factor(scale),
            spend_factor: spend_factor(scale),
            team_size: initiative.team_size,
            currency: initiative.currency.clone(),
        })
    }

    pub(super) fn scale(&self) -> f64 {
        self.choice.scale
    }

    pub(super) fn includes(&self, tier: Tier) -> bool {
        match tier {
            Tier::Core => true,
            Tier::Growth => self.scale() >= 0.8,
            Tier::Scale => self.scale() >= 2.5,
        }
    }

    pub(super) fn weeks(&self, weeks: u32) -> u32 {
        if weeks == 0 {
            0
        } else {
            ((f64::from(weeks) * self.duration_factor).round() as u32).max(1)
        }
    }

    pub(super) fn money(&self, usd: f64) -> f64 {
        (usd * self.fx).round()
    }

    /// ISO currency code of the initiative.
    pub(super) fn currency_code(&self) -> String {
        self.currency.clone()
    }
}
