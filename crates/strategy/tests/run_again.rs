//! Run again from a step: a new job linked to the original reuses the original's steps before
//! it and asks the model only for the rest, on another server when the user chose one.

mod support;

use jobs::JobStatus;
use strategy::ProviderChoice;
use support::{ChatServer, Reply, offline_answer, wait_finished};

async fn answering(initiative: &strategy::initiative::Initiative) -> ChatServer {
    let answers = initiative.clone();
    ChatServer::start(move |r, _| Reply::Stream(offline_answer(&answers, &r.artefact))).await
}

#[tokio::test]
async fn run_again_from_a_step_asks_only_for_that_step_onwards_on_the_chosen_server() {
    let (_dir, workspace, initiative) = support::workspace_with_initiative().await;
    let first = answering(&initiative).await;
    let original = workspace
        .generate_program(&initiative.id, first.choice())
        .await
        .expect("start")
        .id;
    let done = wait_finished(&workspace, original).await;
    assert_eq!(done.job.status, JobStatus::Completed);

    // From step 3 (index 2, "resources"), on another server.
    let second = answering(&initiative).await;
    let preview = workspace
        .engine()
        .preview_fork(original, 2)
        .await
        .expect("preview");
    assert_eq!(preview.will_run_from, 2);
    assert_eq!(preview.restored.len(), 2);
    let again = workspace
        .run_again(original, 2, Some(second.choice()))
        .await
        .expect("run again");
    let rerun = wait_finished(&workspace, again).await;
    assert_eq!(
        rerun.job.status,
        JobStatus::Completed,
        "{:?}",
        rerun.job.error
    );
    assert_eq!(rerun.job.forked_from, Some(original));
    assert_eq!(
        rerun.job.input["provider"]["base_url"],
        second.base_url.as_str()
    );
    assert_eq!(second.count("analysis"), 0, "reused, not asked again");
    assert_eq!(second.count("outline"), 0, "reused, not asked again");
    for artefact in ["resources", "risks", "measures"] {
        assert_eq!(
            second.count(artefact),
            1,
            "{artefact} asked of the new server"
        );
    }
    assert_eq!(
        first.requests().len(),
        5,
        "the first server saw only the original run"
    );
    // The original is untouched.
    let before = workspace.engine().get(original).await.expect("get");
    assert_eq!(before.job.status, JobStatus::Completed);
    assert_eq!(before.job.result, done.job.result);

    // A provider that is not valid is refused before anything runs.
    let wrong = workspace
        .run_again(
            original,
            0,
            Some(ProviderChoice::OpenaiCompatible {
                base_url: "not a url".into(),
                model: "m".into(),
            }),
        )
        .await;
    assert!(wrong.is_err(), "an invalid provider is refused");
}
