//! A client for OpenAI-compatible `/v1/chat/completions` servers (OpenAI, Ollama,
//! LM Studio, llama.cpp server, vLLM): streaming, timeouts, retries with backoff, one
//! repair round for answers that fail their checks, and prompt cancellation.

use std::time::Duration;

use eventsource_stream::Eventsource;
use futures::StreamExt;
use futures::future::BoxFuture;
use reqwest::header::CONTENT_TYPE;
use reqwest::{StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::wire::{Answer, endpoint, error_chain, extract_json, reported_usage, retry_after};
use super::{Activity, Io, Provider, ProviderError, Request, Source, Usage, prompt};

/// Timeouts, retries and limits of HTTP providers.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Longest wait for a TCP/TLS connection.
    pub connect_timeout: Duration,
    /// Longest silence while waiting for or reading the answer.
    pub read_timeout: Duration,
    /// Requests per call, the first included, on 429 and 5xx.
    pub max_attempts: u32,
    /// First backoff; doubles on each retry.
    pub base_backoff: Duration,
    /// Longest backoff between attempts.
    pub max_backoff: Duration,
    /// Longest `Retry-After` honoured; a server asking for more gets a clear error instead.
    pub max_retry_after: Duration,
    /// Largest answer accepted, in bytes of content.
    pub max_answer_bytes: usize,
    /// Sampling temperature sent to the model.
    pub temperature: f32,
    /// Asks streaming servers to report token usage (`stream_options.include_usage`).
    pub request_usage: bool,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(120),
            max_attempts: 4,
            base_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(120),
            max_answer_bytes: 2 * 1024 * 1024,
            temperature: 0.2,
            request_usage: true,
        }
    }
}

/// One model call's whole answer and what it used.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    /// The assistant's text.
    pub content: String,
    /// Tokens and time.
    pub usage: Usage,
}

/// A provider backed by a chat-completions server.
#[derive(Debug)]
pub struct HttpProvider {
    client: reqwest::Client,
    endpoint: Url,
    base_url: String,
    model: String,
    key: Option<SecretString>,
    settings: HttpSettings,
}

