//! Fitting a plan to the team, budget and horizon: a hand-worked example, and properties
//! over random outlines (a fitted plan never exceeds what it reports fitting, cuts never
//! remove a must or a prerequisite of a kept task, people are never double-booked, and the
//! full scope with hires is the plan Charter made before variants).

mod support;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use proptest::prelude::*;
use strategy::artefact::{Outline, Resources, RolePlan, TaskPlan, WorkstreamPlan};
use strategy::playbook::Priority;
use strategy::program::{self, Fitting, HiresPlan, PlanVariant, TeamMember, VariantId};
use strategy::{Initiative, Program};

fn initiative(budget: f64, horizon_months: u32, team_size: u32) -> Initiative {
    Initiative {
        id: "00000000-0000-7000-8000-000000000001".into(),
        name: "Test".into(),
        description: "A test initiative for fitting.".into(),
        industry: None,
        budget,
        currency: "USD".into(),
        horizon_months,
        team_size,
        start_date: NaiveDate::from_ymd_opt(2027, 1, 4).expect("date"),
        constraints: Vec::new(),
        team: Vec::new(),
        created_at: 0,
        updated_at: 0,
    }
}

fn task(id: &str, weeks: u32, role: &str, deps: &[&str], priority: Priority) -> TaskPlan {
    TaskPlan {
        id: id.into(),
        name: format!("Do {id}"),
        weeks,
        role: role.into(),
        units: 1,
        depends_on: deps.iter().map(|d| (*d).to_owned()).collect(),
        priority,
    }
}

/// One workstream holding `tasks`.
fn one_workstream(tasks: Vec<TaskPlan>) -> Outline {
    Outline {
        workstreams: vec![WorkstreamPlan {
            id: "w".into(),
            name: "Work".into(),
            description: "All of it.".into(),
            milestone: "Done".into(),
            gate_criteria: vec!["Works".into()],
            tasks,
        }],
    }
}

fn role(id: &str, headcount: u32, monthly_rate: f64) -> RolePlan {
    RolePlan {
        id: id.into(),
        name: id.to_uppercase(),
        headcount,
        monthly_rate,
    }
}

fn fit(initiative: &Initiative, outline: &Outline, resources: &Resources) -> Fitting {
    let schedule = program::schedule(outline, resources).expect("schedule");
    let budget = program::budget(initiative, outline, resources, &schedule);
    program::fit(
        initiative,
        outline,
        resources,
        &[],
        HiresPlan {
            schedule: &schedule,
            budget: &budget,
        },
    )
    .expect("fit")
}

fn variant(f: &Fitting, id: VariantId) -> &PlanVariant {
    f.variants.iter().find(|v| v.id == id).expect("variant")
}

/// Two roles at 5,200 a month (1,200 a week), one person in the team covering both.
///
/// build (must, 4 w, dev) → launch (must, 2 w, ops); polish (could, 3 w, dev) after
/// build; docs (should, 2 w, ops) after build. Labour: 11 weeks × 1,200 = 13,200; with
/// 10 % contingency 14,520. With a budget of 11,000 and 6 months the plan must shed 3,520:
/// deferring polish (could) saves 3 × 1,200 × 1.1 = 3,960 → 10,560 ≤ 11,000; docs (should)
/// stays. One person does 8 weeks of work one task at a time: 8 weeks, inside 26.
#[test]
fn a_hand_worked_fitting() {
    let outline = one_workstream(vec![
        task("w.build", 4, "dev", &[], Priority::Must),
        task("w.launch", 2, "ops", &["w.build"], Priority::Must),
        task("w.polish", 3, "dev", &["w.build"], Priority::Could),
        task("w.docs", 2, "ops", &["w.build"], Priority::Should),
    ]);
    let resources = Resources {
        roles: vec![role("dev", 1, 5_200.0), role("ops", 1, 5_200.0)],
        costs: Vec::new(),
    };
    let init = initiative(11_000.0, 6, 1);
    let f = fit(&init, &outline, &resources);
    assert_eq!(f.recommended, VariantId::Fitted);
    assert_eq!(f.team.len(), 1);
    assert_eq!(f.team[0].roles.len(), 2, "one person covers both roles");

    let full = variant(&f, VariantId::FullWithTeam);
    assert_eq!(full.summary.cost, 14_520.0);
    assert_eq!(full.summary.weeks, 11, "one person, one task at a time");
    assert!(!full.summary.fits_budget);

    let hires = variant(&f, VariantId::FullWithHires);
    assert_eq!(hires.summary.headcount, 2);
    assert_eq!(
        hires.summary.weeks, 8,
        "build 4, then launch and docs one after the other"
    );
    assert_eq!(hires.hires.len(), 1, "{:?}", hires.hires);
    // The one person's main role is dev (more work); ops is hired: 4 weeks × 1,200.
    assert_eq!(hires.hires[0].role, "ops");
    assert_eq!(hires.hires[0].cost, 4_800.0);

    let fitted = variant(&f, VariantId::Fitted);
    let deferred: Vec<&str> = fitted.deferred.iter().map(|d| d.task.as_str()).collect();
    assert_eq!(deferred, ["w.polish"]);
    assert_eq!(fitted.deferred[0].saves, 3_960.0);
    assert_eq!(fitted.deferred[0].priority, Priority::Could);
    assert!(!fitted.deferred[0].drops_workstream);
    assert_eq!(fitted.summary.cost, 10_560.0);
    assert_eq!(fitted.summary.weeks, 8);
    assert!(fitted.summary.fits_budget && fitted.summary.fits_horizon);
    assert!(fitted.shortfall.is_none());
    let people: HashSet<&str> = fitted
        .plan
        .tasks
        .iter()
        .flat_map(|t| t.people.iter().map(String::as_str))
        .collect();
    assert_eq!(people.len(), 1);

    // Below what the musts cost (6 weeks: 7,920), it says so.
    let poor = initiative(5_000.0, 6, 1);
    let f = fit(&poor, &outline, &resources);
    let fitted = variant(&f, VariantId::Fitted);
    let shortfall = fitted.shortfall.as_ref().expect("shortfall");
    assert_eq!(shortfall.budget, 7_920.0);
    assert!(
        shortfall.summary.contains("7,920 USD"),
        "{}",
        shortfall.summary
    );
    assert!(
        fitted
            .plan
            .tasks
            .iter()
            .all(|t| t.priority == Priority::Must)
    );
}

