//! How short the levelled schedule is, printed beside the single pass it replaced (not
//! asserted): on the public PSPLIB J30 single-resource instances (mean and largest deviation
//! from the published optimum, instances solved optimally, time per instance).
//!
//! ```text
//! cargo bench -p strategy --bench levelling
//! ```
//!
//! Targets (issue): mean ≤ 0.5 % above the optimum, no instance over 10 %.

#[path = "../tests/support/psplib.rs"]
mod psplib;

use std::time::{Duration, Instant};

use strategy::plan::{
    CpmSchedule, Levelled, Network, PlanError, PlanTask, critical_path, level, level_single_pass,
};

type Leveller = fn(
    &[PlanTask],
    &Network,
    &CpmSchedule,
    &std::collections::HashMap<String, u32>,
) -> Result<Levelled, PlanError>;

struct Row {
    mean_gap: f64,
    max_gap: f64,
    worst: String,
    optimal: usize,
    mean_time: Duration,
    max_time: Duration,
    schedules: f64,
}

fn measure(instances: &[psplib::Instance], leveller: Leveller) -> Row {
    let mut row = Row {
        mean_gap: 0.0,
        max_gap: 0.0,
        worst: String::new(),
        optimal: 0,
        mean_time: Duration::ZERO,
        max_time: Duration::ZERO,
        schedules: 0.0,
    };
    for inst in instances {
        let network = Network::build(&inst.tasks).expect("network");
        let cpm = critical_path(&inst.tasks, &network).expect("cpm");
        let started = Instant::now();
        let levelled = leveller(&inst.tasks, &network, &cpm, &inst.headcount).expect("level");
        let took = started.elapsed();
        let gap = f64::from(levelled.makespan - inst.optimum) / f64::from(inst.optimum) * 100.0;
        row.mean_gap += gap / instances.len() as f64;
        if gap > row.max_gap {
            row.max_gap = gap;
            row.worst = format!("{} ({} vs {})", inst.name, levelled.makespan, inst.optimum);
        }
        row.optimal += usize::from(levelled.makespan == inst.optimum);
        row.mean_time += took / instances.len() as u32;
        row.max_time = row.max_time.max(took);
        row.schedules += f64::from(levelled.schedules_built) / instances.len() as f64;
    }
    row
}

fn main() {
    let instances = psplib::instances();
    println!(
        "PSPLIB J30, the {} instances with one resource per activity\n",
        instances.len()
    );
    println!(
        "| Levelling | Mean above optimum | Largest | Optimal | Schedules built (mean) | Time per instance (mean / max) |"
    );
    println!("|---|---|---|---|---|---|");
    for (name, leveller) in [
        (
            "Single pass (least late start)",
            level_single_pass as Leveller,
        ),
        (
            "Search (rules, sampling, local search, justification)",
            level as Leveller,
        ),
    ] {
        let r = measure(&instances, leveller);
        println!(
            "| {name} | {:.2} % | {:.1} % {} | {} of {} | {:.0} | {:.2} ms / {:.2} ms |",
            r.mean_gap,
            r.max_gap,
            r.worst,
            r.optimal,
            instances.len(),
            r.schedules,
            r.mean_time.as_secs_f64() * 1e3,
            r.max_time.as_secs_f64() * 1e3
        );
    }
}
