//! The offline engine's research answers: canvas blocks from the playbook's canvas
//! material with cited evidence, why-levels from its cause-and-effect links, and
//! findings extracted sentence by sentence from a source.

use crate::artefact::{
    BlockKind, CanvasBlock, CanvasEntry, Evidence, FindingText, Findings, SourceText, WhyLevel,
};
use crate::playbook::{self, Cause, Playbook};
use crate::provider::ProviderError;
use crate::rank::{rank_texts, sentences};

/// Weakest match that counts as evidence for an entry, or as the next link of a chain.
const MIN_EVIDENCE_SCORE: f64 = 3.0;
const MIN_CAUSE_SCORE: f64 = 2.0;

/// Entries of one block from the playbook, each citing up to two pieces of evidence.
pub fn canvas_block(p: &Playbook, block: BlockKind, evidence: &[Evidence]) -> CanvasBlock {
    let seeds = match block {
        BlockKind::CustomerSegments => &p.canvas.customer_segments,
        BlockKind::ValuePropositions => &p.canvas.value_propositions,
        BlockKind::Channels => &p.canvas.channels,
        BlockKind::CustomerRelationships => &p.canvas.customer_relationships,
        BlockKind::RevenueStreams => &p.canvas.revenue_streams,
        BlockKind::KeyResources => &p.canvas.key_resources,
        BlockKind::KeyActivities => &p.canvas.key_activities,
        BlockKind::KeyPartnerships => &p.canvas.key_partnerships,
        BlockKind::CostStructure => &p.canvas.cost_structure,
    };
    let texts: Vec<&str> = evidence.iter().map(|e| e.text.as_str()).collect();
    let entries = seeds
        .iter()
        .map(|seed| {
            let evidence = rank_texts(seed, &texts)
                .into_iter()
                .filter(|r| r.score >= MIN_EVIDENCE_SCORE)
                .take(2)
                .map(|r| evidence[r.index].id.clone())
                .collect();
            CanvasEntry {
                text: seed.clone(),
                evidence,
            }
        })
        .collect();
    CanvasBlock { block, entries }
}

/// Every cause-and-effect link of every playbook, the chosen playbook's first.
fn all_causes(first: &Playbook) -> Result<Vec<&'static Cause>, ProviderError> {
    let all = playbook::all().map_err(|e| ProviderError::Offline(e.to_string()))?;
    let mut causes: Vec<&Cause> = all
        .iter()
        .filter(|p| p.id == first.id)
        .flat_map(|p| &p.causes)
        .collect();
    causes.extend(
        all.iter()
            .filter(|p| p.id != first.id)
            .flat_map(|p| &p.causes),
    );
    Ok(causes)
}

/// The best link whose effect matches `text`, among those not used yet.
fn next_link<'a>(text: &str, causes: &[&'a Cause], used: &[String]) -> Option<&'a Cause> {
    let effects: Vec<String> = causes
        .iter()
        .map(|c| format!("{} {}", c.effect, c.keywords.join(" ")))
        .collect();
    rank_texts(text, &effects)
        .into_iter()
        .filter(|r| r.score >= MIN_CAUSE_SCORE)
        .map(|r| causes[r.index])
        .find(|c| !used.contains(&c.id))
}

fn question(effect: &str) -> String {
    let effect = effect.trim().trim_end_matches(['.', '!', '?']);
    let mut chars = effect.chars();
    let lowered = match chars.next() {
        Some(first) => first.to_lowercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    };
    format!("Why is it that {lowered}?")
}

/// The next level of a why-chain from the playbooks' cause-and-effect links.
pub fn why_level(
    p: &Playbook,
    problem: &str,
    chain: &[WhyLevel],
    max_depth: u32,
) -> Result<WhyLevel, ProviderError> {
    let causes = all_causes(p)?;
    let used: Vec<String> = chain.iter().filter_map(|l| l.basis.clone()).collect();
    let effect = chain.last().map_or(problem, |l| l.answer.as_str());
    let Some(link) = next_link(effect, &causes, &used) else {
        return Err(ProviderError::NoKnowledge(if chain.is_empty() {
            "the offline knowledge base has no cause-and-effect link matching this problem; describe it in other words (what is observed, e.g. “sales are below plan”) or use a model provider".to_owned()
        } else {
            "the offline knowledge base has no deeper cause for the last answer".to_owned()
        }));
    };
    let depth = chain.len() as u32 + 1;
    let mut used_now = used;
    used_now.push(link.id.clone());
    // A link is a root cause when the knowledge says so, when nothing explains it further,
    // or when the chain has reached its depth limit.
    let root_cause =
        link.root || depth >= max_depth || next_link(&link.cause, &causes, &used_now).is_none();
    Ok(WhyLevel {
        question: question(effect),
        answer: link.cause.clone(),
        countermeasure: link.countermeasure.clone(),
        confidence: link.confidence.clamp(0.0, 1.0),
        root_cause,
        basis: Some(link.id.clone()),
    })
}

/// Up to two sentences of the source that answer the query best, quoted verbatim.
pub fn findings(query: &str, source: &SourceText) -> Findings {
    let candidates: Vec<String> = sentences(&source.text)
        .into_iter()
        .filter(|s| s.len() >= 24 && s.len() <= 600)
        .collect();
    // Scores within one source only order its sentences (BM25's IDF over a handful of
    // sentences is small); the search already judged the source relevant to the query.
    let mut picked: Vec<usize> = rank_texts(query, &candidates)
        .into_iter()
        .take(2)
        .map(|r| r.index)
        .collect();
    if picked.is_empty() && candidates.len() <= 3 && !candidates.is_empty() {
        // A short passage found for the query (by its title) stands as one finding.
        picked.push(0);
    }
    // In the order the source says them.
    picked.sort_unstable();
    Findings {
        findings: picked
            .into_iter()
            .map(|i| FindingText {
                statement: candidates[i].clone(),
                quote: candidates[i].clone(),
            })
            .collect(),
    }
}
