//! Reads the PSPLIB J30 single-resource instances kept in `tests/fixtures/psplib-j30` (see
//! its SOURCE.md) as Charter plan tasks: one role per resource, one task per activity.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use strategy::plan::PlanTask;

/// Role of the dummy start and end activities, which need nobody.
const NOBODY: &str = "none";

/// One instance: its tasks, the people per role and the published optimal makespan.
pub struct Instance {
    /// File name, e.g. `j3013_1.sm`.
    pub name: String,
    /// Activities as tasks (weeks = the instance's time units).
    pub tasks: Vec<PlanTask>,
    /// Capacity per resource, as headcount per role.
    pub headcount: HashMap<String, u32>,
    /// Optimal makespan (Demeulemeester & Herroelen).
    pub optimum: u32,
}

/// The fixture folder.
pub fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/psplib-j30")
}

/// Every kept instance with its optimum, in file-name order.
pub fn instances() -> Vec<Instance> {
    let optima = optima(&folder().join("j30opt.sm"));
    let mut names: Vec<String> = std::fs::read_dir(folder())
        .expect("the PSPLIB fixture folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".sm") && n != "j30opt.sm")
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(folder().join(&name)).expect("an instance file");
            let (tasks, headcount) = parse(&text);
            let key = name
                .trim_start_matches("j30")
                .trim_end_matches(".sm")
                .split_once('_')
                .map(|(p, i)| {
                    (
                        p.parse::<u32>().expect("parameter"),
                        i.parse::<u32>().expect("instance"),
                    )
                })
                .expect("a jPP_I.sm name");
            let optimum = *optima.get(&key).expect("an optimum for every instance");
            Instance {
                name,
                tasks,
                headcount,
                optimum,
            }
        })
        .collect()
}

/// (parameter, instance) → makespan, from the rows of `j30opt.sm`.
fn optima(path: &Path) -> HashMap<(u32, u32), u32> {
    let text = std::fs::read_to_string(path).expect("j30opt.sm");
    text.lines()
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            match f.as_slice() {
                [p, i, m, _] => Some(((p.parse().ok()?, i.parse().ok()?), m.parse().ok()?)),
                _ => None,
            }
        })
        .collect()
}

/// The precedence and request sections of one `.sm` file.
fn parse(text: &str) -> (Vec<PlanTask>, HashMap<String, u32>) {
    let lines: Vec<&str> = text.lines().collect();
    let after = |heading: &str| {
        lines
            .iter()
            .position(|l| l.starts_with(heading))
            .unwrap_or_else(|| panic!("no {heading} section"))
    };
    let numbers = |line: &str| -> Vec<u32> {
        line.split_whitespace()
            .map(|x| x.parse().expect("a number"))
            .collect()
    };
    let jobs = numbers(
        lines[after("jobs (incl. supersource/sink )")]
            .split(':')
            .nth(1)
            .expect("jobs"),
    )[0] as usize;
    let successors: Vec<Vec<u32>> = (0..jobs)
        .map(|k| numbers(lines[after("PRECEDENCE RELATIONS:") + 2 + k])[3..].to_vec())
        .collect();
    let requests: Vec<Vec<u32>> = (0..jobs)
        .map(|k| numbers(lines[after("REQUESTS/DURATIONS:") + 3 + k]))
        .collect();
    let capacity = numbers(lines[after("RESOURCEAVAILABILITIES:") + 2]);
    let mut preds: Vec<Vec<String>> = vec![Vec::new(); jobs];
    for (k, succ) in successors.iter().enumerate() {
        for &s in succ {
            preds[s as usize - 1].push(format!("a{}", k + 1));
        }
    }
    let tasks = requests
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let (weeks, demand) = (r[2], &r[3..]);
            let used: Vec<usize> = (0..demand.len()).filter(|&d| demand[d] > 0).collect();
            assert!(
                used.len() <= 1,
                "activity {} needs more than one resource",
                k + 1
            );
            let (role, units) = used.first().map_or((NOBODY.to_owned(), 0), |&d| {
                (format!("R{}", d + 1), demand[d])
            });
            PlanTask {
                id: format!("a{}", k + 1),
                weeks,
                role,
                units,
                depends_on: preds[k].clone(),
            }
        })
        .collect();
    let mut headcount: HashMap<String, u32> = capacity
        .iter()
        .enumerate()
        .map(|(d, &c)| (format!("R{}", d + 1), c))
        .collect();
    headcount.insert(NOBODY.to_owned(), 1);
    (tasks, headcount)
}
