//! Plan variants through the workspace: the user's pick is stored and adopted by results
//! and exports (across restarts), and a team mapping the user edits is what the next
//! generation levels with.

mod support;

use std::time::Duration;

use strategy::export::ExportFormat;
use strategy::{Error, OperationResult, Program, TeamMember, VariantId};
use support::{open, program, result, temp_config};

fn adopted(r: OperationResult) -> Program {
    match r {
        OperationResult::Program(p) => *p,
        _ => panic!("not a program"),
    }
}

#[tokio::test]
async fn the_chosen_variant_is_stored_and_adopted_by_results_and_exports() {
    let (_dir, config) = temp_config();
    let (workspace, initiative) = support::open_with_initiative(&config).await;
    let done = program(&workspace, &initiative).await;
    let stored: Program = result(&done);
    assert_eq!(stored.chosen, Some(VariantId::Fitted));
    let hires = stored
        .variants
        .iter()
        .find(|v| v.id == VariantId::FullWithHires)
        .expect("hires variant")
        .clone();

    let before = adopted(workspace.result(done.job.id).await.expect("result"));
    assert_eq!(before.chosen, Some(VariantId::Fitted));

    let chosen = adopted(
        workspace
            .choose_variant(done.job.id, VariantId::FullWithHires)
            .await
            .expect("choose"),
    );
    assert_eq!(chosen.chosen, Some(VariantId::FullWithHires));
    assert_eq!(chosen.plan, hires.plan);
    let read = adopted(workspace.result(done.job.id).await.expect("result"));
    assert_eq!(read, chosen);
    let csv_free_json = workspace
        .export(done.job.id, ExportFormat::Json)
        .await
        .expect("export");
    let exported: Program = serde_json::from_str(&csv_free_json.text).expect("json");
    assert_eq!(exported.chosen, Some(VariantId::FullWithHires));
    assert_eq!(exported.plan, hires.plan);
    workspace.engine().shutdown(Duration::from_secs(2)).await;
    drop(workspace);

    // After a restart the pick is still the program's plan.
    let workspace = open(&config).await;
    let read = adopted(workspace.result(done.job.id).await.expect("result"));
    assert_eq!(read.chosen, Some(VariantId::FullWithHires));
    assert_eq!(read.plan, hires.plan);

    // Only programs have plans to choose from.
    let canvas = support::canvas(&workspace, &initiative).await;
    let refused = workspace
        .choose_variant(canvas.job.id, VariantId::Fitted)
        .await
        .expect_err("a canvas has no variants");
    assert!(matches!(refused, Error::NotAProgram(_)), "{refused}");
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}

#[tokio::test]
async fn an_edited_team_is_stored_checked_and_planned_with() {
    let (_dir, config) = temp_config();
    let (workspace, initiative) = support::open_with_initiative(&config).await;
    let first: Program = result(&program(&workspace, &initiative).await);
    assert_eq!(first.plan.team.len() as u32, initiative.team_size);

    // The user gives every role to the first person and one role to each of the others.
    let roles: Vec<String> = first.plan.resources.iter().map(|r| r.id.clone()).collect();
    let mut team: Vec<TeamMember> = first
        .plan
        .team
        .iter()
        .enumerate()
        .map(|(i, p)| TeamMember {
            id: p.id.clone(),
            name: format!("Person {}", i + 1),
            roles: vec![roles[i % roles.len()].clone()],
        })
        .collect();
    team[0].roles = roles.clone();
    let mut draft = initiative.draft();
    draft.team = team.clone();
    let updated = workspace
        .initiatives()
        .update(&initiative.id, draft.clone())
        .await
        .expect("update");
    assert_eq!(updated.team, team);
    let reread = workspace
        .initiatives()
        .get(&initiative.id)
        .await
        .expect("get");
    assert_eq!(reread.team, team);

    let second: Program = result(&program(&workspace, &reread).await);
    let names: Vec<&str> = second.plan.team.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        team.iter().map(|m| m.name.as_str()).collect::<Vec<_>>()
    );
    assert_eq!(second.plan.team[0].roles, roles);
    for t in &second.plan.tasks {
        for person in &t.people {
            let member = team.iter().find(|m| &m.name == person).expect("member");
            assert!(
                member.roles.contains(&t.role),
                "{person} cannot do {}",
                t.role
            );
        }
    }

    // A team that does not match the team size, or a person with no role, is refused.
    let mut short = draft.clone();
    short.team.pop();
    let refused = workspace
        .initiatives()
        .update(&initiative.id, short)
        .await
        .expect_err("size mismatch");
    assert!(refused.to_string().contains("team lists"), "{refused}");
    let mut idle = draft;
    idle.team[1].roles.clear();
    let refused = workspace
        .initiatives()
        .update(&initiative.id, idle)
        .await
        .expect_err("no role");
    assert!(
        refused.to_string().contains("at least one role"),
        "{refused}"
    );
    workspace.engine().shutdown(Duration::from_secs(2)).await;
}