impl HttpProvider {
    /// A client for `base_url` and `model`; `key` is sent as a bearer token.
    pub fn new(
        base_url: &str,
        model: &str,
        key: Option<SecretString>,
        settings: HttpSettings,
    ) -> Result<HttpProvider, ProviderError> {
        let client = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .read_timeout(settings.read_timeout)
            .build()
            .map_err(|e| ProviderError::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(HttpProvider {
            client,
            endpoint: endpoint(base_url)?,
            base_url: base_url.to_owned(),
            model: model.to_owned(),
            key,
            settings,
        })
    }

    /// Removes the key from text a server sent back (some echo it in errors).
    fn scrub(&self, text: &str) -> String {
        match &self.key {
            Some(key) if !key.expose_secret().is_empty() => {
                text.replace(key.expose_secret(), "[redacted]")
            }
            _ => text.to_owned(),
        }
    }

    /// Sends the conversation and returns the assistant's whole answer with what it used,
    /// retrying 429/5xx. Each call that got an answer (even one cut short) also reports its
    /// usage as [`Activity::Used`].
    pub async fn chat(&self, messages: &[Value], io: &Io) -> Result<Completion, ProviderError> {
        let mut body = json!({
            "model": self.model,
            "messages": messages,
            "stream": true,
            "temperature": self.settings.temperature,
        });
        if self.settings.request_usage {
            body["stream_options"] = json!({"include_usage": true});
        }
        let prompt_chars: usize = messages
            .iter()
            .filter_map(|m| m.get("content").and_then(Value::as_str))
            .map(|c| c.chars().count())
            .sum();
        let attempts = self.settings.max_attempts.max(1);
        for attempt in 1..=attempts {
            (io.activity)(Activity::Waiting { attempt });
            let mut request = self.client.post(self.endpoint.clone()).json(&body);
            if let Some(key) = &self.key {
                request = request.bearer_auth(key.expose_secret());
            }
            let started = tokio::time::Instant::now();
            let response = tokio::select! {
                _ = io.cancel.cancelled() => return Err(ProviderError::Cancelled),
                r = request.send() => r.map_err(|e| self.send_error(&e))?,
            };
            let status = response.status();
            if status.is_success() {
                let mut answer = Answer::default();
                let outcome = self.read_answer(response, io, &mut answer).await;
                let usage = answer.usage(&self.model, prompt_chars, started.elapsed());
                if outcome.is_ok() || !answer.content.is_empty() || answer.reported.is_some() {
                    (io.activity)(Activity::Used(usage.clone()));
                }
                return outcome.map(|()| Completion {
                    content: answer.content,
                    usage,
                });
            }
            let retry_after = retry_after(response.headers());
            let message = self.error_message(response, io).await;
            let retryable = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
            if !retryable {
                return Err(match status.as_u16() {
                    401 | 403 => ProviderError::Unauthorized {
                        status: status.as_u16(),
                        message,
                    },
                    code => ProviderError::Rejected {
                        status: code,
                        message,
                    },
                });
            }
            let give_up = || {
                if status == StatusCode::TOO_MANY_REQUESTS {
                    ProviderError::RateLimited {
                        attempts: attempt,
                        retry_after: retry_after.map(|d| d.as_secs_f64().ceil() as u64),
                    }
                } else {
                    ProviderError::Server {
                        status: status.as_u16(),
                        attempts: attempt,
                        message: message.clone(),
                    }
                }
            };
            if attempt == attempts {
                return Err(give_up());
            }
            let delay = match retry_after {
                Some(wait) if wait > self.settings.max_retry_after => return Err(give_up()),
                Some(wait) => wait,
                None => self.backoff(attempt),
            };
            tracing::info!(
                status = status.as_u16(),
                attempt,
                delay_ms = delay.as_millis() as u64,
                "model server asked to back off"
            );
            (io.activity)(Activity::Backoff {
                delay,
                status: status.as_u16(),
            });
            tokio::select! {
                _ = io.cancel.cancelled() => return Err(ProviderError::Cancelled),
                _ = tokio::time::sleep(delay) => {}
            }
        }
        Err(ProviderError::Protocol("no attempt was made".into()))
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.settings
            .base_backoff
            .saturating_mul(factor)
            .min(self.settings.max_backoff)
    }

    fn send_error(&self, e: &reqwest::Error) -> ProviderError {
        if e.is_timeout() {
            let (seconds, phase) = if e.is_connect() {
                (self.settings.connect_timeout.as_secs(), "connecting")
            } else {
                (
                    self.settings.read_timeout.as_secs(),
                    "waiting for the answer",
                )
            };
            return ProviderError::Timeout {
                seconds,
                phase: phase.to_owned(),
            };
        }
        ProviderError::Unreachable {
            url: self.endpoint.to_string(),
            reason: self.scrub(&error_chain(e)),
        }
    }

    /// The server's explanation of a failed request, from its JSON error or its text.
    async fn error_message(&self, response: reqwest::Response, io: &Io) -> String {
        let status = response.status();
        let text = tokio::select! {
            _ = io.cancel.cancelled() => String::new(),
            t = response.text() => t.unwrap_or_default(),
        };
        let from_json = serde_json::from_str::<Value>(&text).ok().and_then(|v| {
            v.pointer("/error/message")
                .or_else(|| v.get("error"))
                .or_else(|| v.get("message"))
                .and_then(|m| m.as_str().map(str::to_owned))
        });
        let message = from_json.unwrap_or_else(|| text.chars().take(300).collect());
        let message = if message.trim().is_empty() {
            status
                .canonical_reason()
                .unwrap_or("no explanation")
                .to_owned()
        } else {
            message
        };
        self.scrub(message.trim())
    }

    /// Reads a streamed (SSE) or plain JSON chat completion into `answer`: its content
    /// text and the server's usage figures; what arrived stays in `answer` on an error.
    async fn read_answer(
        &self,
        response: reqwest::Response,
        io: &Io,
        answer: &mut Answer,
    ) -> Result<(), ProviderError> {
        let is_sse = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        if !is_sse {
            let text = tokio::select! {
                _ = io.cancel.cancelled() => return Err(ProviderError::Cancelled),
                t = response.text() => t.map_err(|e| self.stream_error(&e))?,
            };
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| ProviderError::Protocol(format!("the body is not JSON: {e}")))?;
            answer.reported = reported_usage(&value);
            answer.content = value
                .pointer("/choices/0/message/content")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| ProviderError::Protocol("no choices[0].message.content".into()))?;
            return Ok(());
        }
        let mut events = response.bytes_stream().eventsource();
        loop {
            let event = tokio::select! {
                _ = io.cancel.cancelled() => return Err(ProviderError::Cancelled),
                e = events.next() => e,
            };
            let Some(event) = event else {
                break;
            };
            let event = event.map_err(|e| match e {
                eventsource_stream::EventStreamError::Transport(t) => self.stream_error(&t),
                other => ProviderError::Protocol(other.to_string()),
            })?;
            let data = event.data.trim();
            if data == "[DONE]" {
                break;
            }
            if data.is_empty() {
                continue;
            }
            let chunk: Value = serde_json::from_str(data).map_err(|e| {
                ProviderError::Protocol(format!("a streamed chunk is not JSON: {e}"))
            })?;
            if let Some(error) = chunk.get("error") {
                let message = error
                    .get("message")
                    .and_then(Value::as_str)
                    .map_or_else(|| error.to_string(), str::to_owned);
                return Err(ProviderError::Server {
                    status: 200,
                    attempts: 1,
                    message: self.scrub(&message),
                });
            }
            if let Some(usage) = reported_usage(&chunk) {
                answer.reported = Some(usage);
            }
            if let Some(delta) = chunk
                .pointer("/choices/0/delta/content")
                .and_then(Value::as_str)
            {
                answer.content.push_str(delta);
                if answer.content.len() > self.settings.max_answer_bytes {
                    return Err(ProviderError::Protocol(format!(
                        "the answer is longer than {} bytes",
                        self.settings.max_answer_bytes
                    )));
                }
                (io.activity)(Activity::Receiving {
                    chars: answer.content.chars().count(),
                });
            }
        }
        Ok(())
    }

    fn stream_error(&self, e: &reqwest::Error) -> ProviderError {
        if e.is_timeout() {
            ProviderError::Timeout {
                seconds: self.settings.read_timeout.as_secs(),
                phase: "streaming the answer".to_owned(),
            }
        } else {
            ProviderError::Disconnected {
                url: self.endpoint.to_string(),
                reason: self.scrub(&error_chain(e)),
            }
        }
    }
}

