//! No duplicate runs: asking for the same operation with the same input while its job is
//! pending, running or paused returns that job; once it has finished, a new one starts.

mod support;

use jobs::JobStatus;
use strategy::ProviderChoice;
use support::{ChatServer, Reply, wait_finished};

#[tokio::test]
async fn the_same_request_joins_the_active_job_and_a_later_one_starts_anew() {
    let (_dir, workspace, initiative) = support::workspace_with_initiative().await;
    // A model that never answers keeps the first program running for as long as the test needs.
    let server = ChatServer::start(|_, _| Reply::Hang).await;
    // Two starts at once (a double click): one job, the second joins it.
    let (first, second) = tokio::join!(
        workspace.generate_program(&initiative.id, server.choice()),
        workspace.generate_program(&initiative.id, server.choice()),
    );
    let (first, second) = (first.expect("start"), second.expect("start"));
    assert_eq!(first.id, second.id, "one job for the same request");
    assert!(
        first.joined != second.joined,
        "exactly one of the two joined ({first:?}, {second:?})"
    );
    // Another operation, or the same one for another input, is not the same request.
    let canvas = support::start_canvas(&workspace, &initiative).await;
    assert_ne!(canvas, first.id);
    let other = workspace
        .five_whys(&initiative.id, "Sales are low", 3, ProviderChoice::Offline)
        .await
        .expect("start");
    let deeper = workspace
        .five_whys(&initiative.id, "Sales are low", 4, ProviderChoice::Offline)
        .await
        .expect("start");
    assert!(!other.joined && !deeper.joined);
    assert_ne!(other.id, deeper.id);

    // Asked again while it runs: still that job.
    let third = workspace
        .generate_program(&initiative.id, server.choice())
        .await
        .expect("start");
    assert_eq!((third.id, third.joined), (first.id, true));

    workspace.engine().cancel(first.id).await.expect("cancel");
    assert_eq!(
        wait_finished(&workspace, first.id).await.job.status,
        JobStatus::Cancelled
    );
    let again = workspace
        .generate_program(&initiative.id, server.choice())
        .await
        .expect("start");
    assert!(!again.joined, "a finished job is not joined");
    assert_ne!(again.id, first.id);
    let page = workspace
        .engine()
        .list(&jobs::JobQuery {
            kind: Some("epm_generation".into()),
            ..jobs::JobQuery::default()
        })
        .await
        .expect("list");
    assert_eq!(page.items.len(), 2, "two programs in all");
    workspace.engine().cancel(again.id).await.expect("cancel");
}
