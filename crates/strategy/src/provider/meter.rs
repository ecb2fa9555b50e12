//! Spending: the user's price table and per-run cap, and the metered ask every job step
//! makes of a model (the cap checked before the call, each call's tokens and cost recorded
//! with the job).

use std::sync::{Arc, PoisonError, RwLock};

use jobs::{JobContext, JobError};
use serde::{Deserialize, Serialize};

use super::{Io, Prices, Provider, Usage, ask, step_error};
use crate::artefact::{Artefact, Context};
use crate::initiative::Initiative;

/// What model calls cost and how much one run may spend: the user's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct Spending {
    /// ISO 4217 code of the prices and the cap, e.g. `USD`.
    pub currency: String,
    /// Prices per model; a model not listed (a local server's) costs nothing.
    pub prices: Prices,
    /// The most one run may spend, in micros (millionths of the prices' currency); none
    /// for no cap.
    #[cfg_attr(feature = "specta", specta(type = Option<specta_typescript::Number>))]
    pub run_limit_micros: Option<i64>,
}

impl Default for Spending {
    fn default() -> Self {
        Spending {
            currency: "USD".to_owned(),
            prices: Prices::default(),
            run_limit_micros: None,
        }
    }
}

impl Spending {
    /// Checks values beyond their shape; the message is for the user.
    pub fn validate(&self) -> Result<(), String> {
        if self.currency.len() != 3 || !self.currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(format!(
                "the currency must be a three-letter code such as USD or EUR, not “{}”",
                self.currency
            ));
        }
        if self.run_limit_micros.is_some_and(|m| m < 0) {
            return Err("the spending limit per run cannot be negative".to_owned());
        }
        if let Some(name) = self.prices.0.keys().find(|m| m.trim().is_empty()) {
            return Err(format!("a price needs a model name (got “{name}”)"));
        }
        Ok(())
    }
}

/// The spending settings in force: shared by the operations, replaced when the user saves
/// new ones (a running job prices its next call with them).
#[derive(Debug, Clone, Default)]
pub struct SharedSpending(Arc<RwLock<Spending>>);

impl SharedSpending {
    /// Settings in force from now on.
    pub fn set(&self, spending: Spending) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = spending;
    }

    /// The settings in force.
    pub fn get(&self) -> Spending {
        self.0
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// The engine's record of one call: the provider's figures, and their cost at `prices`.
pub fn job_usage(usage: &Usage, prices: &Prices) -> jobs::Usage {
    let narrow = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
    jobs::Usage {
        model: usage.model.clone(),
        prompt_tokens: narrow(usage.prompt_tokens),
        completion_tokens: narrow(usage.completion_tokens),
        estimated: usage.estimated,
        latency_ms: narrow(usage.latency_ms),
        cost_micros: prices.cost_micros(usage),
    }
}

/// Asks `provider` for `T` inside a job step: pauses the job `over_budget` first when the
/// call would cross the run's cap, records each model call (tokens, latency, cost) with
/// the job as it ends, and turns a provider error into the step's error (a wait for causes
/// outside the job).
pub async fn ask_in_job<T: Artefact>(
    ctx: &JobContext,
    provider: &dyn Provider,
    spending: &SharedSpending,
    initiative: &Initiative,
    context: &Context,
    io: &Io,
) -> Result<T, JobError> {
    ctx.check_budget(0)?;
    let recorder = ctx.clone();
    let prices = spending.get().prices;
    let metered = io.on_used(move |usage| recorder.record_usage(job_usage(usage, &prices)));
    ask::<T>(provider, initiative, context, &metered)
        .await
        .map_err(|e| step_error(provider, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::Price;

    #[test]
    fn a_call_is_recorded_at_its_price_with_its_marks() {
        let mut prices = Prices::default();
        prices.0.insert(
            "gpt-x".into(),
            Price {
                prompt_micros_per_1k: 1_000,
                completion_micros_per_1k: 4_000,
            },
        );
        let usage = Usage {
            model: "gpt-x".into(),
            prompt_tokens: 2_000,
            completion_tokens: 500,
            estimated: true,
            latency_ms: 1_234,
        };
        let recorded = job_usage(&usage, &prices);
        assert_eq!(recorded.cost_micros, 4_000);
        assert_eq!(
            (recorded.prompt_tokens, recorded.completion_tokens),
            (2_000, 500)
        );
        assert!(recorded.estimated);
        assert_eq!(recorded.latency_ms, 1_234);
        let huge = Usage {
            prompt_tokens: u64::MAX,
            ..usage
        };
        assert_eq!(job_usage(&huge, &Prices::default()).prompt_tokens, u32::MAX);
        assert_eq!(job_usage(&huge, &Prices::default()).cost_micros, 0);
    }

    #[test]
    fn spending_refuses_a_negative_cap_and_a_nameless_price() {
        assert!(Spending::default().validate().is_ok());
        let negative = Spending {
            run_limit_micros: Some(-1),
            ..Spending::default()
        };
        assert!(negative.validate().is_err());
        let mut nameless = Spending::default();
        nameless.prices.0.insert(" ".into(), Price::default());
        assert!(nameless.validate().is_err());
        let dollars = Spending {
            currency: "dollars".into(),
            ..Spending::default()
        };
        assert!(dollars.validate().is_err());
        assert_eq!(Spending::default().currency, "USD");
    }

    #[test]
    fn shared_spending_hands_out_what_was_set_last() {
        let shared = SharedSpending::default();
        let other = shared.clone();
        other.set(Spending {
            run_limit_micros: Some(5),
            ..Spending::default()
        });
        assert_eq!(shared.get().run_limit_micros, Some(5));
    }
}
