//! A why-chain as a Markdown document: the problem, the root cause, each level's question,
//! answer, countermeasure and confidence, then the countermeasures in order.

use std::fmt::Write as _;

use super::{inline, made_by};
use crate::research::WhyChain;

/// The why-chain under the heading `title`.
pub(super) fn to_markdown(chain: &WhyChain, title: &str) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", inline(title));
    let _ = writeln!(md, "_{}_\n", made_by(&chain.source));
    if !chain.note.trim().is_empty() {
        let _ = writeln!(md, "{}\n", inline(&chain.note));
    }
    let _ = writeln!(md, "**Problem:** {}\n", inline(&chain.problem));
    let _ = writeln!(md, "## Root cause\n\n{}\n", inline(&chain.root_cause));
    let stopped = match chain.stopped.as_str() {
        "root_cause" => "The chain stopped when it reached this root cause.".to_owned(),
        "depth_limit" => format!(
            "The chain stopped at the depth limit ({} levels); the cause may go deeper.",
            chain.levels.len()
        ),
        other => format!("The chain stopped: {}.", inline(other)),
    };
    let _ = writeln!(md, "{stopped}\n");
    let _ = writeln!(md, "## The chain\n");
    for level in &chain.levels {
        let why = &level.why;
        let _ = writeln!(md, "### {}. {}\n", level.level, inline(&why.question));
        let _ = writeln!(md, "- **Because:** {}", inline(&why.answer));
        let _ = writeln!(md, "- **Countermeasure:** {}", inline(&why.countermeasure));
        let _ = write!(
            md,
            "- **Confidence:** {:.0} %",
            why.confidence.clamp(0.0, 1.0) * 100.0
        );
        if let Some(basis) = &why.basis {
            let _ = write!(md, " (basis: {})", inline(basis));
        }
        md.push('\n');
        if why.root_cause {
            let _ = writeln!(md, "- **Root cause**");
        }
        md.push('\n');
    }
    if !chain.countermeasures.is_empty() {
        let _ = writeln!(md, "## Countermeasures\n");
        for (i, c) in chain.countermeasures.iter().enumerate() {
            let _ = writeln!(md, "{}. {}", i + 1, inline(c));
        }
    }
    md
}
