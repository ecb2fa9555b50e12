//! Search backends for web research (the offline knowledge base and a SearXNG-compatible
//! JSON endpoint) and a bounded page fetcher.

use std::time::Duration;

use futures::StreamExt;
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::documents::Document;
use crate::playbook::Playbook;
use crate::rank::{Ranked, rank_texts};

/// Which search backend a research job uses; stored in its input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SearchChoice {
    /// The built-in knowledge base and the initiative's own notes and documents.
    #[default]
    Offline,
    /// A SearXNG-compatible JSON endpoint.
    Searxng {
        /// e.g. `http://localhost:8888`.
        base_url: String,
    },
}

impl SearchChoice {
    /// Checks the URL.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            SearchChoice::Offline => Ok(()),
            SearchChoice::Searxng { base_url } => {
                let url = reqwest::Url::parse(base_url)
                    .map_err(|e| format!("the search URL “{base_url}” is not a URL: {e}"))?;
                if url.scheme() == "http" || url.scheme() == "https" {
                    Ok(())
                } else {
                    Err("the search URL must start with http:// or https://".to_owned())
                }
            }
        }
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Hit {
    /// Stable id within the backend (a URL, a fact id, a document chunk id).
    pub key: String,
    /// Title.
    pub title: String,
    /// Web address, for web results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `web`, `knowledge_base` or `document`.
    pub kind: String,
    /// Snippet (web) or the whole passage (offline).
    pub text: String,
}

/// Why a search failed (the whole search, not one page).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    /// No connection, or a timeout.
    #[error("cannot reach the search endpoint {url}: {reason}")]
    Unreachable {
        /// Where.
        url: String,
        /// Why.
        reason: String,
    },
    /// An HTTP error status.
    #[error("the search endpoint answered HTTP {status}{hint}")]
    Http {
        /// Status.
        status: u16,
        /// What to do about it.
        hint: String,
    },
    /// Not SearXNG's JSON.
    #[error("the search endpoint's answer is not SearXNG JSON: {0}")]
    Protocol(String),
    /// Cancelled.
    #[error("cancelled")]
    Cancelled,
}

/// Something that answers queries with hits.
pub trait SearchBackend: Send + Sync {
    /// Label for the report, e.g. "offline knowledge base".
    fn label(&self) -> String;
    /// The base URL of a remote search service (none for local search).
    fn endpoint(&self) -> Option<&str> {
        None
    }
    /// Up to `limit` hits for `query`, best first.
    fn search<'a>(
        &'a self,
        query: &'a str,
        limit: usize,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<Vec<Hit>, SearchError>>;
}

/// The offline knowledge base: every playbook's facts plus the initiative's documents,
/// cut into passages, ranked with BM25.
pub struct OfflineKnowledge {
    passages: Vec<Hit>,
    texts: Vec<String>,
}

/// Weight of the user's own documents against built-in facts.
const DOCUMENT_BOOST: f64 = 1.5;

/// Longest passage a document is cut into (characters).
const PASSAGE_CHARS: usize = 900;

impl OfflineKnowledge {
    /// The knowledge base for an initiative's documents, its own playbook's facts first.
    pub fn new(playbooks: &[Playbook], first: &str, documents: &[Document]) -> OfflineKnowledge {
        let mut passages = Vec::new();
        let ordered = playbooks
            .iter()
            .filter(|p| p.id == first)
            .chain(playbooks.iter().filter(|p| p.id != first));
        for p in ordered {
            for f in &p.facts {
                passages.push(Hit {
                    key: f.id.clone(),
                    title: format!("{} ({})", f.source, f.topic),
                    url: None,
                    kind: "knowledge_base".to_owned(),
                    text: f.text.clone(),
                });
            }
        }
        for d in documents {
            for (n, chunk) in passages_of(&d.content).into_iter().enumerate() {
                passages.push(Hit {
                    key: format!("{}#{}", d.id, n + 1),
                    title: format!("{} (part {})", d.title, n + 1),
                    url: None,
                    kind: "document".to_owned(),
                    text: chunk,
                });
            }
        }
        let texts = passages
            .iter()
            .map(|h| format!("{} {}", h.title, h.text))
            .collect();
        OfflineKnowledge { passages, texts }
    }

    /// Passages indexed.
    pub fn len(&self) -> usize {
        self.passages.len()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.passages.is_empty()
    }
}

