//! The planning core against networks worked out by hand, and its properties on random ones.

mod support;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use proptest::prelude::*;
use strategy::plan::{
    BudgetInput, CostItem, Network, PlanError, PlanTask, critical_path, level, level_single_pass,
    roll_up,
};

fn task(id: &str, weeks: u32, deps: &[&str]) -> PlanTask {
    PlanTask {
        id: id.to_owned(),
        weeks,
        role: "dev".to_owned(),
        units: 1,
        depends_on: deps.iter().map(|d| (*d).to_owned()).collect(),
    }
}

/// (id, ES, EF, LS, LF, slack) as computed by hand.
type Expected = [(&'static str, u32, u32, u32, u32, u32)];

fn check(tasks: &[PlanTask], duration: u32, expected: &Expected, critical: &[&str]) {
    let network = Network::build(tasks).expect("network");
    let cpm = critical_path(tasks, &network).expect("cpm");
    assert_eq!(cpm.duration, duration);
    for &(id, es, ef, ls, lf, slack) in expected {
        let i = tasks.iter().position(|t| t.id == id).expect("task");
        let row = cpm.rows[i];
        assert_eq!(
            (
                row.early_start,
                row.early_finish,
                row.late_start,
                row.late_finish,
                row.slack
            ),
            (es, ef, ls, lf, slack),
            "dates of {id}"
        );
        assert_eq!(row.critical, slack == 0, "criticality of {id}");
    }
    let ids: Vec<&str> = cpm.critical.iter().map(|&i| tasks[i].id.as_str()).collect();
    assert_eq!(ids, critical);
}

#[test]
fn single_critical_path() {
    // A→B→D→F is the longest chain (3+4+5+2 = 14); A→C→E→F has 6 weeks of slack.
    let tasks = [
        task("A", 3, &[]),
        task("B", 4, &["A"]),
        task("C", 2, &["A"]),
        task("D", 5, &["B"]),
        task("E", 1, &["C"]),
        task("F", 2, &["D", "E"]),
    ];
    check(
        &tasks,
        14,
        &[
            ("A", 0, 3, 0, 3, 0),
            ("B", 3, 7, 3, 7, 0),
            ("C", 3, 5, 9, 11, 6),
            ("D", 7, 12, 7, 12, 0),
            ("E", 5, 6, 11, 12, 6),
            ("F", 12, 14, 12, 14, 0),
        ],
        &["A", "B", "D", "F"],
    );
}

#[test]
fn two_parallel_critical_paths() {
    // S, then X1→X2 (4+3) and Y1→Y2 (3+4) side by side, both 7 weeks; Z (2) floats.
    let tasks = [
        task("S", 2, &[]),
        task("X1", 4, &["S"]),
        task("X2", 3, &["X1"]),
        task("Y1", 3, &["S"]),
        task("Y2", 4, &["Y1"]),
        task("Z", 2, &["S"]),
        task("End", 1, &["X2", "Y2", "Z"]),
    ];
    check(
        &tasks,
        10,
        &[
            ("S", 0, 2, 0, 2, 0),
            ("X1", 2, 6, 2, 6, 0),
            ("X2", 6, 9, 6, 9, 0),
            ("Y1", 2, 5, 2, 5, 0),
            ("Y2", 5, 9, 5, 9, 0),
            ("Z", 2, 4, 7, 9, 5),
            ("End", 9, 10, 9, 10, 0),
        ],
        &["S", "X1", "Y1", "Y2", "X2", "End"],
    );
}

#[test]
fn several_starts_and_ends_with_a_merge() {
    // Two start tasks (A, B), two end tasks (H, I); A→C→F→H and A→D→G→H both take 16.
    let tasks = [
        task("A", 6, &[]),
        task("B", 4, &[]),
        task("C", 3, &["A"]),
        task("D", 5, &["A"]),
        task("E", 1, &["B"]),
        task("F", 4, &["C"]),
        task("G", 2, &["D", "E"]),
        task("H", 3, &["F", "G"]),
        task("I", 2, &["B"]),
    ];
    check(
        &tasks,
        16,
        &[
            ("A", 0, 6, 0, 6, 0),
            ("B", 0, 4, 6, 10, 6),
            ("C", 6, 9, 6, 9, 0),
            ("D", 6, 11, 6, 11, 0),
            ("E", 4, 5, 10, 11, 6),
            ("F", 9, 13, 9, 13, 0),
            ("G", 11, 13, 11, 13, 0),
            ("H", 13, 16, 13, 16, 0),
            ("I", 4, 6, 14, 16, 10),
        ],
        &["A", "C", "D", "F", "G", "H"],
    );
}

#[test]
fn milestones_take_no_time() {
    let tasks = [
        task("kickoff", 0, &[]),
        task("build", 5, &["kickoff"]),
        task("launch", 0, &["build"]),
    ];
    check(
        &tasks,
        5,
        &[
            ("kickoff", 0, 0, 0, 0, 0),
            ("build", 0, 5, 0, 5, 0),
            ("launch", 5, 5, 5, 5, 0),
        ],
        &["kickoff", "build", "launch"],
    );
}

#[test]
fn a_cycle_is_named_task_by_task() {
    let tasks = [
        task("design", 2, &[]),
        task("build", 3, &["design", "test"]),
        task("test", 2, &["review"]),
        task("review", 1, &["build"]),
        task("launch", 1, &["review"]),
    ];
    let err = Network::build(&tasks).expect_err("cycle");
    let PlanError::Cycle(cycle) = &err else {
        panic!("expected a cycle, got {err:?}");
    };
    let mut sorted = cycle.clone();
    sorted.sort();
    assert_eq!(sorted, ["build", "review", "test"]);
    // Each task named precedes the next one in the dependency chain.
    for (k, id) in cycle.iter().enumerate() {
        let next = &cycle[(k + 1) % cycle.len()];
        let next_task = tasks.iter().find(|t| &t.id == next).expect("task");
        assert!(
            next_task.depends_on.contains(id),
            "{next} should depend on {id}"
        );
    }
    let text = err.to_string();
    assert!(
        text.contains("cycle")
            && text.contains("build")
            && text.contains("review")
            && text.contains("test"),
        "{text}"
    );
    assert!(
        !text.contains("design") && !text.contains("launch"),
        "{text}"
    );
}

#[test]
fn self_dependency_unknown_and_duplicate_ids_are_errors() {
    let err = Network::build(&[task("a", 1, &["a"])]).expect_err("self");
    assert_eq!(err, PlanError::Cycle(vec!["a".into()]));
    let err = Network::build(&[task("a", 1, &["ghost"])]).expect_err("unknown");
    assert!(err.to_string().contains("ghost"), "{err}");
    let err = Network::build(&[task("a", 1, &[]), task("a", 2, &[])]).expect_err("dup");
    assert_eq!(err, PlanError::DuplicateTask("a".into()));
}

#[test]
fn levelling_serialises_work_on_a_single_person() {
    // Hand-worked: one developer; independent tasks of 3 and 2 weeks, then a 1-week task
    // after both. Critical path 4 weeks, levelled 6; the 3-week task (late start 0) goes first.
    let tasks = [
        task("long", 3, &[]),
        task("short", 2, &[]),
        task("join", 1, &["long", "short"]),
    ];
    let network = Network::build(&tasks).expect("network");
    let cpm = critical_path(&tasks, &network).expect("cpm");
    assert_eq!(cpm.duration, 4);
    let levelled =
        level(&tasks, &network, &cpm, &HashMap::from([("dev".into(), 1)])).expect("level");
    assert_eq!(levelled.start, [0, 3, 5]);
    assert_eq!(levelled.finish, [3, 5, 6]);
    assert_eq!(levelled.makespan, 6);
    assert_eq!(levelled.load["dev"], [1, 1, 1, 1, 1, 1]);
    // Two developers: no delay at all.
    let levelled =
        level(&tasks, &network, &cpm, &HashMap::from([("dev".into(), 2)])).expect("level");
    assert_eq!(levelled.makespan, 4);
}

#[test]
fn levelling_rejects_roles_it_cannot_staff() {
    let mut big = task("big", 2, &[]);
    big.units = 3;
    let tasks = [big];
    let network = Network::build(&tasks).expect("network");
    let cpm = critical_path(&tasks, &network).expect("cpm");
    let err =
        level(&tasks, &network, &cpm, &HashMap::from([("dev".into(), 2)])).expect_err("infeasible");
    assert!(
        matches!(
            err,
            PlanError::Infeasible {
                units: 3,
                headcount: 2,
                ..
            }
        ),
        "{err:?}"
    );
    let err = level(&tasks, &network, &cpm, &HashMap::new()).expect_err("unknown role");
    assert!(matches!(err, PlanError::UnknownRole { .. }), "{err:?}");
}

#[test]
fn budget_rolls_up_exactly_by_workstream_role_and_month() {
    // Dev at 5,200/month = 1,200/week; designer at 2,600/month = 600/week.
    let mut design = task("design", 2, &[]);
    design.role = "designer".into();
    let tasks = [design, task("build", 4, &["design"])];
    let workstream_of = ["ux".to_owned(), "eng".to_owned()];
    let rates = BTreeMap::from([
        ("dev".to_owned(), 5_200.0),
        ("designer".to_owned(), 2_600.0),
    ]);
    let costs = [CostItem {
        workstream: "eng".into(),
        item: "Laptops".into(),
        amount: 3_000.0,
    }];
    let ws_start = BTreeMap::from([("ux".to_owned(), 0), ("eng".to_owned(), 2)]);
    let budget = roll_up(&BudgetInput {
        tasks: &tasks,
        workstream_of: &workstream_of,
        start: &[0, 2],
        monthly_rate: &rates,
        costs: &costs,
        workstream_start: &ws_start,
        // A Monday; weeks 0–3 fall in January, weeks 4–5 in February.
        start_date: NaiveDate::from_ymd_opt(2027, 1, 4).expect("date"),
        contingency_rate: 0.1,
        available: 10_000.0,
        currency: "EUR".into(),
    });
    assert_eq!(budget.labour, 2.0 * 600.0 + 4.0 * 1_200.0);
    assert_eq!(budget.non_labour, 3_000.0);
    assert_eq!(budget.contingency, 900.0);
    assert_eq!(budget.total, 9_900.0);
    assert_eq!(budget.variance, 100.0);
    let ws: Vec<(&str, f64)> = budget
        .by_workstream
        .iter()
        .map(|l| (l.workstream.as_str(), l.total))
        .collect();
    assert_eq!(ws, [("ux", 1_200.0), ("eng", 7_800.0)]);
    let roles: Vec<(&str, u32, f64)> = budget
        .by_role
        .iter()
        .map(|l| (l.role.as_str(), l.person_weeks, l.cost))
        .collect();
    assert_eq!(roles, [("designer", 2, 1_200.0), ("dev", 4, 4_800.0)]);
    let months: Vec<(&str, f64, f64)> = budget
        .by_month
        .iter()
        .map(|m| (m.month.as_str(), m.labour, m.non_labour))
        .collect();
    // January: design 2 weeks (1,200) + build weeks 2–3 (2,400) + laptops; February: build weeks 4–5.
    assert_eq!(
        months,
        [("2027-01", 3_600.0, 3_000.0), ("2027-02", 2_400.0, 0.0)]
    );
    assert_eq!(budget.by_month.last().map(|m| m.cumulative), Some(9_000.0));
}

/// A random DAG: each task may depend on any earlier one.
fn networks() -> impl Strategy<Value = (Vec<PlanTask>, HashMap<String, u32>)> {
    (1usize..60, proptest::collection::vec(1u32..4, 3))
        .prop_flat_map(|(n, headcount)| {
            let tasks = proptest::collection::vec(
                (
                    0u32..7,
                    0usize..3,
                    1u32..3,
                    proptest::collection::vec(any::<proptest::sample::Index>(), 0..4),
                ),
                n,
            );
            (tasks, Just(headcount))
        })
        .prop_map(|(specs, headcount)| {
            let roles: HashMap<String, u32> = headcount
                .iter()
                .enumerate()
                .map(|(r, &h)| (format!("r{r}"), h))
                .collect();
            let tasks = specs
                .iter()
                .enumerate()
                .map(|(i, (weeks, role, units, deps))| {
                    let depends_on = support::earlier_ids(i, deps);
                    PlanTask {
                        id: format!("t{i}"),
                        weeks: *weeks,
                        role: format!("r{role}"),
                        units: (*units).min(headcount[*role]),
                        depends_on,
                    }
                })
                .collect();
            (tasks, roles)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn levelled_schedules_are_feasible((tasks, headcount) in networks()) {
        let network = Network::build(&tasks).expect("acyclic by construction");
        let cpm = critical_path(&tasks, &network).expect("cpm");
        let levelled = level(&tasks, &network, &cpm, &headcount).expect("level");
        // Never shorter than the unconstrained critical path, nor than its own bound; never
        // longer than the single pass it replaced.
        prop_assert!(levelled.makespan >= cpm.duration);
        prop_assert!(levelled.makespan >= levelled.lower_bound && levelled.lower_bound >= cpm.duration);
        let single = level_single_pass(&tasks, &network, &cpm, &headcount).expect("one pass");
        prop_assert!(levelled.makespan <= single.makespan, "{} vs one pass {}", levelled.makespan, single.makespan);
        let index: HashMap<&str, usize> = tasks.iter().enumerate().map(|(i, t)| (t.id.as_str(), i)).collect();
        let mut booked: HashMap<(&str, u32), u32> = HashMap::new();
        for (i, t) in tasks.iter().enumerate() {
            prop_assert_eq!(levelled.finish[i], levelled.start[i] + t.weeks);
            prop_assert!(levelled.finish[i] <= levelled.makespan);
            // Never before its predecessors finish.
            for dep in &t.depends_on {
                prop_assert!(levelled.start[i] >= levelled.finish[index[dep.as_str()]], "{} starts before {} ends", t.id, dep);
            }
            prop_assert!(levelled.start[i] >= cpm.rows[i].early_start);
            for w in levelled.start[i]..levelled.finish[i] {
                *booked.entry((t.role.as_str(), w)).or_default() += t.units;
            }
        }
        // Never over-books a role, counted independently of the scheduler's own ledger.
        for ((role, week), people) in &booked {
            prop_assert!(*people <= headcount[*role], "{role} booked {people} in week {week}");
            prop_assert_eq!(levelled.load[*role][*week as usize], *people);
        }
    }
}
