//! The `epm_generation` job on the real engine: steps, partials, result, exports,
//! cancellation, retry and resume after a crash without asking the model again.

mod support;

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use jobs::{JobChange, JobStatus, Snapshot, StepStatus, WatchItem};
use strategy::VariantId;
use strategy::epm::{STEPS, StepResult};
use strategy::export::{self, ExportFormat};
use strategy::operation::EPM_GENERATION;
use strategy::{OperationResult, Program, ProviderChoice};
use support::{ChatServer, Reply, coffee_draft, offline_answer, open, temp_config, wait_finished};

fn program_of(snapshot: &Snapshot) -> Program {
    serde_json::from_value(snapshot.job.result.clone().expect("result")).expect("program")
}

/// A script answering like a model (the offline engine's content), except that requests for
/// `artefact` get `special()`.
fn answers_except(
    initiative: strategy::Initiative,
    artefact: &'static str,
    special: impl Fn() -> Reply + Send + Sync + 'static,
) -> impl Fn(&support::Received, usize) -> Reply + Send + Sync + 'static {
    move |r, _| {
        if r.artefact == artefact {
            special()
        } else {
            Reply::Stream(offline_answer(&initiative, &r.artefact))
        }
    }
}

/// The model provider served by `server`.
/// A script answering every artefact like a model would (from the offline engine's content).
fn model_answers(initiative: strategy::Initiative) -> impl Fn(&support::Received, usize) -> Reply {
    move |r, _| Reply::Stream(offline_answer(&initiative, &r.artefact))
}

