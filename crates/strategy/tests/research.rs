//! The research operations on the real engine with the offline engine: streamed partials
//! in order, re-attaching watchers, stored results, cancel/resume at block, level and
//! finding granularity; the why-chain from a model.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use futures::StreamExt;
use jobs::{JobChange, JobStatus, Snapshot, StepStatus, WatchItem};
use serde_json::json;
use strategy::ProviderChoice;
use strategy::artefact::{BlockKind, CanvasBlock};
use strategy::research::{Canvas, ChainLevel, ResearchPartial, ResearchReport, WhyChain};
use support::{
    coffee_draft, open, paced_providers, partial_values, result, temp_config, wait_finished,
    wait_partials,
};

/// The evidence ids the canvas's entries cite, in canvas order.
fn cited(canvas: &Canvas) -> Vec<&str> {
    canvas
        .blocks
        .iter()
        .flat_map(|b| &b.entries)
        .flat_map(|e| &e.evidence)
        .map(String::as_str)
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
    let id = support::start_canvas(&workspace, &initiative).await;
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
    let cited = cited(&canvas);
    assert!(!cited.is_empty());
    assert!(cited.iter().all(|c| ids.contains(c)));
    assert_eq!(pace.calls().len(), 9);
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn a_cancelled_canvas_retries_from_the_next_block() {
    let (_dir, workspace, initiative, pace) = support::paced_workspace().await;
    let id = support::start_canvas(&workspace, &initiative).await;
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
    config.engine.auto_resume = true;
    let (providers, pace) = paced_providers();
    config.providers = providers;
    let crash_pace = pace.clone();
    let id = support::crash_after(&config, move |workspace| async move {
        let initiative = workspace
            .initiatives()
            .create(coffee_draft())
            .await
            .expect("create");
        let id = support::start_canvas(&workspace, &initiative).await;
        crash_pace.release(2);
        wait_partials(&workspace, id, 2).await;
        id
    });
    assert_eq!(pace.calls().len(), 2);
    pace.release(100);
    rt.block_on(async {
        let workspace = open(&config).await;
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
    let problem = "Weekday morning sales are 30% below plan";
    let done = support::five_whys(&workspace, &initiative, problem, 5).await;
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
    let chain: WhyChain = result(&support::five_whys(&workspace, &initiative, problem, 1).await);
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
    let id = support::start_five_whys(&workspace, &initiative, problem, 5).await;
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
    let done = support::research(&workspace, &initiative).await;
    let id = done.job.id;
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
    let canvas: Canvas = result(&support::canvas(&workspace, &initiative).await);
    assert_eq!(canvas.report_job.as_deref(), Some(id.to_string().as_str()));
    let finding_ids: HashSet<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
    let cites_report = cited(&canvas).iter().any(|id| finding_ids.contains(id));
    assert!(cites_report, "some entry cites a finding of the report");
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn web_research_cancels_and_resumes_source_by_source() {
    let (_dir, workspace, initiative, pace) = support::paced_workspace().await;
    let id = support::start_research(&workspace, &initiative).await;
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
        .expect("start")
        .id;
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
