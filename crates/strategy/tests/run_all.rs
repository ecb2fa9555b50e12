//! Run all on the real engine with the offline engine behind a gate: the canvas waits for
//! the research (asking nothing of the provider meanwhile) and then cites its findings; a
//! research that is cancelled lets the canvas go on without it; the program needs neither.

mod support;

use std::time::Duration;

use jobs::JobStatus;
use strategy::research::{Canvas, ResearchReport, SearchChoice};
use strategy::{Initiative, ProviderChoice, RunAll, Workspace};
use support::{result, wait_finished};

const WAITING_STEP: &str = "Waiting for the research";

/// Polls `check` every 10 ms for up to 10 s.
async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    for _ in 0..1000 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Starts Run all with the provider held and waits until the canvas sits in its waiting step.
async fn run_all_until_the_canvas_waits(workspace: &Workspace, initiative: &Initiative) -> RunAll {
    let started = workspace
        .run_all(
            &initiative.id,
            ProviderChoice::Offline,
            SearchChoice::default(),
        )
        .await
        .expect("run all");
    eventually("the canvas to wait", async || {
        let canvas = workspace
            .engine()
            .get(started.canvas.id)
            .await
            .expect("get");
        canvas.job.status == JobStatus::Running
            && canvas.steps.first().is_some_and(|s| s.name == WAITING_STEP)
    })
    .await;
    started
}

#[tokio::test]
async fn the_canvas_waits_for_the_research_then_cites_it_and_the_program_runs_meanwhile() {
    let (_dir, workspace, initiative, pace) = support::paced_workspace().await;
    // With the provider held, the canvas sits in its waiting step and asks nothing.
    let started = run_all_until_the_canvas_waits(&workspace, &initiative).await;
    assert!(!started.research.joined && !started.canvas.joined && !started.program.joined);
    let canvas = workspace
        .engine()
        .get(started.canvas.id)
        .await
        .expect("get");
    assert!(
        canvas
            .job
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("Waiting for the research"))
    );

    pace.release(1_000);
    let research = wait_finished(&workspace, started.research.id).await;
    let canvas = wait_finished(&workspace, started.canvas.id).await;
    let program = wait_finished(&workspace, started.program.id).await;
    assert_eq!(program.job.status, JobStatus::Completed);

    let report: ResearchReport = result(&research);
    let made: Canvas = result(&canvas);
    assert_eq!(made.report_job, Some(started.research.id.to_string()));
    let findings: Vec<&str> = report.findings.iter().map(|f| f.id.as_str()).collect();
    assert!(
        made.evidence
            .iter()
            .any(|e| findings.contains(&e.id.as_str())),
        "the canvas cites a finding of the research it waited for"
    );
    // Not one canvas block was asked for before the research's last finding.
    let calls = pace.calls();
    let last_finding = calls
        .iter()
        .rposition(|c| c.starts_with("findings:"))
        .expect("research asked");
    let first_block = calls
        .iter()
        .position(|c| c.starts_with("canvas_block:"))
        .expect("canvas asked");
    assert!(first_block > last_finding, "calls in order: {calls:?}");
    let waited = &canvas.steps[0];
    assert_eq!(waited.name, WAITING_STEP);
    assert!(waited.finished_at.unwrap_or(0) >= research.job.finished_at.unwrap_or(i64::MAX));
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn a_canvas_whose_research_is_cancelled_goes_on_with_the_built_in_knowledge() {
    let (_dir, workspace, initiative, pace) = support::paced_workspace().await;
    let started = run_all_until_the_canvas_waits(&workspace, &initiative).await;
    workspace
        .engine()
        .cancel(started.research.id)
        .await
        .expect("cancel");
    pace.release(1_000);
    let canvas = wait_finished(&workspace, started.canvas.id).await;
    let made: Canvas = result(&canvas);
    assert_eq!(made.report_job, None);
    assert!(
        !made.evidence.is_empty(),
        "it cites the built-in knowledge base"
    );
    assert!(made.note.contains("run web research first"));
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn run_all_refuses_an_unknown_initiative_and_starts_nothing() {
    let (_dir, workspace, _initiative, _pace) = support::paced_workspace().await;
    let refused = workspace
        .run_all(
            "no-such-initiative",
            ProviderChoice::Offline,
            SearchChoice::default(),
        )
        .await;
    assert!(refused.is_err());
    let all = workspace
        .engine()
        .list(&jobs::JobQuery::default())
        .await
        .expect("list");
    assert!(all.items.is_empty(), "nothing was started");
}
