//! Content providers: one trait, an offline engine and an OpenAI-compatible HTTP client.

mod http;
mod meter;
mod offline;
mod offline_research;
mod prompt;
mod slowed;
mod usage;
mod wire;

use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::artefact::{Artefact, ArtefactKind, Context};
use crate::code::{Code, ErrorCode};
use crate::initiative::Initiative;

pub use http::{Completion, HttpProvider, HttpSettings};
pub use meter::{SharedSpending, Spending, ask_in_job, job_usage};
pub use offline::{OFFLINE_LABEL, OfflineProvider, OfflineScale};
pub use slowed::Slowed;
pub use usage::{Price, Prices, Usage, UsageLog, estimate_tokens};

/// Where a program's content came from, shown with every result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Source {
    /// `offline` or `model`.
    pub engine: String,
    /// Human label, e.g. "Charter offline engine (playbook: SaaS)".
    pub label: String,
    /// Model name, for a model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Server, for a model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
}

impl Source {
    /// A source that is no model on a server (the built-in engine, a test double).
    pub fn local(engine: &str, label: &str) -> Source {
        Source {
            engine: engine.to_owned(),
            label: label.to_owned(),
            model: None,
            base_url: None,
        }
    }
}

/// Which provider a job uses; stored in the job's input (never with a key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ProviderChoice {
    /// The built-in deterministic engine.
    #[default]
    Offline,
    /// A server speaking `/v1/chat/completions`.
    OpenaiCompatible {
        /// e.g. `http://localhost:11434/v1` or `https://api.openai.com/v1`.
        base_url: String,
        /// Model name.
        model: String,
    },
}

impl ProviderChoice {
    /// Checks the URL and model name.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            ProviderChoice::Offline => Ok(()),
            ProviderChoice::OpenaiCompatible { base_url, model } => {
                let url = reqwest::Url::parse(base_url)
                    .map_err(|e| format!("the provider URL “{base_url}” is not a URL: {e}"))?;
                if url.scheme() != "http" && url.scheme() != "https" {
                    return Err(format!(
                        "the provider URL must start with http:// or https://, not {}://",
                        url.scheme()
                    ));
                }
                if model.trim().is_empty() {
                    return Err("name the model to use".to_owned());
                }
                Ok(())
            }
        }
    }
}

/// How a provider's answer is coming along, for progress messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Activity {
    /// Request sent, waiting for the first byte.
    Waiting {
        /// 1 for the first request.
        attempt: u32,
    },
    /// Streaming: this many characters so far.
    Receiving {
        /// Characters of content so far.
        chars: usize,
    },
    /// Waiting before trying again (429 or 5xx).
    Backoff {
        /// How long.
        delay: Duration,
        /// HTTP status that caused it.
        status: u16,
    },
    /// The answer failed its checks; asking the model to repair it.
    Repairing,
    /// A model call ended (answered, or cut off) having used this much.
    Used(Usage),
}

/// How much of an answer has arrived, in words a user reads ("the model is writing — about
/// 40 words so far"); characters mean nothing to them, words roughly do.
pub fn writing_words(chars: usize) -> String {
    let words = chars.div_ceil(6);
    if words < 10 {
        "the model is writing".to_owned()
    } else {
        format!(
            "the model is writing — about {} words so far",
            words / 10 * 10
        )
    }
}

/// What a provider call reports through and is stopped by.
#[derive(Clone)]
pub struct Io {
    /// Cancelled: abort at once.
    pub cancel: CancellationToken,
    /// Progress callback.
    pub activity: Arc<dyn Fn(Activity) + Send + Sync>,
}

impl Io {
    /// An `Io` that ignores progress.
    pub fn quiet(cancel: CancellationToken) -> Io {
        Io {
            cancel,
            activity: Arc::new(|_| {}),
        }
    }

    /// This `Io`, also handing each call's [`Activity::Used`] to `used`.
    pub fn on_used(&self, used: impl Fn(&Usage) + Send + Sync + 'static) -> Io {
        let report = self.activity.clone();
        Io {
            cancel: self.cancel.clone(),
            activity: Arc::new(move |activity| {
                if let Activity::Used(usage) = &activity {
                    used(usage);
                }
                report(activity);
            }),
        }
    }
}

/// One artefact asked of a provider.
pub struct Request<'a> {
    /// Which artefact.
    pub kind: ArtefactKind,
    /// The idea.
    pub initiative: &'a Initiative,
    /// Earlier artefacts.
    pub context: &'a Context,
    /// Checks an answer; `Err` lists the problems (used to ask a model for a repair).
    pub check: &'a (dyn Fn(&serde_json::Value) -> Result<(), String> + Sync),
}

