//! Markdown exports of the research results (canvas, why-chain, report), made from real
//! offline runs; the dispatch by job kind, JSON exports and export file names.

mod support;

use std::time::Duration;

use jobs::Snapshot;
use serde_json::json;
use strategy::artefact::BlockKind;
use strategy::epm::EPM_GENERATION;
use strategy::export::{self, ExportError, ExportFormat};
use strategy::research::{
    BMC_RESEARCH, Canvas, FIVE_WHYS, ResearchReport, SearchChoice, SkippedSource, WEB_RESEARCH,
    WhyChain,
};
use strategy::{Program, ProviderChoice};
use support::{result, wait_finished};

fn markdown(snapshot: &Snapshot) -> String {
    export::render(
        &snapshot.job.kind,
        &snapshot.job.title,
        snapshot.job.result.clone().expect("result"),
        ExportFormat::Markdown,
    )
    .expect("markdown")
}

/// The document with Markdown escapes removed, to compare with the raw texts.
fn unescaped(md: &str) -> String {
    md.replace('\\', "")
}

/// The lines of the section under `heading`, up to the next heading of the same level.
fn section<'a>(md: &'a str, heading: &str) -> Vec<&'a str> {
    let level = heading.chars().take_while(|c| *c == '#').count();
    let mut lines = md.lines().skip_while(|l| *l != heading);
    assert!(lines.next().is_some(), "no section {heading}");
    lines
        .take_while(|l| {
            let hashes = l.chars().take_while(|c| *c == '#').count();
            hashes == 0 || hashes > level
        })
        .collect()
}

