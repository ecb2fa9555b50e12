//! A client for OpenAI-compatible `/v1/chat/completions` servers (OpenAI, Ollama,
//! LM Studio, llama.cpp server, vLLM): streaming, timeouts, retries with backoff, one
//! repair round for answers that fail their checks, and prompt cancellation.

use std::time::{Duration, SystemTime};

use eventsource_stream::Eventsource;
use futures::StreamExt;
use futures::future::BoxFuture;
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};

use super::{Activity, Io, Provider, ProviderError, Request, Source, prompt};

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
        }
    }
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

/// `…/v1` → `…/v1/chat/completions`; a bare host gets `/v1/chat/completions`.
fn endpoint(base_url: &str) -> Result<Url, ProviderError> {
    let trimmed = base_url.trim().trim_end_matches('/');
    let mut url = Url::parse(trimmed)
        .map_err(|e| ProviderError::Config(format!("“{base_url}” is not a URL: {e}")))?;
    let path = url.path().trim_end_matches('/').to_owned();
    let path = if path.ends_with("/chat/completions") {
        path
    } else if path.is_empty() {
        "/v1/chat/completions".to_owned()
    } else {
        format!("{path}/chat/completions")
    };
    url.set_path(&path);
    Ok(url)
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

    /// Sends the conversation and returns the assistant's whole answer, retrying 429/5xx.
    async fn complete(&self, messages: &[Value], io: &Io) -> Result<String, ProviderError> {
        let body = json!({
            "model": self.model,
            "messages": messages,
            "stream": true,
            "temperature": self.settings.temperature,
        });
        let attempts = self.settings.max_attempts.max(1);
        for attempt in 1..=attempts {
            (io.activity)(Activity::Waiting { attempt });
            let mut request = self.client.post(self.endpoint.clone()).json(&body);
            if let Some(key) = &self.key {
                request = request.bearer_auth(key.expose_secret());
            }
            let response = tokio::select! {
                _ = io.cancel.cancelled() => return Err(ProviderError::Cancelled),
                r = request.send() => r.map_err(|e| self.send_error(&e))?,
            };
            let status = response.status();
            if status.is_success() {
                return self.read_answer(response, io).await;
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
                    ProviderError::RateLimited { attempts: attempt }
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

    /// Reads a streamed (SSE) or plain JSON chat completion into its content text.
    async fn read_answer(
        &self,
        response: reqwest::Response,
        io: &Io,
    ) -> Result<String, ProviderError> {
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
            return value
                .pointer("/choices/0/message/content")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| ProviderError::Protocol("no choices[0].message.content".into()));
        }
        let mut events = response.bytes_stream().eventsource();
        let mut content = String::new();
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
            if let Some(delta) = chunk
                .pointer("/choices/0/delta/content")
                .and_then(Value::as_str)
            {
                content.push_str(delta);
                if content.len() > self.settings.max_answer_bytes {
                    return Err(ProviderError::Protocol(format!(
                        "the answer is longer than {} bytes",
                        self.settings.max_answer_bytes
                    )));
                }
                (io.activity)(Activity::Receiving {
                    chars: content.chars().count(),
                });
            }
        }
        Ok(content)
    }

    fn stream_error(&self, e: &reqwest::Error) -> ProviderError {
        if e.is_timeout() {
            ProviderError::Timeout {
                seconds: self.settings.read_timeout.as_secs(),
                phase: "streaming the answer".to_owned(),
            }
        } else {
            ProviderError::Protocol(format!(
                "the connection broke while streaming: {}",
                self.scrub(&error_chain(e))
            ))
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
                let answer = self.complete(&messages, io).await?;
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

/// The JSON object in a model's answer: the whole text, a fenced block, or the outermost braces.
pub(crate) fn extract_json(answer: &str) -> Result<Value, String> {
    let text = answer.trim();
    let direct = serde_json::from_str::<Value>(text);
    let value = match direct {
        Ok(v) => v,
        Err(first) => {
            let (Some(start), Some(end)) = (text.find('{'), text.rfind('}')) else {
                return Err(format!("the answer is not JSON: {first}"));
            };
            if end <= start {
                return Err(format!("the answer is not JSON: {first}"));
            }
            serde_json::from_str::<Value>(&text[start..=end])
                .map_err(|e| format!("the answer is not valid JSON: {e}"))?
        }
    };
    if value.is_object() {
        Ok(value)
    } else {
        Err("the answer must be a JSON object".to_owned())
    }
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_follow_the_openai_convention() {
        let e = |b: &str| endpoint(b).map(|u| u.to_string()).unwrap_or_default();
        assert_eq!(
            e("http://localhost:11434/v1"),
            "http://localhost:11434/v1/chat/completions"
        );
        assert_eq!(
            e("http://localhost:11434/v1/"),
            "http://localhost:11434/v1/chat/completions"
        );
        assert_eq!(
            e("http://localhost:8080"),
            "http://localhost:8080/v1/chat/completions"
        );
        assert_eq!(
            e("https://api.example.com/v1/chat/completions"),
            "https://api.example.com/v1/chat/completions"
        );
    }

    #[test]
    fn json_is_found_in_chatty_answers() {
        assert!(extract_json(r#"{"a":1}"#).is_ok());
        assert!(extract_json("```json\n{\"a\":1}\n```").is_ok());
        assert!(extract_json("Sure! Here it is: {\"a\": {\"b\": 2}} Hope it helps.").is_ok());
        assert!(extract_json("[1,2]").is_err());
        assert!(extract_json("no json here").is_err());
    }
}
