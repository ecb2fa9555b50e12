//! Waiting instead of failing: which provider and search errors are transient (the job should
//! pause until the cause clears) and which are final. [`WaitReason`] mirrors the engine's
//! pause reasons name for name, so mapping a [`Wait`] onto the engine is one function.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::provider::ProviderError;
use crate::research::SearchError;

/// How long a rate-limited job waits when the server named no time.
pub const DEFAULT_RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);
/// How long a job waits for a failing server (5xx) before it tries again by itself.
pub const PROVIDER_DOWN_WAIT: Duration = Duration::from_secs(30);
/// How long a job waits for an unreachable server before it tries again by itself.
pub const OFFLINE_WAIT: Duration = Duration::from_secs(15);

/// Why a job waits: the engine's pause reasons.
pub use jobs::PauseReason as WaitReason;

/// What a job waits on, named in its pause (`Pause::service`) so the user reads which
/// server it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// The model server of the content provider.
    ModelServer,
    /// The search server of web research.
    SearchServer,
}

impl Service {
    /// The name stored with the pause.
    pub fn as_str(self) -> &'static str {
        match self {
            Service::ModelServer => "model_server",
            Service::SearchServer => "search_server",
        }
    }
}

/// A step's request to wait: the reason, the words for the user, and what it waits on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wait {
    /// Why.
    pub reason: WaitReason,
    /// Which server it waits on.
    pub service: Service,
    /// The underlying error in plain words.
    pub message: String,
    /// The endpoint waited on (`localhost:11434`), when there is one.
    pub detail: Option<String>,
    /// When to try again by itself (rate limits).
    pub until: Option<DateTime<Utc>>,
    /// The URL whose answer tells that an unreachable endpoint is back (probed by the
    /// workspace's [`crate::waiting`] watcher).
    pub check: Option<String>,
}

impl Wait {
    /// The step's error that pauses its job for this wait.
    pub fn into_job_error(self) -> jobs::JobError {
        let mut error =
            jobs::JobError::wait(self.reason, self.message).service(self.service.as_str());
        if let Some(detail) = self.detail {
            error = error.detail(detail);
        }
        if let Some(until) = self.until {
            error = error.until(until);
        }
        if let Some(check) = self.check {
            error = error.check(check);
        }
        error
    }
}

/// What a step should do about an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Pause the job until the cause clears.
    Wait(Wait),
    /// Fail (or cancel) as before: waiting would not help.
    Fail,
}

impl Verdict {
    /// The same verdict, a wait on `service`.
    pub fn on(self, service: Service) -> Verdict {
        match self {
            Verdict::Wait(w) => Verdict::Wait(Wait { service, ..w }),
            Verdict::Fail => Verdict::Fail,
        }
    }

    /// The wait, if this verdict is one.
    pub fn wait(self) -> Option<Wait> {
        match self {
            Verdict::Wait(w) => Some(w),
            Verdict::Fail => None,
        }
    }
}