#[tokio::test]
async fn the_canvas_exports_every_block_with_the_evidence_each_entry_cites() {
    let (_dir, workspace, initiative) = support::workspace_with_initiative().await;
    let id = workspace
        .research_canvas(&initiative.id, ProviderChoice::Offline)
        .await
        .expect("start");
    let done = wait_finished(&workspace, id).await;
    let canvas: Canvas = result(&done);
    let md = markdown(&done);
    assert_eq!(
        md,
        export::canvas_to_markdown(&canvas, &done.job.title),
        "render dispatches bmc_research to the canvas export"
    );
    let plain = unescaped(&md);
    assert!(plain.starts_with("# Business Model Canvas for Harbour Coffee\n"));
    assert!(
        plain.contains(&format!("_Made by {}._", canvas.source.label)),
        "says how it was made"
    );

    // The nine blocks, in canvas order, each listing its entries and their citations.
    let mut last = 0;
    for block in BlockKind::ALL {
        let heading = format!("## {}", block.title());
        let at = md.find(&heading).expect("block heading");
        assert!(at > last, "{heading} out of order");
        last = at;
    }
    let mut cited = Vec::new();
    for block in &canvas.blocks {
        let lines = section(&plain, &format!("## {}", block.block.title()));
        let items: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|l| l.starts_with("- "))
            .collect();
        assert_eq!(items.len(), block.entries.len(), "{:?}", block.block);
        for (line, entry) in items.iter().zip(&block.entries) {
            assert!(line.contains(entry.text.trim()), "{line}");
            if !entry.evidence.is_empty() {
                assert!(
                    line.ends_with(&format!("evidence: {}_", entry.evidence.join(", "))),
                    "{line}"
                );
            }
            cited.extend(entry.evidence.iter().cloned());
        }
    }
    assert!(!cited.is_empty(), "the offline canvas cites evidence");

    // Every cited id is explained in the evidence section, with its text and source.
    let evidence = section(&plain, "## Evidence");
    assert!(last < md.find("## Evidence").expect("evidence section"));
    for id in &cited {
        let e = canvas
            .evidence
            .iter()
            .find(|e| &e.id == id)
            .expect("cited evidence");
        let line = evidence
            .iter()
            .find(|l| l.starts_with(&format!("- **{id}** ")))
            .unwrap_or_else(|| panic!("{id} is not explained"));
        assert!(line.contains(e.text.trim()), "{line}");
        assert!(line.contains(e.source.trim()), "{line}");
    }
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn the_why_chain_exports_problem_levels_root_cause_and_countermeasures() {
    let (_dir, workspace, initiative) = support::workspace_with_initiative().await;
    let id = workspace
        .five_whys(
            &initiative.id,
            "Weekday morning sales are 30% below plan",
            5,
            ProviderChoice::Offline,
        )
        .await
        .expect("start");
    let done = wait_finished(&workspace, id).await;
    let chain: WhyChain = result(&done);
    let md = markdown(&done);
    assert_eq!(md, export::why_chain_to_markdown(&chain, &done.job.title));
    let plain = unescaped(&md);
    assert!(plain.starts_with("# Five whys: "), "{plain}");
    assert!(plain.contains("**Problem:** Weekday morning sales are 30% below plan\n"));
    let root = section(&plain, "## Root cause");
    assert!(root.contains(&chain.root_cause.trim()), "{root:?}");
    assert!(root.iter().any(|l| l.contains("reached this root cause")));

    // One sub-section per level, numbered from 1, with answer, countermeasure, confidence.
    let levels = section(&plain, "## The chain");
    let headings: Vec<&str> = levels
        .iter()
        .copied()
        .filter(|l| l.starts_with("### "))
        .collect();
    assert_eq!(headings.len(), chain.levels.len());
    for (heading, level) in headings.iter().zip(&chain.levels) {
        assert_eq!(
            *heading,
            format!("### {}. {}", level.level, level.why.question.trim())
        );
        let body = section(&plain, heading);
        assert!(body.contains(&format!("- **Because:** {}", level.why.answer.trim()).as_str()));
        assert!(body.contains(
            &format!("- **Countermeasure:** {}", level.why.countermeasure.trim()).as_str()
        ));
        let confidence = format!("- **Confidence:** {:.0} %", level.why.confidence * 100.0);
        assert!(
            body.iter().any(|l| l.starts_with(&confidence)),
            "{body:?} lacks {confidence}"
        );
        assert_eq!(
            body.contains(&"- **Root cause**"),
            level.why.root_cause,
            "only the root is marked"
        );
    }
    let countermeasures = section(&plain, "## Countermeasures");
    let numbered: Vec<&str> = countermeasures
        .iter()
        .copied()
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(numbered.len(), chain.countermeasures.len());
    for (i, (line, c)) in numbered.iter().zip(&chain.countermeasures).enumerate() {
        assert_eq!(*line, format!("{}. {}", i + 1, c.trim()));
    }
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn the_research_report_exports_findings_with_citations_and_skipped_sources() {
    let (_dir, workspace, initiative) = support::workspace_with_initiative().await;
    workspace
        .add_note(
            &initiative.id,
            "Terminal visit",
            "About 4,000 commuters pass the ferry terminal between 6:30 and 9:00 on weekdays."
                .into(),
        )
        .await
        .expect("note");
    let id = workspace
        .web_research(
            &initiative.id,
            Vec::new(),
            ProviderChoice::Offline,
            SearchChoice::Offline,
        )
        .await
        .expect("start");
    let done = wait_finished(&workspace, id).await;
    let mut report: ResearchReport = result(&done);
    assert!(!report.findings.is_empty());
    let md = markdown(&done);
    assert_eq!(md, export::report_to_markdown(&report, &done.job.title));
    let plain = unescaped(&md);
    assert!(plain.starts_with("# Research for Harbour Coffee\n"));
    assert!(section(&plain, "## Summary").contains(&report.summary.trim()));
    let queries = section(&plain, "## Queries");
    for q in &report.queries {
        assert!(queries.contains(&format!("- {}", q.trim()).as_str()), "{q}");
    }

    // Each finding: its statement, the quote, and the source it cites by id and title.
    for f in &report.findings {
        let heading = format!("### {}", f.id);
        let body = section(&plain, &heading);
        assert_eq!(body[1], f.statement.trim(), "{heading}");
        assert!(
            body.contains(&format!("> “{}”", f.quote.trim()).as_str()),
            "{heading}: {body:?}"
        );
        let source = report
            .sources
            .iter()
            .find(|s| s.id == f.source_id)
            .expect("cited source");
        let citation = body
            .iter()
            .find(|l| l.starts_with("Source: "))
            .expect("citation");
        assert!(
            citation.starts_with(&format!(
                "Source: **{}** {}",
                source.id,
                source.title.trim()
            )),
            "{citation}"
        );
    }
    let read = section(&plain, "## Sources read");
    for s in &report.sources {
        assert!(
            read.iter()
                .any(|l| l.starts_with(&format!("- **{}** {}", s.id, s.title.trim()))),
            "{} listed",
            s.id
        );
    }
    assert!(read.iter().any(|l| l.contains("your note or document")));
    assert!(read.iter().any(|l| l.contains("built-in knowledge")));
    assert_eq!(
        section(&plain, "## Skipped sources"),
        ["", "_None: every source found was read._"]
    );

    // Skipped sources say why; text from the web can neither format nor link anything.
    report.skipped = vec![
        SkippedSource {
            title: "Slow page".into(),
            url: Some("https://example.com/slow".into()),
            query: "coffee commuters".into(),
            reason: "took longer than 10 s".into(),
        },
        SkippedSource {
            title: "<script>alert(1)</script> [click](javascript:alert(1))\n# Heading".into(),
            url: Some("javascript:alert(1)".into()),
            query: "coffee".into(),
            reason: "HTTP 404".into(),
        },
    ];
    let md = export::report_to_markdown(&report, "Research");
    let skipped = section(&md, "## Skipped sources");
    assert_eq!(
        skipped[1],
        "- Slow page, <https://example.com/slow> — skipped: took longer than 10 s; for “coffee commuters”"
    );
    assert!(skipped[2].ends_with("— skipped: HTTP 404; for “coffee”"));
    assert!(!md.contains("<script>"), "{md}");
    assert!(
        skipped[2].starts_with(r"- \<script\>alert(1)\</script\> \[click\](javascript:alert(1))"),
        "markup is escaped: {}",
        skipped[2]
    );
    assert!(!md.contains("<javascript:"), "{md}");
    assert!(!md.contains("\n# Heading"), "line breaks are flattened");
    assert_eq!(skipped.len(), 3);
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn render_dispatches_by_kind_and_exports_any_result_as_json() {
    let (_dir, workspace, initiative) = support::workspace_with_initiative().await;
    let id = workspace
        .generate_program(&initiative.id, ProviderChoice::Offline)
        .await
        .expect("start");
    let done = wait_finished(&workspace, id).await;
    let program: Program = result(&done);
    assert_eq!(done.job.kind, EPM_GENERATION);
    assert_eq!(markdown(&done), export::to_markdown(&program));
    let stored = done.job.result.clone().expect("result");
    let json = export::render(
        EPM_GENERATION,
        &done.job.title,
        stored.clone(),
        ExportFormat::Json,
    )
    .expect("json");
    assert!(json.contains("\n  \""), "pretty-printed");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&json).expect("parse"),
        stored
    );
    workspace.engine().shutdown(Duration::from_secs(2)).await;

    for kind in [EPM_GENERATION, BMC_RESEARCH, FIVE_WHYS, WEB_RESEARCH] {
        assert!(export::has_markdown(kind));
        // A result that does not have the kind's shape is reported, not half-rendered.
        let err = export::render(kind, "t", json!({"x": 1}), ExportFormat::Markdown)
            .expect_err("wrong shape");
        assert!(matches!(err, ExportError::Corrupt { .. }), "{err}");
        assert_eq!(err.code(), "corrupt");
    }
    assert!(!export::has_markdown("other"));
    let err = export::render("other", "t", json!({"x": 1}), ExportFormat::Markdown)
        .expect_err("no markdown");
    assert!(matches!(err, ExportError::NoMarkdown(ref k) if k == "other"));
    assert_eq!(err.code(), "invalid_input");
    let any = export::render("other", "t", json!({"x": [1, 2]}), ExportFormat::Json)
        .expect("json for any kind");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&any).expect("parse"),
        json!({"x": [1, 2]})
    );
}

