//! The offline engine: its playbooks, how it picks one, determinism, and how the program
//! changes with industry, budget, team and horizon.

mod support;

use std::collections::HashSet;

use strategy::plan::{Network, RiskOrigin};
use strategy::playbook::{self, Tier};
use strategy::program::PlanVariant;
use strategy::provider::{OfflineProvider, OfflineScale};
use strategy::{InitiativeDraft, Program, VariantId, epm};
use support::{coffee_draft, initiative};
use tokio_util::sync::CancellationToken;

async fn generate(draft: InitiativeDraft) -> Program {
    epm::generate(
        &OfflineProvider,
        &initiative(draft),
        &CancellationToken::new(),
    )
    .await
    .expect("program")
}

fn draft(name: &str, description: &str) -> InitiativeDraft {
    InitiativeDraft {
        name: name.into(),
        description: description.into(),
        constraints: Vec::new(),
        ..coffee_draft()
    }
}

#[test]
fn every_playbook_is_complete_and_consistent() {
    let all = playbook::all().expect("playbooks parse");
    assert_eq!(all.len(), 19);
    let ids: HashSet<&str> = all.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids.len(), 19);
    assert!(ids.contains(playbook::GENERAL));
    let mut fact_ids = HashSet::new();
    let mut cause_ids = HashSet::new();
    for p in all {
        assert!(
            p.workstreams
                .iter()
                .filter(|w| w.tier == Tier::Core)
                .count()
                >= 5,
            "{}",
            p.id
        );
        assert!(p.risks.len() >= 8 && p.kpis.len() >= 6, "{}", p.id);
        let roles: HashSet<&str> = p.roles.iter().map(|r| r.id.as_str()).collect();
        for w in &p.workstreams {
            for t in &w.tasks {
                assert!(
                    roles.contains(t.role.as_str()),
                    "{}: {} uses {}",
                    p.id,
                    t.id,
                    t.role
                );
                assert!(
                    t.id.starts_with(&format!("{}.", w.id)),
                    "{}: {}",
                    p.id,
                    t.id
                );
            }
        }
        for r in &p.risks {
            assert!((1..=5).contains(&r.probability) && (1..=5).contains(&r.impact));
            assert!(
                roles.contains(r.owner_role.as_str()),
                "{}: risk owner {}",
                p.id,
                r.owner_role
            );
        }
        for f in &p.facts {
            assert!(fact_ids.insert(f.id.clone()), "fact id {} twice", f.id);
        }
        // Every workstream's tasks form a network the planner accepts.
        let tasks: Vec<strategy::plan::PlanTask> = p
            .workstreams
            .iter()
            .flat_map(|w| &w.tasks)
            .map(|t| strategy::plan::PlanTask {
                id: t.id.clone(),
                weeks: t.weeks,
                role: t.role.clone(),
                units: t.units,
                depends_on: t.depends_on.clone(),
            })
            .collect();
        Network::build(&tasks).unwrap_or_else(|e| panic!("{}: {e}", p.id));
        // A fitted plan can defer any should or could task without orphaning a kept one.
        let priority: std::collections::HashMap<&str, playbook::Priority> = p
            .workstreams
            .iter()
            .flat_map(|w| &w.tasks)
            .map(|t| (t.id.as_str(), t.priority))
            .collect();
        for t in p.workstreams.iter().flat_map(|w| &w.tasks) {
            for d in &t.depends_on {
                assert!(
                    priority[d.as_str()] >= t.priority,
                    "{}: {} depends on lower-priority {d}",
                    p.id,
                    t.id
                );
            }
        }
        for c in &p.causes {
            assert!(cause_ids.insert(c.id.clone()), "cause id {} twice", c.id);
        }
    }
}

