//! A program's plan exported as MS Project XML (MSPDI), read back with quick-xml: the same
//! tasks, links, resources and assignments, escaping, and the schema's element order.

mod support;

use std::collections::{BTreeSet, HashMap, HashSet};

use quick_xml::events::Event;
use quick_xml::reader::Reader;
use strategy::Program;
use strategy::export::ExportFormat;
use support::exports::{AWKWARD, offline_program, render};

/// The program levelled by role: no team, no people on tasks.
fn by_role(p: &Program) -> Program {
    let mut p = p.clone();
    p.plan.team.clear();
    for t in &mut p.plan.tasks {
        t.people.clear();
    }
    p
}

/// An XML element with its text and children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> {
        self.children.iter().filter(move |c| c.name == name)
    }
    fn find(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
    fn get(&self, name: &str) -> Option<&str> {
        self.find(name).map(|c| c.text.as_str())
    }
    fn value(&self, name: &str) -> &str {
        self.get(name)
            .unwrap_or_else(|| panic!("{} has no {name}", self.name))
    }
    fn number(&self, name: &str) -> u32 {
        self.value(name).parse().expect("a number")
    }
    fn child(&self, name: &str) -> &Node {
        self.find(name).expect(name)
    }
}

/// The document element, entities and character references resolved.
fn parse(xml: &str) -> Node {
    let mut reader = Reader::from_str(xml);
    let mut stack = vec![Node::default()];
    let open = |e: &quick_xml::events::BytesStart<'_>| Node {
        name: e.name().as_ref().to_owned(),
        attributes: e
            .attributes()
            .map(|a| {
                let a = a.expect("attribute");
                (a.key.as_ref().to_owned(), a.value.into_owned())
            })
            .collect(),
        ..Node::default()
    };
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => stack.push(open(&e)),
            Event::Empty(e) => stack.last_mut().expect("open").children.push(open(&e)),
            Event::End(_) => {
                let node = stack.pop().expect("open element");
                stack.last_mut().expect("parent").children.push(node);
            }
            Event::Text(t) => stack
                .last_mut()
                .expect("open")
                .text
                .push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref().expect("character reference") {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r)
                        .expect("predefined entity")
                        .to_owned(),
                };
                stack.last_mut().expect("open").text.push_str(&c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut document = stack.pop().expect("document");
    assert!(stack.is_empty(), "every element closed");
    assert_eq!(document.children.len(), 1, "one document element");
    document.children.remove(0)
}

