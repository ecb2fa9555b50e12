//! Error codes: the operations' own, and the wire union of those with the engine's, so that
//! each code names one failure whichever crate reports it.

use serde::{Deserialize, Serialize};

/// The operations' own error codes, for failures the engine has no word for. A meaning the
/// engine already names (`not_found`, `invalid_input`, `storage`, `corrupt`, `cancelled`…)
/// uses the engine's [`jobs::ErrorCode`] instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case", rename = "OperationErrorCode")]
pub enum ErrorCode {
    /// The model server refused the API key.
    Unauthorized,
    /// The model server cannot be reached.
    Unreachable,
    /// The model server sent nothing for too long.
    Timeout,
    /// The model server kept rate-limiting.
    RateLimited,
    /// The model server kept failing (HTTP 5xx).
    ServerError,
    /// The model server rejected the request.
    Rejected,
    /// The model server does not speak the chat-completions protocol.
    Protocol,
    /// The model's answer failed its checks, even after a repair.
    InvalidAnswer,
    /// The provider is not set up correctly.
    ProviderConfig,
    /// The offline knowledge has nothing on the question.
    NoKnowledge,
    /// The offline engine failed (a defect in its data).
    OfflineEngine,
    /// The search endpoint failed.
    Search,
    /// The search endpoint is not set up correctly.
    SearchConfig,
    /// The plan cannot be computed.
    Plan,
    /// A note or file is over the size limit.
    TooLarge,
    /// A file is not text.
    NotText,
    /// A file is not a plain-text or Markdown file.
    UnsupportedType,
    /// A file cannot be read.
    Unreadable,
    /// The job has no result (it has not completed).
    NoResult,
    /// A result could not be written out.
    Export,
}

impl ErrorCode {
    /// Every code, for exhaustive checks.
    pub const ALL: [ErrorCode; 20] = [
        ErrorCode::Unauthorized,
        ErrorCode::Unreachable,
        ErrorCode::Timeout,
        ErrorCode::RateLimited,
        ErrorCode::ServerError,
        ErrorCode::Rejected,
        ErrorCode::Protocol,
        ErrorCode::InvalidAnswer,
        ErrorCode::ProviderConfig,
        ErrorCode::NoKnowledge,
        ErrorCode::OfflineEngine,
        ErrorCode::Search,
        ErrorCode::SearchConfig,
        ErrorCode::Plan,
        ErrorCode::TooLarge,
        ErrorCode::NotText,
        ErrorCode::UnsupportedType,
        ErrorCode::Unreadable,
        ErrorCode::NoResult,
        ErrorCode::Export,
    ];

    /// The code as it appears on the wire and in stored job errors.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Unreachable => "unreachable",
            ErrorCode::Timeout => "timeout",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::ServerError => "server_error",
            ErrorCode::Rejected => "rejected",
            ErrorCode::Protocol => "protocol",
            ErrorCode::InvalidAnswer => "invalid_answer",
            ErrorCode::ProviderConfig => "provider_config",
            ErrorCode::NoKnowledge => "no_knowledge",
            ErrorCode::OfflineEngine => "offline_engine",
            ErrorCode::Search => "search",
            ErrorCode::SearchConfig => "search_config",
            ErrorCode::Plan => "plan",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::NotText => "not_text",
            ErrorCode::UnsupportedType => "unsupported_type",
            ErrorCode::Unreadable => "unreadable",
            ErrorCode::NoResult => "no_result",
            ErrorCode::Export => "export",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<ErrorCode> for String {
    fn from(code: ErrorCode) -> String {
        code.as_str().to_owned()
    }
}

/// An error code on the wire: the engine's or the operations' own (the two sets are
/// disjoint, so the string alone says which). Serialises as the bare code string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(untagged, rename = "StrategyErrorCode")]
pub enum Code {
    /// A code of the job engine.
    Engine(jobs::ErrorCode),
    /// A code of the operations.
    Operation(ErrorCode),
}

impl Code {
    /// The code as it appears on the wire and in stored job errors.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Engine(code) => code.as_str(),
            Code::Operation(code) => code.as_str(),
        }
    }
}

impl From<jobs::ErrorCode> for Code {
    fn from(code: jobs::ErrorCode) -> Code {
        Code::Engine(code)
    }
}

impl From<ErrorCode> for Code {
    fn from(code: ErrorCode) -> Code {
        Code::Operation(code)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Code> for String {
    fn from(code: Code) -> String {
        code.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::{Code, ErrorCode};

    #[test]
    fn codes_serialize_as_their_wire_names_and_read_back() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            let wire = serde_json::to_value(code).expect("a code serializes");
            assert_eq!(wire, serde_json::Value::from(code.as_str()));
            assert!(seen.insert(code.as_str()), "{code} is listed twice");
            let back: Code = serde_json::from_value(wire).expect("a code reads back");
            assert_eq!(back, Code::Operation(code));
        }
        for code in jobs::ErrorCode::ALL {
            let wire = serde_json::to_value(Code::from(code)).expect("a code serializes");
            assert_eq!(wire, serde_json::Value::from(code.as_str()));
            let back: Code = serde_json::from_value(wire).expect("a code reads back");
            assert_eq!(back, Code::Engine(code));
        }
    }

    #[test]
    fn no_code_means_two_things() {
        let engine: HashSet<&str> = jobs::ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        let shared: Vec<&str> = ErrorCode::ALL
            .iter()
            .map(|c| c.as_str())
            .filter(|c| engine.contains(c))
            .collect();
        assert!(
            shared.is_empty(),
            "codes in both the engine's and the operations' set: {shared:?}; use the engine's"
        );
    }
}
