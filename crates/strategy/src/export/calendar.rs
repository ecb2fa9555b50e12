//! The program's stage gates and end as an iCalendar file (RFC 5545): one all-day event per
//! gate with its criteria, one for the last day. Written with the `icalendar` crate, which
//! escapes text, folds lines at 75 octets and ends them with CRLF; each event's UID is
//! stable (gate, programme start and initiative), so importing a later export updates the
//! events instead of adding new ones.

use std::fmt::Write as _;
use std::io;

use chrono::{DateTime, NaiveDate, Utc};
use icalendar::{Calendar, Component, Event, EventLike, Property};

use crate::plan::StageGate;
use crate::program::Program;

/// The calendar's product identifier.
const PRODID: &str = "-//Charter//Program gates//EN";

/// The program's gates and end; `stamp` is when the export was made (each event's DTSTAMP).
pub(super) fn to_ics(p: &Program, stamp: DateTime<Utc>) -> io::Result<String> {
    let i = &p.initiative;
    let name = one_line(&i.name);
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", PRODID))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        .append_property(Property::new("X-WR-CALNAME", format!("Program: {name}")));
    for g in &p.plan.stage_gates {
        calendar.push(event(
            &uid(p, &g.id),
            stamp,
            g.date,
            &format!("Gate: {}", one_line(&g.name)),
            &gate_description(g, &name),
        ));
    }
    let end = &p.plan.schedule;
    calendar.push(event(
        &uid(p, "end"),
        stamp,
        end.end_date,
        &format!("Program end: {name}"),
        &format!(
            "Last day of the program for {name} ({} weeks from {}).",
            end.levelled_weeks, end.start_date
        ),
    ));
    let mut out = String::new();
    write!(out, "{calendar}").map_err(io::Error::other)?;
    Ok(out)
}

/// An all-day event on `day` (DTEND is the next day: it is exclusive), shown as free time.
fn event(uid: &str, stamp: DateTime<Utc>, day: NaiveDate, summary: &str, text: &str) -> Event {
    let mut event = Event::new();
    event
        .uid(uid)
        .timestamp(stamp)
        .summary(summary)
        .description(&clean(text))
        .starts(day)
        .add_property("TRANSP", "TRANSPARENT");
    if let Some(next) = day.succ_opt() {
        event.ends(next);
    }
    event.done()
}

/// Which gate, when, and what must be true to pass it.
fn gate_description(g: &StageGate, initiative: &str) -> String {
    let mut text = format!(
        "Stage gate {} of the program for {initiative}, week {}: go/no-go review of “{}”.",
        g.id, g.week, g.name
    );
    if !g.criteria.is_empty() {
        text.push_str("\nCriteria:");
        for c in &g.criteria {
            let _ = write!(text, "\n- {}", one_line(c));
        }
    }
    text
}

/// `<what>-<programme start>-<initiative id>@charter`, in characters safe in any UID.
fn uid(p: &Program, what: &str) -> String {
    let safe = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase()
    };
    format!(
        "{}-{}-{}@charter",
        safe(what),
        p.plan.schedule.start_date.format("%Y%m%d"),
        safe(&p.initiative.id)
    )
}

/// Text as a TEXT value may hold it once escaped: line breaks as `\n`, no other control
/// characters but tabs (the crate escapes `\`, `;`, `,` and line breaks).
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .map(|c| if c == '\r' { '\n' } else { c })
        .filter(|&c| matches!(c, '\t' | '\n') || !c.is_control())
        .collect()
}

/// Text on one line, runs of whitespace made one space.
fn one_line(text: &str) -> String {
    clean(text).split_whitespace().collect::<Vec<_>>().join(" ")
}
