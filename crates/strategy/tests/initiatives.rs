//! Initiatives: validation with clear messages, storage, and deletion with their jobs.

mod support;

use std::time::Duration;

use chrono::NaiveDate;
use strategy::initiative::ValidationErrors;
use strategy::{Error, InitiativeDraft};
use support::{coffee_draft, open, temp_config};

fn fields(errors: &ValidationErrors) -> Vec<&str> {
    errors.0.iter().map(|e| e.field.as_str()).collect()
}

fn invalid(draft: InitiativeDraft) -> ValidationErrors {
    draft.validate().expect_err("invalid")
}

#[test]
fn each_bad_field_gets_its_own_clear_message() {
    let e = invalid(InitiativeDraft {
        name: "   ".into(),
        ..coffee_draft()
    });
    assert_eq!(fields(&e), ["name"]);
    assert!(e.to_string().contains("name"), "{e}");

    let e = invalid(InitiativeDraft {
        budget: -1.0,
        ..coffee_draft()
    });
    assert_eq!(fields(&e), ["budget"]);
    assert!(e.to_string().contains("negative"), "{e}");
    assert_eq!(
        fields(&invalid(InitiativeDraft {
            budget: f64::NAN,
            ..coffee_draft()
        })),
        ["budget"]
    );
    assert_eq!(
        fields(&invalid(InitiativeDraft {
            budget: f64::INFINITY,
            ..coffee_draft()
        })),
        ["budget"]
    );

    let e = invalid(InitiativeDraft {
        horizon_months: 0,
        ..coffee_draft()
    });
    assert!(e.to_string().contains("at least one month"), "{e}");
    let e = invalid(InitiativeDraft {
        horizon_months: 121,
        ..coffee_draft()
    });
    assert!(e.to_string().contains("10 years"), "{e}");
    assert!(
        InitiativeDraft {
            horizon_months: 120,
            ..coffee_draft()
        }
        .validate()
        .is_ok()
    );

    assert_eq!(
        fields(&invalid(InitiativeDraft {
            team_size: 0,
            ..coffee_draft()
        })),
        ["team_size"]
    );
    assert_eq!(
        fields(&invalid(InitiativeDraft {
            currency: "euro".into(),
            ..coffee_draft()
        })),
        ["currency"]
    );
    assert_eq!(
        fields(&invalid(InitiativeDraft {
            description: "short".into(),
            ..coffee_draft()
        })),
        ["description"]
    );
    assert_eq!(
        fields(&invalid(InitiativeDraft {
            start_date: NaiveDate::from_ymd_opt(1999, 12, 31).expect("date"),
            ..coffee_draft()
        })),
        ["start_date"]
    );
    assert_eq!(
        fields(&invalid(InitiativeDraft {
            name: "x".repeat(121),
            ..coffee_draft()
        })),
        ["name"]
    );
}

#[test]
fn all_problems_are_reported_at_once_and_good_input_is_tidied() {
    let e = invalid(InitiativeDraft {
        name: String::new(),
        budget: -5.0,
        horizon_months: 0,
        team_size: 0,
        ..coffee_draft()
    });
    assert_eq!(
        fields(&e),
        ["name", "budget", "horizon_months", "team_size"]
    );

    let tidy = InitiativeDraft {
        name: "  Harbour Coffee  ".into(),
        currency: " eur ".into(),
        industry: Some("   ".into()),
        constraints: vec!["  ".into(), " Open by June ".into()],
        ..coffee_draft()
    }
    .validate()
    .expect("valid");
    assert_eq!(tidy.name, "Harbour Coffee");
    assert_eq!(tidy.currency, "EUR");
    assert_eq!(tidy.industry, None);
    assert_eq!(tidy.constraints, ["Open by June"]);
}

#[tokio::test]
async fn initiatives_are_stored_listed_updated_and_deleted() {
    let (_dir, config) = temp_config();
    let workspace = open(&config).await;
    let store = workspace.initiatives();
    let created = store.create(coffee_draft()).await.expect("create");
    assert_eq!(store.get(&created.id).await.expect("get"), created);
    // Bad input never reaches the table.
    let err = store
        .create(InitiativeDraft {
            budget: -1.0,
            ..coffee_draft()
        })
        .await
        .expect_err("invalid");
    assert_eq!(err.code().as_str(), "invalid_input");
    assert_eq!(store.list().await.expect("list").len(), 1);

    tokio::time::sleep(Duration::from_millis(5)).await;
    let second = store
        .create(InitiativeDraft {
            name: "Second".into(),
            budget: 1_234.56,
            ..coffee_draft()
        })
        .await
        .expect("create");
    assert_eq!(store.get(&second.id).await.expect("get").budget, 1_234.56);
    let names: Vec<String> = store
        .list()
        .await
        .expect("list")
        .into_iter()
        .map(|i| i.name)
        .collect();
    assert_eq!(names, ["Second", "Harbour Coffee"], "most recent first");

    let updated = store
        .update(
            &created.id,
            InitiativeDraft {
                team_size: 12,
                ..coffee_draft()
            },
        )
        .await
        .expect("update");
    assert_eq!(updated.team_size, 12);
    assert_eq!(updated.created_at, created.created_at);
    assert_eq!(store.get(&created.id).await.expect("get"), updated);
    let err = store
        .update("missing", coffee_draft())
        .await
        .expect_err("missing");
    assert!(matches!(err, Error::InitiativeNotFound(_)), "{err:?}");
    let err = store
        .update(
            &created.id,
            InitiativeDraft {
                horizon_months: 0,
                ..coffee_draft()
            },
        )
        .await
        .expect_err("invalid");
    assert_eq!(err.code().as_str(), "invalid_input");
    assert_eq!(
        store.get(&created.id).await.expect("get"),
        updated,
        "unchanged"
    );

    // Deleting an initiative takes its jobs with it.
    let job = support::start_program(&workspace, &created).await;
    let other_job = support::start_program(&workspace, &second).await;
    workspace
        .delete_initiative(&created.id)
        .await
        .expect("delete");
    assert!(matches!(
        store.get(&created.id).await,
        Err(Error::InitiativeNotFound(_))
    ));
    assert!(workspace.engine().get(job).await.is_err());
    assert!(workspace.engine().get(other_job).await.is_ok());
    assert!(matches!(
        workspace.delete_initiative(&created.id).await,
        Err(Error::InitiativeNotFound(_))
    ));
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}
