//! Notes and text documents attached to an initiative, read by offline research.

use std::path::Path;

use jobs::ErrorCode as EngineCode;
use serde::{Deserialize, Serialize};

use crate::code::{Code, ErrorCode};

/// Largest note or file accepted (1 MiB of text).
pub const MAX_DOCUMENT_BYTES: u64 = 1024 * 1024;

/// File extensions accepted as attachments.
pub const TEXT_EXTENSIONS: [&str; 4] = ["txt", "md", "markdown", "text"];

/// A stored note or document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Document {
    /// UUIDv7.
    pub id: String,
    /// Initiative it belongs to.
    pub initiative_id: String,
    /// `note` (typed in) or `file` (attached).
    pub kind: String,
    /// Title or file name.
    pub title: String,
    /// The text.
    pub content: String,
    /// Size of the text in bytes.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub bytes: u64,
    /// Unix ms.
    #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
    pub created_at: i64,
}

/// Why an attachment was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum DocumentError {
    /// Over [`MAX_DOCUMENT_BYTES`].
    #[error("“{name}” is {bytes} bytes; attachments are limited to {limit} bytes")]
    TooLarge {
        /// File or note title.
        name: String,
        /// Its size.
        #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
        bytes: u64,
        /// The limit.
        #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
        limit: u64,
    },
    /// Binary or not UTF-8.
    #[error("“{name}” is not a text file (binary content or an encoding other than UTF-8)")]
    NotText {
        /// File name.
        name: String,
    },
    /// Not a `.txt` or `.md` file.
    #[error("“{name}” is not a plain-text or Markdown file (.txt, .md)")]
    UnsupportedType {
        /// File name.
        name: String,
    },
    /// Empty title or text.
    #[error("{0}")]
    Empty(String),
    /// The file could not be read.
    #[error("cannot read “{name}”: {reason}")]
    Unreadable {
        /// File path.
        name: String,
        /// Why.
        reason: String,
    },
}

impl DocumentError {
    /// Stable machine-readable code.
    pub fn code(&self) -> Code {
        match self {
            DocumentError::TooLarge { .. } => ErrorCode::TooLarge.into(),
            DocumentError::NotText { .. } => ErrorCode::NotText.into(),
            DocumentError::UnsupportedType { .. } => ErrorCode::UnsupportedType.into(),
            DocumentError::Empty(_) => EngineCode::InvalidInput.into(),
            DocumentError::Unreadable { .. } => ErrorCode::Unreadable.into(),
        }
    }
}

/// A file read as an attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file's name.
    pub name: String,
    /// Its text.
    pub text: String,
}

/// Reads a `.txt`/`.md` file as an attachment: its name and text, checked for size and content.
pub fn read_attachment(path: &Path) -> Result<Attachment, DocumentError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if !TEXT_EXTENSIONS.contains(&extension.as_str()) {
        return Err(DocumentError::UnsupportedType { name });
    }
    let unreadable = |e: std::io::Error| DocumentError::Unreadable {
        name: path.display().to_string(),
        reason: e.to_string(),
    };
    let bytes = std::fs::metadata(path).map_err(unreadable)?.len();
    if bytes > MAX_DOCUMENT_BYTES {
        return Err(DocumentError::TooLarge {
            name,
            bytes,
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    let raw = std::fs::read(path).map_err(unreadable)?;
    let text = check_text(&name, raw)?;
    Ok(Attachment { name, text })
}

/// Checks a note or file body: within the size limit, UTF-8, no NUL bytes, not blank.
pub fn check_text(name: &str, raw: Vec<u8>) -> Result<String, DocumentError> {
    let bytes = raw.len() as u64;
    if bytes > MAX_DOCUMENT_BYTES {
        return Err(DocumentError::TooLarge {
            name: name.to_owned(),
            bytes,
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    if raw.contains(&0) {
        return Err(DocumentError::NotText {
            name: name.to_owned(),
        });
    }
    let text = String::from_utf8(raw).map_err(|_| DocumentError::NotText {
        name: name.to_owned(),
    })?;
    if text.trim().is_empty() {
        return Err(DocumentError::Empty(format!("“{name}” has no text")));
    }
    Ok(text)
}