// The xs:sequence orders of mspdi_pj12.xsd (Microsoft's "XML Schema for the … Element"
// pages), in full, whichever elements the export uses.
#[rustfmt::skip]
const PROJECT: &[&str] = &[
    "SaveVersion", "UID", "Name", "Title", "Subject", "Category", "Company", "Manager", "Author",
    "CreationDate", "Revision", "LastSaved", "ScheduleFromStart", "StartDate", "FinishDate",
    "FYStartDate", "CriticalSlackLimit", "CurrencyDigits", "CurrencySymbol", "CurrencyCode",
    "CurrencySymbolPosition", "CalendarUID", "DefaultStartTime", "DefaultFinishTime",
    "MinutesPerDay", "MinutesPerWeek", "DaysPerMonth", "DefaultTaskType",
    "DefaultFixedCostAccrual", "DefaultStandardRate", "DefaultOvertimeRate", "DurationFormat",
    "WorkFormat", "EditableActualCosts", "HonorConstraints", "EarnedValueMethod",
    "InsertedProjectsLikeSummary", "MultipleCriticalPaths", "NewTasksEffortDriven",
    "NewTasksEstimated", "SplitsInProgressTasks", "SpreadActualCost", "SpreadPercentComplete",
    "TaskUpdatesResource", "FiscalYearStart", "WeekStartDay", "MoveCompletedEndsBack",
    "MoveRemainingStartsBack", "MoveRemainingStartsForward", "MoveCompletedEndsForward",
    "BaselineForEarnedValue", "AutoAddNewResourcesAndTasks", "StatusDate", "CurrentDate",
    "MicrosoftProjectServerURL", "Autolink", "NewTaskStartDate", "DefaultTaskEVMethod",
    "ProjectExternallyEdited", "ExtendedCreationDate", "ActualsInSync", "RemoveFileProperties",
    "AdminProject", "OutlineCodes", "WBSMasks", "ExtendedAttributes", "Calendars", "Tasks",
    "Resources", "Assignments",
];
#[rustfmt::skip]
const TASK: &[&str] = &[
    "UID", "ID", "Name", "Type", "IsNull", "CreateDate", "Contact", "WBS", "WBSLevel",
    "OutlineNumber", "OutlineLevel", "Priority", "Start", "Finish", "Duration", "DurationFormat",
    "Work", "Stop", "Resume", "ResumeValid", "EffortDriven", "Recurring", "OverAllocated",
    "Estimated", "Milestone", "Summary", "Critical", "IsSubproject", "IsSubprojectReadOnly",
    "SubprojectName", "ExternalTask", "ExternalTaskProject", "EarlyStart", "EarlyFinish",
    "LateStart", "LateFinish", "StartVariance", "FinishVariance", "WorkVariance", "FreeSlack",
    "TotalSlack", "FixedCost", "FixedCostAccrual", "PercentComplete", "PercentWorkComplete",
    "Cost", "OvertimeCost", "OvertimeWork", "ActualStart", "ActualFinish", "ActualDuration",
    "ActualCost", "ActualOvertimeCost", "ActualWork", "ActualOvertimeWork", "RegularWork",
    "RemainingDuration", "RemainingCost", "RemainingWork", "RemainingOvertimeCost",
    "RemainingOvertimeWork", "ACWP", "CV", "ConstraintType", "CalendarUID", "ConstraintDate",
    "Deadline", "LevelAssignments", "LevelingCanSplit", "LevelingDelay", "LevelingDelayFormat",
    "PreLeveledStart", "PreLeveledFinish", "Hyperlink", "HyperlinkAddress", "HyperlinkSubAddress",
    "IgnoreResourceCalendar", "Notes", "HideBar", "Rollup", "BCWS", "BCWP",
    "PhysicalPercentComplete", "EarnedValueMethod", "PredecessorLink", "ActualWorkProtected",
    "ActualOvertimeWorkProtected", "ExtendedAttribute", "Baseline", "OutlineCode", "IsPublished",
    "StatusManager", "CommitmentStart", "CommitmentFinish", "CommitmentType", "TimephasedData",
];
#[rustfmt::skip]
const PREDECESSOR_LINK: &[&str] = &[
    "PredecessorUID", "Type", "CrossProject", "CrossProjectName", "LinkLag", "LagFormat",
];
#[rustfmt::skip]
const RESOURCE: &[&str] = &[
    "UID", "ID", "Name", "Type", "IsNull", "Initials", "Phonetics", "NTAccount", "MaterialLabel",
    "Code", "Group", "WorkGroup", "EmailAddress", "Hyperlink", "HyperlinkAddress",
    "HyperlinkSubAddress", "MaxUnits", "PeakUnits", "OverAllocated", "AvailableFrom",
    "AvailableTo", "Start", "Finish", "CanLevel", "AccrueAt", "Work", "RegularWork",
    "OvertimeWork", "ActualWork", "RemainingWork", "ActualOvertimeWork", "RemainingOvertimeWork",
    "PercentWorkComplete", "StandardRate", "StandardRateFormat", "Cost", "OvertimeRate",
    "OvertimeRateFormat", "OvertimeCost", "CostPerUse", "ActualCost", "ActualOvertimeCost",
    "RemainingCost", "RemainingOvertimeCost", "WorkVariance", "CostVariance", "SV", "CV", "ACWP",
    "CalendarUID", "Notes", "BCWS", "BCWP", "IsGeneric", "IsInactive", "IsEnterprise",
    "BookingType", "ActualWorkProtected", "ActualOvertimeWorkProtected", "ActiveDirectoryGUID",
    "CreationDate", "ExtendedAttribute", "Baseline", "OutlineCode", "IsCostResource", "AssnOwner",
    "AssnOwnerGuid", "IsBudget", "AvailabilityPeriods", "Rates", "TimephasedData",
];
#[rustfmt::skip]
const ASSIGNMENT: &[&str] = &[
    "UID", "TaskUID", "ResourceUID", "PercentWorkComplete", "ActualCost", "ActualFinish",
    "ActualOvertimeCost", "ActualOvertimeWork", "ActualStart", "ActualWork", "ACWP", "Confirmed",
    "Cost", "CostRateTable", "CostVariance", "CV", "Delay", "Finish", "FinishVariance",
    "Hyperlink", "HyperlinkAddress", "HyperlinkSubAddress", "WorkVariance", "HasFixedRateUnits",
    "FixedMaterial", "LevelingDelay", "LevelingDelayFormat", "LinkedFields", "Milestone", "Notes",
    "Overallocated", "OvertimeCost", "OvertimeWork", "PeakUnits", "RegularWork", "RemainingCost",
    "RemainingOvertimeCost", "RemainingOvertimeWork", "RemainingWork", "ResponsePending", "Start",
    "Stop", "Resume", "StartVariance", "Summary", "SV", "Units", "UpdateNeeded", "VAC", "Work",
    "WorkContour", "BCWS", "BCWP", "BookingType", "ActualWorkProtected",
    "ActualOvertimeWorkProtected", "CreationDate", "AssnOwner", "AssnOwnerGuid", "BudgetCost",
    "BudgetWork", "ExtendedAttribute", "Baseline", "TimephasedData",
];
#[rustfmt::skip]
const CALENDAR: &[&str] = &[
    "UID", "Name", "IsBaseCalendar", "BaseCalendarUID", "WeekDays", "Exceptions", "WorkWeeks",
];
const WEEK_DAY: &[&str] = &["DayType", "DayWorking", "TimePeriod", "WorkingTimes"];
const WORKING_TIME: &[&str] = &["FromTime", "ToTime"];
/// Elements a sequence may repeat.
#[rustfmt::skip]
const REPEATED: &[&str] = &[
    "PredecessorLink", "ExtendedAttribute", "Baseline", "OutlineCode", "TimephasedData",
];

