//! A Business Model Canvas as a Markdown document: one section per block, each entry with
//! the ids of the evidence it cites, then the evidence itself.

use std::fmt::Write as _;

use super::{address, inline, made_by};
use crate::research::Canvas;

/// The canvas under the heading `title`.
pub(super) fn to_markdown(canvas: &Canvas, title: &str) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", inline(title));
    let _ = writeln!(md, "_{}_\n", made_by(&canvas.source));
    if !canvas.note.trim().is_empty() {
        let _ = writeln!(md, "{}\n", inline(&canvas.note));
    }
    if let Some(report) = &canvas.report_job {
        let _ = writeln!(
            md,
            "Cites the findings of research report `{}`.\n",
            report.replace('`', "")
        );
    }
    for block in &canvas.blocks {
        let _ = writeln!(md, "## {}\n", block.block.title());
        if block.entries.is_empty() {
            let _ = writeln!(md, "_Nothing was found for this block._\n");
            continue;
        }
        for entry in &block.entries {
            let _ = write!(md, "- {}", inline(&entry.text));
            if !entry.evidence.is_empty() {
                let ids: Vec<String> = entry.evidence.iter().map(|e| inline(e)).collect();
                let _ = write!(md, " — _evidence: {}_", ids.join(", "));
            }
            md.push('\n');
        }
        md.push('\n');
    }
    let _ = writeln!(md, "## Evidence\n");
    if canvas.evidence.is_empty() {
        let _ = writeln!(md, "_No evidence was available._");
    }
    for e in &canvas.evidence {
        let _ = writeln!(
            md,
            "- **{}** {} — _{}_",
            inline(&e.id),
            inline(&e.text),
            source_text(&e.source)
        );
    }
    md
}

/// An evidence source: an autolink when it is a web address.
fn source_text(source: &str) -> String {
    let s = source.trim();
    if s.starts_with("https://") || s.starts_with("http://") {
        address(s)
    } else {
        inline(s)
    }
}
