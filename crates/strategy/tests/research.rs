//! The research operations on the real engine with the offline engine: streamed partials
//! in order, re-attaching watchers, stored results, cancel/resume at block, level and
//! finding granularity; web research against local SearXNG and page servers; bad input.

mod support;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures::StreamExt;
use jobs::{JobChange, JobStatus, Snapshot, StepStatus, WatchItem};
use serde_json::json;
use strategy::artefact::{BlockKind, CanvasBlock, normalise};
use strategy::research::{
    Canvas, ChainLevel, FetchLimits, ResearchPartial, ResearchReport, ResearchSettings,
    SearchChoice, WhyChain,
};
use strategy::{ProviderChoice, Workspace, WorkspaceConfig};
use support::{
    coffee_draft, fast_providers, open, paced_providers, result, temp_config, wait_finished,
    wait_partials,
};

fn partial_values<T: serde::de::DeserializeOwned>(snapshot: &Snapshot) -> Vec<T> {
    snapshot
        .partials
        .iter()
        .map(|p| serde_json::from_value(p.value.clone()).expect("partial shape"))
        .collect()
}

/// Collects the partials that follow a watch's snapshot until the job finishes.
async fn rest_of(watch: jobs::Watch) -> (Snapshot, Vec<serde_json::Value>) {
    let mut events = watch.events;
    let mut later = Vec::new();
    while let Some(item) = events.next().await {
        match item {
            WatchItem::Event(e) => match e.change {
                JobChange::Partial { value, .. } => later.push((*value).clone()),
                JobChange::Finished { .. } => break,
                _ => {}
            },
            WatchItem::Resync(_) => panic!("a fast test watcher should never need a resync"),
        }
    }
    (watch.snapshot, later)
}