/// A source of content for the generation steps.
pub trait Provider: Send + Sync {
    /// Where the content comes from.
    fn source(&self) -> Source;

    /// Produces the artefact as JSON that passes `request.check`.
    fn generate<'a>(
        &'a self,
        request: Request<'a>,
        io: &'a Io,
    ) -> BoxFuture<'a, Result<serde_json::Value, ProviderError>>;
}

/// Everything a provider can fail with; each has a code and a message for the user.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ProviderError {
    /// The caller cancelled.
    #[error("cancelled")]
    Cancelled,
    /// 401 or 403.
    #[error("the model server refused the API key (HTTP {status}): {message}")]
    Unauthorized {
        /// 401 or 403.
        status: u16,
        /// The server's explanation.
        message: String,
    },
    /// No connection could be made.
    #[error("cannot reach the model server at {url}: {reason}")]
    Unreachable {
        /// Where.
        url: String,
        /// Why.
        reason: String,
    },
    /// The connection broke while the answer was streaming.
    #[error("the connection to the model server at {url} broke while streaming: {reason}")]
    Disconnected {
        /// Where.
        url: String,
        /// Why.
        reason: String,
    },
    /// Nothing arrived for too long.
    #[error("the model server sent nothing for {seconds} s ({phase})")]
    Timeout {
        /// Seconds waited.
        #[cfg_attr(feature = "specta", specta(type = specta_typescript::Number))]
        seconds: u64,
        /// connecting, waiting for the answer, or streaming.
        phase: String,
    },
    /// Still 429 after every retry, or asked for a longer wait than the client makes.
    #[error("the model server is rate-limiting requests (gave up after {attempts} attempts)")]
    RateLimited {
        /// Requests made.
        attempts: u32,
        /// Seconds the server asked to wait (`Retry-After`), when it said.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "specta", specta(type = Option<specta_typescript::Number>))]
        retry_after: Option<u64>,
    },
    /// 5xx after every retry.
    #[error("the model server failed (HTTP {status}) after {attempts} attempts: {message}")]
    Server {
        /// Last status.
        status: u16,
        /// Requests made.
        attempts: u32,
        /// The server's explanation.
        message: String,
    },
    /// Another HTTP error (a bad model name, a bad request…).
    #[error("the model server rejected the request (HTTP {status}): {message}")]
    Rejected {
        /// Status.
        status: u16,
        /// The server's explanation.
        message: String,
    },
    /// The response does not follow the chat-completions protocol.
    #[error("the model server's response is not a chat completion: {0}")]
    Protocol(String),
    /// The model's answer failed its checks, even after one repair.
    #[error("the model's {artefact} did not have the expected shape: {}", .problems.join("; "))]
    InvalidAnswer {
        /// Which artefact.
        artefact: String,
        /// What was wrong.
        problems: Vec<String>,
    },
    /// The provider is misconfigured.
    #[error("the provider is not set up correctly: {0}")]
    Config(String),
    /// The offline knowledge has nothing on the question.
    #[error("{0}")]
    NoKnowledge(String),
    /// The offline engine failed (a defect in its data).
    #[error("the offline engine failed: {0}")]
    Offline(String),
}

impl ProviderError {
    /// Stable machine-readable code.
    pub fn code(&self) -> Code {
        match self {
            ProviderError::Cancelled => jobs::ErrorCode::Cancelled.into(),
            ProviderError::Unauthorized { .. } => ErrorCode::Unauthorized.into(),
            ProviderError::Unreachable { .. } | ProviderError::Disconnected { .. } => {
                ErrorCode::Unreachable.into()
            }
            ProviderError::Timeout { .. } => ErrorCode::Timeout.into(),
            ProviderError::RateLimited { .. } => ErrorCode::RateLimited.into(),
            ProviderError::Server { .. } => ErrorCode::ServerError.into(),
            ProviderError::Rejected { .. } => ErrorCode::Rejected.into(),
            ProviderError::Protocol(_) => ErrorCode::Protocol.into(),
            ProviderError::InvalidAnswer { .. } => ErrorCode::InvalidAnswer.into(),
            ProviderError::Config(_) => ErrorCode::ProviderConfig.into(),
            ProviderError::NoKnowledge(_) => ErrorCode::NoKnowledge.into(),
            ProviderError::Offline(_) => ErrorCode::OfflineEngine.into(),
        }
    }
}

impl From<ProviderError> for jobs::JobError {
    fn from(e: ProviderError) -> Self {
        job_error(e, None)
    }
}