/// Paragraphs merged up to [`PASSAGE_CHARS`].
fn passages_of(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let paragraph = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
        if !current.is_empty() && current.len() + paragraph.len() > PASSAGE_CHARS {
            out.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(&paragraph);
        while current.len() > PASSAGE_CHARS * 2 {
            let cut = current
                .char_indices()
                .map(|(i, _)| i)
                .take_while(|&i| i <= PASSAGE_CHARS)
                .last()
                .unwrap_or(0);
            let rest = current.split_off(cut.max(1));
            out.push(std::mem::replace(&mut current, rest));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

impl SearchBackend for OfflineKnowledge {
    fn label(&self) -> String {
        "offline knowledge base (playbook facts and your notes)".to_owned()
    }

    fn search<'a>(
        &'a self,
        query: &'a str,
        limit: usize,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<Vec<Hit>, SearchError>> {
        Box::pin(async move {
            if cancel.is_cancelled() {
                return Err(SearchError::Cancelled);
            }
            // The user's own notes count for more than general knowledge.
            let mut ranked: Vec<Ranked> = rank_texts(query, &self.texts)
                .into_iter()
                .map(|r| {
                    let boost = if self.passages[r.index].kind == "document" {
                        DOCUMENT_BOOST
                    } else {
                        1.0
                    };
                    Ranked {
                        score: r.score * boost,
                        ..r
                    }
                })
                .collect();
            ranked.sort_by(Ranked::best_first);
            Ok(ranked
                .into_iter()
                .take(limit)
                .map(|r| self.passages[r.index].clone())
                .collect())
        })
    }
}

/// A SearXNG-compatible endpoint (`/search?q=…&format=json`).
pub struct Searxng {
    client: reqwest::Client,
    base_url: String,
}

#[derive(Deserialize)]
struct SearxngAnswer {
    results: Vec<SearxngResult>,
}

#[derive(Deserialize)]
struct SearxngResult {
    url: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    content: String,
}

impl Searxng {
    /// A client for `base_url` that gives up after `timeout`.
    pub fn new(base_url: &str, timeout: Duration) -> Result<Searxng, SearchError> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| SearchError::Protocol(e.to_string()))?;
        Ok(Searxng {
            client,
            base_url: base_url.trim_end_matches('/').to_owned(),
        })
    }
}

impl SearchBackend for Searxng {
    fn label(&self) -> String {
        format!("SearXNG at {}", self.base_url)
    }

    fn endpoint(&self) -> Option<&str> {
        Some(&self.base_url)
    }

    fn search<'a>(
        &'a self,
        query: &'a str,
        limit: usize,
        cancel: &'a CancellationToken,
    ) -> BoxFuture<'a, Result<Vec<Hit>, SearchError>> {
        Box::pin(async move {
            let url = format!("{}/search", self.base_url);
            let request = self
                .client
                .get(&url)
                .query(&[("q", query), ("format", "json")])
                .send();
            let unreachable = |e: reqwest::Error| SearchError::Unreachable {
                url: url.clone(),
                reason: e.to_string(),
            };
            let response = tokio::select! {
                _ = cancel.cancelled() => return Err(SearchError::Cancelled),
                r = request => r.map_err(unreachable)?,
            };
            let status = response.status();
            if !status.is_success() {
                let hint = if status.as_u16() == 403 {
                    " (is the json format enabled in SearXNG's settings.yml, search.formats?)"
                } else {
                    ""
                };
                return Err(SearchError::Http {
                    status: status.as_u16(),
                    hint: hint.to_owned(),
                });
            }
            let body = tokio::select! {
                _ = cancel.cancelled() => return Err(SearchError::Cancelled),
                b = response.bytes() => b.map_err(unreachable)?,
            };
            let answer: SearxngAnswer =
                serde_json::from_slice(&body).map_err(|e| SearchError::Protocol(e.to_string()))?;
            Ok(answer
                .results
                .into_iter()
                .filter(|r| r.url.starts_with("http://") || r.url.starts_with("https://"))
                .take(limit)
                .map(|r| Hit {
                    key: r.url.clone(),
                    title: if r.title.trim().is_empty() {
                        r.url.clone()
                    } else {
                        r.title
                    },
                    url: Some(r.url),
                    kind: "web".to_owned(),
                    text: r.content,
                })
                .collect())
        })
    }
}

/// Time and size limits of one page fetch.
#[derive(Debug, Clone, Copy)]
pub struct FetchLimits {
    /// Whole fetch, headers to last byte.
    pub timeout: Duration,
    /// Bytes read at most; the rest of a larger page is left unread.
    pub max_bytes: usize,
}

impl Default for FetchLimits {
    fn default() -> Self {
        FetchLimits {
            timeout: Duration::from_secs(10),
            max_bytes: 2 * 1024 * 1024,
        }
    }
}

/// A fetched page as readable text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The page's text (HTML converted).
    pub text: String,
    /// Bytes read.
    pub bytes: usize,
    /// The page was larger than the limit and was cut.
    pub truncated: bool,
}

/// Fetches a page within `limits` and turns it into readable text; `Err` says why it was
/// skipped (a status, a timeout, not a web page, no text).
pub async fn fetch_page(
    client: &reqwest::Client,
    url: &str,
    limits: FetchLimits,
    cancel: &CancellationToken,
) -> Result<Page, String> {
    let work = async {
        let response = client.get(url).send().await.map_err(|e| describe(&e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("HTTP {}", status.as_u16()));
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("text/html")
            .to_ascii_lowercase();
        let is_html = content_type.contains("html");
        if !is_html && !content_type.starts_with("text/") {
            return Err(format!("not a web page ({content_type})"));
        }
        let mut body = Vec::new();
        let mut truncated = false;
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| describe(&e))?;
            let room = limits.max_bytes - body.len();
            if chunk.len() >= room {
                // Stop reading here: the rest of the page is never downloaded.
                body.extend_from_slice(&chunk[..room]);
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        let bytes = body.len();
        let text = if is_html {
            html2text::config::plain_no_decorate()
                .string_from_read(&body[..], 10_000)
                .map_err(|e| format!("unreadable HTML: {e}"))?
        } else {
            String::from_utf8_lossy(&body).into_owned()
        };
        // One block per line, without the Markdown-like markers of headings and bullets,
        // so that sentences never run across a heading.
        let text = text
            .lines()
            .map(|line| {
                line.trim()
                    .trim_start_matches(['#', '*', '-', '>'])
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if text.len() < 40 {
            return Err("no readable text".to_owned());
        }
        Ok(Page {
            text,
            bytes,
            truncated,
        })
    };
    tokio::select! {
        _ = cancel.cancelled() => Err("cancelled".to_owned()),
        r = tokio::time::timeout(limits.timeout, work) => match r {
            Ok(page) => page,
            Err(_) => Err(format!("took longer than {} s", limits.timeout.as_secs_f64())),
        },
    }
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            text.push_str(": ");
            text.push_str(&s.to_string());
            source = s.source();
        }
        text
    }
}