/// `host:port` of a URL (the port the scheme implies when none is written), for the user.
pub fn endpoint_label(url: &str) -> Option<String> {
    let url = reqwest::Url::parse(url.trim()).ok()?;
    let host = url.host_str()?;
    Some(match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

fn wait(reason: WaitReason, message: String, detail: Option<String>) -> Verdict {
    Verdict::Wait(Wait {
        service: Service::ModelServer,
        reason,
        message,
        detail,
        until: None,
        check: None,
    })
}

/// An unreachable server: probed until it answers at `check` (when known), and tried again
/// by itself after [`OFFLINE_WAIT`] at the latest.
fn offline(
    message: String,
    detail: Option<String>,
    check: Option<String>,
    now: DateTime<Utc>,
) -> Verdict {
    Verdict::Wait(Wait {
        service: Service::ModelServer,
        reason: WaitReason::Offline,
        message,
        detail,
        until: Some(later(now, OFFLINE_WAIT)),
        check,
    })
}

/// A failing server: tried again by itself after [`PROVIDER_DOWN_WAIT`].
fn down(message: String, detail: Option<String>, now: DateTime<Utc>) -> Verdict {
    Verdict::Wait(Wait {
        service: Service::ModelServer,
        reason: WaitReason::ProviderDown,
        message,
        detail,
        until: Some(later(now, PROVIDER_DOWN_WAIT)),
        check: None,
    })
}

fn later(now: DateTime<Utc>, after: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(after)
        .ok()
        .and_then(|d| now.checked_add_signed(d))
        .unwrap_or(now)
}

/// Whether a provider error should pause the job, and why. `endpoint` is the provider's base
/// URL (named in the detail, and its model list probed while unreachable); `now` dates a
/// rate limit's end.
pub fn classify_provider(
    error: &ProviderError,
    endpoint: Option<&str>,
    now: DateTime<Utc>,
) -> Verdict {
    let detail = || {
        let from_error = match error {
            ProviderError::Unreachable { url, .. } | ProviderError::Disconnected { url, .. } => {
                endpoint_label(url)
            }
            _ => None,
        };
        endpoint.and_then(endpoint_label).or(from_error)
    };
    let message = error.to_string();
    match error {
        // Only a server that cannot be reached is probed: one that answers but broke off
        // or went quiet would pass the probe at once, so it waits its time instead.
        ProviderError::Unreachable { .. } => {
            let check = endpoint.map(|base| crate::probe::Probe::models(base).url());
            offline(message, detail(), check, now)
        }
        ProviderError::Timeout { .. } | ProviderError::Disconnected { .. } => {
            offline(message, detail(), None, now)
        }
        ProviderError::RateLimited { retry_after, .. } => {
            let after = retry_after.map_or(DEFAULT_RATE_LIMIT_WAIT, Duration::from_secs);
            Verdict::Wait(Wait {
                service: Service::ModelServer,
                reason: WaitReason::RateLimited,
                message,
                detail: detail(),
                until: Some(later(now, after)),
                check: None,
            })
        }
        ProviderError::Server { .. } => down(message, detail(), now),
        ProviderError::Unauthorized { .. } => wait(WaitReason::Unauthorized, message, detail()),
        ProviderError::Cancelled
        | ProviderError::Rejected { .. }
        | ProviderError::Protocol(_)
        | ProviderError::InvalidAnswer { .. }
        | ProviderError::Config(_)
        | ProviderError::NoKnowledge(_)
        | ProviderError::Offline(_) => Verdict::Fail,
    }
}

/// Whether a search error should pause the job, and why (a search endpoint names no wait time,
/// so a 429 waits [`DEFAULT_RATE_LIMIT_WAIT`]). `endpoint` is the search base URL, probed
/// while unreachable.
pub fn classify_search(error: &SearchError, endpoint: Option<&str>, now: DateTime<Utc>) -> Verdict {
    let detail = || {
        let from_error = match error {
            SearchError::Unreachable { url, .. } => endpoint_label(url),
            _ => None,
        };
        endpoint.and_then(endpoint_label).or(from_error)
    };
    let message = error.to_string();
    let verdict = match error {
        SearchError::Unreachable { .. } => offline(
            message,
            detail(),
            endpoint.map(|e| e.trim().to_owned()),
            now,
        ),
        SearchError::Http { status: 429, .. } => Verdict::Wait(Wait {
            service: Service::SearchServer,
            reason: WaitReason::RateLimited,
            message,
            detail: detail(),
            until: Some(later(now, DEFAULT_RATE_LIMIT_WAIT)),
            check: None,
        }),
        SearchError::Http {
            status: 401 | 403, ..
        } => wait(WaitReason::Unauthorized, message, detail()),
        SearchError::Http { status, .. } if *status >= 500 => down(message, detail(), now),
        SearchError::Http { .. } | SearchError::Protocol(_) | SearchError::Cancelled => {
            Verdict::Fail
        }
    };
    verdict.on(Service::SearchServer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-03-01T10:00:00Z")
            .expect("date")
            .with_timezone(&Utc)
    }

    const LOCAL: Option<&str> = Some("http://localhost:11434/v1");

    fn reason(e: &ProviderError) -> Option<WaitReason> {
        classify_provider(e, LOCAL, now()).wait().map(|w| w.reason)
    }

    #[test]
    fn unreachable_servers_timeouts_and_cut_streams_wait_offline_on_the_endpoint() {
        for e in [
            ProviderError::Unreachable {
                url: "http://localhost:11434/v1/chat/completions".into(),
                reason: "connection refused".into(),
            },
            ProviderError::Timeout {
                seconds: 10,
                phase: "connecting".into(),
            },
            ProviderError::Disconnected {
                url: "http://localhost:11434/v1/chat/completions".into(),
                reason: "unexpected end of file".into(),
            },
        ] {
            let wait = classify_provider(&e, LOCAL, now()).wait().expect("waits");
            assert_eq!(wait.reason, WaitReason::Offline, "{e:?}");
            assert_eq!(wait.service, Service::ModelServer);
            assert_eq!(wait.detail.as_deref(), Some("localhost:11434"));
            assert_eq!(wait.until, Some(now() + chrono::Duration::seconds(15)));
            assert_eq!(wait.message, e.to_string());
            // Probed at the server's model list until it answers, when it could not be
            // reached at all (one that broke off would pass the probe at once).
            let probed = matches!(e, ProviderError::Unreachable { .. });
            let expected = probed.then_some("http://localhost:11434/v1/models");
            assert_eq!(wait.check.as_deref(), expected, "{e:?}");
        }
        // Without the base URL the error's own URL names the endpoint; https implies 443.
        let e = ProviderError::Unreachable {
            url: "https://api.example.com/v1/chat/completions".into(),
            reason: "dns error".into(),
        };
        let wait = classify_provider(&e, None, now()).wait().expect("waits");
        assert_eq!(wait.detail.as_deref(), Some("api.example.com:443"));
        assert_eq!(wait.check, None, "nothing to probe without the base URL");
    }

    #[test]
    fn rate_limits_wait_until_the_time_the_server_named() {
        let e = ProviderError::RateLimited {
            attempts: 1,
            retry_after: Some(3600),
        };
        let wait = classify_provider(&e, LOCAL, now()).wait().expect("waits");
        assert_eq!(wait.reason, WaitReason::RateLimited);
        assert_eq!(wait.until, Some(now() + chrono::Duration::hours(1)));
        // No time named: the default wait.
        let e = ProviderError::RateLimited {
            attempts: 4,
            retry_after: None,
        };
        let wait = classify_provider(&e, LOCAL, now()).wait().expect("waits");
        assert_eq!(wait.until, Some(now() + chrono::Duration::seconds(60)));
    }

    #[test]
    fn server_errors_and_refused_keys_wait_for_their_own_reasons() {
        let down = ProviderError::Server {
            status: 503,
            attempts: 4,
            message: "overloaded".into(),
        };
        assert_eq!(reason(&down), Some(WaitReason::ProviderDown));
        let retry = classify_provider(&down, LOCAL, now())
            .wait()
            .and_then(|w| w.until);
        assert_eq!(retry, Some(now() + chrono::Duration::seconds(30)));
        // A server that answers is not probed: only a real request tells it is well again.
        let check = classify_provider(&down, LOCAL, now())
            .wait()
            .and_then(|w| w.check);
        assert_eq!(check, None);
        // An error sent inside a 200 stream is the server failing too.
        let in_stream = ProviderError::Server {
            status: 200,
            attempts: 1,
            message: "model crashed".into(),
        };
        assert_eq!(reason(&in_stream), Some(WaitReason::ProviderDown));
        for status in [401, 403] {
            let e = ProviderError::Unauthorized {
                status,
                message: "bad key".into(),
            };
            assert_eq!(reason(&e), Some(WaitReason::Unauthorized));
        }
    }

    #[test]
    fn errors_that_waiting_cannot_fix_still_fail() {
        for e in [
            ProviderError::Cancelled,
            ProviderError::Rejected {
                status: 404,
                message: "no such model".into(),
            },
            ProviderError::Protocol("not JSON".into()),
            ProviderError::InvalidAnswer {
                artefact: "outline".into(),
                problems: vec!["weeks".into()],
            },
            ProviderError::Config("bad url".into()),
            ProviderError::NoKnowledge("nothing on that".into()),
            ProviderError::Offline("defect".into()),
        ] {
            assert_eq!(classify_provider(&e, LOCAL, now()), Verdict::Fail, "{e:?}");
        }
    }

    #[test]
    fn search_errors_are_classified_like_provider_errors() {
        let search = Some("http://localhost:8888");
        let c = |e: SearchError| classify_search(&e, search, now()).wait();
        let offline = c(SearchError::Unreachable {
            url: "http://localhost:8888/search".into(),
            reason: "timed out".into(),
        })
        .expect("waits");
        assert_eq!(offline.reason, WaitReason::Offline);
        assert_eq!(offline.detail.as_deref(), Some("localhost:8888"));
        assert_eq!(offline.check.as_deref(), Some("http://localhost:8888"));
        assert_eq!(offline.service, Service::SearchServer);
        let paused = offline.into_job_error().wait.expect("a wait");
        assert_eq!(paused.service.as_deref(), Some("search_server"));
        let http = |status| SearchError::Http {
            status,
            hint: String::new(),
        };
        let limited = c(http(429)).expect("waits");
        assert_eq!(limited.reason, WaitReason::RateLimited);
        assert_eq!(limited.service, Service::SearchServer);
        assert_eq!(limited.until, Some(now() + chrono::Duration::seconds(60)));
        assert_eq!(
            c(http(502)).map(|w| w.reason),
            Some(WaitReason::ProviderDown)
        );
        assert_eq!(
            c(http(403)).map(|w| w.reason),
            Some(WaitReason::Unauthorized)
        );
        assert_eq!(c(http(404)), None);
        assert_eq!(c(SearchError::Protocol("html".into())), None);
        assert_eq!(c(SearchError::Cancelled), None);
    }

    #[test]
    fn reasons_have_the_engines_wire_names() {
        let names: Vec<String> = [
            WaitReason::Offline,
            WaitReason::RateLimited,
            WaitReason::ProviderDown,
            WaitReason::Unauthorized,
            WaitReason::OverBudget,
            WaitReason::ByUser,
        ]
        .iter()
        .map(|r| serde_json::to_string(r).expect("json"))
        .collect();
        assert_eq!(
            names,
            [
                "\"offline\"",
                "\"rate_limited\"",
                "\"provider_down\"",
                "\"unauthorized\"",
                "\"over_budget\"",
                "\"by_user\""
            ]
        );
    }
}