/// A random outline: tasks with earlier-only dependencies, two or three roles.
fn outline_strategy() -> impl Strategy<Value = (Outline, Resources)> {
    (3usize..12, 2usize..4).prop_flat_map(|(n, roles)| {
        let tasks = proptest::collection::vec(
            (
                0u32..6,
                0..roles,
                1u32..3,
                0u8..3,
                proptest::collection::vec(any::<prop::sample::Index>(), 0..3),
            ),
            n,
        );
        let rates = proptest::collection::vec(1_000.0f64..9_000.0, roles);
        (tasks, rates).prop_map(move |(tasks, rates)| {
            let plans = tasks
                .iter()
                .enumerate()
                .map(|(i, (weeks, r, units, p, deps))| {
                    let depends_on = support::earlier_ids(i, deps);
                    TaskPlan {
                        id: format!("t{i}"),
                        name: format!("Task {i}"),
                        weeks: *weeks,
                        role: format!("r{r}"),
                        units: *units,
                        depends_on,
                        priority: [Priority::Must, Priority::Should, Priority::Could][*p as usize],
                    }
                })
                .collect::<Vec<_>>();
            let half = plans.len() / 2;
            let outline = Outline {
                workstreams: vec![
                    WorkstreamPlan {
                        id: "a".into(),
                        name: "A".into(),
                        description: "First.".into(),
                        milestone: "A done".into(),
                        gate_criteria: Vec::new(),
                        tasks: plans[..half].to_vec(),
                    },
                    WorkstreamPlan {
                        id: "b".into(),
                        name: "B".into(),
                        description: "Second.".into(),
                        milestone: "B done".into(),
                        gate_criteria: Vec::new(),
                        tasks: plans[half..].to_vec(),
                    },
                ]
                .into_iter()
                .filter(|w| !w.tasks.is_empty())
                .collect(),
            };
            let resources = Resources {
                roles: rates
                    .iter()
                    .enumerate()
                    .map(|(r, rate)| role(&format!("r{r}"), 2, rate.round()))
                    .collect(),
                costs: vec![strategy::plan::CostItem {
                    workstream: "b".into(),
                    item: "Kit".into(),
                    amount: 2_000.0,
                }],
            };
            (outline, resources)
        })
    })
}

