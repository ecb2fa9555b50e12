//! How well the offline engine picks a playbook: the labelled set of short descriptions in
//! `fixtures/matching_set.json` (written for the purpose, without looking at the
//! playbooks), its top-1 accuracy printed and held above a floor.

mod support;

use serde::Deserialize;
use strategy::InitiativeDraft;
use strategy::provider::OfflineScale;
use support::{coffee_draft, initiative};

/// Lowest top-1 accuracy accepted; the set scored 0.800 when this was set (see the README).
const FLOOR: f64 = 0.75;

#[derive(Deserialize)]
struct Case {
    name: String,
    description: String,
    expected: String,
}

#[test]
fn the_labelled_descriptions_are_matched_to_their_playbooks() {
    let text = include_str!("fixtures/matching_set.json");
    let cases: Vec<Case> = serde_json::from_str(text).expect("the labelled set parses");
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut misses = Vec::new();
    for case in &cases {
        let draft = InitiativeDraft {
            name: case.name.clone(),
            description: case.description.clone(),
            constraints: Vec::new(),
            ..coffee_draft()
        };
        let scale = OfflineScale::for_initiative(&initiative(draft)).expect("scale");
        if scale.playbook.id != case.expected {
            misses.push(format!(
                "{} → {} (expected {})",
                case.name, scale.playbook.id, case.expected
            ));
        }
    }
    let accuracy = 1.0 - misses.len() as f64 / cases.len() as f64;
    println!(
        "top-1 accuracy {:.3} ({} of {}); misses:\n  {}",
        accuracy,
        cases.len() - misses.len(),
        cases.len(),
        misses.join("\n  ")
    );
    assert!(accuracy >= FLOOR, "accuracy {accuracy:.3} below {FLOOR}");
}