#[tokio::test]
async fn offline_generation_runs_every_step_and_stores_the_program() {
    let (_dir, workspace, initiative) = support::workspace_with_initiative().await;
    let done = support::program(&workspace, &initiative).await;
    assert_eq!(
        done.job.status,
        JobStatus::Completed,
        "{:?}",
        done.job.error
    );
    assert_eq!(done.job.kind, EPM_GENERATION);
    assert_eq!(done.job.session_id.as_deref(), Some(initiative.id.as_str()));
    assert_eq!(done.job.progress, 100.0);

    let names: Vec<&str> = done.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, STEPS);
    assert!(done.steps.iter().all(|s| s.status == StepStatus::Completed));
    let partials: Vec<StepResult> = done
        .partials
        .iter()
        .map(|p| serde_json::from_value(p.value.clone()).expect("step result"))
        .collect();
    assert_eq!(
        partials.iter().map(|p| p.index).collect::<Vec<_>>(),
        (0..STEPS.len() as u32).collect::<Vec<_>>()
    );
    assert!(
        partials[1].summary.contains("workstreams"),
        "{}",
        partials[1].summary
    );

    let program = program_of(&done);
    assert_eq!(program.source.engine, "offline");
    assert!(program.source.label.contains("offline"));
    assert_eq!(program.initiative, initiative);
    assert!(program.plan.workstreams.len() >= 5);
    assert_eq!(
        program.plan.stage_gates.len(),
        program.plan.workstreams.len()
    );
    assert!(!program.plan.schedule.critical_path.is_empty());

    // Exports: Markdown with every section, JSON that reads back to the same program.
    let exported = OperationResult::Program(Box::new(program.clone()));
    let usage = workspace.engine().usage(done.job.id).await.expect("usage");
    let md = export::render(&exported, &done.job.title, ExportFormat::Markdown, &usage)
        .expect("markdown");
    for section in [
        "# Program: Harbour Coffee",
        "## Schedule",
        "## Resources",
        "## Budget",
        "## Risks",
        "## KPIs",
        "## Stage gates",
    ] {
        assert!(md.contains(section), "missing {section}");
    }
    let json =
        export::render(&exported, &done.job.title, ExportFormat::Json, &usage).expect("json");
    let back: Program = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, program);
    // The built-in engine calls no model: the record says so.
    let value: serde_json::Value = serde_json::from_str(&json).expect("json value");
    assert_eq!(value[export::MODEL_USAGE]["total"]["calls"], 0);

    // The same initiative generates the same program again.
    let again = support::program(&workspace, &initiative).await;
    assert_eq!(program_of(&again), program);
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn a_model_generation_streams_progress_and_labels_its_source() {
    let (_dir, workspace, initiative) = support::workspace_with_initiative().await;
    let server = ChatServer::start(model_answers(initiative.clone())).await;
    let id = workspace
        .generate_program(&initiative.id, server.choice())
        .await
        .expect("start")
        .id;
    // Collect the live progress messages.
    let mut watch = workspace.engine().watch(id).await.expect("watch");
    let mut messages = Vec::new();
    while let Some(item) = watch.events.next().await {
        if let WatchItem::Event(e) = item {
            match e.change {
                JobChange::Progress {
                    message: Some(m), ..
                } => messages.push(m.to_string()),
                JobChange::Finished { .. } => break,
                _ => {}
            }
        }
    }
    let done = workspace.engine().get(id).await.expect("get");
    assert_eq!(
        done.job.status,
        JobStatus::Completed,
        "{:?}",
        done.job.error
    );
    let program = program_of(&done);
    assert_eq!(program.source.engine, "model");
    assert_eq!(program.source.model.as_deref(), Some("test-model"));
    assert!(program.analysis.playbook.is_none());
    // The model's plan goes through the same fitting: three variants, the fitted one adopted.
    let ids: Vec<VariantId> = program.variants.iter().map(|v| v.id).collect();
    assert_eq!(ids, VariantId::ALL);
    assert_eq!(program.chosen, Some(VariantId::Fitted));
    assert_eq!(
        program.plan, program.variants[0].plan,
        "the adopted plan is the fitted variant's"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("Extracting workstreams and tasks… the model is writing")),
        "{messages:?}"
    );
    // One request per provider step, in step order.
    let asked: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.artefact.clone())
        .collect();
    assert_eq!(
        asked,
        ["analysis", "outline", "resources", "risks", "measures"]
    );
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[test]
fn a_crash_mid_generation_resumes_without_asking_the_model_again() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (_dir, mut config) = temp_config();
    config.engine.auto_resume = true;
    let draft_initiative = support::initiative(coffee_draft());
    // The server lives on the test's runtime; the engine on one that is killed.
    let gate = Arc::new(tokio::sync::Notify::new());
    let server = rt.block_on({
        let init = draft_initiative.clone();
        let gate = gate.clone();
        let answer = offline_answer(&init, "risks");
        ChatServer::start(answers_except(init, "risks", move || {
            Reply::Gated(gate.clone(), answer.clone())
        }))
    });
    let base_url = server.base_url.clone();
    let server = Arc::new(server);
    let watcher = server.clone();
    let (id, before) = support::crash_after(&config, move |workspace| async move {
        let init = workspace
            .initiatives()
            .create(coffee_draft())
            .await
            .expect("create");
        let id = workspace
            .generate_program(
                &init.id,
                ProviderChoice::OpenaiCompatible {
                    base_url,
                    model: "m".into(),
                },
            )
            .await
            .expect("start")
            .id;
        // Steps 1–5 done (three asked of the model, two computed); step 6 is waiting.
        support::eventually("the risks request", || watcher.count("risks") == 1).await;
        let snapshot = workspace.engine().get(id).await.expect("get");
        (id, snapshot)
    });
    let completed: Vec<&str> = before
        .steps
        .iter()
        .filter(|s| s.status == StepStatus::Completed)
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(completed, &STEPS[..5]);

    gate.notify_waiters();
    // Answer at once from now on.
    let init = draft_initiative.clone();
    server.set_script(model_answers(init));
    rt.block_on(async {
        let workspace = open(&config).await;
        assert_eq!(workspace.engine().recovery().resumed.len(), 1);
        let done = wait_finished(&workspace, id).await;
        assert_eq!(
            done.job.status,
            JobStatus::Completed,
            "{:?}",
            done.job.error
        );
        assert_eq!(done.job.attempt, 2);
        // The model was asked once for each of steps 1–3 and twice for the interrupted one.
        assert_eq!(server.count("analysis"), 1);
        assert_eq!(server.count("outline"), 1);
        assert_eq!(server.count("resources"), 1);
        assert_eq!(server.count("risks"), 2);
        assert_eq!(server.count("measures"), 1);
        assert_eq!(done.steps.len(), STEPS.len());
        // Partials are not duplicated by the resume: one per step.
        let indices: Vec<u32> = done
            .partials
            .iter()
            .map(|p| {
                serde_json::from_value::<StepResult>(p.value.clone())
                    .expect("partial")
                    .index
            })
            .collect();
        assert_eq!(indices, (0..STEPS.len() as u32).collect::<Vec<_>>());
        workspace.engine().shutdown(Duration::from_secs(2)).await;
    });
}

