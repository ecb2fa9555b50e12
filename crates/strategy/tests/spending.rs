//! What model calls cost, against a real local model server that reports `usage`: each
//! call's tokens are the server's figures and its cost comes from the price table; a run
//! over its cap pauses before the call that would cross it and continues after a raise.

mod support;

use jobs::{JobStatus, PauseReason};
use strategy::Spending;
use strategy::export::{self, ExportFormat};
use strategy::provider::Price;
use support::{ChatServer, Reply, offline_answer, wait_done, wait_finished};

/// Prompt tokens at 1,000 micros per 1,000 (a micro each), completion tokens at 3,000.
fn priced(run_limit_micros: Option<i64>) -> Spending {
    let mut spending = Spending {
        run_limit_micros,
        ..Spending::default()
    };
    spending.prices.0.insert(
        "test-model".into(),
        Price {
            prompt_micros_per_1k: 1_000,
            completion_micros_per_1k: 3_000,
        },
    );
    spending
}

/// Starts a program for `initiative` on `server`'s model.
async fn start_program(
    workspace: &strategy::Workspace,
    initiative: &strategy::Initiative,
    server: &ChatServer,
) -> jobs::JobId {
    workspace
        .generate_program(&initiative.id, server.choice())
        .await
        .expect("start")
        .id
}

/// A server answering every artefact as the built-in engine would, reporting usage.
async fn answering_server(initiative: &strategy::Initiative) -> ChatServer {
    let answers = initiative.clone();
    ChatServer::start(move |r, _| Reply::Stream(offline_answer(&answers, &r.artefact))).await
}

#[tokio::test]
async fn each_model_call_is_recorded_with_the_servers_figures_and_its_price() {
    let (_dir, config) = support::temp_config();
    let (workspace, initiative) = support::open_with_initiative(&config).await;
    workspace.set_spending(priced(None));
    let server = answering_server(&initiative).await;
    let id = start_program(&workspace, &initiative, &server).await;
    let done = wait_done(&workspace, id).await;
    assert_eq!(
        done.job.status,
        JobStatus::Completed,
        "{:?}",
        done.job.error
    );

    let reported = server.reported();
    assert!(reported.len() >= 3, "model calls: {reported:?}");
    assert!(
        server.requests().iter().all(|r| r.wants_usage()),
        "streams ask for usage"
    );
    let usage = workspace.engine().usage(id).await.expect("usage");
    assert_eq!(usage.calls.len(), reported.len(), "one record per call");
    for (call, sent) in usage.calls.iter().zip(&reported) {
        assert_eq!(
            (
                u64::from(call.usage.prompt_tokens),
                u64::from(call.usage.completion_tokens)
            ),
            (sent.prompt_tokens, sent.completion_tokens)
        );
        assert!(!call.usage.estimated, "the server reported usage");
        assert_eq!(call.usage.model, "test-model");
        let price = sent.prompt_tokens * 1_000 + sent.completion_tokens * 3_000;
        assert_eq!(call.usage.cost_micros, ((price + 500) / 1_000) as i64);
        assert!(call.step_index.is_some(), "made inside a step");
    }
    let total = server.reported_total();
    assert_eq!(usage.total.prompt_tokens, total.prompt_tokens);
    assert_eq!(usage.total.completion_tokens, total.completion_tokens);
    let cost: i64 = usage.calls.iter().map(|c| c.usage.cost_micros).sum();
    assert!(cost > 0);
    assert_eq!(usage.total.cost_micros, cost);
    assert_eq!(usage.steps.len(), reported.len(), "one model call per step");
    // The job's own totals (the Jobs page's column) agree.
    assert_eq!(done.job.cost_micros, cost);
    assert_eq!(
        done.job.tokens as u64,
        total.prompt_tokens + total.completion_tokens
    );
    // And so does the JSON export.
    let exported = workspace
        .export(id, ExportFormat::Json)
        .await
        .expect("export");
    let value: serde_json::Value = serde_json::from_str(&exported.text).expect("json");
    assert_eq!(value[export::MODEL_USAGE]["total"]["cost_micros"], cost);
    assert_eq!(
        value[export::MODEL_USAGE]["calls"].as_array().map(Vec::len),
        Some(reported.len())
    );
}

#[tokio::test]
async fn a_run_over_its_cap_pauses_before_the_crossing_call_and_continues_after_a_raise() {
    let (_dir, config) = support::temp_config();
    let (workspace, initiative) = support::open_with_initiative(&config).await;
    // A cap of one micro: the first call (nothing spent yet) goes out; any second would
    // cross it.
    workspace.set_spending(priced(Some(1)));
    let server = answering_server(&initiative).await;
    let id = start_program(&workspace, &initiative, &server).await;
    let paused = wait_finished(&workspace, id).await;
    assert_eq!(paused.job.status, JobStatus::Paused);
    let pause = paused.job.pause.clone().expect("a pause");
    assert_eq!(pause.reason, PauseReason::OverBudget);
    assert!(paused.job.error.is_none(), "a wait is not a failure");
    assert_eq!(paused.job.spend_limit, Some(1));
    assert_eq!(server.requests().len(), 1, "no call crossed the cap");
    assert_eq!(server.reported().len(), 1);
    let spent = paused.job.cost_micros;
    assert!(spent > 1, "the first call cost {spent}");

    // Continue (+ amount): enough for the rest.
    workspace
        .engine()
        .raise_limit(id, 1_000_000)
        .await
        .expect("raise");
    let done = wait_done(&workspace, id).await;
    assert_eq!(
        done.job.status,
        JobStatus::Completed,
        "{:?}",
        done.job.error
    );
    assert_eq!(done.job.spend_limit, Some(1_000_001));
    assert_eq!(
        done.job.attempt, paused.job.attempt,
        "a pause is no failed attempt"
    );
    let requests = server.requests();
    let artefacts: Vec<&str> = requests.iter().map(|r| r.artefact.as_str()).collect();
    for artefact in &artefacts {
        assert_eq!(
            server.count(artefact),
            1,
            "{artefact} asked once: {artefacts:?}"
        );
    }
    let usage = workspace.engine().usage(id).await.expect("usage");
    assert_eq!(usage.calls.len(), requests.len());
    assert_eq!(usage.total.cost_micros, done.job.cost_micros);
    let total = server.reported_total();
    assert_eq!(usage.total.prompt_tokens, total.prompt_tokens);
    assert_eq!(usage.total.completion_tokens, total.completion_tokens);
}

#[tokio::test]
async fn a_local_model_without_a_price_costs_nothing_and_never_hits_the_cap() {
    let (_dir, config) = support::temp_config();
    let (workspace, initiative) = support::open_with_initiative(&config).await;
    // A cap of zero, but the model has no price: local servers are free by default.
    workspace.set_spending(Spending {
        run_limit_micros: Some(0),
        ..Spending::default()
    });
    let server = answering_server(&initiative).await;
    let id = start_program(&workspace, &initiative, &server).await;
    let done = wait_done(&workspace, id).await;
    assert_eq!(
        done.job.status,
        JobStatus::Completed,
        "{:?}",
        done.job.error
    );
    assert_eq!(done.job.cost_micros, 0);
    assert!(done.job.tokens > 0, "tokens are still counted");
}
