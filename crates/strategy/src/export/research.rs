//! A research report as a Markdown document: summary, queries, each finding with its quote
//! and the source it cites, the sources read and the sources skipped with why.

use std::fmt::Write as _;

use super::{address, inline, made_by};
use crate::research::ResearchReport;

/// The report under the heading `title`.
pub(super) fn to_markdown(report: &ResearchReport, title: &str) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n", inline(title));
    let _ = writeln!(
        md,
        "_{} Searched: {}._\n",
        made_by(&report.source),
        inline(&report.search)
    );
    if !report.note.trim().is_empty() {
        let _ = writeln!(md, "{}\n", inline(&report.note));
    }
    let _ = writeln!(md, "## Summary\n\n{}\n", inline(&report.summary));
    if !report.queries.is_empty() {
        let _ = writeln!(md, "## Queries\n");
        for q in &report.queries {
            let _ = writeln!(md, "- {}", inline(q));
        }
        md.push('\n');
    }
    findings(&mut md, report);
    sources(&mut md, report);
    md
}

fn findings(md: &mut String, report: &ResearchReport) {
    let _ = writeln!(md, "## Findings\n");
    if report.findings.is_empty() {
        let _ = writeln!(md, "_No findings: nothing read answered the queries._\n");
    }
    for f in &report.findings {
        let _ = writeln!(md, "### {}\n\n{}\n", inline(&f.id), inline(&f.statement));
        if !f.quote.trim().is_empty() {
            let _ = writeln!(md, "> “{}”\n", inline(&f.quote));
        }
        let cited = report.sources.iter().find(|s| s.id == f.source_id);
        let _ = match cited {
            Some(s) => writeln!(
                md,
                "Source: **{}** {}{} — for “{}”\n",
                inline(&s.id),
                inline(&s.title),
                s.url
                    .as_deref()
                    .map(|u| format!(", {}", address(u)))
                    .unwrap_or_default(),
                inline(&f.query)
            ),
            None => writeln!(
                md,
                "Source: **{}** — for “{}”\n",
                inline(&f.source_id),
                inline(&f.query)
            ),
        };
    }
}

fn sources(md: &mut String, report: &ResearchReport) {
    let _ = writeln!(md, "## Sources read\n");
    if report.sources.is_empty() {
        let _ = writeln!(md, "_No source could be read._\n");
    }
    for s in &report.sources {
        let kind = match s.kind.as_str() {
            "web" => "web page".to_owned(),
            "knowledge_base" => "built-in knowledge".to_owned(),
            "document" => "your note or document".to_owned(),
            other => inline(other),
        };
        let _ = write!(md, "- **{}** {}", inline(&s.id), inline(&s.title));
        if let Some(url) = &s.url {
            let _ = write!(md, ", {}", address(url));
        }
        let _ = write!(md, " — {kind}, {} read", size(s.bytes));
        if s.truncated {
            md.push_str(" (only the first part: the source is larger than the size limit)");
        }
        let _ = writeln!(md, "; for “{}”", inline(&s.query));
    }
    let _ = writeln!(md, "\n## Skipped sources\n");
    if report.skipped.is_empty() {
        let _ = writeln!(md, "_None: every source found was read._");
    }
    for s in &report.skipped {
        let _ = write!(md, "- {}", inline(&s.title));
        if let Some(url) = &s.url {
            let _ = write!(md, ", {}", address(url));
        }
        let _ = writeln!(
            md,
            " — skipped: {}; for “{}”",
            inline(&s.reason),
            inline(&s.query)
        );
    }
}

/// A byte count for people.
fn size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{:.0} KB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}
