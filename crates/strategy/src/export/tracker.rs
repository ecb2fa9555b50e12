//! The program's tasks as CSV for issue trackers (Jira, GitHub, Linear…): a header row,
//! then one row per task in plan order, quoted as RFC 4180 has it (CRLF line ends).

use std::io;

use crate::program::Program;

/// The header row.
const COLUMNS: [&str; 11] = [
    "ID",
    "Summary",
    "Workstream",
    "Role",
    "Assignees",
    "Priority",
    "Start date",
    "Due date",
    "Weeks",
    "Depends on",
    "Critical",
];

/// What separates several assignees or dependencies in one cell.
const LIST_SEPARATOR: &str = "; ";

/// The program's tasks, one row each.
pub(super) fn to_csv(p: &Program) -> io::Result<String> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    out.write_record(COLUMNS)?;
    for t in &p.plan.tasks {
        let workstream = p.plan.workstream_name(&t.workstream);
        let role = p.plan.role_name(&t.role);
        out.write_record([
            cell(&t.id),
            cell(&t.name),
            cell(workstream),
            cell(role),
            cell(&t.people.join(LIST_SEPARATOR)),
            t.priority.label().to_owned(),
            t.start_date.to_string(),
            t.finish_date.to_string(),
            t.weeks.to_string(),
            cell(&t.depends_on.join(LIST_SEPARATOR)),
            if t.critical { "yes" } else { "no" }.to_owned(),
        ])?;
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Text from the user or a model, kept from being read as a formula by a spreadsheet the
/// file is opened in: a leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'` first.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}
