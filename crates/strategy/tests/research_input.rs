//! Research operations refuse bad input before any job exists, attachments that are not
//! text, too large or of another type, and fail with advice when the offline knowledge has
//! nothing on a problem.

mod support;

use std::time::Duration;

use jobs::JobStatus;
use strategy::ProviderChoice;
use strategy::research::SearchChoice;

#[tokio::test]
async fn bad_input_gets_clear_errors_and_starts_nothing() {
    let (dir, workspace, initiative) = support::workspace_with_initiative().await;
    let err = workspace
        .five_whys(&initiative.id, "   ", 5, ProviderChoice::Offline)
        .await
        .expect_err("empty");
    assert_eq!(err.code().as_str(), "invalid_input");
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
    assert_eq!(err.code().as_str(), "not_found");
    let err = workspace
        .research_canvas("no-such-initiative", ProviderChoice::Offline)
        .await
        .expect_err("unknown");
    assert_eq!(err.code().as_str(), "not_found");
    let err = workspace
        .web_research(
            &initiative.id,
            vec![String::new()],
            ProviderChoice::Offline,
            SearchChoice::Offline,
        )
        .await
        .expect_err("empty question");
    assert_eq!(err.code().as_str(), "invalid_input");
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
    assert_eq!(err.code().as_str(), "invalid_input");

    // Attachments: binary, too large, wrong type, unknown initiative.
    let binary = dir.path().join("photo.txt");
    std::fs::write(&binary, [0x89, b'P', b'N', b'G', 0, 0, 1, 2]).expect("write");
    assert_eq!(
        workspace
            .attach_file(&initiative.id, &binary)
            .await
            .expect_err("binary")
            .code()
            .as_str(),
        "not_text"
    );
    let large = dir.path().join("dump.md");
    std::fs::write(&large, "a".repeat(2 * 1024 * 1024)).expect("write");
    let err = workspace
        .attach_file(&initiative.id, &large)
        .await
        .expect_err("large");
    assert_eq!(err.code().as_str(), "too_large");
    assert!(err.to_string().contains("dump.md"), "{err}");
    let pdf = dir.path().join("deck.pdf");
    std::fs::write(&pdf, "%PDF").expect("write");
    assert_eq!(
        workspace
            .attach_file(&initiative.id, &pdf)
            .await
            .expect_err("pdf")
            .code()
            .as_str(),
        "unsupported_type"
    );
    let good = dir.path().join("notes.md");
    std::fs::write(&good, "# Visit\n\nCommuters queue at the kiosk.").expect("write");
    assert_eq!(
        workspace
            .attach_file("no-such-initiative", &good)
            .await
            .expect_err("unknown")
            .code()
            .as_str(),
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
    // Deleting: only the initiative's own document, once.
    let store = workspace.initiatives();
    assert!(
        !store
            .delete_document("another-initiative", &doc.id)
            .await
            .expect("delete")
    );
    assert!(
        store
            .delete_document(&initiative.id, &doc.id)
            .await
            .expect("delete")
    );
    assert!(
        !store
            .delete_document(&initiative.id, &doc.id)
            .await
            .expect("delete again")
    );
    assert!(
        store
            .documents(&initiative.id)
            .await
            .expect("docs")
            .is_empty()
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
    let done =
        support::five_whys(&workspace, &initiative, "Zorblax frobnicates the wibble", 5).await;
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