#[test]
fn export_formats_and_file_names() {
    assert_eq!(
        ExportFormat::parse("markdown"),
        Some(ExportFormat::Markdown)
    );
    assert_eq!(ExportFormat::parse(" MD "), Some(ExportFormat::Markdown));
    assert_eq!(ExportFormat::parse("json"), Some(ExportFormat::Json));
    assert_eq!(ExportFormat::parse("pdf"), None);
    assert_eq!(
        export::file_name(
            "Business Model Canvas for Harbour Coffee",
            ExportFormat::Markdown
        ),
        "business-model-canvas-for-harbour-coffee.md"
    );
    assert_eq!(
        export::file_name(
            "Five whys: Weekday sales are 30% below plan!",
            ExportFormat::Json
        ),
        "five-whys-weekday-sales-are-30-below-plan.json"
    );
    assert_eq!(
        export::file_name("Café Übersee", ExportFormat::Markdown),
        "café-übersee.md"
    );
    assert_eq!(
        export::file_name("../../etc/passwd", ExportFormat::Markdown),
        "etc-passwd.md",
        "no path separators survive"
    );
    assert_eq!(
        export::file_name("  ?!  ", ExportFormat::Json),
        "export.json"
    );
    let long = export::file_name(&"word ".repeat(100), ExportFormat::Markdown);
    assert!(long.chars().count() <= 80 + 3, "{long}");
    assert!(long.ends_with("word.md"), "{long}");
}
