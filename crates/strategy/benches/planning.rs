//! Benchmarks of program generation and planning, printed as a table (not asserted).
//!
//! ```text
//! cargo bench -p strategy --bench planning
//! ```
//!
//! Targets (DESIGN/issue): a 30-workstream program generated offline in ≤ 200 ms;
//! 2,000 tasks levelled in ≤ 1 s.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use futures::StreamExt;
use jobs::{JobChange, WatchItem};
use strategy::plan::{Network, PlanTask, critical_path, level};
use strategy::provider::OfflineProvider;
use strategy::{Initiative, InitiativeDraft, ProviderChoice, Workspace, WorkspaceConfig, epm};
use tokio_util::sync::CancellationToken;

fn initiative(name: &str, description: &str, budget: f64, team: u32, months: u32) -> Initiative {
    let draft = InitiativeDraft {
        name: name.into(),
        description: description.into(),
        industry: None,
        budget,
        currency: "USD".into(),
        horizon_months: months,
        team_size: team,
        start_date: NaiveDate::from_ymd_opt(2027, 1, 4).expect("date"),
        constraints: Vec::new(),
        team: Vec::new(),
    };
    Initiative::from_draft("bench".into(), draft.validate().expect("valid"), 0, 0)
}

/// Median and best of `runs` timings of `f`.
fn time<F: FnMut()>(runs: usize, mut f: F) -> (Duration, Duration) {
    f(); // warm-up: playbook parsing and the ranking index are built once per process
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    samples.sort();
    (samples[runs / 2], samples[0])
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// A random network (fixed seed): each task depends on up to three of the `window` before it
/// (a small window makes long chains; a large one wide, resource-bound networks).
fn random_network(n: usize, roles: usize, window: u64) -> (Vec<PlanTask>, HashMap<String, u32>) {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |m: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % m
    };
    let tasks = (0..n)
        .map(|i| {
            let deps = if i == 0 { 0 } else { next(4) as usize };
            let mut depends_on: Vec<String> = (0..deps)
                .map(|_| {
                    let back = 1 + next(window.min(i as u64)) as usize;
                    format!("t{}", i - back)
                })
                .collect();
            depends_on.sort();
            depends_on.dedup();
            PlanTask {
                id: format!("t{i}"),
                weeks: 1 + next(8) as u32,
                role: format!("r{}", next(roles as u64)),
                units: 1 + u32::from(next(10) == 0),
                depends_on,
            }
        })
        .collect();
    let headcount = (0..roles)
        .map(|r| (format!("r{r}"), 2 + (r as u32 % 3)))
        .collect();
    (tasks, headcount)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let cancel = CancellationToken::new();
    let small = initiative(
        "Side consultancy",
        "A two-person consulting firm advising clients on procurement, billed by the day.",
        150_000.0,
        2,
        9,
    );
    let large = initiative(
        "Harbour Coffee Group",
        "A specialty coffee bar and bakery chain opening stores across the region.",
        11_500_000.0,
        60,
        60,
    );
    println!("| Benchmark | Size | Median | Best | Target |");
    println!("|---|---|---:|---:|---:|");
    for (label, init, target) in [
        ("Offline program, smallest", &small, "—"),
        ("Offline program, 30 workstreams", &large, "≤ 200 ms"),
    ] {
        let program = rt
            .block_on(epm::generate(&OfflineProvider, init, &cancel))
            .expect("program");
        let (median, best) = time(30, || {
            rt.block_on(epm::generate(&OfflineProvider, init, &cancel))
                .expect("program");
        });
        println!(
            "| {label} | {} workstreams, {} tasks | {} | {} | {target} |",
            program.plan.workstreams.len(),
            program.plan.tasks.len(),
            ms(median),
            ms(best)
        );
    }

    // The same large generation as a durable job: eight committed checkpoints, partials
    // and the stored result, from start to the Finished event.
    let dir = tempfile::tempdir().expect("dir");
    let workspace = rt
        .block_on(Workspace::open(WorkspaceConfig::new(dir.path())))
        .expect("workspace");
    let draft = large.draft();
    let stored = rt
        .block_on(workspace.initiatives().create(draft))
        .expect("initiative");
    let (median, best) = time(15, || {
        rt.block_on(async {
            let id = workspace
                .generate_program(&stored.id, ProviderChoice::Offline)
                .await
                .expect("start")
                .id;
            let mut watch = workspace.engine().watch(id).await.expect("watch");
            if watch.snapshot.job.status.is_finished() {
                return;
            }
            while let Some(item) = watch.events.next().await {
                if let WatchItem::Event(e) = item
                    && matches!(e.change, JobChange::Finished { .. })
                {
                    return;
                }
            }
        })
    });
    println!(
        "| Same, as a durable job (start → result committed) | 30 workstreams | {} | {} | — |",
        ms(median),
        ms(best)
    );
    rt.block_on(workspace.engine().shutdown(Duration::from_secs(2)));

    for (n, window, shape) in [
        (300, 40, "chained"),
        (2_000, 40, "chained"),
        (2_000, 2_000, "wide"),
        (10_000, 40, "chained"),
    ] {
        let (tasks, headcount) = random_network(n, 8, window);
        let mut makespan = (0, 0);
        let (median, best) = time(10, || {
            let network = Network::build(&tasks).expect("network");
            let cpm = critical_path(&tasks, &network).expect("cpm");
            let levelled = level(&tasks, &network, &cpm, &headcount).expect("level");
            makespan = (cpm.duration, levelled.makespan);
        });
        println!(
            "| CPM + levelling | {n} tasks, {shape}, 8 roles (CPM {} wk → levelled {} wk) | {} | {} | {} |",
            makespan.0,
            makespan.1,
            ms(median),
            ms(best),
            if n == 2_000 { "≤ 1 s" } else { "—" }
        );
    }
}
