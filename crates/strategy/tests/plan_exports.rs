//! A program's plan exported for other tools, read back: CSV for issue trackers parsed with
//! the csv crate and the stage gates as iCalendar unfolded by hand (MS Project XML is in
//! `mspdi_export.rs`); only programs can be exported so.

mod support;

use std::collections::{HashMap, HashSet};

use jobs::JobUsage;
use strategy::OperationResult;
use strategy::export::{self, ExportError, ExportFormat};
use strategy::research::WhyChain;
use support::exports::{AWKWARD, offline_program, render};

// ---------------------------------------------------------------- CSV

#[tokio::test]
async fn the_csv_export_has_a_row_per_task_with_its_dependencies_and_dates() {
    let p = offline_program().await;
    let text = render(&p, ExportFormat::Csv);
    assert!(text.starts_with("ID,Summary,Workstream,Role,Assignees,Priority,Start date,Due date,Weeks,Depends on,Critical\r\n"), "{text}");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), p.plan.tasks.len());
    for (row, t) in rows.iter().zip(&p.plan.tasks) {
        let ws = p
            .plan
            .workstreams
            .iter()
            .find(|w| w.id == t.workstream)
            .expect("ws");
        let role = p
            .plan
            .resources
            .iter()
            .find(|r| r.id == t.role)
            .expect("role");
        assert_eq!(&row[0], t.id);
        assert_eq!(&row[1], t.name);
        assert_eq!(&row[2], ws.name);
        assert_eq!(&row[3], role.name);
        assert_eq!(&row[4], t.people.join("; "));
        assert_eq!(&row[5], t.priority.label());
        assert_eq!(&row[6], t.start_date.to_string());
        assert_eq!(&row[7], t.finish_date.to_string());
        assert_eq!(row[8].parse::<u32>().expect("weeks"), t.weeks);
        let depends: Vec<&str> = row[9].split("; ").filter(|d| !d.is_empty()).collect();
        assert_eq!(depends, t.depends_on);
        assert_eq!(&row[10], if t.critical { "yes" } else { "no" });
    }

    // Quotes, separators and line breaks survive; formulas do not start a cell.
    let mut awkward = p.clone();
    awkward.plan.tasks[0].name = AWKWARD.into();
    awkward.plan.tasks[1].name = "=HYPERLINK(\"http://example.com\")".into();
    let text = render(&awkward, ExportFormat::Csv);
    assert!(
        text.contains("\"Fit-out <kitchen> & \"\"bar\"\", 'café'; "),
        "{text}"
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), p.plan.tasks.len());
    assert_eq!(&rows[0][1], AWKWARD);
    assert_eq!(&rows[1][1], "'=HYPERLINK(\"http://example.com\")");
}

// ---------------------------------------------------------------- iCalendar

/// The content lines of an iCalendar text, unfolded, after checking CRLF ends and the
/// 75-octet limit.
fn unfold(ics: &str) -> Vec<String> {
    assert!(ics.ends_with("\r\n"), "ends with CRLF");
    let physical: Vec<&str> = ics.trim_end_matches("\r\n").split("\r\n").collect();
    for line in &physical {
        assert!(
            !line.contains(['\r', '\n']),
            "only CRLF line ends: {line:?}"
        );
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    let mut lines: Vec<String> = Vec::new();
    for line in physical {
        match line.strip_prefix([' ', '\t']) {
            Some(rest) => lines.last_mut().expect("a line to continue").push_str(rest),
            None => lines.push(line.to_owned()),
        }
    }
    lines
}

/// A TEXT value unescaped (RFC 5545 3.3.11).
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(c) => out.push(c),
            None => panic!("a lone backslash ends {text}"),
        }
    }
    out
}

/// The events' properties by name (the value after the first unquoted colon).
fn events(lines: &[String]) -> Vec<HashMap<String, String>> {
    let mut events = Vec::new();
    let mut current: Option<HashMap<String, String>> = None;
    for line in lines {
        match line.as_str() {
            "BEGIN:VEVENT" => current = Some(HashMap::new()),
            "END:VEVENT" => events.push(current.take().expect("open event")),
            _ => {
                if let Some(event) = &mut current {
                    let (name, value) = line.split_once(':').expect("name:value");
                    event.insert(name.to_owned(), value.to_owned());
                }
            }
        }
    }
    events
}

