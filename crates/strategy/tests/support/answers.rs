//! What a model would answer: the offline engine's content for the program's five requests,
//! for the initiative a prompt describes.

use strategy::Initiative;
use strategy::artefact::ArtefactKind;
use strategy::provider::OfflineScale;

use super::chat::Received;

/// The offline engine's answer for an artefact, as a model would send it.
pub fn offline_answer(initiative: &Initiative, artefact: &str) -> String {
    let scale = OfflineScale::for_initiative(initiative).expect("offline scale");
    let outline = scale.outline();
    let value = match artefact {
        "analysis" => {
            let mut a = serde_json::to_value(scale.analysis(initiative)).expect("json");
            // A model knows nothing of playbooks.
            a.as_object_mut().map(|o| o.remove("playbook"));
            a
        }
        "outline" => serde_json::to_value(&outline).expect("json"),
        "resources" => serde_json::to_value(scale.resources(&outline)).expect("json"),
        "risks" => serde_json::to_value(scale.risks(initiative)).expect("json"),
        "measures" => serde_json::to_value(scale.measures(&outline)).expect("json"),
        other => panic!("no answer for artefact {other}"),
    };
    value.to_string()
}

/// All artefact names in step order.
pub const ARTEFACTS: [ArtefactKind; 5] = [
    ArtefactKind::Analysis,
    ArtefactKind::Outline,
    ArtefactKind::Resources,
    ArtefactKind::Risks,
    ArtefactKind::Measures,
];

/// The initiative a program prompt describes (the lines `prompt::user` writes), for a server
/// that must answer any initiative.
pub fn initiative_from_prompt(prompt: &str) -> Option<Initiative> {
    let field = |name: &str| {
        prompt
            .lines()
            .find_map(|l| l.strip_prefix(&format!("- {name}: ")))
            .map(str::trim)
    };
    let (budget, currency) = field("budget")?.split_once(' ')?;
    let (months, from) = field("horizon")?.split_once(" months (from ")?;
    let industry = field("industry")?;
    let constraints = field("constraints")?;
    let draft = strategy::InitiativeDraft {
        name: field("name")?.to_owned(),
        description: field("description")?.to_owned(),
        industry: (!industry.starts_with("(not given")).then(|| industry.to_owned()),
        budget: budget.parse().ok()?,
        currency: currency.to_owned(),
        horizon_months: months.parse().ok()?,
        team_size: field("team size")?.strip_suffix(" people")?.parse().ok()?,
        start_date: from.trim_end_matches(')').parse().ok()?,
        constraints: if constraints == "none" {
            Vec::new()
        } else {
            constraints.split("; ").map(str::to_owned).collect()
        },
        team: Vec::new(),
    };
    let draft = draft.validate().ok()?;
    Some(Initiative::from_draft(
        "00000000-0000-7000-8000-000000000001".to_owned(),
        draft,
        0,
        0,
    ))
}

/// The offline engine's answer to a program request, whatever the initiative; `None` for an
/// artefact other than the program's five.
pub fn program_answer(received: &Received) -> Option<String> {
    if !ARTEFACTS.iter().any(|a| a.as_str() == received.artefact) {
        return None;
    }
    let user = received.body["messages"]
        .as_array()?
        .iter()
        .find(|m| m["role"] == "user")?["content"]
        .as_str()?;
    let initiative = initiative_from_prompt(user)?;
    Some(offline_answer(&initiative, &received.artefact))
}