impl Provider for HttpProvider {
    fn source(&self) -> Source {
        Source {
            engine: "model".to_owned(),
            label: format!("{} via {}", self.model, self.base_url),
            model: Some(self.model.clone()),
            base_url: Some(self.base_url.clone()),
        }
    }

    fn generate<'a>(
        &'a self,
        request: Request<'a>,
        io: &'a Io,
    ) -> BoxFuture<'a, Result<Value, ProviderError>> {
        Box::pin(async move {
            let mut messages = vec![
                json!({"role": "system", "content": prompt::system()}),
                json!({"role": "user", "content": prompt::user(request.kind, request.initiative, request.context)}),
            ];
            let mut repaired = false;
            loop {
                let answer = self.chat(&messages, io).await?.content;
                let problems = match extract_json(&answer) {
                    Ok(value) => match (request.check)(&value) {
                        Ok(()) => return Ok(value),
                        Err(problems) => problems,
                    },
                    Err(problem) => problem,
                };
                if repaired {
                    return Err(ProviderError::InvalidAnswer {
                        artefact: request.kind.as_str().to_owned(),
                        problems: problems.lines().map(str::to_owned).collect(),
                    });
                }
                tracing::info!(artefact = request.kind.as_str(), %problems, "model answer failed its checks; asking for a repair");
                repaired = true;
                (io.activity)(Activity::Repairing);
                messages.push(json!({"role": "assistant", "content": answer}));
                messages.push(json!({"role": "user", "content": prompt::repair(&problems)}));
            }
        })
    }
}
