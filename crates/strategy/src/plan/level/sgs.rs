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
    /// Who can do each role.
    pub pool: Pool,
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

/// Most people the person-by-person levelling tells apart (one bit each).
pub(super) const MAX_PEOPLE: usize = 64;

/// Who does the work.
pub(super) enum Pool {
    /// Interchangeable people per role: `capacity[role]` of them.
    Roles(Vec<u32>),
    /// Named people, each able to do some roles: `qualified[role]` lists who can do it,
    /// the most specialised first (they are booked first, keeping generalists free).
    People {
        /// Person indices per role.
        qualified: Vec<Vec<usize>>,
        /// How many people there are (at most [`MAX_PEOPLE`]).
        people: usize,
    },
}

impl Pool {
    /// Rows of a timeline: one per role, or one per person.
    fn rows(&self) -> usize {
        match self {
            Pool::Roles(capacity) => capacity.len(),
            Pool::People { people, .. } => *people,
        }
    }
}

impl Problem<'_> {
    /// Number of tasks.
    pub fn len(&self) -> usize {
        self.weeks.len()
    }

    /// A bound no schedule can beat: the work of the busiest role spread over the people
    /// who can do it (and, person by person, all the work over the whole team).
    pub fn resource_bound(&self) -> u32 {
        let roles = match &self.pool {
            Pool::Roles(capacity) => capacity.len(),
            Pool::People { qualified, .. } => qualified.len(),
        };
        let mut work = vec![0u64; roles];
        for i in 0..self.len() {
            work[self.role[i]] += u64::from(self.weeks[i]) * u64::from(self.units[i]);
        }
        let people_of = |role: usize| -> u64 {
            match &self.pool {
                Pool::Roles(capacity) => u64::from(capacity[role]),
                Pool::People { qualified, .. } => qualified[role].len() as u64,
            }
        };
        let by_role = (0..roles)
            .filter(|&r| people_of(r) > 0)
            .map(|r| work[r].div_ceil(people_of(r)) as u32)
            .max()
            .unwrap_or(0);
        let whole_team = match &self.pool {
            Pool::People { people, .. } if *people > 0 => {
                work.iter().sum::<u64>().div_ceil(*people as u64) as u32
            }
            _ => 0,
        };
        by_role.max(whole_team)
    }
}

/// A schedule: start week of each task and the last finish.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Schedule {
    /// Start week of each task, in task order.
    pub start: Vec<u32>,
    /// Weeks from start to the last finish.
    pub makespan: u32,
    /// People booked on each task, one bit per person (empty when levelling by role).
    pub assigned: Vec<u64>,
}

/// What is booked per week (people per role, or each person's busy weeks), reused between
/// passes to spare allocations.
pub(super) struct Timeline {
    rows: Vec<Vec<u32>>,
    assigned: Vec<u64>,
}

impl Timeline {
    /// An empty timeline for `pool`.
    pub fn new(pool: &Pool) -> Timeline {
        Timeline {
            rows: vec![Vec::new(); pool.rows()],
            assigned: Vec::new(),
        }
    }

    fn clear(&mut self, tasks: usize, pool: &Pool) {
        for row in &mut self.rows {
            row.clear();
        }
        self.assigned.clear();
        if matches!(pool, Pool::People { .. }) {
            self.assigned.resize(tasks, 0);
        }
    }

    /// First week ≥ `earliest` where task `task` of `role` finds `units` people free for
    /// `weeks` weeks; booked.
    fn book(
        &mut self,
        pool: &Pool,
        task: usize,
        role: usize,
        earliest: u32,
        weeks: u32,
        units: u32,
    ) -> u32 {
        match pool {
            Pool::Roles(capacity) => self.book_role(role, capacity[role], earliest, weeks, units),
            Pool::People { qualified, .. } => {
                self.book_people(&qualified[role], task, earliest, weeks, units)
            }
        }
    }

    /// First week ≥ `earliest` where `units` of the `qualified` people are free for the
    /// whole of `weeks`; the first such people in `qualified` order are booked.
    fn book_people(
        &mut self,
        qualified: &[usize],
        task: usize,
        earliest: u32,
        weeks: u32,
        units: u32,
    ) -> u32 {
        if units == 0 || weeks == 0 {
            return earliest;
        }
        let mut week = earliest;
        loop {
            let end = (week + weeks) as usize;
            let mut free = 0u64;
            let mut count = 0;
            // The first week any busy person is free again for a window this long.
            let mut next = u32::MAX;
            for &person in qualified {
                let row = &mut self.rows[person];
                if row.len() < end {
                    row.resize(end, 0);
                }
                match (week as usize..end).rev().find(|&w| row[w] > 0) {
                    Some(busy) => next = next.min(busy as u32 + 1),
                    None if count < units => {
                        free |= 1 << person;
                        count += 1;
                    }
                    None => {}
                }
            }
            if count == units {
                for person in 0..MAX_PEOPLE {
                    if free & (1 << person) != 0 {
                        for w in week..week + weeks {
                            self.rows[person][w as usize] = 1;
                        }
                    }
                }
                self.assigned[task] = free;
                return week;
            }
            // Fewer qualified people than units is refused before levelling starts, so
            // someone is busy and frees up later.
            week = next;
        }
    }

    /// First week ≥ `earliest` where the role has `units` free for `weeks` weeks; booked.
    fn book_role(
        &mut self,
        role: usize,
        capacity: u32,
        earliest: u32,
        weeks: u32,
        units: u32,
    ) -> u32 {
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
    timeline.clear(p.len(), &p.pool);
    let mut start = vec![0u32; p.len()];
    let mut makespan = 0;
    for &i in list {
        let earliest = p.preds[i]
            .iter()
            .map(|&q| start[q] + p.weeks[q])
            .max()
            .unwrap_or(0);
        start[i] = timeline.book(&p.pool, i, p.role[i], earliest, p.weeks[i], p.units[i]);
        makespan = makespan.max(start[i] + p.weeks[i]);
    }
    Schedule {
        start,
        makespan,
        assigned: timeline.assigned.clone(),
    }
}

/// The mirror image: places tasks in `list` order (each after its successors in the list)
/// as late as possible, counting back from the end; returns the schedule shifted to start
/// at week 0.
pub(super) fn backward(p: &Problem, list: &[usize], timeline: &mut Timeline) -> Schedule {
    timeline.clear(p.len(), &p.pool);
    // Weeks from the end to each task's finish.
    let mut from_end = vec![0u32; p.len()];
    let mut makespan = 0;
    for &i in list {
        let earliest = p.succs[i]
            .iter()
            .map(|&s| from_end[s] + p.weeks[s])
            .max()
            .unwrap_or(0);
        from_end[i] = timeline.book(&p.pool, i, p.role[i], earliest, p.weeks[i], p.units[i]);
        makespan = makespan.max(from_end[i] + p.weeks[i]);
    }
    let start = (0..p.len())
        .map(|i| makespan - from_end[i] - p.weeks[i])
        .collect();
    // Mirrored in time, no one's tasks overlap either: the same people can do them.
    Schedule {
        start,
        makespan,
        assigned: timeline.assigned.clone(),
    }
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