/// `node`'s children are in `order`, each at most once unless repeatable, and `required`
/// ones are there.
fn in_order(node: &Node, order: &[&str], required: &[&str]) {
    let mut last: Option<usize> = None;
    for child in &node.children {
        let at = order
            .iter()
            .position(|n| *n == child.name)
            .unwrap_or_else(|| panic!("{} is no child of {} in the schema", child.name, node.name));
        if let Some(last) = last {
            let repeat = at == last && REPEATED.contains(&child.name.as_str());
            assert!(
                at > last || repeat,
                "{} comes after {} in {}",
                child.name,
                order[last],
                node.name
            );
        }
        last = Some(at);
    }
    for name in required {
        assert!(node.get(name).is_some(), "{} has no {name}", node.name);
    }
}

/// Every element of the document in its schema order.
fn check_schema_order(project: &Node) {
    in_order(project, PROJECT, &["SaveVersion", "CurrencyCode"]);
    for calendar in project.child("Calendars").all("Calendar") {
        in_order(calendar, CALENDAR, &["UID"]);
        for day in calendar.child("WeekDays").all("WeekDay") {
            in_order(day, WEEK_DAY, &["DayType"]);
            for time in day.all("WorkingTimes").flat_map(|w| w.all("WorkingTime")) {
                in_order(time, WORKING_TIME, &[]);
            }
        }
    }
    for task in project.child("Tasks").all("Task") {
        in_order(task, TASK, &["UID"]);
        for link in task.all("PredecessorLink") {
            in_order(link, PREDECESSOR_LINK, &["PredecessorUID"]);
        }
    }
    for resource in project.child("Resources").all("Resource") {
        in_order(resource, RESOURCE, &["UID"]);
    }
    for assignment in project.child("Assignments").all("Assignment") {
        in_order(assignment, ASSIGNMENT, &["UID"]);
    }
}

/// The task's Charter id, from the first line of its notes.
fn charter_id(task: &Node) -> Option<&str> {
    task.get("Notes")?
        .lines()
        .next()?
        .strip_prefix("Charter id: ")
}

/// Hours of a `PT…H0M0S` duration.
fn hours(duration: &str) -> u32 {
    let h = duration
        .strip_prefix("PT")
        .and_then(|d| d.strip_suffix("H0M0S"));
    h.expect("PT<hours>H0M0S").parse().expect("hours")
}