#[test]
fn ideas_are_matched_to_their_industry() {
    let cases = [
        (
            "Neighbourhood bakery",
            "A bakery and cafe selling sourdough, pastries and espresso to commuters.",
            "food_beverage_retail",
        ),
        (
            "Online tea shop",
            "An online store selling loose-leaf tea with subscriptions, shipping across the country.",
            "ecommerce",
        ),
        (
            "Invoice automation",
            "A B2B software-as-a-service platform that automates invoice approval for finance teams, sold by monthly subscription.",
            "saas",
        ),
        (
            "Boutique consultancy",
            "A consulting firm advising mid-sized companies on procurement, billed by the day with retainers.",
            "professional_services",
        ),
        (
            "Bike frames",
            "A factory producing aluminium bicycle frames for other brands, with a production line and quality control.",
            "manufacturing",
        ),
        (
            "Physio practice",
            "A physiotherapy and sports medicine clinic with patients booked by appointment.",
            "health_clinic",
        ),
        (
            "Coding bootcamp",
            "A school running twelve-week coding courses for adult learners with a curriculum and teachers.",
            "education",
        ),
        (
            "Last-mile delivery",
            "A courier company doing last-mile parcel delivery from a depot with a van fleet and route planning.",
            "logistics",
        ),
    ];
    for (name, description, expected) in cases {
        let i = initiative(draft(name, description));
        let scale = OfflineScale::for_initiative(&i).expect("scale");
        assert_eq!(scale.playbook.id, expected, "{name}");
    }
    // Nothing recognisable: the general playbook.
    for (name, description) in [
        ("Zorblax", "Qwerty zxcvb plonk wibble frobnicate."),
        (
            "Harbour project",
            "A place by the harbour where people come every morning.",
        ),
        ("New venture", "We want to start a new company and grow it."),
    ] {
        let i = initiative(draft(name, description));
        assert_eq!(
            OfflineScale::for_initiative(&i).expect("scale").playbook.id,
            playbook::GENERAL,
            "{name}"
        );
    }
    // The user's own industry word outweighs the rest of the text.
    let mut d = draft(
        "Harbour project",
        "A place by the harbour where people come every morning.",
    );
    d.industry = Some("health clinic".into());
    assert_eq!(
        OfflineScale::for_initiative(&initiative(d))
            .expect("scale")
            .playbook
            .id,
        "health_clinic"
    );
}

#[tokio::test]
async fn the_same_initiative_always_gives_the_same_program() {
    let a = generate(coffee_draft()).await;
    let b = generate(coffee_draft()).await;
    assert_eq!(a, b);
    assert_eq!(
        serde_json::to_string(&a).expect("json"),
        serde_json::to_string(&b).expect("json")
    );
}

#[tokio::test]
async fn industries_give_different_programs() {
    let cafe = generate(coffee_draft()).await;
    let saas = generate(draft(
        "Ledgerly",
        "A B2B SaaS platform for invoice approval, sold by subscription to finance teams.",
    ))
    .await;
    let names = |p: &Program| -> HashSet<String> {
        p.plan.workstreams.iter().map(|w| w.name.clone()).collect()
    };
    let roles = |p: &Program| -> HashSet<String> {
        p.plan.resources.iter().map(|r| r.id.clone()).collect()
    };
    assert!(
        names(&cafe).is_disjoint(&names(&saas)),
        "{:?} vs {:?}",
        names(&cafe),
        names(&saas)
    );
    let shared_roles = roles(&cafe).intersection(&roles(&saas)).count();
    assert!(
        shared_roles <= 2,
        "{:?} vs {:?}",
        roles(&cafe),
        roles(&saas)
    );
    let kpis = |p: &Program| -> HashSet<String> { p.kpis.iter().map(|k| k.name.clone()).collect() };
    assert!(kpis(&cafe).is_disjoint(&kpis(&saas)));
    assert_eq!(
        cafe.analysis.playbook.as_ref().map(|p| p.id.as_str()),
        Some("food_beverage_retail")
    );
    assert_eq!(
        saas.analysis.playbook.as_ref().map(|p| p.id.as_str()),
        Some("saas")
    );
}

#[tokio::test]
async fn a_bigger_budget_and_team_give_a_bigger_program() {
    let small = generate(InitiativeDraft {
        budget: 300_000.0,
        team_size: 4,
        ..coffee_draft()
    })
    .await;
    let big = generate(InitiativeDraft {
        budget: 4_000_000.0,
        team_size: 30,
        horizon_months: 36,
        ..coffee_draft()
    })
    .await;
    assert!(
        big.plan.workstreams.len() > small.plan.workstreams.len() + 3,
        "{} vs {}",
        big.plan.workstreams.len(),
        small.plan.workstreams.len()
    );
    assert!(big.plan.tasks.len() > small.plan.tasks.len());
    let people = |p: &Program| p.plan.resources.iter().map(|r| r.headcount).sum::<u32>();
    assert!(
        people(&big) >= 30 && people(&small) < 12,
        "{} vs {}",
        people(&big),
        people(&small)
    );
    assert!(big.plan.budget.total > 3.0 * small.plan.budget.total);
    // More stores are opened one after another: "Open store 2", "Open store 3"…
    assert!(
        big.plan
            .workstreams
            .iter()
            .any(|w| w.name == "Open store 2")
    );
    assert!(
        !small
            .plan
            .workstreams
            .iter()
            .any(|w| w.name.starts_with("Open store"))
    );
}

