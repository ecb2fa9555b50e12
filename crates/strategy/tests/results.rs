//! Finished jobs read as typed results: each operation's result by its kind (tagged by its
//! operation on the wire), typed errors for a job of no operation, one that has not
//! completed and one whose stored result no longer reads; a newest research report that no
//! longer reads is passed over with a warning in the log.

mod support;

use std::time::Duration;

use jobs::JobStatus;
use serde_json::json;
use sqlx::Connection;
use strategy::operation::ResultError;
use strategy::{Error, OperationKind, OperationResult};
use support::Logs;

#[tokio::test]
async fn each_operations_result_reads_back_typed_and_tagged() {
    let (_dir, workspace, initiative) = support::workspace_with_initiative().await;
    let problem = "Weekday morning sales are 30% below plan";
    let runs = [
        (
            OperationKind::Program,
            support::program(&workspace, &initiative).await,
        ),
        (
            OperationKind::Canvas,
            support::canvas(&workspace, &initiative).await,
        ),
        (
            OperationKind::FiveWhys,
            support::five_whys(&workspace, &initiative, problem, 5).await,
        ),
        (
            OperationKind::Research,
            support::research(&workspace, &initiative).await,
        ),
    ];
    for (operation, done) in runs {
        assert_eq!(done.job.kind, operation.job_kind());
        let result = workspace.result(done.job.id).await.expect("result");
        assert_eq!(result.operation(), operation);
        let wire = serde_json::to_value(&result).expect("json");
        assert_eq!(
            wire["operation"],
            serde_json::to_value(operation).expect("json")
        );
        assert_eq!(Some(&wire["result"]), done.job.result.as_ref());
        let back: OperationResult = serde_json::from_value(wire).expect("reads back");
        assert_eq!(back, result);
    }
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn a_job_without_a_readable_result_says_why() {
    let (_dir, workspace, initiative) = support::workspace_with_initiative().await;
    let done = support::five_whys(&workspace, &initiative, "Sales are below plan", 5).await;

    let mut other = done.job.clone();
    other.kind = "other".into();
    let err = OperationResult::from_job(&other).expect_err("unknown kind");
    assert!(matches!(err, ResultError::UnknownKind { ref kind, .. } if kind == "other"));
    assert_eq!(err.code().as_str(), "unknown_kind");

    let mut failed = done.job.clone();
    failed.status = JobStatus::Failed;
    let err = OperationResult::from_job(&failed).expect_err("not completed");
    assert!(matches!(err, ResultError::NotCompleted { .. }), "{err}");
    assert_eq!(err.code().as_str(), "no_result");

    let mut damaged = done.job.clone();
    damaged.result = Some(json!({"x": 1}));
    let err = OperationResult::from_job(&damaged).expect_err("unreadable");
    assert!(
        matches!(
            err,
            ResultError::Unreadable {
                operation: OperationKind::FiveWhys,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(err.code().as_str(), "corrupt");

    workspace.engine().shutdown(Duration::from_secs(2)).await;

    // A job still running has no result yet.
    let (_dir, workspace, initiative, _pace) = support::paced_workspace().await;
    let id = support::start_canvas(&workspace, &initiative).await;
    let err = workspace.result(id).await.expect_err("still running");
    assert!(
        matches!(err, Error::Result(ResultError::NotCompleted { .. })),
        "{err:?}"
    );
    assert_eq!(err.code().as_str(), "no_result");
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn a_research_report_that_no_longer_reads_is_passed_over_with_a_warning() {
    let logs = Logs::default();
    let _logging = tracing::subscriber::set_default(logs.subscriber());
    let (dir, workspace, initiative) = support::workspace_with_initiative().await;
    let done = support::research(&workspace, &initiative).await;
    assert!(
        workspace
            .latest_report(&initiative.id)
            .await
            .expect("latest")
            .is_some()
    );

    // The stored report is damaged behind the engine's back.
    let mut conn = sqlx::SqliteConnection::connect_with(
        &sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join("charter.db")),
    )
    .await
    .expect("connect");
    sqlx::query("UPDATE jobs SET result = '{\"not\": \"a report\"}' WHERE id = ?")
        .bind(done.job.id.to_string())
        .execute(&mut conn)
        .await
        .expect("update");
    conn.close().await.expect("close");

    let latest = workspace
        .latest_report(&initiative.id)
        .await
        .expect("latest");
    assert!(latest.is_none(), "an unreadable report is not used");
    let warning = logs
        .text()
        .lines()
        .find(|l| l.contains("WARN") && l.contains("research report"))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no warning was logged:\n{}", logs.text()));
    assert!(warning.contains(&done.job.id.to_string()), "{warning}");
    assert!(
        warning.contains("no longer reads"),
        "the error is given: {warning}"
    );

    // A canvas researched now goes on without the report.
    let canvas: strategy::research::Canvas =
        support::result(&support::canvas(&workspace, &initiative).await);
    assert_eq!(canvas.report_job, None);
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}
