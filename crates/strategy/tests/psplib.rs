//! The levelling on the public PSPLIB J30 single-resource instances: every schedule is
//! feasible (no role over its people in any week, no dependency broken), never shorter than
//! the published optimum (which would mean the checks are broken), never longer than the
//! single pass it replaced, and the same on a second run. How close it comes to the optimum
//! is a benchmark figure (`cargo bench -p strategy --bench levelling`), not asserted here.

#[path = "support/psplib.rs"]
mod psplib;

use strategy::plan::{Levelled, Network, PlanTask, critical_path, level, level_single_pass};

fn check_feasible(
    name: &str,
    tasks: &[PlanTask],
    headcount: &std::collections::HashMap<String, u32>,
    l: &Levelled,
) {
    let index: std::collections::HashMap<&str, usize> = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    for (i, t) in tasks.iter().enumerate() {
        assert_eq!(l.finish[i], l.start[i] + t.weeks, "{name}: {} finish", t.id);
        for dep in &t.depends_on {
            let p = index[dep.as_str()];
            assert!(
                l.start[i] >= l.finish[p],
                "{name}: {} starts before {dep} ends",
                t.id
            );
        }
    }
    let mut load: std::collections::HashMap<&str, Vec<u32>> = std::collections::HashMap::new();
    for (i, t) in tasks.iter().enumerate() {
        let row = load
            .entry(t.role.as_str())
            .or_insert_with(|| vec![0; l.makespan as usize]);
        for w in l.start[i]..l.finish[i] {
            row[w as usize] += t.units;
        }
    }
    for (role, row) in &load {
        let people = headcount[*role];
        assert!(
            row.iter().all(|&n| n <= people),
            "{name}: {role} over its {people} people"
        );
        assert_eq!(&l.load[*role], row, "{name}: the reported load of {role}");
    }
    assert_eq!(
        l.makespan,
        l.finish.iter().copied().max().unwrap_or(0),
        "{name}: makespan"
    );
}

#[test]
fn every_j30_schedule_is_feasible_never_below_the_optimum_and_never_worse_than_one_pass() {
    let instances = psplib::instances();
    assert_eq!(instances.len(), 120, "the 120 single-resource instances");
    let (mut gap, mut optimal) = (0.0, 0);
    for inst in &instances {
        let network = Network::build(&inst.tasks).expect("network");
        let cpm = critical_path(&inst.tasks, &network).expect("cpm");
        let searched = level(&inst.tasks, &network, &cpm, &inst.headcount).expect("level");
        let single =
            level_single_pass(&inst.tasks, &network, &cpm, &inst.headcount).expect("one pass");
        check_feasible(&inst.name, &inst.tasks, &inst.headcount, &searched);
        check_feasible(&inst.name, &inst.tasks, &inst.headcount, &single);
        assert!(
            searched.makespan >= inst.optimum,
            "{}: {} is below the optimum {}",
            inst.name,
            searched.makespan,
            inst.optimum
        );
        assert!(
            single.makespan >= inst.optimum,
            "{}: one pass below the optimum",
            inst.name
        );
        assert!(
            searched.makespan >= cpm.duration && searched.lower_bound >= cpm.duration,
            "{}: shorter than the critical path",
            inst.name
        );
        assert!(
            searched.lower_bound <= inst.optimum,
            "{}: the lower bound {} passes the optimum",
            inst.name,
            searched.lower_bound
        );
        assert!(
            searched.makespan <= single.makespan,
            "{}: the search is worse than one pass",
            inst.name
        );
        // Deterministic: a second run gives the same schedule (sampled: each run is a full search).
        if inst.name.ends_with("_1.sm") {
            let again = level(&inst.tasks, &network, &cpm, &inst.headcount).expect("level");
            assert_eq!(
                again, searched,
                "{}: the same input gives the same schedule",
                inst.name
            );
        }
        gap += f64::from(searched.makespan - inst.optimum) / f64::from(inst.optimum);
        optimal += usize::from(searched.makespan == inst.optimum);
    }
    println!(
        "J30 single-resource: mean {:.2} % above the optimum, {optimal} of {} optimal",
        100.0 * gap / instances.len() as f64,
        instances.len()
    );
}