#[tokio::test]
async fn the_icalendar_export_has_an_event_per_gate_and_the_end() {
    let mut p = offline_program().await;
    assert!(!p.plan.stage_gates.is_empty());
    // Long, escaped and multi-byte, so lines fold (and never inside a character).
    p.plan.stage_gates[0].name = format!("{AWKWARD} {}", "老虎 ".repeat(30));
    p.plan.stage_gates[0].criteria = vec![AWKWARD.into(), "Kitchen; passed, signed".into()];
    let ics = render(&p, ExportFormat::Ical);
    let lines = unfold(&ics);
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    assert!(lines.contains(&"VERSION:2.0".to_owned()));
    assert!(lines.iter().any(|l| l.starts_with("PRODID:")));
    assert!(
        ics.lines().any(|l| l.len() > 70),
        "some lines are long enough to fold"
    );

    let events = events(&lines);
    assert_eq!(
        events.len(),
        p.plan.stage_gates.len() + 1,
        "a gate each and the end"
    );
    let uids: HashSet<&str> = events.iter().map(|e| e["UID"].as_str()).collect();
    assert_eq!(uids.len(), events.len(), "UIDs unique");
    let flat = |s: &str| {
        s.replace('\u{7}', "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    for (g, event) in p.plan.stage_gates.iter().zip(&events) {
        assert_eq!(
            unescape(&event["SUMMARY"]),
            format!("Gate: {}", flat(&g.name))
        );
        assert_eq!(
            event["DTSTART;VALUE=DATE"],
            g.date.format("%Y%m%d").to_string()
        );
        let next = g.date.succ_opt().expect("a next day");
        assert_eq!(event["DTEND;VALUE=DATE"], next.format("%Y%m%d").to_string());
        assert!(event["DTSTAMP"].ends_with('Z'), "a UTC stamp");
        let uid = &event["UID"];
        assert!(
            uid.starts_with(&format!("{}-", g.id.to_lowercase())),
            "{uid}"
        );
        assert!(
            uid.ends_with(&format!("-{}@charter", p.initiative.id)),
            "{uid}"
        );
        let description = unescape(&event["DESCRIPTION"]);
        for c in &g.criteria {
            assert!(description.contains(&flat(c)), "{description} holds {c}");
        }
    }
    let end = events.last().expect("the end");
    let end_date = p.plan.schedule.end_date.format("%Y%m%d").to_string();
    assert_eq!(end["DTSTART;VALUE=DATE"], end_date);
    assert!(end["SUMMARY"].contains("end"));

    // The same gates make the same UIDs.
    let again = events_of(&render(&p, ExportFormat::Ical));
    let uids_again: HashSet<String> = again.iter().map(|e| e["UID"].clone()).collect();
    assert_eq!(uids_again, uids.iter().map(|u| u.to_string()).collect());
}

fn events_of(ics: &str) -> Vec<HashMap<String, String>> {
    events(&unfold(ics))
}

// ---------------------------------------------------------------- other results

#[test]
fn only_a_program_exports_as_a_plan() {
    let chain = OperationResult::FiveWhys(WhyChain {
        problem: "Sales are down".into(),
        levels: Vec::new(),
        root_cause: "Prices".into(),
        countermeasures: Vec::new(),
        stopped: "root_cause".into(),
        source: strategy::provider::Source {
            engine: "offline".into(),
            label: "test".into(),
            model: None,
            base_url: None,
        },
        offline: true,
        note: String::new(),
    });
    for format in [
        ExportFormat::MsProject,
        ExportFormat::Csv,
        ExportFormat::Ical,
    ] {
        assert!(format.program_only());
        let err =
            export::render(&chain, "Why", format, &JobUsage::default()).expect_err("not a program");
        assert!(matches!(err, ExportError::NotAProgram { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!("only a program can be exported as {}", format.label())
        );
        assert_eq!(err.code().as_str(), "invalid_input");
    }
    assert!(export::render(&chain, "Why", ExportFormat::Markdown, &JobUsage::default()).is_ok());
}

#[test]
fn plan_formats_have_names_extensions_and_labels() {
    let cases = [
        (
            ExportFormat::MsProject,
            "ms_project",
            "xml",
            "MS Project XML",
        ),
        (ExportFormat::Csv, "csv", "csv", "CSV for issue trackers"),
        (ExportFormat::Ical, "ical", "ics", "iCalendar"),
    ];
    for (format, wire, extension, label) in cases {
        assert_eq!(serde_json::to_value(format).expect("json"), wire);
        let back: ExportFormat = serde_json::from_value(wire.into()).expect("format");
        assert_eq!(back, format);
        assert_eq!(format.extension(), extension);
        assert_eq!(format.label(), label);
        assert_eq!(
            export::file_name("Harbour Coffee", format),
            format!("harbour-coffee.{extension}")
        );
    }
    assert!(!ExportFormat::Markdown.program_only());
    assert!(!ExportFormat::Json.program_only());
    assert_eq!(ExportFormat::ALL.len(), 5);
}
