//! The sample initiative the tests and the examples start from.

use chrono::NaiveDate;
use strategy::InitiativeDraft;

/// A valid draft for a coffee bar.
pub fn coffee_draft() -> InitiativeDraft {
    InitiativeDraft {
        name: "Harbour Coffee".into(),
        description: "A specialty coffee bar and bakery by the ferry terminal serving commuters breakfast and espresso.".into(),
        industry: None,
        budget: 650_000.0,
        currency: "EUR".into(),
        horizon_months: 12,
        team_size: 7,
        start_date: NaiveDate::from_ymd_opt(2027, 1, 4).expect("a valid date"),
        constraints: vec!["Open before the summer season".into()],
        team: Vec::new(),
    }
}
