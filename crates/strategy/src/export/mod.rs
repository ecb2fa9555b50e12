//! Exports of operation results: Markdown for people (one module per result), JSON for
//! tools; the format, file names and the Markdown helpers every export shares.

mod canvas;
mod program;
mod research;
mod whys;

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::code::{Code, ErrorCode};
use crate::operation::OperationResult;
use crate::plan::thousands;
use crate::provider::Source;

/// A format a result can be exported in; serialises as `markdown` or `json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// A readable document.
    Markdown,
    /// The stored result, pretty-printed.
    Json,
}

impl ExportFormat {
    /// File extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Markdown => "md",
            ExportFormat::Json => "json",
        }
    }

    /// Name of the file type, for a save dialog's filter.
    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Markdown => "Markdown",
            ExportFormat::Json => "JSON",
        }
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
}

impl ExportError {
    /// Stable machine-readable code.
    pub fn code(&self) -> Code {
        match self {
            ExportError::Json(_) => ErrorCode::Export.into(),
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
/// program is headed by its initiative's name), or the stored JSON pretty-printed with the
/// run's model calls under `model_usage` (tokens and cost per call, per step and in total).
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
