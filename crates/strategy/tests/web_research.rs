//! Web research against local SearXNG and page servers (limits, skipped pages, citations
//! of only what was read), an unreachable search endpoint, and a model whose made-up quotes
//! are sent back.

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jobs::JobStatus;
use serde_json::json;
use strategy::ProviderChoice;
use strategy::artefact::normalise;
use strategy::research::{
    FetchLimits, ResearchPartial, ResearchReport, ResearchSettings, SearchChoice,
};
use support::{partial_values, result, temp_config, wait_finished};

#[derive(Default)]
struct WebLog {
    searches: Vec<String>,
    pages: Vec<String>,
    /// The slow page's request was dropped unanswered: the client gave up on it.
    slow_abandoned: bool,
}

/// Marks the slow page abandoned when its handler is dropped before answering.
struct Abandoned(Shared);

impl Drop for Abandoned {
    fn drop(&mut self) {
        self.0.lock().expect("lock").slow_abandoned = true;
    }
}

type Shared = Arc<Mutex<WebLog>>;

const GOOD: &str = "<html><head><title>Coffee market</title></head><body><h1>Coffee shops</h1><p>Specialty coffee shops earn most of their revenue before noon from commuters. Average spend per visit is about five euros in city centres.</p><p>Rents near transport hubs are high but footfall justifies them.</p></body></html>";
const BROKEN: &str = "<html><body><div><p>Bakery cafes that bake on site report higher margins on pastries than on coffee <b>because ingredients are cheap<p>Unclosed tags everywhere <div><span>and commuters buy pastries with their coffee";

async fn search(
    State(log): State<Shared>,
    Query(q): Query<std::collections::HashMap<String, String>>,
    headers: axum::http::HeaderMap,
) -> Response {
    let query = q.get("q").cloned().unwrap_or_default();
    log.lock().expect("lock").searches.push(query);
    assert_eq!(q.get("format").map(String::as_str), Some("json"));
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let page = |path: &str, title: &str| json!({"url": format!("http://{host}/page/{path}"), "title": title, "content": "snippet"});
    axum::Json(json!({"results": [
        page("good", "Coffee market"),
        page("slow", "Slow page"),
        page("huge", "Huge page"),
        page("broken", "Broken HTML"),
        page("missing", "Missing page"),
        page("pdf", "A PDF"),
        {"url": "javascript:alert(1)", "title": "not a web page", "content": ""},
    ]}))
    .into_response()
}

async fn page(
    State(log): State<Shared>,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Response {
    log.lock().expect("lock").pages.push(name.clone());
    match name.as_str() {
        "good" => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], GOOD).into_response(),
        "broken" => ([(header::CONTENT_TYPE, "text/html")], BROKEN).into_response(),
        "slow" => {
            // Never answers: only the fetch time limit ends the wait.
            let _abandoned = Abandoned(log.clone());
            futures::future::pending::<Response>().await
        }
        "huge" => {
            // 8 MiB of paragraphs, streamed.
            let paragraph = "<p>Coffee shop footfall and commuters drive morning sales in busy districts near stations.</p>\n";
            let chunk = paragraph.repeat(1024);
            let body =
                futures::stream::iter((0..90).map(move |_| Ok::<_, std::io::Error>(chunk.clone())));
            (
                [(header::CONTENT_TYPE, "text/html")],
                axum::body::Body::from_stream(body),
            )
                .into_response()
        }
        "pdf" => (
            [(header::CONTENT_TYPE, "application/pdf")],
            "%PDF-1.4 binary",
        )
            .into_response(),
        _ => (StatusCode::NOT_FOUND, "no such page").into_response(),
    }
}

