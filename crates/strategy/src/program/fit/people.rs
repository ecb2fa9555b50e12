//! The team against the roles: a derived mapping balanced for the shortest schedule, and
//! tasks no wider than the people who can do them.

use crate::artefact::Outline;
use crate::plan::{self, Network, PlanError};
use crate::program::team::TeamMember;

/// Most rounds of moving one role to another person when balancing a derived team.
const MOST_BALANCING_ROUNDS: usize = 24;

/// A derived team whose people cover several roles, improved by moving a secondary role
/// from one person to another while that shortens the schedule (each move estimated in
/// one levelling pass); main roles stay where they are.
pub(super) fn balance_roles(
    mut team: Vec<TeamMember>,
    outline: &Outline,
) -> Result<Vec<TeamMember>, PlanError> {
    if team.iter().all(|m| m.roles.len() <= 1) {
        return Ok(team);
    }
    let makespan = |team: &[TeamMember]| -> Result<u32, PlanError> {
        let (widened, _) = fit_widths(outline, team);
        let tasks = widened.plan_tasks();
        let network = Network::build(&tasks)?;
        let cpm = plan::critical_path(&tasks, &network)?;
        let roles: Vec<Vec<String>> = team.iter().map(|m| m.roles.clone()).collect();
        Ok(plan::level_team_quick(&tasks, &network, &cpm, &roles)?.makespan)
    };
    let mut best = makespan(&team)?;
    for _ in 0..MOST_BALANCING_ROUNDS {
        let mut improved: Option<(u32, Vec<TeamMember>)> = None;
        for from in 0..team.len() {
            for k in 1..team[from].roles.len() {
                let role = team[from].roles[k].clone();
                for to in 0..team.len() {
                    if to == from || team[to].roles.contains(&role) {
                        continue;
                    }
                    let mut trial = team.clone();
                    trial[from].roles.remove(k);
                    trial[to].roles.push(role.clone());
                    let weeks = makespan(&trial)?;
                    if weeks < improved.as_ref().map_or(best, |(w, _)| *w) {
                        improved = Some((weeks, trial));
                    }
                }
            }
        }
        match improved {
            Some((weeks, trial)) => {
                best = weeks;
                team = trial;
            }
            None => break,
        }
    }
    Ok(team)
}

/// The outline with every task no wider than the people who can do it: a task needing more
/// people of a role than the team has takes proportionally longer with those there are.
pub(super) fn fit_widths(outline: &Outline, team: &[TeamMember]) -> (Outline, Vec<String>) {
    let mut outline = outline.clone();
    let mut notes = Vec::new();
    for w in &mut outline.workstreams {
        for t in &mut w.tasks {
            let people = team.iter().filter(|m| m.roles.contains(&t.role)).count() as u32;
            if people > 0 && t.units > people {
                let weeks = (t.weeks * t.units).div_ceil(people);
                notes.push(format!(
                    "“{}” needs {} people at once; with the {people} who can do it, it takes {weeks} weeks instead of {}.",
                    t.name, t.units, t.weeks
                ));
                t.weeks = weeks;
                t.units = people;
            }
        }
    }
    (outline, notes)
}
