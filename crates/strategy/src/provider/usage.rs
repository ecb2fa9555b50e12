//! What a model call used: tokens (the server's figures, or an estimate marked so), latency,
//! and its cost from a per-model price table.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::Io;

/// Tokens and time one model call used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Model asked.
    pub model: String,
    /// Tokens of the request.
    pub prompt_tokens: u64,
    /// Tokens of the answer.
    pub completion_tokens: u64,
    /// True when the server reported no usage (or the stream was cut) and the figures are
    /// estimated from the text (a token per four characters).
    pub estimated: bool,
    /// From sending the request to the answer's last byte, in milliseconds.
    pub latency_ms: u64,
}

impl Usage {
    /// Prompt plus completion tokens.
    pub fn total_tokens(&self) -> u64 {
        self.prompt_tokens.saturating_add(self.completion_tokens)
    }
}

/// Tokens estimated for `chars` characters of text (four characters a token, rounded up).
pub fn estimate_tokens(chars: usize) -> u64 {
    (chars as u64).div_ceil(4)
}

/// The price of one model, in millionths of the currency unit per 1,000 tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Price {
    /// Per 1,000 prompt tokens.
    pub prompt_micros_per_1k: u32,
    /// Per 1,000 completion tokens.
    pub completion_micros_per_1k: u32,
}

impl Price {
    /// Cost of `prompt` and `completion` tokens, in micros, rounded to the nearest micro.
    pub fn cost_micros(&self, prompt: u64, completion: u64) -> i64 {
        let thousandths = i128::from(prompt) * i128::from(self.prompt_micros_per_1k)
            + i128::from(completion) * i128::from(self.completion_micros_per_1k);
        i64::try_from((thousandths + 500) / 1000).unwrap_or(i64::MAX)
    }
}

/// Prices by model name; a model not listed costs nothing (local servers, by default).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(transparent)]
pub struct Prices(pub BTreeMap<String, Price>);

impl Prices {
    /// The price of `model`, if listed.
    pub fn price(&self, model: &str) -> Option<Price> {
        self.0.get(model).copied()
    }

    /// What `usage` cost, in micros (zero for a model with no price).
    pub fn cost_micros(&self, usage: &Usage) -> i64 {
        self.price(&usage.model).map_or(0, |p| {
            p.cost_micros(usage.prompt_tokens, usage.completion_tokens)
        })
    }
}

/// Collects the usage a provider reports through an [`Io`], for an operation to record per step.
#[derive(Debug, Clone, Default)]
pub struct UsageLog(Arc<Mutex<Vec<Usage>>>);

impl UsageLog {
    /// An empty log.
    pub fn new() -> UsageLog {
        UsageLog::default()
    }

    /// `io`, with each [`Activity::Used`] also added to this log.
    pub fn attach(&self, io: &Io) -> Io {
        let log = self.0.clone();
        io.on_used(move |usage| {
            if let Ok(mut log) = log.lock() {
                log.push(usage.clone());
            }
        })
    }

    /// Everything logged since the last take.
    pub fn take(&self) -> Vec<Usage> {
        self.0
            .lock()
            .map(|mut log| std::mem::take(&mut *log))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::super::Activity;
    use super::*;
    use tokio_util::sync::CancellationToken;

    fn usage(model: &str, prompt: u64, completion: u64) -> Usage {
        Usage {
            model: model.to_owned(),
            prompt_tokens: prompt,
            completion_tokens: completion,
            estimated: false,
            latency_ms: 5,
        }
    }

    #[test]
    fn unlisted_models_cost_nothing_and_listed_ones_cost_per_thousand() {
        let mut prices = Prices::default();
        assert_eq!(prices.cost_micros(&usage("llama3", 10_000, 10_000)), 0);
        prices.0.insert(
            "gpt-x".into(),
            Price {
                prompt_micros_per_1k: 2_500,
                completion_micros_per_1k: 10_000,
            },
        );
        // 1,200 × 2.5 + 300 × 10 = 3,000 + 3,000 micros.
        assert_eq!(prices.cost_micros(&usage("gpt-x", 1_200, 300)), 6_000);
        // Rounded to the nearest micro: 1 × 2.5 = 2.5 → 3; 1 × 10 = 0.01 → 0.
        assert_eq!(prices.cost_micros(&usage("gpt-x", 1, 0)), 3);
        assert_eq!(
            Price {
                prompt_micros_per_1k: 0,
                completion_micros_per_1k: 10
            }
            .cost_micros(0, 1),
            0
        );
        assert_eq!(prices.cost_micros(&usage("llama3", 1_000, 0)), 0);
    }

    #[test]
    fn prices_read_from_settings_json_and_default_to_empty() {
        let prices: Prices = serde_json::from_str(
            r#"{"gpt-x": {"prompt_micros_per_1k": 150, "completion_micros_per_1k": 600}}"#,
        )
        .expect("prices");
        assert_eq!(
            prices.price("gpt-x"),
            Some(Price {
                prompt_micros_per_1k: 150,
                completion_micros_per_1k: 600
            })
        );
        assert_eq!(
            Prices::default(),
            serde_json::from_str("{}").expect("empty")
        );
    }

    #[test]
    fn estimates_round_up_to_whole_tokens() {
        assert_eq!(estimate_tokens(0), 0);
        assert_eq!(estimate_tokens(1), 1);
        assert_eq!(estimate_tokens(8), 2);
        assert_eq!(estimate_tokens(9), 3);
    }

    #[test]
    fn a_log_collects_usage_and_forwards_every_activity() {
        let seen = Arc::new(Mutex::new(0usize));
        let counter = seen.clone();
        let io = Io {
            cancel: CancellationToken::new(),
            activity: Arc::new(move |_| *counter.lock().expect("lock") += 1),
        };
        let log = UsageLog::new();
        let metered = log.attach(&io);
        (metered.activity)(Activity::Repairing);
        (metered.activity)(Activity::Used(usage("m", 3, 4)));
        assert_eq!(*seen.lock().expect("lock"), 2);
        assert_eq!(log.take(), vec![usage("m", 3, 4)]);
        assert!(log.take().is_empty());
    }
}
