//! The program's adopted plan as Microsoft Project XML (MSPDI): a standard five-day calendar,
//! a summary task per workstream with its tasks beneath, finish-to-start links, a work
//! resource per person (or per role when the plan is levelled by role) and the assignments.
//! Elements keep the order of the MSPDI schema's `xs:sequence`s (mspdi_pj12.xsd and later).

mod plan;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;

use chrono::NaiveDateTime;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::playbook::Priority;
use crate::program::Program;
use plan::{Assignment, HOURS_PER_WEEK, Kind, Resource, Row, clean, one_line, work_days};

/// The namespace of MSPDI files written by Project 2010 and later.
const NAMESPACE: &str = "http://schemas.microsoft.com/project";
/// UID of the standard calendar.
const CALENDAR: u32 = 1;

type Xml = Writer<Vec<u8>>;

/// The program as an MSPDI document.
pub(super) fn to_mspdi(p: &Program) -> io::Result<String> {
    let rows = plan::rows(p);
    let resources = plan::resources(p);
    let assignments = plan::assignments(p, &rows, &resources);
    let uid_of: HashMap<&str, u32> = rows
        .iter()
        .filter_map(|r| match r.kind {
            Kind::Task(t) => Some((t.id.as_str(), r.uid)),
            _ => None,
        })
        .collect();
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new(
        "1.0",
        Some("UTF-8"),
        Some("yes"),
    )))?;
    w.create_element("Project")
        .with_attribute(("xmlns", NAMESPACE))
        .write_inner_content(|w| {
            header(w, p, &rows)?;
            calendars(w)?;
            element(w, "Tasks", |w| {
                rows.iter()
                    .enumerate()
                    .try_for_each(|(id, row)| task(w, p, row, id, &uid_of, &assignments))
            })?;
            element(w, "Resources", |w| {
                resources
                    .iter()
                    .enumerate()
                    .try_for_each(|(id, r)| resource(w, r, id + 1))
            })?;
            element(w, "Assignments", |w| {
                assignments
                    .iter()
                    .enumerate()
                    .try_for_each(|(n, a)| assignment(w, a, n + 1))
            })?;
            Ok(())
        })?;
    String::from_utf8(w.into_inner()).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