/// `provider`'s error as the step's error: a wait names the provider's endpoint and, while
/// it is unreachable, has it probed.
pub fn step_error(provider: &dyn Provider, e: ProviderError) -> jobs::JobError {
    job_error(e, provider.source().base_url.as_deref())
}

fn job_error(e: ProviderError, endpoint: Option<&str>) -> jobs::JobError {
    // A cause outside the job (offline, rate limit, server down, refused key) pauses it.
    if let Some(wait) = crate::wait::classify_provider(&e, endpoint, chrono::Utc::now()).wait() {
        return wait.into_job_error();
    }
    match &e {
        ProviderError::Cancelled => jobs::JobError::cancelled(),
        // The same input would find nothing again.
        ProviderError::NoKnowledge(_) => jobs::JobError::new(e.code(), e.to_string()),
        // Worth retrying once the user has fixed a key, a URL or the server.
        other => jobs::JobError::retryable(other.code(), other.to_string()),
    }
}

/// Parses a JSON answer as `T`, naming the path of the first shape error.
pub fn parse_answer<T: Artefact>(value: &serde_json::Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            e.inner().to_string()
        } else {
            format!("{path}: {}", e.inner())
        }
    })
}

/// Asks `provider` for an artefact and returns it typed and checked.
pub async fn ask<T: Artefact>(
    provider: &dyn Provider,
    initiative: &Initiative,
    context: &Context,
    io: &Io,
) -> Result<T, ProviderError> {
    let check = |value: &serde_json::Value| -> Result<(), String> {
        let typed: T = parse_answer(value)?;
        let problems = typed.problems(context);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    };
    let value = provider
        .generate(
            Request {
                kind: T::KIND,
                initiative,
                context,
                check: &check,
            },
            io,
        )
        .await?;
    let invalid = |problems: Vec<String>| ProviderError::InvalidAnswer {
        artefact: T::KIND.as_str().to_owned(),
        problems,
    };
    let typed: T = parse_answer(&value).map_err(|p| invalid(vec![p]))?;
    let problems = typed.problems(context);
    if problems.is_empty() {
        Ok(typed)
    } else {
        Err(invalid(problems))
    }
}

/// Supplies API keys at run time (the OS keyring in the app); keys never enter job input.
pub trait ApiKeys: Send + Sync {
    /// The key for a server, if one is set.
    fn api_key(&self, base_url: &str) -> Option<secrecy::SecretString>;
}

/// No keys at all (local servers such as Ollama need none).
pub struct NoKeys;

impl ApiKeys for NoKeys {
    fn api_key(&self, _base_url: &str) -> Option<secrecy::SecretString> {
        None
    }
}

/// Builds the provider a job asked for.
#[derive(Clone)]
pub struct Providers {
    /// Timeouts and retries of HTTP providers.
    pub http: HttpSettings,
    /// Where keys come from.
    pub keys: Arc<dyn ApiKeys>,
    /// What [`ProviderChoice::Offline`] resolves to: the built-in engine, or a wrapper
    /// around it (tests pace it to stop a job between steps).
    pub offline: Arc<dyn Provider>,
    /// Prices and the per-run spending cap in force.
    pub spending: SharedSpending,
}

impl Default for Providers {
    fn default() -> Self {
        Providers {
            http: HttpSettings::default(),
            keys: Arc::new(NoKeys),
            offline: Arc::new(OfflineProvider),
            spending: SharedSpending::default(),
        }
    }
}

impl Providers {
    /// The provider for a job's `choice`, failing the job (retryably) when it cannot be built.
    pub fn for_job(&self, choice: &ProviderChoice) -> Result<Arc<dyn Provider>, jobs::JobError> {
        self.resolve(choice).map_err(jobs::JobError::from)
    }

    /// The provider for `choice`.
    pub fn resolve(&self, choice: &ProviderChoice) -> Result<Arc<dyn Provider>, ProviderError> {
        choice.validate().map_err(ProviderError::Config)?;
        match choice {
            ProviderChoice::Offline => Ok(self.offline.clone()),
            ProviderChoice::OpenaiCompatible { base_url, model } => {
                let key = self.keys.api_key(base_url);
                Ok(Arc::new(HttpProvider::new(
                    base_url,
                    model,
                    key,
                    self.http.clone(),
                )?))
            }
        }
    }
}

#[cfg(test)]
mod writing_tests {
    #[test]
    fn progress_counts_words_not_characters() {
        assert_eq!(super::writing_words(12), "the model is writing");
        assert_eq!(
            super::writing_words(240),
            "the model is writing — about 40 words so far"
        );
        assert_eq!(
            super::writing_words(1_234),
            "the model is writing — about 200 words so far"
        );
    }
}