#[tokio::test]
async fn a_short_horizon_is_reported_not_squeezed() {
    let relaxed = generate(InitiativeDraft {
        horizon_months: 24,
        ..coffee_draft()
    })
    .await;
    let tight = generate(InitiativeDraft {
        horizon_months: 4,
        ..coffee_draft()
    })
    .await;
    // The full scope takes as long as it takes.
    let full = |p: &Program| variant(p, VariantId::FullWithHires).plan.clone();
    let (relaxed_full, tight_full) = (full(&relaxed), full(&tight));
    assert_eq!(
        tight_full.schedule.critical_path_weeks,
        relaxed_full.schedule.critical_path_weeks
    );
    assert_eq!(
        tight_full.tasks.iter().map(|t| t.weeks).collect::<Vec<_>>(),
        relaxed_full
            .tasks
            .iter()
            .map(|t| t.weeks)
            .collect::<Vec<_>>()
    );
    assert!(
        relaxed_full.schedule.critical_path_fits
            && relaxed_full.warnings.iter().all(|w| !w.contains("horizon"))
    );
    assert!(!tight_full.schedule.critical_path_fits);
    assert!(
        tight_full.warnings[0].contains("critical path"),
        "{:?}",
        tight_full.warnings
    );
    let top = &tight_full.risks[0];
    assert_eq!(top.origin, RiskOrigin::Computed);
    assert!(
        top.title.contains("does not fit the 4-month horizon"),
        "{}",
        top.title
    );
    assert_eq!(top.score, 25);
    // The adopted plan defers what it can instead of squeezing durations, and says what
    // the musts still need.
    let fitted = variant(&tight, VariantId::Fitted);
    assert!(!fitted.deferred.is_empty());
    for t in &fitted.plan.tasks {
        let same = tight_full
            .tasks
            .iter()
            .find(|f| f.id == t.id)
            .expect("kept task");
        assert!(t.weeks >= same.weeks, "{} squeezed", t.id);
    }
    let shortfall = fitted
        .shortfall
        .as_ref()
        .expect("musts do not fit 4 months");
    assert!(shortfall.weeks > tight.plan.schedule.horizon_weeks);
    assert!(
        shortfall.summary.contains("must tasks"),
        "{}",
        shortfall.summary
    );
}

fn variant(p: &Program, id: VariantId) -> &PlanVariant {
    p.variants.iter().find(|v| v.id == id).expect("variant")
}

#[tokio::test]
async fn the_numbers_add_up() {
    let p = generate(coffee_draft()).await;
    let b = &p.plan.budget;
    let ws_sum: f64 = b.by_workstream.iter().map(|l| l.total).sum();
    assert!((ws_sum - (b.labour + b.non_labour)).abs() < 0.01);
    let role_sum: f64 = b.by_role.iter().map(|l| l.cost).sum();
    assert!((role_sum - b.labour).abs() < 0.01);
    let last = b.by_month.last().expect("months");
    assert!((last.cumulative - (b.labour + b.non_labour)).abs() < 0.01);
    assert!((b.total - (b.labour + b.non_labour + b.contingency)).abs() < 0.01);
    // Risks are ordered by score after the computed leaders; ids follow the order.
    for (i, r) in p.plan.risks.iter().enumerate() {
        assert_eq!(r.id, format!("R{}", i + 1));
        assert_eq!(r.score, r.probability * r.impact);
    }
    // Rates are in euros at the planning rate: every rate is 0.92 × the playbook's dollars.
    let pb = playbook::by_id("food_beverage_retail")
        .expect("ok")
        .expect("playbook");
    for r in &p.plan.resources {
        let usd = pb
            .roles
            .iter()
            .find(|x| x.id == r.id)
            .expect("role")
            .monthly_rate_usd;
        assert_eq!(r.monthly_rate, (usd * 0.92).round());
    }
    // Stage gates fall at each workstream's last week.
    for g in &p.plan.stage_gates {
        let w = p
            .plan
            .workstreams
            .iter()
            .find(|w| w.id == g.workstream)
            .expect("workstream");
        assert_eq!(g.week, w.finish_week);
    }
}
