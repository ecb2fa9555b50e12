//! The serial schedule-generation scheme, forwards and backwards, and forward–backward
//! improvement (justification) of a schedule it made.

/// The levelling problem with roles and dependencies by index.
pub(super) struct Problem<'a> {
    /// Weeks of each task.
    pub weeks: Vec<u32>,
    /// People each task needs at once.
    pub units: Vec<u32>,
    /// Role index of each task.
    pub role: Vec<usize>,
    /// People per role.
    pub capacity: Vec<u32>,
    /// Predecessors of each task.
    pub preds: &'a [Vec<usize>],
    /// Successors of each task.
    pub succs: &'a [Vec<usize>],
    /// Position of each task in a topological order: breaks ties between equal times so
    /// that a list sorted by time still puts every task after its predecessors.
    pub rank: Vec<usize>,
    /// Latest start of each task that keeps the critical path's end (from CPM).
    pub late_start: Vec<u32>,
    /// Weeks each task can slip without moving the end (from CPM).
    pub slack: Vec<u32>,
}

impl Problem<'_> {
    /// Number of tasks.
    pub fn len(&self) -> usize {
        self.weeks.len()
    }

    /// A bound no schedule can beat: the work of the busiest role spread over its people.
    pub fn resource_bound(&self) -> u32 {
        let mut work = vec![0u64; self.capacity.len()];
        for i in 0..self.len() {
            work[self.role[i]] += u64::from(self.weeks[i]) * u64::from(self.units[i]);
        }
        work.iter()
            .zip(&self.capacity)
            .filter(|(_, c)| **c > 0)
            .map(|(w, c)| w.div_ceil(u64::from(*c)) as u32)
            .max()
            .unwrap_or(0)
    }
}

/// A schedule: start week of each task and the last finish.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Schedule {
    /// Start week of each task, in task order.
    pub start: Vec<u32>,
    /// Weeks from start to the last finish.
    pub makespan: u32,
}

/// People booked per role per week, reused between passes to spare allocations.
pub(super) struct Timeline {
    rows: Vec<Vec<u32>>,
}

impl Timeline {
    /// An empty timeline for `roles` roles.
    pub fn new(roles: usize) -> Timeline {
        Timeline {
            rows: vec![Vec::new(); roles],
        }
    }

    fn clear(&mut self) {
        for row in &mut self.rows {
            row.clear();
        }
    }

    /// First week ≥ `earliest` where the role has `units` free for `weeks` weeks; booked.
    fn book(&mut self, role: usize, capacity: u32, earliest: u32, weeks: u32, units: u32) -> u32 {
        let row = &mut self.rows[role];
        let mut week = earliest;
        if units > 0 {
            'search: loop {
                let end = (week + weeks) as usize;
                if row.len() < end {
                    row.resize(end, 0);
                }
                // Backwards, so a clash moves the window past the latest busy week at once.
                for w in (week as usize..end).rev() {
                    if row[w] + units > capacity {
                        week = w as u32 + 1;
                        continue 'search;
                    }
                }
                break;
            }
            for w in week..week + weeks {
                row[w as usize] += units;
            }
        }
        week
    }
}

/// Places tasks in `list` order (each after its predecessors in the list), each at the
/// first week its predecessors are done and its role has room for its whole duration.
pub(super) fn forward(p: &Problem, list: &[usize], timeline: &mut Timeline) -> Schedule {
    timeline.clear();
    let mut start = vec![0u32; p.len()];
    let mut makespan = 0;
    for &i in list {
        let earliest = p.preds[i]
            .iter()
            .map(|&q| start[q] + p.weeks[q])
            .max()
            .unwrap_or(0);
        let role = p.role[i];
        start[i] = timeline.book(role, p.capacity[role], earliest, p.weeks[i], p.units[i]);
        makespan = makespan.max(start[i] + p.weeks[i]);
    }
    Schedule { start, makespan }
}

/// The mirror image: places tasks in `list` order (each after its successors in the list)
/// as late as possible, counting back from the end; returns the schedule shifted to start
/// at week 0.
pub(super) fn backward(p: &Problem, list: &[usize], timeline: &mut Timeline) -> Schedule {
    timeline.clear();
    // Weeks from the end to each task's finish.
    let mut from_end = vec![0u32; p.len()];
    let mut makespan = 0;
    for &i in list {
        let earliest = p.succs[i]
            .iter()
            .map(|&s| from_end[s] + p.weeks[s])
            .max()
            .unwrap_or(0);
        let role = p.role[i];
        from_end[i] = timeline.book(role, p.capacity[role], earliest, p.weeks[i], p.units[i]);
        makespan = makespan.max(from_end[i] + p.weeks[i]);
    }
    let start = (0..p.len())
        .map(|i| makespan - from_end[i] - p.weeks[i])
        .collect();
    Schedule { start, makespan }
}

/// Tasks by start week (ties in topological order): a list `forward` can decode.
pub(super) fn by_start(p: &Problem, s: &Schedule) -> Vec<usize> {
    let mut list: Vec<usize> = (0..p.len()).collect();
    list.sort_unstable_by_key(|&i| (s.start[i], p.rank[i]));
    list
}

/// Tasks by finish week, latest first (ties in reverse topological order): a list
/// `backward` can decode.
fn by_finish_descending(p: &Problem, s: &Schedule) -> Vec<usize> {
    let mut list: Vec<usize> = (0..p.len()).collect();
    list.sort_unstable_by_key(|&i| std::cmp::Reverse((s.start[i] + p.weeks[i], p.rank[i])));
    list
}

/// Forward–backward improvement: shifts every task as late as it can go, then as early,
/// while that shortens the schedule. Never longer than `s`.
pub(super) fn justify(p: &Problem, mut s: Schedule, timeline: &mut Timeline) -> (Schedule, usize) {
    let mut passes = 0;
    loop {
        let late = backward(p, &by_finish_descending(p, &s), timeline);
        let early = forward(p, &by_start(p, &late), timeline);
        passes += 2;
        if early.makespan < s.makespan {
            s = early;
        } else {
            // Keep the left-justified one of equal length: its tasks start no later.
            if early.makespan == s.makespan {
                s = early;
            }
            return (s, passes);
        }
    }
}