#[tokio::test]
async fn the_canvas_streams_block_by_block_and_a_late_watcher_misses_nothing() {
    let (_dir, workspace, initiative, pace) = support::paced_workspace().await;
    let id = workspace
        .research_canvas(&initiative.id, ProviderChoice::Offline)
        .await
        .expect("start");
    pace.release(3);
    wait_partials(&workspace, id, 3).await;
    // A view that attaches now sees the three blocks so far, then the other six, once each.
    let watching = tokio::spawn(rest_of(workspace.engine().watch(id).await.expect("watch")));
    pace.release(100);
    let (snapshot, later) = watching.await.expect("watcher");
    let done = wait_finished(&workspace, id).await;
    let first: Vec<CanvasBlock> = partial_values(&snapshot);
    assert_eq!(first.len(), 3);
    let rest: Vec<CanvasBlock> = later
        .into_iter()
        .map(|v| serde_json::from_value(v).expect("block"))
        .collect();
    let seen: Vec<BlockKind> = first.iter().chain(&rest).map(|b| b.block).collect();
    assert_eq!(seen, BlockKind::ALL, "every block once, in canvas order");

    let canvas: Canvas = result(&done);
    assert_eq!(
        canvas.blocks.iter().map(|b| b.block).collect::<Vec<_>>(),
        BlockKind::ALL
    );
    assert_eq!(partial_values::<CanvasBlock>(&done), canvas.blocks);
    assert!(canvas.offline && canvas.note.contains("offline"));
    assert!(canvas.blocks.iter().all(|b| !b.entries.is_empty()));
    // Every cited id is in the evidence list the result carries.
    let ids: HashSet<&str> = canvas.evidence.iter().map(|e| e.id.as_str()).collect();
    let cited: Vec<&str> = canvas
        .blocks
        .iter()
        .flat_map(|b| &b.entries)
        .flat_map(|e| &e.evidence)
        .map(String::as_str)
        .collect();
    assert!(!cited.is_empty());
    assert!(cited.iter().all(|c| ids.contains(c)));
    assert_eq!(pace.calls().len(), 9);
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn a_cancelled_canvas_retries_from_the_next_block() {
    let (_dir, workspace, initiative, pace) = support::paced_workspace().await;
    let id = workspace
        .research_canvas(&initiative.id, ProviderChoice::Offline)
        .await
        .expect("start");
    pace.release(4);
    wait_partials(&workspace, id, 4).await;
    let cancelled = workspace
        .engine()
        .cancel_and_wait(id)
        .await
        .expect("cancel");
    assert_eq!(cancelled.job.status, JobStatus::Cancelled);
    let completed = cancelled
        .steps
        .iter()
        .filter(|s| s.status == StepStatus::Completed)
        .count();
    assert_eq!(completed, 4);

    pace.release(100);
    workspace.engine().retry(id).await.expect("retry");
    let done = wait_finished(&workspace, id).await;
    let canvas: Canvas = result(&done);
    assert_eq!(canvas.blocks.len(), 9);
    // Nine provider calls in all: the four finished blocks were not asked again.
    let calls = pace.calls();
    assert_eq!(calls.len(), 9, "{calls:?}");
    let unique: HashSet<&String> = calls.iter().collect();
    assert_eq!(unique.len(), 9);
    assert_eq!(partial_values::<CanvasBlock>(&done).len(), 9);
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[test]
fn a_crash_mid_canvas_resumes_at_the_next_block() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("rt");
    let (_dir, mut config) = temp_config();
    config.auto_resume = true;
    let (providers, pace) = paced_providers();
    let crash_pace = pace.clone();
    let id = support::crash_after(&config, &providers, move |workspace| async move {
        let initiative = workspace
            .initiatives()
            .create(coffee_draft())
            .await
            .expect("create");
        let id = workspace
            .research_canvas(&initiative.id, ProviderChoice::Offline)
            .await
            .expect("start");
        crash_pace.release(2);
        wait_partials(&workspace, id, 2).await;
        id
    });
    assert_eq!(pace.calls().len(), 2);
    pace.release(100);
    rt.block_on(async {
        let workspace = open(&config, &providers).await;
        let done = wait_finished(&workspace, id).await;
        let canvas: Canvas = result(&done);
        assert_eq!(canvas.blocks.len(), 9);
        assert_eq!(done.job.attempt, 2);
        let calls = pace.calls();
        assert_eq!(
            calls.len(),
            9,
            "the two blocks done before the crash were not redone: {calls:?}"
        );
        assert_eq!(
            partial_values::<CanvasBlock>(&done)
                .iter()
                .map(|b| b.block)
                .collect::<Vec<_>>(),
            BlockKind::ALL
        );
        workspace.engine().shutdown(Duration::from_secs(2)).await;
    });
}

#[tokio::test]
async fn five_whys_stops_at_a_root_cause_and_never_exceeds_its_depth() {
    let (_dir, workspace, initiative) = support::workspace_with_initiative().await;
    let id = workspace
        .five_whys(
            &initiative.id,
            "Weekday morning sales are 30% below plan",
            5,
            ProviderChoice::Offline,
        )
        .await
        .expect("start");
    let done = wait_finished(&workspace, id).await;
    let chain: WhyChain = result(&done);
    assert!(chain.levels.len() < 5, "stopped early at a root cause");
    assert_eq!(chain.stopped, "root_cause");
    let last = chain.levels.last().expect("levels");
    assert!(last.why.root_cause);
    assert!(
        chain.levels[..chain.levels.len() - 1]
            .iter()
            .all(|l| !l.why.root_cause)
    );
    assert_eq!(chain.root_cause, last.why.answer);
    assert!(chain.offline && chain.note.contains("offline") && chain.note.contains("playbooks"));
    // Each level is streamed, numbered from 1, and asks about the previous answer.
    let streamed: Vec<ChainLevel> = partial_values(&done);
    assert_eq!(streamed, chain.levels);
    for (i, l) in chain.levels.iter().enumerate() {
        assert_eq!(l.level as usize, i + 1);
        assert!(l.why.basis.is_some(), "offline links name their knowledge");
        assert!((0.0..=1.0).contains(&l.why.confidence));
    }
    for pair in chain.levels.windows(2) {
        let asked = pair[1].why.question.to_lowercase();
        let previous: String = pair[0].why.answer.to_lowercase().chars().take(20).collect();
        assert!(
            asked.contains(&previous),
            "{asked} should ask about {previous}"
        );
    }

    // A depth of one stops after one level, marked as the limit.
    let id = workspace
        .five_whys(
            &initiative.id,
            "Weekday morning sales are 30% below plan",
            1,
            ProviderChoice::Offline,
        )
        .await
        .expect("start");
    let chain: WhyChain = result(&wait_finished(&workspace, id).await);
    assert_eq!(chain.levels.len(), 1);
    assert!(chain.levels[0].why.root_cause);
    assert_eq!(chain.stopped, "depth_limit");
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn five_whys_cancels_and_resumes_at_the_next_level() {
    let (_dir, workspace, initiative, pace) = support::paced_workspace().await;
    // A chain that goes at least two levels deep in the software playbook's knowledge.
    let problem = "MRR growth is below plan";
    let id = workspace
        .five_whys(&initiative.id, problem, 5, ProviderChoice::Offline)
        .await
        .expect("start");
    pace.release(1);
    wait_partials(&workspace, id, 1).await;
    let cancelled = workspace
        .engine()
        .cancel_and_wait(id)
        .await
        .expect("cancel");
    assert_eq!(cancelled.job.status, JobStatus::Cancelled);
    pace.release(100);
    workspace.engine().retry(id).await.expect("retry");
    let chain: WhyChain = result(&wait_finished(&workspace, id).await);
    assert!(chain.levels.len() >= 2, "{:?}", chain.levels);
    let calls = pace.calls();
    assert_eq!(
        calls.len(),
        chain.levels.len(),
        "level 1 was not asked again: {calls:?}"
    );
    assert_eq!(calls[0], "why_level:1");
    assert_eq!(calls[1], "why_level:2");
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn offline_web_research_cites_the_knowledge_base_and_the_users_notes() {
    let (_dir, workspace, initiative) = support::workspace_with_initiative().await;
    workspace
        .add_note(
            &initiative.id,
            "Terminal visit",
            "About 4,000 commuters pass the ferry terminal between 6:30 and 9:00 on weekdays.\n\nThe only competitor is a kiosk selling filter coffee.".into(),
        )
        .await
        .expect("note");
    let id = workspace
        .web_research(
            &initiative.id,
            Vec::new(),
            ProviderChoice::Offline,
            SearchChoice::Offline,
        )
        .await
        .expect("start");
    let done = wait_finished(&workspace, id).await;
    let report: ResearchReport = result(&done);
    assert!(report.offline && report.note.contains("no web search"));
    assert!(report.queries.len() >= 5);
    assert!(!report.findings.is_empty());
    assert!(
        report.sources.iter().any(|s| s.kind == "document"),
        "the note is read"
    );
    assert!(report.sources.iter().any(|s| s.kind == "knowledge_base"));
    let source_ids: HashSet<&str> = report.sources.iter().map(|s| s.id.as_str()).collect();
    for f in &report.findings {
        assert!(
            source_ids.contains(f.source_id.as_str()),
            "{} cites {}",
            f.id,
            f.source_id
        );
    }
    // Findings were streamed one by one, in the report's order.
    let streamed: Vec<ResearchPartial> = partial_values(&done);
    let statements: Vec<&str> = streamed
        .iter()
        .filter_map(|p| match p {
            ResearchPartial::Finding { statement, .. } => Some(statement.as_str()),
            ResearchPartial::Skipped(_) => None,
        })
        .collect();
    assert_eq!(
        statements,
        report
            .findings
            .iter()
            .map(|f| f.statement.as_str())
            .collect::<Vec<_>>()
    );

    // A canvas researched now cites the report's findings.
    let canvas_id = workspace
        .research_canvas(&initiative.id, ProviderChoice::Offline)
        .await
        .expect("start");
    let canvas: Canvas = result(&wait_finished(&workspace, canvas_id).await);
    assert_eq!(canvas.report_job.as_deref(), Some(id.to_string().as_str()));
    let finding_ids: HashSet<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
    let cites_report = canvas
        .blocks
        .iter()
        .flat_map(|b| &b.entries)
        .flat_map(|e| &e.evidence)
        .any(|id| finding_ids.contains(id.as_str()));
    assert!(cites_report, "some entry cites a finding of the report");
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn web_research_cancels_and_resumes_source_by_source() {
    let (_dir, workspace, initiative, pace) = support::paced_workspace().await;
    let id = workspace
        .web_research(
            &initiative.id,
            Vec::new(),
            ProviderChoice::Offline,
            SearchChoice::Offline,
        )
        .await
        .expect("start");
    pace.release(3);
    wait_partials(&workspace, id, 3).await;
    // Wait for the third source's step to be committed before cancelling.
    for _ in 0..200 {
        let s = workspace.engine().get(id).await.expect("get");
        if s.steps
            .iter()
            .filter(|s| s.status == StepStatus::Completed)
            .count()
            >= 5
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let cancelled = workspace
        .engine()
        .cancel_and_wait(id)
        .await
        .expect("cancel");
    assert_eq!(cancelled.job.status, JobStatus::Cancelled);
    pace.release(100);
    workspace.engine().retry(id).await.expect("retry");
    let done = wait_finished(&workspace, id).await;
    let report: ResearchReport = result(&done);
    let calls = pace.calls();
    let unique: HashSet<&String> = calls.iter().collect();
    assert_eq!(
        unique.len(),
        calls.len(),
        "no source was read twice: {calls:?}"
    );
    assert_eq!(calls.len(), report.sources.len());
    // Streamed findings after the retry: exactly the report's, none duplicated.
    let streamed = partial_values::<ResearchPartial>(&done).len();
    assert_eq!(streamed, report.findings.len());
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

// ---------------------------------------------------------------------------
// SearXNG and web pages

#[derive(Default)]
struct WebLog {
    searches: Vec<String>,
    pages: Vec<String>,
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
            tokio::time::sleep(Duration::from_secs(30)).await;
            ([(header::CONTENT_TYPE, "text/html")], GOOD).into_response()
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

    let (_dir, config) = temp_config();
    let limits = FetchLimits {
        timeout: Duration::from_millis(700),
        max_bytes: 64 * 1024,
    };
    let workspace = Workspace::open(WorkspaceConfig {
        engine: config.clone(),
        providers: fast_providers(),
        research: ResearchSettings {
            max_sources: 10,
            results_per_query: 10,
            fetch: limits,
            search_timeout: Duration::from_secs(5),
        },
    })
    .await
    .expect("workspace");
    let initiative = workspace
        .initiatives()
        .create(coffee_draft())
        .await
        .expect("create");
    let started = std::time::Instant::now();
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
        .expect("start");
    let done = wait_finished(&workspace, id).await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the slow page did not hold the job"
    );
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
async fn an_unreachable_search_endpoint_fails_the_job_clearly() {
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
        .expect("start");
    let done = wait_finished(&workspace, id).await;
    assert_eq!(done.job.status, JobStatus::Failed);
    let error = done.job.error.expect("error");
    assert_eq!(error.code, "search");
    assert!(
        error.message.contains(&port.to_string()),
        "{}",
        error.message
    );
    assert!(error.retryable);
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

// ---------------------------------------------------------------------------
// Bad input

#[tokio::test]
async fn bad_input_gets_clear_errors_and_starts_nothing() {
    let (dir, workspace, initiative) = support::workspace_with_initiative().await;
    let err = workspace
        .five_whys(&initiative.id, "   ", 5, ProviderChoice::Offline)
        .await
        .expect_err("empty");
    assert_eq!(err.code(), "invalid_input");
    assert!(err.to_string().contains("Describe the problem"), "{err}");
    let err = workspace
        .five_whys(&initiative.id, "Sales are low", 9, ProviderChoice::Offline)
        .await
        .expect_err("deep");
    assert!(err.to_string().contains("between 1 and 7"), "{err}");
    let err = workspace
        .five_whys(
            "no-such-initiative",
            "Sales are low",
            5,
            ProviderChoice::Offline,
        )
        .await
        .expect_err("unknown");
    assert_eq!(err.code(), "not_found");
    let err = workspace
        .research_canvas("no-such-initiative", ProviderChoice::Offline)
        .await
        .expect_err("unknown");
    assert_eq!(err.code(), "not_found");
    let err = workspace
        .web_research(
            &initiative.id,
            vec![String::new()],
            ProviderChoice::Offline,
            SearchChoice::Offline,
        )
        .await
        .expect_err("empty question");
    assert_eq!(err.code(), "invalid_input");
    let err = workspace
        .web_research(
            &initiative.id,
            Vec::new(),
            ProviderChoice::Offline,
            SearchChoice::Searxng {
                base_url: "file:///etc".into(),
            },
        )
        .await
        .expect_err("bad url");
    assert_eq!(err.code(), "invalid_input");

    // Attachments: binary, too large, wrong type, unknown initiative.
    let binary = dir.path().join("photo.txt");
    std::fs::write(&binary, [0x89, b'P', b'N', b'G', 0, 0, 1, 2]).expect("write");
    assert_eq!(
        workspace
            .attach_file(&initiative.id, &binary)
            .await
            .expect_err("binary")
            .code(),
        "not_text"
    );
    let large = dir.path().join("dump.md");
    std::fs::write(&large, "a".repeat(2 * 1024 * 1024)).expect("write");
    let err = workspace
        .attach_file(&initiative.id, &large)
        .await
        .expect_err("large");
    assert_eq!(err.code(), "too_large");
    assert!(err.to_string().contains("dump.md"), "{err}");
    let pdf = dir.path().join("deck.pdf");
    std::fs::write(&pdf, "%PDF").expect("write");
    assert_eq!(
        workspace
            .attach_file(&initiative.id, &pdf)
            .await
            .expect_err("pdf")
            .code(),
        "unsupported_type"
    );
    let good = dir.path().join("notes.md");
    std::fs::write(&good, "# Visit\n\nCommuters queue at the kiosk.").expect("write");
    assert_eq!(
        workspace
            .attach_file("no-such-initiative", &good)
            .await
            .expect_err("unknown")
            .code(),
        "not_found"
    );
    let doc = workspace
        .attach_file(&initiative.id, &good)
        .await
        .expect("attach");
    assert_eq!(doc.title, "notes.md");
    assert_eq!(
        workspace
            .initiatives()
            .documents(&initiative.id)
            .await
            .expect("docs")
            .len(),
        1
    );

    let page = workspace
        .engine()
        .list(&jobs::JobQuery::default())
        .await
        .expect("list");
    assert!(page.items.is_empty(), "no job was started by bad input");
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn a_problem_the_offline_knowledge_cannot_explain_fails_with_advice() {
    let (_dir, workspace, initiative) = support::workspace_with_initiative().await;
    let id = workspace
        .five_whys(
            &initiative.id,
            "Zorblax frobnicates the wibble",
            5,
            ProviderChoice::Offline,
        )
        .await
        .expect("start");
    let done = wait_finished(&workspace, id).await;
    assert_eq!(done.job.status, JobStatus::Failed);
    let error = done.job.error.expect("error");
    assert_eq!(error.code, "no_knowledge");
    assert!(!error.retryable);
    assert!(
        error.message.contains("model provider"),
        "{}",
        error.message
    );
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

// ---------------------------------------------------------------------------
// With a model

#[tokio::test]
async fn with_a_model_the_why_chain_comes_from_the_model_and_stops_where_it_says() {
    let (_dir, workspace, initiative) = support::workspace_with_initiative().await;
    let server = support::ChatServer::start(|r, _| {
        assert_eq!(r.artefact, "why_level");
        // The prompt says which level it wants: "Give level N of at most M".
        let prompt = r.last_message();
        let level: usize = prompt
            .split("Give level ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .expect("level in prompt");
        let level = level - 1;
        let answer = json!({
            "question": format!("Why, at level {}?", level + 1),
            "answer": format!("cause number {}", level + 1),
            "countermeasure": "fix it",
            "confidence": 0.6,
            "root_cause": level + 1 == 3,
        });
        support::Reply::Stream(answer.to_string())
    })
    .await;
    let id = workspace
        .five_whys(
            &initiative.id,
            "Churn doubled this quarter",
            5,
            ProviderChoice::OpenaiCompatible {
                base_url: server.base_url.clone(),
                model: "m".into(),
            },
        )
        .await
        .expect("start");
    let chain: WhyChain = result(&wait_finished(&workspace, id).await);
    assert_eq!(chain.levels.len(), 3);
    assert_eq!(chain.root_cause, "cause number 3");
    assert_eq!(chain.stopped, "root_cause");
    assert!(!chain.offline && chain.source.engine == "model");
    assert!(chain.note.contains("model"));
    // Each request carried the chain so far.
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests[2].last_message().contains("cause number 2"));
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

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
        .expect("start");
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
