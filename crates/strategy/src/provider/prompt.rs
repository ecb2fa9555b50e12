//! Prompts for model providers: what each artefact must contain, as instructions and an
//! example of the JSON shape.

use crate::artefact::{ArtefactKind, Context, ResearchAsk};
use crate::initiative::Initiative;

/// The system message: the model's role and the answer format.
pub fn system() -> String {
    "You are an experienced programme director who plans new business initiatives. \
     You answer with one JSON object and nothing else: no prose before or after it, no Markdown \
     fences. Use the exact field names given. Numbers are JSON numbers. Be concrete and specific \
     to the initiative."
        .to_owned()
}

/// The user message for one artefact: the initiative, earlier artefacts, and the shape.
pub fn user(kind: ArtefactKind, initiative: &Initiative, context: &Context) -> String {
    let mut text = format!(
        "Artefact: {}\n\nInitiative:\n- name: {}\n- description: {}\n- industry: {}\n- budget: {} {}\n- horizon: {} months (from {})\n- team size: {} people\n- constraints: {}\n",
        kind.as_str(),
        initiative.name,
        initiative.description,
        initiative
            .industry
            .as_deref()
            .unwrap_or("(not given; infer it)"),
        initiative.budget,
        initiative.currency,
        initiative.horizon_months,
        initiative.start_date,
        initiative.team_size,
        if initiative.constraints.is_empty() {
            "none".to_owned()
        } else {
            initiative.constraints.join("; ")
        },
    );
    if let Some(analysis) = &context.analysis {
        text.push_str(&format!("\nAnalysis so far: {}\n", analysis.summary));
    }
    if let Some(outline) = &context.outline {
        let roles = outline.roles_used().join(", ");
        let workstreams: Vec<String> = outline
            .workstreams
            .iter()
            .map(|w| format!("{} ({})", w.id, w.name))
            .collect();
        text.push_str(&format!(
            "\nWorkstreams (ids): {}\nRoles the tasks use (ids): {roles}\n",
            workstreams.join(", ")
        ));
    }
    match &context.research {
        Some(ResearchAsk::CanvasBlock { block, evidence }) => {
            text.push_str(&format!("\nCanvas block to research: {}\n", block.title()));
            if evidence.is_empty() {
                text.push_str("No evidence is available; leave every evidence list empty.\n");
            } else {
                text.push_str("Evidence you may cite by id (cite only what supports an entry):\n");
                for e in evidence {
                    text.push_str(&format!("- [{}] {} (source: {})\n", e.id, e.text, e.source));
                }
            }
        }
        Some(ResearchAsk::WhyLevel {
            problem,
            chain,
            max_depth,
        }) => {
            text.push_str(&format!("\nProblem statement: {problem}\n"));
            for (i, level) in chain.iter().enumerate() {
                text.push_str(&format!(
                    "Why {}: {} → {}\n",
                    i + 1,
                    level.question,
                    level.answer
                ));
            }
            text.push_str(&format!(
                "Give level {} of at most {max_depth}.\n",
                chain.len() + 1
            ));
        }
        Some(ResearchAsk::Findings { query, source }) => {
            let excerpt: String = source.text.chars().take(12_000).collect();
            text.push_str(&format!(
                "\nResearch question: {query}\nSource “{}”{}:\n<<<\n{excerpt}\n>>>\n",
                source.title,
                source
                    .url
                    .as_deref()
                    .map(|u| format!(" ({u})"))
                    .unwrap_or_default()
            ));
        }
        None => {}
    }
    text.push('\n');
    text.push_str(instructions(kind, initiative));
    text
}

fn instructions(kind: ArtefactKind, _initiative: &Initiative) -> &'static str {
    match kind {
        ArtefactKind::Analysis => {
            r#"Write the analysis as:
{"summary": "2-3 sentences on what the programme must achieve", "industry": "the industry", "assumptions": ["planning assumption", "..."], "success_factors": ["what matters most", "..."]}"#
        }
        ArtefactKind::Outline => {
            r#"Break the programme into 4-8 workstreams of 3-9 tasks each. Task ids are unique across all workstreams ("workstream_id.task"); depends_on lists ids of tasks that must finish first (no cycles); weeks is a whole number of weeks; role is a short snake_case role id; units is how many people of that role the task needs at once (usually 1); priority is "must" (the initiative cannot deliver without it), "should" (a real loss if skipped) or "could" (can wait for a later phase), and a task never depends on a task of lower priority. Do not compress durations to fit the horizon: say how long the work really takes.
{"workstreams": [{"id": "discovery", "name": "Customer discovery", "description": "one sentence", "milestone": "what is true when it ends", "gate_criteria": ["checkable exit criterion"], "tasks": [{"id": "discovery.interviews", "name": "Interview 20 prospects", "weeks": 3, "role": "product_manager", "units": 1, "depends_on": [], "priority": "must"}]}]}"#
        }
        ArtefactKind::Resources => {
            r#"List every role the tasks use (same ids) with its headcount (people available in that role, within the team size where possible) and fully loaded monthly cost per person in the initiative's currency, and the non-labour costs per workstream (use the workstream ids).
{"roles": [{"id": "product_manager", "name": "Product manager", "headcount": 1, "monthly_rate": 9000}], "costs": [{"workstream": "discovery", "item": "Interview incentives", "amount": 2000}]}"#
        }
        ArtefactKind::Risks => {
            r#"List 6-12 risks. category is one of delivery, market, financial, people, regulatory, technical, operational; probability and impact are integers 1-5; owner_role is a role id.
{"risks": [{"title": "what could happen", "category": "delivery", "probability": 3, "impact": 4, "mitigation": "what is done about it", "owner_role": "product_manager"}]}"#
        }
        ArtefactKind::Measures => {
            r#"List 5-9 KPIs with numeric baselines and targets; direction is "increase" or "decrease"; frequency is daily, weekly, monthly or quarterly; workstream is a workstream id or null.
{"kpis": [{"name": "Paying customers", "unit": "customers", "baseline": 0, "target": 150, "direction": "increase", "frequency": "monthly", "workstream": null}]}"#
        }
        ArtefactKind::CanvasBlock => {
            r#"Write 3-6 entries for this block of the Business Model Canvas, specific to the initiative. Each entry cites the ids of the evidence that supports it (an empty list when none does). block is the block's snake_case name.
{"block": "customer_segments", "entries": [{"text": "Commuters buying breakfast on the way to the ferry", "evidence": ["F2"]}]}"#
        }
        ArtefactKind::WhyLevel => {
            r#"Ask the next why-question about the last answer (or the problem, for level 1) and answer it with the most likely cause, a countermeasure, and your confidence (0-1). Set root_cause to true when the answer is a root cause that asking why again would not improve, or at the last allowed level.
{"question": "Why is it that ...?", "answer": "the cause", "countermeasure": "what to do", "confidence": 0.7, "root_cause": false}"#
        }
        ArtefactKind::Findings => {
            r#"Extract up to 5 findings from the source that answer the research question. Each finding has a one-sentence statement and a verbatim quote copied exactly from the source. Return an empty list when the source says nothing relevant.
{"findings": [{"statement": "what the source establishes", "quote": "exact words from the source"}]}"#
        }
    }
}

/// The follow-up asking the model to fix its answer.
pub fn repair(problems: &str) -> String {
    format!(
        "Your answer could not be used. Problems:\n{problems}\n\nReply with the corrected JSON object only, complete, in the same shape."
    )
}