/// No one works on two tasks in the same week, and everyone booked can do the task's role.
fn check_people(v: &PlanVariant, team: &[TeamMember]) {
    let mut busy: HashMap<(&str, u32), &str> = HashMap::new();
    for t in &v.plan.tasks {
        assert!(
            t.people.len() as u32 == t.units || t.weeks == 0,
            "{}: {} people for {} units",
            t.id,
            t.people.len(),
            t.units
        );
        for name in &t.people {
            let member = team
                .iter()
                .find(|m| &m.name == name)
                .expect("a team member");
            assert!(
                member.roles.contains(&t.role),
                "{name} cannot do {}",
                t.role
            );
            for week in t.start_week..t.finish_week {
                if let Some(other) = busy.insert((name.as_str(), week), t.id.as_str()) {
                    panic!("{name} is on {other} and {} in week {week}", t.id);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn fitted_plans_keep_their_promises(
        (outline, resources) in outline_strategy(),
        budget in 0.0f64..60_000.0,
        months in 1u32..8,
        team_size in 1u32..5,
    ) {
        let init = initiative(budget.round(), months, team_size);
        let f = fit(&init, &outline, &resources);
        let horizon = init.horizon_weeks();
        for v in &f.variants {
            // The flags say what the numbers say.
            prop_assert_eq!(v.summary.fits_budget, v.summary.cost <= budget.round());
            prop_assert_eq!(v.summary.fits_horizon, v.summary.weeks <= horizon);
            prop_assert_eq!(v.summary.cost, v.plan.budget.total);
            prop_assert_eq!(v.summary.weeks, v.plan.schedule.levelled_weeks);
        }
        let fitted = variant(&f, VariantId::Fitted);
        if fitted.shortfall.is_none() {
            prop_assert!(fitted.summary.cost <= budget.round());
            prop_assert!(fitted.summary.weeks <= horizon);
            prop_assert!(fitted.summary.headcount <= team_size);
        }
        // Cuts never remove a must, nor a task a kept task depends on.
        let kept: HashSet<&str> = fitted.plan.tasks.iter().map(|t| t.id.as_str()).collect();
        for (_, t) in outline.tasks() {
            if t.priority == Priority::Must {
                prop_assert!(kept.contains(t.id.as_str()), "must {} cut", t.id);
            }
            if kept.contains(t.id.as_str()) {
                for d in &t.depends_on {
                    prop_assert!(kept.contains(d.as_str()), "{} kept without {}", t.id, d);
                }
            }
        }
        let deferred: HashSet<&str> = fitted.deferred.iter().map(|d| d.task.as_str()).collect();
        prop_assert_eq!(kept.len() + deferred.len(), outline.tasks().count());
        check_people(fitted, &f.team);
        // Hires are the people the full plan needs beyond the team, never more.
        let hires = variant(&f, VariantId::FullWithHires);
        let hired: u32 = hires.hires.iter().map(|h| h.people).sum();
        prop_assert_eq!(hired, hires.summary.headcount.saturating_sub(team_size));
        check_people(variant(&f, VariantId::FullWithTeam), &f.team);

        // The full scope with hires is the plan made the way it was before variants.
        let schedule = program::schedule(&outline, &resources).expect("schedule");
        let before = program::budget(&init, &outline, &resources, &schedule);
        let hires = variant(&f, VariantId::FullWithHires);
        prop_assert_eq!(&hires.plan.budget, &before);
        let starts: Vec<u32> = hires.plan.tasks.iter().map(|t| t.start_week).collect();
        prop_assert_eq!(starts, schedule.levelled.start.clone());
        prop_assert_eq!(hires.plan.stage_gates.clone(), program::gates(&init, &outline, &schedule));
    }
}

/// Choosing a variant adopts its plan; the program keeps every variant.
#[test]
fn choosing_a_variant_adopts_its_plan() {
    let outline = one_workstream(vec![
        task("w.a", 3, "dev", &[], Priority::Must),
        task("w.b", 3, "dev", &[], Priority::Could),
    ]);
    let resources = Resources {
        roles: vec![role("dev", 2, 5_200.0)],
        costs: Vec::new(),
    };
    let init = initiative(4_000.0, 6, 1);
    let f = fit(&init, &outline, &resources);
    let program = Program {
        format: program::PROGRAM_FORMAT,
        initiative: init.clone(),
        source: strategy::provider::Provider::source(&strategy::provider::OfflineProvider),
        analysis: strategy::artefact::Analysis {
            summary: "s".into(),
            industry: "i".into(),
            assumptions: Vec::new(),
            success_factors: Vec::new(),
            playbook: None,
        },
        plan: variant(&f, VariantId::Fitted).plan.clone(),
        kpis: Vec::new(),
        variants: f.variants.clone(),
        chosen: Some(VariantId::Fitted),
    };
    assert_eq!(program.plan.tasks.len(), 1);
    let mut adopted = program.clone();
    assert!(
        adopted.adopt(VariantId::FullWithHires),
        "the variant exists"
    );
    assert_eq!(adopted.plan.tasks.len(), 2);
    assert_eq!(adopted.chosen, Some(VariantId::FullWithHires));
    assert_eq!(adopted.variants, program.variants);
    assert_eq!(
        adopted.chosen_variant().map(|v| v.id),
        Some(VariantId::FullWithHires)
    );
}