/// Reads the MSPDI export of `p` back and checks it against the plan.
fn check_mspdi(p: &Program, xml: &str) {
    let project = parse(xml);
    assert_eq!(project.name, "Project");
    let xmlns = project.attributes.iter().find(|(k, _)| k == "xmlns");
    assert_eq!(
        xmlns.map(|(_, v)| v.as_str()),
        Some("http://schemas.microsoft.com/project")
    );
    check_schema_order(&project);
    assert_eq!(project.value("Name"), p.initiative.name);
    assert_eq!(project.value("Title"), p.initiative.name);
    assert_eq!(project.value("CurrencyCode"), p.plan.budget.currency);
    assert_eq!(project.number("MinutesPerDay"), 480);
    assert_eq!(project.number("MinutesPerWeek"), 2400);
    assert_eq!(project.number("DaysPerMonth"), 20);
    // The sample starts on a Monday.
    let start = format!("{}T08:00:00", p.plan.schedule.start_date);
    assert_eq!(project.value("StartDate"), start);

    let tasks: Vec<&Node> = project.child("Tasks").all("Task").collect();
    let uids: Vec<u32> = tasks.iter().map(|t| t.number("UID")).collect();
    assert_eq!(
        uids.iter().collect::<HashSet<_>>().len(),
        uids.len(),
        "UIDs unique"
    );
    let ids: Vec<u32> = tasks.iter().map(|t| t.number("ID")).collect();
    assert_eq!(
        ids,
        (0..tasks.len() as u32).collect::<Vec<_>>(),
        "IDs in order"
    );
    assert_eq!(tasks[0].number("UID"), 0);
    assert_eq!(tasks[0].number("OutlineLevel"), 0);
    assert_eq!(tasks[0].number("Summary"), 1);

    // A summary per workstream with its tasks beneath.
    let plan = &p.plan;
    let with_tasks: Vec<_> = plan
        .workstreams
        .iter()
        .filter(|w| plan.tasks.iter().any(|t| t.workstream == w.id))
        .collect();
    let summaries: Vec<&&Node> = tasks
        .iter()
        .filter(|t| t.value("OutlineLevel") == "1")
        .collect();
    assert_eq!(summaries.len(), with_tasks.len());
    let mut uid_of: HashMap<&str, u32> = HashMap::new();
    let mut current = None;
    for task in &tasks[1..] {
        if task.number("OutlineLevel") == 1 {
            assert_eq!(task.number("Summary"), 1);
            current = with_tasks.iter().find(|w| w.name == task.value("Name"));
            assert!(current.is_some(), "a workstream: {}", task.value("Name"));
            continue;
        }
        assert_eq!(task.number("OutlineLevel"), 2);
        assert_eq!(task.number("Summary"), 0);
        let id = charter_id(task).expect("a Charter id in the notes");
        let t = plan.tasks.iter().find(|t| t.id == id).expect("a plan task");
        assert_eq!(
            Some(&t.workstream),
            current.map(|w| &w.id),
            "{id} under its workstream"
        );
        assert_eq!(task.value("Name"), t.name);
        assert_eq!(hours(task.value("Duration")), t.weeks * 40, "{id}");
        assert_eq!(task.number("Milestone"), u32::from(t.weeks == 0), "{id}");
        assert!(
            task.value("Start").starts_with(&t.start_date.to_string()),
            "{id}"
        );
        let finish = task.value("Finish");
        let end = if t.weeks == 0 {
            "T08:00:00"
        } else {
            "T17:00:00"
        };
        assert!(finish.ends_with(end), "{id}: {finish}");
        assert!(finish[..10] <= *t.finish_date.to_string(), "{id}");
        uid_of.insert(&t.id, task.number("UID"));
    }
    assert_eq!(uid_of.len(), plan.tasks.len(), "every task once");

    // Links are the dependencies, finish-to-start.
    let id_of: HashMap<u32, &str> = uid_of.iter().map(|(id, uid)| (*uid, *id)).collect();
    for task in tasks.iter().filter(|t| charter_id(t).is_some()) {
        let t = plan
            .tasks
            .iter()
            .find(|t| Some(t.id.as_str()) == charter_id(task));
        let t = t.expect("plan task");
        let links: BTreeSet<&str> = task
            .all("PredecessorLink")
            .map(|l| {
                assert_eq!(l.number("Type"), 1, "finish-to-start");
                id_of[&l.number("PredecessorUID")]
            })
            .collect();
        let depends: BTreeSet<&str> = t
            .depends_on
            .iter()
            .map(String::as_str)
            .filter(|d| uid_of.contains_key(d))
            .collect();
        assert_eq!(links, depends, "{}", t.id);
    }

    // Resources: the people (or the roles), at hourly rates.
    let resources: Vec<&Node> = project.child("Resources").all("Resource").collect();
    let resource_uids: HashSet<u32> = resources.iter().map(|r| r.number("UID")).collect();
    assert_eq!(resource_uids.len(), resources.len(), "resource UIDs unique");
    let names: Vec<&str> = resources.iter().map(|r| r.value("Name")).collect();
    for r in &resources {
        assert_eq!(r.number("Type"), 1, "work resources");
        assert_eq!(r.number("StandardRateFormat"), 2, "per hour");
    }
    if plan.team.is_empty() {
        let roles: Vec<&str> = plan.resources.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, roles);
        for (r, line) in resources.iter().zip(&plan.resources) {
            let max: f64 = r.value("MaxUnits").parse().expect("units");
            assert_eq!(max, f64::from(line.headcount));
            let rate: f64 = r.value("StandardRate").parse().expect("rate");
            assert!((rate - line.monthly_rate * 12.0 / 52.0 / 40.0).abs() < 0.01);
        }
    } else {
        let people: Vec<&str> = plan.team.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, people);
        for (r, person) in resources.iter().zip(&plan.team) {
            let notes = r.value("Notes");
            for role in &person.roles {
                let name = plan.resources.iter().find(|l| &l.id == role).expect("role");
                assert!(notes.contains(&name.name), "{notes} names {}", name.name);
            }
        }
    }

    // Assignments: each task's people, or its role for `units`, with their work.
    let resource_name: HashMap<u32, &str> = resources
        .iter()
        .map(|r| (r.number("UID"), r.value("Name")))
        .collect();
    let assignments: Vec<&Node> = project.child("Assignments").all("Assignment").collect();
    let mut on: HashMap<u32, Vec<(&str, u32, u32)>> = HashMap::new();
    for a in &assignments {
        let task = a.number("TaskUID");
        assert!(uids.contains(&task), "assignment to a task");
        let resource = *resource_name
            .get(&a.number("ResourceUID"))
            .expect("assignment of a resource");
        let work = hours(a.value("Work"));
        on.entry(task)
            .or_default()
            .push((resource, a.number("Units"), work));
    }
    for t in &plan.tasks {
        let mine = on.remove(&uid_of[t.id.as_str()]).unwrap_or_default();
        let expected: Vec<(&str, u32, u32)> = if plan.team.is_empty() {
            let role = plan
                .resources
                .iter()
                .find(|r| r.id == t.role)
                .expect("role");
            vec![(role.name.as_str(), t.units, t.weeks * 40 * t.units)]
        } else {
            t.people
                .iter()
                .map(|n| (n.as_str(), 1, t.weeks * 40))
                .collect()
        };
        assert_eq!(mine, expected, "{}", t.id);
        let task = tasks
            .iter()
            .find(|n| charter_id(n) == Some(&t.id))
            .expect("task");
        let total: u32 = expected.iter().map(|(_, _, w)| w).sum();
        assert_eq!(hours(task.value("Work")), total, "{}", t.id);
    }
    assert!(on.is_empty(), "assignments only to tasks");
}