#[tokio::test]
async fn cancelling_during_a_model_call_stops_at_once() {
    let (_dir, workspace, initiative) = support::workspace_with_initiative().await;
    let server = ChatServer::start(answers_except(initiative.clone(), "outline", || {
        Reply::StreamThenHang(vec!["{\"workstreams\": [".into()])
    }))
    .await;
    let id = workspace
        .generate_program(&initiative.id, server.choice())
        .await
        .expect("start")
        .id;
    support::eventually("the outline request", || server.count("outline") == 1).await;
    let snapshot = tokio::time::timeout(
        Duration::from_secs(2),
        workspace.engine().cancel_and_wait(id),
    )
    .await
    .expect("cancelled quickly")
    .expect("cancel");
    assert_eq!(snapshot.job.status, JobStatus::Cancelled);
    assert_eq!(
        snapshot
            .steps
            .iter()
            .filter(|s| s.status == StepStatus::Completed)
            .count(),
        1
    );
    support::eventually("the server to see the connection close", || {
        server.closed_early()
    })
    .await;
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn retry_after_a_failure_resumes_at_the_failed_step() {
    let (_dir, workspace, initiative) = support::workspace_with_initiative().await;
    // A request the server refuses (400) fails the job: waiting would not change the answer.
    let server = ChatServer::start(answers_except(initiative.clone(), "measures", || {
        Reply::Status(
            400,
            None,
            r#"{"error":{"message":"context too long"}}"#.into(),
        )
    }))
    .await;
    let choice = server.choice();
    let id = workspace
        .generate_program(&initiative.id, choice)
        .await
        .expect("start")
        .id;
    let failed = wait_finished(&workspace, id).await;
    assert_eq!(failed.job.status, JobStatus::Failed);
    let error = failed.job.error.clone().expect("error");
    assert_eq!(error.code, "rejected");
    assert!(
        error.message.contains("context too long"),
        "{}",
        error.message
    );
    assert!(error.retryable);

    server.set_script(model_answers(initiative.clone()));
    workspace.engine().retry(id).await.expect("retry");
    let done = wait_finished(&workspace, id).await;
    assert_eq!(
        done.job.status,
        JobStatus::Completed,
        "{:?}",
        done.job.error
    );
    for (artefact, times) in [
        ("analysis", 1),
        ("outline", 1),
        ("resources", 1),
        ("risks", 1),
        ("measures", 2),
    ] {
        assert_eq!(server.count(artefact), times, "{artefact}");
    }
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn bad_requests_are_refused_before_a_job_exists() {
    let (_dir, config) = temp_config();
    let workspace = open(&config).await;
    let err = workspace
        .generate_program("no-such-initiative", ProviderChoice::Offline)
        .await
        .expect_err("unknown");
    assert_eq!(err.code().as_str(), "not_found");
    let initiative = workspace
        .initiatives()
        .create(coffee_draft())
        .await
        .expect("create");
    let err = workspace
        .generate_program(
            &initiative.id,
            ProviderChoice::OpenaiCompatible {
                base_url: "ftp://example".into(),
                model: "m".into(),
            },
        )
        .await
        .expect_err("bad url");
    assert_eq!(err.code().as_str(), "invalid_input");
    assert!(err.to_string().contains("http"), "{err}");
    let page = workspace
        .engine()
        .list(&jobs::JobQuery::default())
        .await
        .expect("list");
    assert!(page.items.is_empty());
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}
