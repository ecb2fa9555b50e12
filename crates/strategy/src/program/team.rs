//! The user's team as people: who covers which roles. Derived from the team size and the
//! work per role, or taken from the user's edit of it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::artefact::{Outline, Resources};
use crate::plan::MAX_TEAM_PEOPLE;

/// One person of the user's team and the roles they cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TeamMember {
    /// Stable id within the team (`p1`, `p2`…).
    pub id: String,
    /// What the user calls them.
    pub name: String,
    /// Role ids they cover, their main role first.
    pub roles: Vec<String>,
}

/// Person-weeks of work per role in the outline.
fn work_per_role(outline: &Outline) -> BTreeMap<&str, u64> {
    let mut work = BTreeMap::new();
    for (_, t) in outline.tasks() {
        *work.entry(t.role.as_str()).or_default() += u64::from(t.weeks) * u64::from(t.units);
    }
    work
}

/// The team as the plan proposes it: `size` people (at most [`MAX_TEAM_PEOPLE`]). With at
/// least one person per role, each role gets one and the rest join the roles with the most
/// work per person; with fewer, each person covers several roles, balanced by work (the
/// largest role first, to whoever has least).
pub fn derive_team(size: u32, outline: &Outline, resources: &Resources) -> Vec<TeamMember> {
    let work = work_per_role(outline);
    let roles: Vec<&str> = resources
        .roles
        .iter()
        .map(|r| r.id.as_str())
        .filter(|r| work.contains_key(r))
        .collect();
    let people = (size as usize).clamp(1, MAX_TEAM_PEOPLE);
    let mut covers: Vec<Vec<&str>> = vec![Vec::new(); people];
    if people >= roles.len() {
        let mut count: Vec<u64> = vec![1; roles.len()];
        for (p, role) in roles.iter().enumerate() {
            covers[p].push(role);
        }
        for person in covers.iter_mut().skip(roles.len()) {
            // The role with the most work per person; the earlier role on a tie.
            let Some(best) = (0..roles.len()).max_by(|&a, &b| {
                let wa = work[roles[a]] * count[b];
                let wb = work[roles[b]] * count[a];
                wa.cmp(&wb).then(b.cmp(&a))
            }) else {
                break;
            };
            count[best] += 1;
            person.push(roles[best]);
        }
    } else {
        let mut order: Vec<&str> = roles.clone();
        order.sort_by(|a, b| work[b].cmp(&work[a]).then(a.cmp(b)));
        let mut load = vec![0u64; people];
        for role in order {
            let p = (0..people).min_by_key(|&p| (load[p], p)).unwrap_or(0);
            load[p] += work[role];
            covers[p].push(role);
        }
    }
    name_team(&covers, resources)
}

/// Ids and names: each person is called after their main role, numbered when several share it.
fn name_team(covers: &[Vec<&str>], resources: &Resources) -> Vec<TeamMember> {
    let role_name = |id: &str| {
        resources
            .roles
            .iter()
            .find(|r| r.id == id)
            .map_or_else(|| id.to_owned(), |r| r.name.clone())
    };
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    let mut totals: BTreeMap<String, u32> = BTreeMap::new();
    for roles in covers {
        let main = roles
            .first()
            .map_or_else(|| "Team member".to_owned(), |r| role_name(r));
        *totals.entry(main).or_default() += 1;
    }
    covers
        .iter()
        .enumerate()
        .map(|(i, roles)| {
            let main = roles
                .first()
                .map_or_else(|| "Team member".to_owned(), |r| role_name(r));
            let n = seen.entry(main.clone()).or_default();
            *n += 1;
            let name = if totals[&main] > 1 {
                format!("{main} {n}")
            } else {
                main
            };
            TeamMember {
                id: format!("p{}", i + 1),
                name,
                roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            }
        })
        .collect()
}

/// The user's team made complete for this outline: roles nobody covers go to whoever has
/// least work (said in the returned notes), and roles the plan does not use are kept.
pub fn complete_team(
    team: &[TeamMember],
    outline: &Outline,
    resources: &Resources,
) -> (Vec<TeamMember>, Vec<String>) {
    let work = work_per_role(outline);
    let mut team: Vec<TeamMember> = team.iter().take(MAX_TEAM_PEOPLE).cloned().collect();
    let mut notes = Vec::new();
    if team.is_empty() {
        return (team, notes);
    }
    let mut load: Vec<u64> = team
        .iter()
        .map(|m| {
            m.roles
                .iter()
                .map(|r| work.get(r.as_str()).copied().unwrap_or(0) / m.roles.len().max(1) as u64)
                .sum()
        })
        .collect();
    for role in resources
        .roles
        .iter()
        .filter(|r| work.contains_key(r.id.as_str()))
    {
        if team.iter().any(|m| m.roles.contains(&role.id)) {
            continue;
        }
        let p = (0..team.len()).min_by_key(|&p| (load[p], p)).unwrap_or(0);
        load[p] += work[role.id.as_str()];
        team[p].roles.push(role.id.clone());
        notes.push(format!(
            "Nobody in the team covered {}; {} takes it on.",
            role.name, team[p].name
        ));
    }
    (team, notes)
}
