//! Exports of operation results: Markdown for people (one module per result), JSON for
//! tools, and a program's plan for other tools (MS Project XML, CSV for issue trackers,
//! iCalendar); the format, file names and the Markdown helpers every export shares.

mod calendar;
mod canvas;
mod mspdi;
mod program;
mod research;
mod tracker;
mod whys;

use std::fmt::Write as _;
use std::io;

use serde::{Deserialize, Serialize};

use crate::code::{Code, ErrorCode};
use crate::operation::OperationResult;
use crate::plan::thousands;
use crate::program::Program;
use crate::provider::Source;

/// A format a result can be exported in; serialises as `markdown`, `json`, `ms_project`,
/// `csv` or `ical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// A readable document.
    Markdown,
    /// The stored result, pretty-printed.
    Json,
    /// A program's plan as Microsoft Project XML (MSPDI): tasks, links, resources, assignments.
    MsProject,
    /// A program's tasks, one row each, for importing into an issue tracker.
    Csv,
    /// A program's stage gates and end as all-day calendar events.
    Ical,
}

impl ExportFormat {
    /// Every format, in the order a menu lists them.
    pub const ALL: [ExportFormat; 5] = [
        ExportFormat::Markdown,
        ExportFormat::Json,
        ExportFormat::MsProject,
        ExportFormat::Csv,
        ExportFormat::Ical,
    ];

    /// File extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Markdown => "md",
            ExportFormat::Json => "json",
            ExportFormat::MsProject => "xml",
            ExportFormat::Csv => "csv",
            ExportFormat::Ical => "ics",
        }
    }

    /// Name of the file type, for a save dialog's filter.
    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Markdown => "Markdown",
            ExportFormat::Json => "JSON",
            ExportFormat::MsProject => "MS Project XML",
            ExportFormat::Csv => "CSV for issue trackers",
            ExportFormat::Ical => "iCalendar",
        }
    }

    /// Only a program can be exported in this format (it carries a plan).
    pub fn program_only(self) -> bool {
        matches!(
            self,
            ExportFormat::MsProject | ExportFormat::Csv | ExportFormat::Ical
        )
    }
}

/// The JSON export's field holding the run's model calls and their totals.
pub const MODEL_USAGE: &str = "model_usage";

/// Why a result could not be exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Serialising to JSON failed.
    #[error("the result could not be written as JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// The format holds a plan, and the result is not a program.
    #[error("only a program can be exported as {format}")]
    NotAProgram {
        /// The format's label.
        format: &'static str,
    },
    /// Writing the program in a plan format failed.
    #[error("the program could not be written as {format}: {source}")]
    Write {
        /// The format's label.
        format: &'static str,
        /// What failed.
        #[source]
        source: io::Error,
    },
}

impl ExportError {
    /// Stable machine-readable code.
    pub fn code(&self) -> Code {
        match self {
            ExportError::Json(_) | ExportError::Write { .. } => ErrorCode::Export.into(),
            ExportError::NotAProgram { .. } => jobs::ErrorCode::InvalidInput.into(),
        }
    }
}

/// An exported result, ready to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// The job's title.
    pub title: String,
    /// A file name for it (see [`file_name`]).
    pub file_name: String,
    /// The document.
    pub text: String,
}

/// A result in `format`: a Markdown document (`title`, the job's title, is its heading; a
/// program is headed by its initiative's name), the stored JSON pretty-printed with the
/// run's model calls under `model_usage` (tokens and cost per call, per step and in total),
/// or a program's adopted plan as MS Project XML, CSV or iCalendar
/// ([`ExportError::NotAProgram`] for any other result).
pub fn render(
    result: &OperationResult,
    title: &str,
    format: ExportFormat,
    usage: &jobs::JobUsage,
) -> Result<String, ExportError> {
    match format {
        ExportFormat::Json => {
            let mut value = result.to_json_value().map_err(ExportError::Json)?;
            if let serde_json::Value::Object(fields) = &mut value {
                let usage = serde_json::to_value(usage).map_err(ExportError::Json)?;
                fields.insert(MODEL_USAGE.to_owned(), usage);
            }
            serde_json::to_string_pretty(&value).map_err(ExportError::Json)
        }
        ExportFormat::Markdown => Ok(match result {
            OperationResult::Program(p) => program::to_markdown(p),
            OperationResult::Canvas(c) => canvas::to_markdown(c, title),
            OperationResult::FiveWhys(w) => whys::to_markdown(w, title),
            OperationResult::Research(r) => research::to_markdown(r, title),
        }),
        ExportFormat::MsProject => plan_export(result, format, mspdi::to_mspdi),
        ExportFormat::Csv => plan_export(result, format, tracker::to_csv),
        ExportFormat::Ical => {
            plan_export(result, format, |p| calendar::to_ics(p, chrono::Utc::now()))
        }
    }
}

/// A program written by `write`; any other result is refused.
fn plan_export(
    result: &OperationResult,
    format: ExportFormat,
    write: impl FnOnce(&Program) -> io::Result<String>,
) -> Result<String, ExportError> {
    match result {
        OperationResult::Program(p) => write(p).map_err(|source| ExportError::Write {
            format: format.label(),
            source,
        }),
        _ => Err(ExportError::NotAProgram {
            format: format.label(),
        }),
    }
}

/// A file name for an export of the job titled `title`: the title in lower case with
/// every run of other characters made one dash (at most 80 characters), then the
/// format's extension; `export` when nothing of the title is left.
pub fn file_name(title: &str, format: ExportFormat) -> String {
    let mut stem = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            stem.push(c);
        } else if !stem.is_empty() && !stem.ends_with('-') {
            stem.push('-');
        }
        if stem.chars().count() >= 80 {
            break;
        }
    }
    let stem = stem.trim_end_matches('-');
    let stem = if stem.is_empty() { "export" } else { stem };
    format!("{stem}.{}", format.extension())
}

/// Text from the user, a model or a web page, made safe to place inline (in a sentence, a
/// heading or a table cell): line breaks flattened and Markdown's markup characters
/// escaped, so it can neither format nor link anything.
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.trim().chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    // What would start a list or a heading underline at the start of a line.
    if out.starts_with(['-', '+', '=']) {
        out.insert(0, '\\');
    }
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && out[digits..].starts_with(['.', ')']) {
        out.insert(digits, '\\');
    }
    out
}

/// A web address as an autolink when it is a plain http(s) address, else as escaped text.
fn address(url: &str) -> String {
    let url = url.trim();
    let plain = (url.starts_with("https://") || url.starts_with("http://"))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>');
    if plain {
        format!("<{url}>")
    } else {
        inline(url)
    }
}

/// Who made a result, in a sentence.
fn made_by(source: &Source) -> String {
    let mut line = format!("Made by {}", inline(&source.label));
    if let Some(model) = &source.model {
        let _ = write!(line, " (model {})", inline(model));
    }
    line.push('.');
    line
}

/// An amount with thousands separators and its currency code.
fn money(amount: f64, currency: &str) -> String {
    format!("{} {}", thousands(amount), inline(currency))
}
