//! Finding a short schedule: activity lists from several priority rules, then sampled
//! ones, then a local search over the best list, each decoded by the serial scheme and
//! justified; a fixed amount of work, a fixed seed, so the same input gives the same plan.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::sgs::{Problem, Schedule, Timeline, by_start, forward, justify};

/// Task placements the search may spend (one pass places every task once): 50 schedules
/// for 2,000 tasks (well under a second), over 1,500 for a 60-task program. A third of this
/// already finds the optimum of every J30 instance kept in the tests.
const PLACEMENT_BUDGET: usize = 100_000;
/// Share of the budget left after the rules that goes to sampling; the rest is local search.
const SAMPLING_SHARE: f64 = 0.4;

/// The best schedule found and how many schedules were built to find it.
pub(super) struct Found {
    /// The schedule.
    pub schedule: Schedule,
    /// Schedules decoded (forward and backward passes).
    pub passes: usize,
}

/// SplitMix64: a tiny fixed generator, so sampled lists never change with a library's
/// version (the results must be reproducible across builds).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Priority keys, smaller first; each rule is one the literature finds good for the serial
/// scheme. The first is the single pass Charter used before (least late start, then least
/// slack), so the search never does worse than it.
fn rules(p: &Problem) -> Vec<Vec<(u64, u64)>> {
    let n = p.len();
    let (late_start, slack) = (&p.late_start, &p.slack);
    let late_finish: Vec<u32> = (0..n).map(|i| late_start[i] + p.weeks[i]).collect();
    let successors = total_successors(p);
    let weight: Vec<u64> = (0..n)
        .map(|i| {
            u64::from(p.weeks[i])
                + p.succs[i]
                    .iter()
                    .map(|&s| u64::from(p.weeks[s]))
                    .sum::<u64>()
        })
        .collect();
    let big = u64::MAX / 2;
    vec![
        (0..n)
            .map(|i| (late_start[i].into(), slack[i].into()))
            .collect(),
        (0..n)
            .map(|i| (late_finish[i].into(), late_start[i].into()))
            .collect(),
        (0..n)
            .map(|i| (slack[i].into(), late_start[i].into()))
            .collect(),
        (0..n)
            .map(|i| (big - successors[i], late_start[i].into()))
            .collect(),
        (0..n)
            .map(|i| (big - weight[i], late_start[i].into()))
            .collect(),
    ]
}