fn header(w: &mut Xml, p: &Program, rows: &[Row<'_>]) -> io::Result<()> {
    let name = one_line(&p.initiative.name, 255);
    let currency: String = p.plan.budget.currency.chars().take(3).collect();
    field(w, "SaveVersion", 14)?;
    field(w, "Name", &name)?;
    field(w, "Title", &name)?;
    field(w, "ScheduleFromStart", 1)?;
    field(w, "StartDate", datetime(rows[0].start))?;
    field(w, "FinishDate", datetime(rows[0].finish))?;
    field(w, "CurrencyDigits", 2)?;
    field(w, "CurrencyCode", &currency)?;
    field(w, "CalendarUID", CALENDAR)?;
    field(w, "DefaultStartTime", "08:00:00")?;
    field(w, "DefaultFinishTime", "17:00:00")?;
    field(w, "MinutesPerDay", 480)?;
    field(w, "MinutesPerWeek", HOURS_PER_WEEK * 60)?;
    field(w, "DaysPerMonth", 20)?;
    field(w, "WeekStartDay", 1)
}

/// The standard calendar: Monday to Friday, 08:00–12:00 and 13:00–17:00.
fn calendars(w: &mut Xml) -> io::Result<()> {
    element(w, "Calendars", |w| {
        element(w, "Calendar", |w| {
            field(w, "UID", CALENDAR)?;
            field(w, "Name", "Standard")?;
            field(w, "IsBaseCalendar", 1)?;
            element(w, "WeekDays", |w| {
                (1..=7).try_for_each(|day| week_day(w, day))
            })
        })
    })
}

/// A day of the week (DayType 1 = Sunday … 7 = Saturday); weekdays hold eight hours.
fn week_day(w: &mut Xml, day: u8) -> io::Result<()> {
    element(w, "WeekDay", |w| {
        field(w, "DayType", day)?;
        let working = (2..=6).contains(&day);
        field(w, "DayWorking", u8::from(working))?;
        if !working {
            return Ok(());
        }
        element(w, "WorkingTimes", |w| {
            [("08:00:00", "12:00:00"), ("13:00:00", "17:00:00")]
                .into_iter()
                .try_for_each(|(from, to)| {
                    element(w, "WorkingTime", |w| {
                        field(w, "FromTime", from)?;
                        field(w, "ToTime", to)
                    })
                })
        })
    })
}

fn task(
    w: &mut Xml,
    p: &Program,
    row: &Row<'_>,
    id: usize,
    uid_of: &HashMap<&str, u32>,
    assignments: &[Assignment],
) -> io::Result<()> {
    let t = match row.kind {
        Kind::Task(t) => Some(t),
        _ => None,
    };
    element(w, "Task", |w| {
        field(w, "UID", row.uid)?;
        field(w, "ID", id)?;
        field(w, "Name", &row.name)?;
        field(w, "Type", 1)?; // fixed duration
        field(w, "WBS", &row.outline)?;
        field(w, "OutlineNumber", &row.outline)?;
        field(w, "OutlineLevel", row.level)?;
        field(w, "Priority", t.map_or(500, |t| priority(t.priority)))?;
        field(w, "Start", datetime(row.start))?;
        field(w, "Finish", datetime(row.finish))?;
        let (hours, format) = match t {
            Some(t) if t.weeks > 0 => (t.weeks * HOURS_PER_WEEK, 9), // shown in weeks
            Some(_) => (0, 7),                                       // milestones in days
            None => (8 * work_days(row.start.date(), row.finish.date()), 7),
        };
        field(w, "Duration", hours_duration(hours))?;
        field(w, "DurationFormat", format)?;
        if let Some(t) = t {
            let work = assignments
                .iter()
                .filter(|a| a.task == row.uid)
                .map(|a| a.hours)
                .sum();
            field(w, "Work", hours_duration(work))?;
            field(w, "EffortDriven", 0)?;
            field(w, "Milestone", u8::from(t.weeks == 0))?;
        }
        field(w, "Summary", u8::from(t.is_none()))?;
        let critical = match row.kind {
            Kind::Task(t) => t.critical,
            Kind::Workstream(ws) => ws.critical,
            Kind::Project => false,
        };
        field(w, "Critical", u8::from(critical))?;
        if let Some(t) = t {
            // Levelling may start a task after its predecessors finish: keep its date.
            let ready = p
                .plan
                .tasks
                .iter()
                .filter(|o| t.depends_on.contains(&o.id))
                .map(|o| o.finish_week)
                .max()
                .unwrap_or(0);
            if t.start_week > ready {
                field(w, "ConstraintType", 4)?; // start no earlier than
                field(w, "ConstraintDate", datetime(row.start))?;
            }
        }
        field(w, "Notes", notes(p, row))?;
        for pred in t.iter().flat_map(|t| &t.depends_on) {
            if let Some(uid) = uid_of.get(pred.as_str()) {
                element(w, "PredecessorLink", |w| {
                    field(w, "PredecessorUID", uid)?;
                    field(w, "Type", 1) // finish-to-start
                })?;
            }
        }
        Ok(())
    })
}

fn notes(p: &Program, row: &Row<'_>) -> String {
    let text = match row.kind {
        Kind::Project => format!(
            "Program for {}, generated by {}.",
            p.initiative.name, p.source.label
        ),
        Kind::Workstream(ws) => format!("{}\nMilestone: {}", ws.description, ws.milestone),
        Kind::Task(t) => {
            let role = p.plan.role_name(&t.role);
            let mut text = format!(
                "Charter id: {}\nRole: {role} ({} at once)\nPriority: {}\nSlack: {} weeks",
                t.id,
                t.units,
                t.priority.label(),
                t.slack
            );
            if !t.people.is_empty() {
                let _ = write!(text, "\nPeople: {}", t.people.join(", "));
            }
            text
        }
    };
    clean(&text)
}

fn resource(w: &mut Xml, r: &Resource, id: usize) -> io::Result<()> {
    element(w, "Resource", |w| {
        field(w, "UID", r.uid)?;
        field(w, "ID", id)?;
        field(w, "Name", &r.name)?;
        field(w, "Type", 1)?; // work
        if let Some(group) = &r.group {
            field(w, "Group", group)?;
        }
        field(w, "MaxUnits", format!("{:.2}", f64::from(r.max_units)))?;
        // Per hour: a month's rate over a year's working hours.
        let hourly = r.monthly_rate * 12.0 / 52.0 / f64::from(HOURS_PER_WEEK);
        let hourly = if hourly.is_finite() { hourly } else { 0.0 };
        field(w, "StandardRate", format!("{hourly:.2}"))?;
        field(w, "StandardRateFormat", 2)?; // per hour
        field(w, "Notes", &r.notes)
    })
}

fn assignment(w: &mut Xml, a: &Assignment, uid: usize) -> io::Result<()> {
    element(w, "Assignment", |w| {
        field(w, "UID", uid)?;
        field(w, "TaskUID", a.task)?;
        field(w, "ResourceUID", a.resource)?;
        field(w, "Finish", datetime(a.finish))?;
        field(w, "Start", datetime(a.start))?;
        field(w, "Units", a.units)?;
        field(w, "Work", hours_duration(a.hours))
    })
}

/// An element holding what `inner` writes.
fn element(
    w: &mut Xml,
    name: &str,
    inner: impl FnOnce(&mut Xml) -> io::Result<()>,
) -> io::Result<()> {
    w.create_element(name).write_inner_content(inner)?;
    Ok(())
}

/// An element holding `value` as escaped text.
fn field(w: &mut Xml, name: &str, value: impl ToString) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&value.to_string()))?;
    Ok(())
}

/// MS Project's priority scale (0–1000; 1000 means "do not level", so musts stay below).
fn priority(p: Priority) -> u32 {
    match p {
        Priority::Must => 900,
        Priority::Should => 700,
        Priority::Could => 400,
    }
}

fn hours_duration(hours: u32) -> String {
    format!("PT{hours}H0M0S")
}

fn datetime(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S").to_string()
}
