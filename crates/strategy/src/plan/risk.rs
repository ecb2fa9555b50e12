//! The risk register: probability × impact scores, severities and ordering.

use serde::{Deserialize, Serialize};

/// A risk before scoring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RiskInput {
    /// What could happen.
    pub title: String,
    /// delivery, market, financial, people, regulatory, technical or operational.
    pub category: String,
    /// 1 (rare) to 5 (almost certain).
    pub probability: u8,
    /// 1 (negligible) to 5 (severe).
    pub impact: u8,
    /// What is done about it.
    pub mitigation: String,
    /// Role id that owns it.
    pub owner_role: String,
}

/// Where a risk came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RiskOrigin {
    /// Found by the planning core from the numbers (horizon, budget, team).
    Computed,
    /// Proposed by the provider (playbook or model).
    Proposed,
}

/// Severity band of a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Score 1–4.
    Low,
    /// Score 5–9.
    Medium,
    /// Score 10–16.
    High,
    /// Score 20–25.
    Critical,
}

impl Severity {
    /// Band of a probability × impact score.
    pub fn of(score: u8) -> Severity {
        match score {
            0..=4 => Severity::Low,
            5..=9 => Severity::Medium,
            10..=16 => Severity::High,
            _ => Severity::Critical,
        }
    }
}

/// A scored risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Risk {
    /// `R1`, `R2`… in register order.
    pub id: String,
    /// What could happen.
    pub title: String,
    /// Category.
    pub category: String,
    /// 1–5.
    pub probability: u8,
    /// 1–5.
    pub impact: u8,
    /// probability × impact, 1–25.
    pub score: u8,
    /// Band of the score.
    pub severity: Severity,
    /// What is done about it.
    pub mitigation: String,
    /// Owning role id.
    pub owner_role: String,
    /// Computed or proposed.
    pub origin: RiskOrigin,
}

/// Scores and orders the register: computed risks that must lead (`leading`) first, then by
/// score, impact and title; probabilities and impacts are clamped to 1–5.
pub fn score_risks(leading: Vec<RiskInput>, others: Vec<(RiskInput, RiskOrigin)>) -> Vec<Risk> {
    let lead_count = leading.len();
    let mut all: Vec<(RiskInput, RiskOrigin)> = leading
        .into_iter()
        .map(|r| (r, RiskOrigin::Computed))
        .chain(others)
        .collect();
    let score = |r: &RiskInput| r.probability.clamp(1, 5) * r.impact.clamp(1, 5);
    all[lead_count..].sort_by(|(a, _), (b, _)| {
        score(b)
            .cmp(&score(a))
            .then(b.impact.cmp(&a.impact))
            .then(a.title.cmp(&b.title))
    });
    all.into_iter()
        .enumerate()
        .map(|(i, (r, origin))| {
            let probability = r.probability.clamp(1, 5);
            let impact = r.impact.clamp(1, 5);
            Risk {
                id: format!("R{}", i + 1),
                score: probability * impact,
                severity: Severity::of(probability * impact),
                title: r.title,
                category: r.category,
                probability,
                impact,
                mitigation: r.mitigation,
                owner_role: r.owner_role,
                origin,
            }
        })
        .collect()
}
