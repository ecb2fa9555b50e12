//! Markdown exports of every result (program, canvas, why-chain, report), made from real
//! offline runs; text from the user, a model or the web escaped in all of them; JSON
//! exports, export formats and file names.

mod support;

use std::time::Duration;

use jobs::{JobUsage, Snapshot};
use strategy::artefact::BlockKind;
use strategy::export::{self, ExportFormat};
use strategy::research::{Canvas, ResearchReport, SkippedSource, WhyChain};
use strategy::{OperationResult, Program, Workspace};
use support::{coffee_draft, result};

/// The finished job's Markdown export, as the workspace makes it for the shell.
async fn markdown(workspace: &Workspace, snapshot: &Snapshot) -> String {
    let export = workspace
        .export(snapshot.job.id, ExportFormat::Markdown)
        .await
        .expect("markdown");
    assert_eq!(export.title, snapshot.job.title);
    assert_eq!(
        export.file_name,
        export::file_name(&snapshot.job.title, ExportFormat::Markdown)
    );
    export.text
}

/// `result`'s Markdown document headed `title`.
fn render(result: OperationResult, title: &str) -> String {
    export::render(&result, title, ExportFormat::Markdown, &JobUsage::default()).expect("markdown")
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
    let done = support::canvas(&workspace, &initiative).await;
    let canvas: Canvas = result(&done);
    let md = markdown(&workspace, &done).await;
    assert_eq!(
        md,
        render(OperationResult::Canvas(canvas.clone()), &done.job.title)
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
    let problem = "Weekday morning sales are 30% below plan";
    let done = support::five_whys(&workspace, &initiative, problem, 5).await;
    let chain: WhyChain = result(&done);
    let md = markdown(&workspace, &done).await;
    assert_eq!(
        md,
        render(OperationResult::FiveWhys(chain.clone()), &done.job.title)
    );
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
    let done = support::research(&workspace, &initiative).await;
    let mut report: ResearchReport = result(&done);
    assert!(!report.findings.is_empty());
    let md = markdown(&workspace, &done).await;
    assert_eq!(
        md,
        render(OperationResult::Research(report.clone()), &done.job.title)
    );
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
    let md = render(OperationResult::Research(report), "Research");
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
async fn a_program_exports_as_markdown_and_every_result_as_the_json_it_is_stored_as() {
    let (_dir, workspace, initiative) = support::workspace_with_initiative().await;
    let problem = "Weekday morning sales are 30% below plan";
    let runs = [
        support::program(&workspace, &initiative).await,
        support::canvas(&workspace, &initiative).await,
        support::five_whys(&workspace, &initiative, problem, 5).await,
        support::research(&workspace, &initiative).await,
    ];
    let program: Program = result(&runs[0]);
    let md = markdown(&workspace, &runs[0]).await;
    let schedule = &program.plan.schedule;
    assert!(
        schedule.schedules_built >= 1
            && schedule.shortest_possible_weeks >= schedule.critical_path_weeks
    );
    assert!(
        md.contains(&format!(
            "Levelled by {}: the shortest of {} schedules",
            strategy::plan::LEVELLING_METHOD,
            schedule.schedules_built
        )),
        "the export says how the schedule was levelled:\n{md}"
    );
    // A program stored before the search recorded nothing: it says it was one pass.
    let mut older = program.clone();
    older.plan.schedule.schedules_built = 0;
    let old_md = render(OperationResult::Program(Box::new(older)), "older");
    assert!(old_md.contains("Levelled in one pass"), "{old_md}");
    assert_eq!(
        md,
        render(
            OperationResult::Program(Box::new(program)),
            "ignored: a program is headed by its initiative"
        )
    );
    for done in &runs {
        let json = workspace
            .export(done.job.id, ExportFormat::Json)
            .await
            .expect("json");
        assert!(json.text.contains("\n  \""), "pretty-printed");
        assert!(json.file_name.ends_with(".json"), "{}", json.file_name);
        let mut exported = serde_json::from_str::<serde_json::Value>(&json.text).expect("parse");
        let usage = exported
            .as_object_mut()
            .and_then(|fields| fields.remove(export::MODEL_USAGE))
            .expect("the run's model usage");
        assert_eq!(
            usage["total"]["calls"], 0,
            "the built-in engine calls no model"
        );
        assert_eq!(
            exported,
            done.job.result.clone().expect("result"),
            "{}: the JSON export is the stored result with its model usage",
            done.job.kind
        );
    }
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn the_program_export_escapes_what_the_initiative_and_the_model_wrote() {
    let evil = "[click](javascript:alert(1)) <script>x</script> **bold** | cell\n# Heading";
    let mut initiative = support::initiative(coffee_draft());
    initiative.name = evil.into();
    let mut program = strategy::epm::generate(
        &strategy::provider::OfflineProvider,
        &initiative,
        &tokio_util::sync::CancellationToken::new(),
    )
    .await
    .expect("program");
    // Everything a model writes, and what the initiative says, carries the same markup.
    program.analysis.summary = evil.into();
    program.analysis.industry = evil.into();
    program.analysis.assumptions = vec![evil.into()];
    program.analysis.success_factors = vec![evil.into()];
    program.plan.warnings = vec![evil.into()];
    program.plan.workstreams[0].name = evil.into();
    program.plan.workstreams[0].description = evil.into();
    program.plan.workstreams[0].milestone = evil.into();
    program.plan.tasks[0].name = evil.into();
    program.plan.tasks[0].role = evil.into();
    program.plan.resources[0].name = evil.into();
    program.plan.risks[0].title = evil.into();
    program.plan.risks[0].mitigation = evil.into();
    program.kpis[0].name = evil.into();
    program.kpis[0].unit = evil.into();
    program.plan.stage_gates[0].name = evil.into();
    program.plan.stage_gates[0].criteria = vec![evil.into()];
    let md = render(OperationResult::Program(Box::new(program)), "Program");

    assert!(!md.contains("[click]("), "no link survives: {md}");
    assert!(!md.contains("<script>"), "no HTML survives: {md}");
    assert!(!md.contains("**bold**"), "no formatting survives: {md}");
    assert!(
        !md.contains("\n# Heading"),
        "line breaks are flattened: {md}"
    );
    let escaped =
        r"\[click\](javascript:alert(1)) \<script\>x\</script\> \*\*bold\*\* \| cell \# Heading";
    assert!(md.starts_with(&format!("# Program: {escaped}\n")), "{md}");
    assert!(md.contains(&format!("## Summary\n\n{escaped}\n")), "{md}");
    // A pipe in a cell stays inside its cell: every table row keeps its column count.
    for table in md.split("\n\n").filter(|b| b.starts_with('|')) {
        let columns = |row: &str| row.replace(r"\|", "").matches('|').count();
        let mut rows = table.lines();
        let header = columns(rows.next().expect("header"));
        assert!(rows.all(|row| columns(row) == header), "{table}");
    }
}

#[test]
fn export_formats_and_file_names() {
    let format = |name: &str| serde_json::from_value::<ExportFormat>(name.into()).ok();
    assert_eq!(format("markdown"), Some(ExportFormat::Markdown));
    assert_eq!(format("json"), Some(ExportFormat::Json));
    assert_eq!(format("pdf"), None);
    assert_eq!(
        serde_json::to_value(ExportFormat::Markdown).expect("json"),
        "markdown",
        "the name the shell sends"
    );
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
