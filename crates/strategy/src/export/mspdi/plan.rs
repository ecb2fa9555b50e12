//! The plan laid out as MS Project sees it: the task list (project summary, workstream
//! summaries, tasks) with dates on working days, the work resources and the assignments.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

use crate::program::{Program, ProgramWorkstream, ScheduledTask};

/// Working hours in a plan week (five days of eight hours).
pub(super) const HOURS_PER_WEEK: u32 = 40;
/// Longest task or resource name the schema allows.
pub(super) const NAME_MAX: usize = 512;

/// One row of the task list: the project summary, a workstream summary or a task.
pub(super) struct Row<'a> {
    pub(super) uid: u32,
    pub(super) name: String,
    pub(super) outline: String,
    pub(super) level: u32,
    pub(super) start: NaiveDateTime,
    pub(super) finish: NaiveDateTime,
    pub(super) kind: Kind<'a>,
}

/// What a row stands for.
pub(super) enum Kind<'a> {
    Project,
    Workstream(&'a ProgramWorkstream),
    Task(&'a ScheduledTask),
}

/// A work resource: a person of the team or a role.
pub(super) struct Resource {
    pub(super) uid: u32,
    pub(super) name: String,
    pub(super) group: Option<String>,
    pub(super) max_units: u32,
    pub(super) monthly_rate: f64,
    pub(super) notes: String,
}

/// One resource on one task.
pub(super) struct Assignment {
    pub(super) task: u32,
    pub(super) resource: u32,
    pub(super) units: u32,
    pub(super) hours: u32,
    pub(super) start: NaiveDateTime,
    pub(super) finish: NaiveDateTime,
}

/// The project summary, then each workstream's summary and tasks; tasks of no known
/// workstream come last, at the first level.
pub(super) fn rows(p: &Program) -> Vec<Row<'_>> {
    let tasks = &p.plan.tasks;
    let mut rows = vec![Row {
        uid: 0,
        name: one_line(&p.initiative.name, NAME_MAX),
        outline: "0".to_owned(),
        level: 0,
        start: at(work_day(p.plan.schedule.start_date, true), 8),
        finish: at(work_day(p.plan.schedule.end_date, false), 17),
        kind: Kind::Project,
    }];
    let mut number = 0;
    for w in &p.plan.workstreams {
        let mine: Vec<&ScheduledTask> = tasks.iter().filter(|t| t.workstream == w.id).collect();
        if mine.is_empty() {
            continue;
        }
        number += 1;
        let summary = rows.len();
        rows.push(Row {
            uid: summary as u32,
            name: one_line(&w.name, NAME_MAX),
            outline: number.to_string(),
            level: 1,
            start: NaiveDateTime::MAX,
            finish: NaiveDateTime::MIN,
            kind: Kind::Workstream(w),
        });
        for (n, t) in mine.into_iter().enumerate() {
            let row = task_row(rows.len(), t, format!("{number}.{}", n + 1), 2);
            rows[summary].start = rows[summary].start.min(row.start);
            rows[summary].finish = rows[summary].finish.max(row.finish);
            rows.push(row);
        }
    }
    let known = |t: &&ScheduledTask| p.plan.workstreams.iter().any(|w| w.id == t.workstream);
    for t in tasks.iter().filter(|t| !known(t)) {
        number += 1;
        rows.push(task_row(rows.len(), t, number.to_string(), 1));
    }
    if rows.len() > 1 {
        rows[0].start = rows
            .iter()
            .skip(1)
            .map(|r| r.start)
            .min()
            .unwrap_or(rows[0].start);
        rows[0].finish = rows
            .iter()
            .skip(1)
            .map(|r| r.finish)
            .max()
            .unwrap_or(rows[0].finish);
    }
    rows
}

/// A task's row: levelled dates moved onto working days, 08:00 to 17:00.
fn task_row(uid: usize, t: &ScheduledTask, outline: String, level: u32) -> Row<'_> {
    let start = at(work_day(t.start_date, true), 8);
    let finish = if t.weeks == 0 {
        start
    } else {
        at(work_day(t.finish_date, false), 17).max(start)
    };
    Row {
        uid: uid as u32,
        name: one_line(&t.name, NAME_MAX),
        outline,
        level,
        start,
        finish,
        kind: Kind::Task(t),
    }
}

