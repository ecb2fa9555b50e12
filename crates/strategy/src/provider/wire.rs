//! The chat-completions wire details of the HTTP provider: endpoints, answers as they
//! arrive, usage figures, `Retry-After`, and the JSON inside a chatty answer.

use std::time::{Duration, SystemTime};

use reqwest::Url;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::Value;

use super::{ProviderError, Usage, estimate_tokens};

/// What has arrived of an answer so far.
#[derive(Default)]
pub(super) struct Answer {
    pub(super) content: String,
    /// `(prompt, completion)` tokens as the server reported them.
    pub(super) reported: Option<(u64, u64)>,
}

impl Answer {
    /// The server's figures, or an estimate from the text when it gave none.
    pub(super) fn usage(&self, model: &str, prompt_chars: usize, latency: Duration) -> Usage {
        let (prompt_tokens, completion_tokens, estimated) = match self.reported {
            Some((p, c)) => (p, c, false),
            None => (
                estimate_tokens(prompt_chars),
                estimate_tokens(self.content.chars().count()),
                true,
            ),
        };
        Usage {
            model: model.to_owned(),
            prompt_tokens,
            completion_tokens,
            estimated,
            latency_ms: u64::try_from(latency.as_millis()).unwrap_or(u64::MAX),
        }
    }
}

/// The `usage` object of a completion or of a stream's final chunk.
pub(super) fn reported_usage(value: &Value) -> Option<(u64, u64)> {
    let usage = value.get("usage")?;
    Some((
        usage.get("prompt_tokens")?.as_u64()?,
        usage.get("completion_tokens")?.as_u64()?,
    ))
}

/// `…/v1` → `…/v1/chat/completions`; a bare host gets `/v1/chat/completions`.
pub(super) fn endpoint(base_url: &str) -> Result<Url, ProviderError> {
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
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
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

pub(super) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
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