#[tokio::test]
async fn the_ms_project_export_reads_back_as_the_plan_in_schema_order() {
    let p = offline_program().await;
    assert!(
        !p.plan.team.is_empty(),
        "the sample is levelled person by person"
    );
    assert!(p.plan.tasks.iter().any(|t| !t.depends_on.is_empty()));
    let xml = render(&p, ExportFormat::MsProject);
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\""),
        "{xml}"
    );
    check_mspdi(&p, &xml);

    let by_role = by_role(&p);
    check_mspdi(&by_role, &render(&by_role, ExportFormat::MsProject));
}

#[tokio::test]
async fn the_ms_project_export_escapes_what_it_is_given() {
    let mut p = offline_program().await;
    p.initiative.name = AWKWARD.into();
    p.plan.tasks[0].name = AWKWARD.into();
    p.plan.workstreams[0].description = AWKWARD.into();
    let xml = render(&p, ExportFormat::MsProject);
    let project = parse(&xml);
    let flat = "Fit-out <kitchen> & \"bar\", 'café'; \\ 老虎 second line";
    assert_eq!(
        project.value("Name"),
        flat,
        "one line, no control characters"
    );
    let tasks = project.child("Tasks");
    let task = tasks
        .all("Task")
        .find(|t| charter_id(t) == Some(&p.plan.tasks[0].id))
        .expect("task");
    assert_eq!(task.value("Name"), flat);
    let summary = tasks.all("Task").nth(1).expect("workstream");
    assert!(
        summary
            .value("Notes")
            .starts_with("Fit-out <kitchen> & \"bar\", 'café'; \\ 老虎 \nsecond line\n"),
        "line breaks kept in notes: {:?}",
        summary.value("Notes")
    );
    // Otherwise the document reads back as the plan with those names.
    p.initiative.name = flat.into();
    p.plan.tasks[0].name = flat.into();
    check_mspdi(&p, &xml);
}