#[tokio::test]
async fn searxng_research_reads_pages_within_limits_and_cites_only_what_it_read() {
    let log: Shared = Arc::default();
    let app = Router::new()
        .route("/search", get(search))
        .route("/page/{name}", get(page))
        .with_state(log.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });

    let (_dir, mut config) = temp_config();
    let limits = FetchLimits {
        timeout: Duration::from_millis(700),
        max_bytes: 64 * 1024,
    };
    config.research = ResearchSettings {
        max_sources: 10,
        results_per_query: 10,
        fetch: limits,
        search_timeout: Duration::from_secs(5),
    };
    let (workspace, initiative) = support::open_with_initiative(&config).await;
    let id = workspace
        .web_research(
            &initiative.id,
            vec!["coffee shop commuters revenue".into()],
            ProviderChoice::Offline,
            SearchChoice::Searxng {
                base_url: format!("http://{addr}"),
            },
        )
        .await
        .expect("start")
        .id;
    // The slow page never answers: the job ends (within wait_finished's bound) only because
    // the fetch gave up on it and dropped the connection.
    let done = wait_finished(&workspace, id).await;
    support::eventually("the slow page's connection to be dropped", || {
        log.lock().expect("lock").slow_abandoned
    })
    .await;
    let report: ResearchReport = result(&done);
    assert!(!report.offline);
    assert_eq!(report.queries, ["coffee shop commuters revenue"]);
    assert_eq!(
        log.lock().expect("lock").searches,
        ["coffee shop commuters revenue"]
    );

    let reason_of = |title: &str| {
        report
            .skipped
            .iter()
            .find(|s| s.title == title)
            .map(|s| s.reason.clone())
    };
    assert_eq!(reason_of("Missing page").as_deref(), Some("HTTP 404"));
    assert!(
        reason_of("Slow page").is_some_and(|r| r.contains("longer than")),
        "{:?}",
        report.skipped
    );
    assert!(reason_of("A PDF").is_some_and(|r| r.contains("not a web page")));
    assert_eq!(report.skipped.len(), 3);
    assert!(
        report
            .sources
            .iter()
            .all(|s| s.url.as_deref().is_some_and(|u| u.starts_with("http://")))
    );

    let by_title = |t: &str| {
        report
            .sources
            .iter()
            .find(|s| s.title == t)
            .expect("source read")
    };
    let huge = by_title("Huge page");
    assert!(huge.truncated && huge.bytes <= limits.max_bytes, "{huge:?}");
    assert!(!by_title("Coffee market").truncated);
    assert!(by_title("Broken HTML").bytes > 0);

    // Every finding cites a page that was really fetched, and quotes it.
    let fetched = log.lock().expect("lock").pages.clone();
    assert!(!report.findings.is_empty());
    for f in &report.findings {
        let source = report
            .sources
            .iter()
            .find(|s| s.id == f.source_id)
            .expect("cited source");
        let name = source
            .url
            .as_deref()
            .and_then(|u| u.rsplit('/').next())
            .expect("path");
        assert!(fetched.iter().any(|p| p == name), "{name} was fetched");
        let text = match name {
            "good" => GOOD,
            "broken" => BROKEN,
            _ => {
                "Coffee shop footfall and commuters drive morning sales in busy districts near stations."
            }
        };
        let words = normalise(&f.quote);
        let first_words: String = words.split(' ').take(4).collect::<Vec<_>>().join(" ");
        assert!(
            normalise(text).contains(&first_words),
            "{} quotes {name}: {}",
            f.id,
            f.quote
        );
    }
    let broken_cited = report
        .findings
        .iter()
        .any(|f| by_title("Broken HTML").id == f.source_id);
    assert!(broken_cited, "broken HTML still yields findings");
    // Skipped pages are streamed as skipped, never as findings.
    let skipped_streamed = partial_values::<ResearchPartial>(&done)
        .iter()
        .filter(|p| matches!(p, ResearchPartial::Skipped(_)))
        .count();
    assert_eq!(skipped_streamed, 3);
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn an_unreachable_search_endpoint_pauses_the_job_offline_naming_it() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let (_dir, workspace, initiative) = support::workspace_with_initiative().await;
    let id = workspace
        .web_research(
            &initiative.id,
            vec!["anything".into()],
            ProviderChoice::Offline,
            SearchChoice::Searxng {
                base_url: format!("http://127.0.0.1:{port}"),
            },
        )
        .await
        .expect("start")
        .id;
    let done = wait_finished(&workspace, id).await;
    assert_eq!(done.job.status, JobStatus::Paused);
    assert_eq!(done.job.attempt, 1, "a wait is not a failed attempt");
    let pause = done.job.pause.expect("a pause");
    assert_eq!(pause.reason, jobs::PauseReason::Offline);
    assert_eq!(pause.detail, Some(format!("127.0.0.1:{port}")));
    assert!(
        pause.message.contains(&port.to_string()),
        "{}",
        pause.message
    );
    assert!(pause.until.is_some(), "it tries again by itself");
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

// ---------------------------------------------------------------------------
// With a model

/// The source text a findings prompt carries between its `<<<` and `>>>` markers.
fn source_in_prompt(prompt: &str) -> String {
    let start = prompt.find("<<<\n").map(|i| i + 4).unwrap_or(0);
    let end = prompt.rfind("\n>>>").unwrap_or(prompt.len());
    prompt[start..end].to_owned()
}

#[tokio::test]
async fn a_models_made_up_quote_is_sent_back_and_only_verbatim_quotes_are_kept() {
    let (_dir, workspace, initiative) = support::workspace_with_initiative().await;
    let server = support::ChatServer::start(|r, _| {
        assert_eq!(r.artefact, "findings");
        let first_try = r.messages() == 2;
        let prompt = r.body["messages"][1]["content"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let source = source_in_prompt(&prompt);
        let quote = if first_try {
            "a sentence the source never said at all".to_owned()
        } else {
            source.split(". ").next().unwrap_or_default().to_owned()
        };
        let answer = json!({"findings": [{"statement": "A finding.", "quote": quote}]});
        support::Reply::Stream(answer.to_string())
    })
    .await;
    let id = workspace
        .web_research(
            &initiative.id,
            vec!["coffee margins".into()],
            ProviderChoice::OpenaiCompatible {
                base_url: server.base_url.clone(),
                model: "m".into(),
            },
            SearchChoice::Offline,
        )
        .await
        .expect("start")
        .id;
    let report: ResearchReport = result(&wait_finished(&workspace, id).await);
    assert!(!report.findings.is_empty());
    assert!(!report.offline);
    // One repair per source: the made-up quote was named as the problem.
    let requests = server.requests();
    assert_eq!(requests.len(), 2 * report.sources.len());
    assert!(
        requests[1]
            .last_message()
            .contains("not found verbatim in the source")
    );
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}