/// The people of the team when the plan is levelled person by person, else the roles.
pub(super) fn resources(p: &Program) -> Vec<Resource> {
    let role = |id: &str| p.plan.resources.iter().find(|r| r.id == id);
    if p.plan.team.is_empty() {
        return p
            .plan
            .resources
            .iter()
            .enumerate()
            .map(|(n, r)| Resource {
                uid: n as u32 + 1,
                name: one_line(&r.name, NAME_MAX),
                group: None,
                max_units: r.headcount,
                monthly_rate: r.monthly_rate,
                notes: clean(&format!("Role {} with {} people.", r.id, r.headcount)),
            })
            .collect();
    }
    p.plan
        .team
        .iter()
        .enumerate()
        .map(|(n, person)| {
            let main = person.roles.first().and_then(|id| role(id));
            let roles: Vec<&str> = person
                .roles
                .iter()
                .map(|id| role(id).map_or(id.as_str(), |r| r.name.as_str()))
                .collect();
            Resource {
                uid: n as u32 + 1,
                name: one_line(&person.name, NAME_MAX),
                group: main.map(|r| one_line(&r.name, NAME_MAX)),
                max_units: 1,
                monthly_rate: main.map_or(0.0, |r| r.monthly_rate),
                notes: clean(&format!("Roles: {}.", roles.join(", "))),
            }
        })
        .collect()
}

/// Each task's people (a person resource each, one unit) or its role (`units` units).
pub(super) fn assignments(
    p: &Program,
    rows: &[Row<'_>],
    resources: &[Resource],
) -> Vec<Assignment> {
    let mut out = Vec::new();
    for row in rows {
        let Kind::Task(t) = row.kind else { continue };
        let mut add = |resource: u32, units: u32| {
            out.push(Assignment {
                task: row.uid,
                resource,
                units,
                hours: t.weeks * HOURS_PER_WEEK * units,
                start: row.start,
                finish: row.finish,
            });
        };
        if p.plan.team.is_empty() {
            if let Some(n) = p.plan.resources.iter().position(|r| r.id == t.role) {
                add(resources[n].uid, t.units);
            }
        } else {
            for name in &t.people {
                if let Some(n) = p.plan.team.iter().position(|m| &m.name == name) {
                    add(resources[n].uid, 1);
                }
            }
        }
    }
    out
}

/// `day` at `hour` o'clock.
fn at(day: NaiveDate, hour: u32) -> NaiveDateTime {
    day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN))
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// `day`, or the next working day (`forward`) or the previous one.
fn work_day(day: NaiveDate, forward: bool) -> NaiveDate {
    let mut day = day;
    for _ in 0..2 {
        if !is_weekend(day) {
            break;
        }
        let next = if forward {
            day.checked_add_days(Days::new(1))
        } else {
            day.checked_sub_days(Days::new(1))
        };
        day = next.unwrap_or(day);
    }
    day
}

/// Working days from `from` to `to`, both included.
pub(super) fn work_days(from: NaiveDate, to: NaiveDate) -> u32 {
    // Whole weeks hold five working days each; the days left over are counted one by one.
    let weeks = u64::try_from((to - from).num_days() + 1).unwrap_or(0) / 7;
    let mut days = u32::try_from(weeks * 5).unwrap_or(u32::MAX);
    let Some(mut day) = from.checked_add_days(Days::new(weeks * 7)) else {
        return days;
    };
    while day <= to {
        days += u32::from(!is_weekend(day));
        day = match day.succ_opt() {
            Some(next) => next,
            None => break,
        };
    }
    days
}

/// Text as XML 1.0 allows it: line breaks as `\n`, no other control characters.
pub(super) fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .map(|c| if c == '\r' { '\n' } else { c })
        .filter(|&c| {
            matches!(c, '\t' | '\n') || !(c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}')
        })
        .collect()
}

/// Text on one line (runs of whitespace made one space), at most `max` characters.
pub(super) fn one_line(text: &str, max: usize) -> String {
    let clean = clean(text);
    let words: Vec<&str> = clean.split_whitespace().collect();
    words.join(" ").chars().take(max).collect()
}