/// How many tasks come after each one, directly or not (a bitset pass in reverse order).
fn total_successors(p: &Problem) -> Vec<u64> {
    let n = p.len();
    let words = n.div_ceil(64);
    // Quadratic memory: only for the sizes a program has; large inputs count direct ones.
    if n > 4_000 {
        return (0..n).map(|i| p.succs[i].len() as u64).collect();
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by_key(|&i| Reverse(p.rank[i]));
    let mut below = vec![vec![0u64; words]; n];
    for &i in &order {
        let mut set = vec![0u64; words];
        for &s in &p.succs[i] {
            set[s / 64] |= 1 << (s % 64);
            for (w, bits) in set.iter_mut().zip(&below[s]) {
                *w |= bits;
            }
        }
        below[i] = set;
    }
    below
        .iter()
        .map(|set| set.iter().map(|w| u64::from(w.count_ones())).sum())
        .collect()
}

/// The list of the first rule alone: the single pass Charter used before the search.
pub(super) fn single_pass_list(p: &Problem) -> Vec<usize> {
    let key: Vec<(u64, u64)> = (0..p.len())
        .map(|i| (p.late_start[i].into(), p.slack[i].into()))
        .collect();
    list_by(p, &key)
}

/// The precedence-feasible list that always takes the eligible task with the smallest key.
fn list_by(p: &Problem, key: &[(u64, u64)]) -> Vec<usize> {
    let mut waiting: Vec<usize> = p.preds.iter().map(Vec::len).collect();
    let mut ready: BinaryHeap<Reverse<((u64, u64), usize)>> = (0..p.len())
        .filter(|&i| waiting[i] == 0)
        .map(|i| Reverse((key[i], i)))
        .collect();
    let mut list = Vec::with_capacity(p.len());
    while let Some(Reverse((_, i))) = ready.pop() {
        list.push(i);
        for &s in &p.succs[i] {
            waiting[s] -= 1;
            if waiting[s] == 0 {
                ready.push(Reverse((key[s], s)));
            }
        }
    }
    list
}

/// A list drawn by regret-based biased sampling on the late finish: an eligible task is
/// picked with a weight growing with how much later the latest eligible one may finish.
fn sampled_list(p: &Problem, late_finish: &[u32], rng: &mut Rng) -> Vec<usize> {
    let mut waiting: Vec<usize> = p.preds.iter().map(Vec::len).collect();
    let mut eligible: Vec<usize> = (0..p.len()).filter(|&i| waiting[i] == 0).collect();
    let mut list = Vec::with_capacity(p.len());
    let mut weights = Vec::new();
    while !eligible.is_empty() {
        let latest = eligible.iter().map(|&i| late_finish[i]).max().unwrap_or(0);
        weights.clear();
        weights.extend(
            eligible
                .iter()
                .map(|&i| f64::from(latest - late_finish[i] + 1).powi(2)),
        );
        let total: f64 = weights.iter().sum();
        let mut pick = rng.unit() * total;
        let mut chosen = eligible.len() - 1;
        for (k, w) in weights.iter().enumerate() {
            if pick < *w {
                chosen = k;
                break;
            }
            pick -= w;
        }
        let i = eligible.swap_remove(chosen);
        list.push(i);
        for &s in &p.succs[i] {
            waiting[s] -= 1;
            if waiting[s] == 0 {
                eligible.push(s);
            }
        }
    }
    list
}

/// Moves one task to another place in `list` between its last predecessor and its first
/// successor; the list stays precedence-feasible. False when it has nowhere else to go.
fn shift_one(p: &Problem, list: &mut Vec<usize>, position: &mut [usize], rng: &mut Rng) -> bool {
    for (k, &i) in list.iter().enumerate() {
        position[i] = k;
    }
    let from = rng.below(list.len());
    let task = list[from];
    let lo = p.preds[task]
        .iter()
        .map(|&q| position[q] + 1)
        .max()
        .unwrap_or(0);
    let hi = p.succs[task]
        .iter()
        .map(|&s| position[s] - 1)
        .min()
        .unwrap_or(list.len() - 1);
    if hi <= lo {
        return false;
    }
    let mut to = lo + rng.below(hi - lo);
    if to >= from {
        to += 1;
    }
    list.remove(from);
    list.insert(to, task);
    true
}

/// The shortest schedule the search finds, never longer than the first rule's; stops early
/// at `lower_bound`.
pub(super) fn search(p: &Problem, lower_bound: u32) -> Found {
    if p.len() == 0 {
        return Found {
            schedule: Schedule::default(),
            passes: 0,
        };
    }
    let n = p.len();
    let mut timeline = Timeline::new(&p.pool);
    let mut passes = 0usize;
    let mut best: Option<(Schedule, Vec<usize>)> = None;
    let mut consider =
        |list: Vec<usize>, passes: &mut usize, best: &mut Option<(Schedule, Vec<usize>)>| {
            let first = forward(p, &list, &mut timeline);
            let (schedule, used) = justify(p, first, &mut timeline);
            *passes += 1 + used;
            // Equal length replaces too: the newer list lets the local search drift across
            // plateaus.
            if best
                .as_ref()
                .is_none_or(|(b, _)| schedule.makespan <= b.makespan)
            {
                let list = by_start(p, &schedule);
                *best = Some((schedule, list));
            }
        };
    let budget = PLACEMENT_BUDGET / n;
    let done = |best: &Option<(Schedule, Vec<usize>)>, passes: usize| {
        passes >= budget
            || best
                .as_ref()
                .is_some_and(|(b, _)| b.makespan <= lower_bound)
    };

    for key in rules(p) {
        consider(list_by(p, &key), &mut passes, &mut best);
        if done(&best, passes) {
            break;
        }
    }
    let late_finish: Vec<u32> = (0..p.len()).map(|i| p.late_start[i] + p.weeks[i]).collect();
    let mut rng = Rng(0x00C0_FFEE ^ p.len() as u64);
    let sampling_until =
        passes + ((budget.saturating_sub(passes)) as f64 * SAMPLING_SHARE) as usize;
    while !done(&best, passes) && passes < sampling_until {
        consider(
            sampled_list(p, &late_finish, &mut rng),
            &mut passes,
            &mut best,
        );
    }
    let mut position = vec![0usize; p.len()];
    while !done(&best, passes) {
        let Some((_, list)) = best.as_ref() else {
            break;
        };
        let mut list = list.clone();
        if !shift_one(p, &mut list, &mut position, &mut rng) {
            passes += 1;
            continue;
        }
        consider(list, &mut passes, &mut best);
    }
    let schedule = best.map(|(s, _)| s).unwrap_or_default();
    Found { schedule, passes }
}
