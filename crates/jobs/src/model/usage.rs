//! What model calls cost: one record per call, and totals per step and per job.

use serde::{Deserialize, Serialize};

/// One model call, as a step reports it through [`crate::JobContext::record_usage`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Usage {
    /// Model name.
    pub model: String,
    /// Prompt tokens.
    pub prompt_tokens: u32,
    /// Completion tokens.
    pub completion_tokens: u32,
    /// True when the server gave no figures (or the stream was cut) and they were estimated.
    pub estimated: bool,
    /// Time the call took.
    pub latency_ms: u32,
    /// Cost in micros (millionths of the price table's currency); 0 for local servers.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub cost_micros: i64,
}

/// A stored model call with the step it was made in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UsageRecord {
    /// Step index, if made inside a step.
    pub step_index: Option<u32>,
    /// Unix ms.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub at: i64,
    /// The call.
    pub usage: Usage,
}

/// Sums over model calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UsageTotals {
    /// Calls.
    pub calls: u32,
    /// Prompt tokens.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub prompt_tokens: u64,
    /// Completion tokens.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub completion_tokens: u64,
    /// Cost in micros.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub cost_micros: i64,
    /// Summed call time.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub latency_ms: u64,
    /// True when any call's figures were estimated.
    pub estimated: bool,
}

impl UsageTotals {
    /// Adds one call.
    pub fn add(&mut self, u: &Usage) {
        self.calls += 1;
        self.prompt_tokens += u64::from(u.prompt_tokens);
        self.completion_tokens += u64::from(u.completion_tokens);
        self.cost_micros = self.cost_micros.saturating_add(u.cost_micros);
        self.latency_ms += u64::from(u.latency_ms);
        self.estimated |= u.estimated;
    }
}

/// Totals of one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepUsage {
    /// Step index (`None`: calls made outside any step).
    pub step_index: Option<u32>,
    /// Its totals.
    pub totals: UsageTotals,
}

/// A job's model calls, per step and in total.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct JobUsage {
    /// Every call, oldest first.
    pub calls: Vec<UsageRecord>,
    /// Totals per step, in step order.
    pub steps: Vec<StepUsage>,
    /// Totals of the job.
    pub total: UsageTotals,
}

impl JobUsage {
    /// Groups calls (oldest first) into per-step and job totals.
    pub(crate) fn from_calls(calls: Vec<UsageRecord>) -> JobUsage {
        let mut total = UsageTotals::default();
        let mut steps: Vec<StepUsage> = Vec::new();
        for call in &calls {
            total.add(&call.usage);
            match steps.iter_mut().find(|s| s.step_index == call.step_index) {
                Some(step) => step.totals.add(&call.usage),
                None => {
                    let mut totals = UsageTotals::default();
                    totals.add(&call.usage);
                    steps.push(StepUsage {
                        step_index: call.step_index,
                        totals,
                    });
                }
            }
        }
        steps.sort_by_key(|s| s.step_index);
        JobUsage {
            calls,
            steps,
            total,
        }
    }
}
