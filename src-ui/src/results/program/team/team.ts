// The team editor's rules, pure: where the grid starts from, sizing it to the initiative's
// team, what is wrong with it, and the draft that saves it.
import type {
  InitiativeDraft_Deserialize as InitiativeDraft,
  Initiative_Serialize as Initiative,
  Program_Serialize as Program,
  TeamMember,
} from "../../../bindings";
import { variantsOf } from "../parts";

/** The most people whose roles can be set (the engine's limit for levelling person by person). */
export const MAX_TEAM_PEOPLE = 64;

/** A role the grid offers: its id and name. */
export interface RoleColumn {
  id: string;
  name: string;
}

/** The team the program was planned with: the adopted plan's people, or (when the adopted
 * plan staffs by role, as the hires plan does) the first variant's that has people. Empty
 * when no plan names people (programs made before teams). */
export function seedTeam(program: Program): TeamMember[] {
  const own = Array.isArray(program.team) ? program.team : [];
  const lines = own.length > 0 ? own : (variantsOf(program).find((v) => v.plan.team.length > 0)?.plan.team ?? []);
  return lines.map((m) => ({ id: m.id, name: m.name, roles: [...m.roles] }));
}

/** The roles to tick: the plan's roles, in its order. */
export function roleColumns(program: Program): RoleColumn[] {
  return program.resources.map((r) => ({ id: r.id, name: r.name }));
}

/** `team` with exactly `size` people: extra people are dropped from the end, missing ones
 * added with no roles yet (the grid asks for them). */
export function fitTeam(team: readonly TeamMember[], size: number): TeamMember[] {
  const out = team.slice(0, Math.max(0, size)).map((m) => ({ ...m, roles: [...m.roles] }));
  const taken = new Set(out.map((m) => m.id));
  let n = 1;
  while (out.length < size) {
    while (taken.has(`p${n}`)) n += 1;
    taken.add(`p${n}`);
    out.push({ id: `p${n}`, name: `Team member ${out.length + 1}`, roles: [] });
  }
  return out;
}

/** `member` covering `role` or not; a role added goes last (the first stays their main one). */
export function toggleRole(member: TeamMember, role: string, covers: boolean): TeamMember {
  const without = member.roles.filter((r) => r !== role);
  return { ...member, roles: covers ? [...without, role] : without };
}

/** What stops the team from being saved. */
export interface TeamProblems {
  /** Ids of people without a name. */
  unnamed: string[];
  /** Ids of people who cover none of the roles. */
  roleless: string[];
  /** Roles nobody covers. */
  uncovered: RoleColumn[];
}

/** Every person needs a name and at least one of `roles`; every role at least one person. */
export function teamProblems(team: readonly TeamMember[], roles: readonly RoleColumn[]): TeamProblems {
  const ids = new Set(roles.map((r) => r.id));
  return {
    unnamed: team.filter((m) => m.name.trim() === "").map((m) => m.id),
    roleless: team.filter((m) => !m.roles.some((r) => ids.has(r))).map((m) => m.id),
    uncovered: roles.filter((r) => !team.some((m) => m.roles.includes(r.id))),
  };
}

/** Whether `problems` lists nothing. */
export function isSound(problems: TeamProblems): boolean {
  return problems.unnamed.length === 0 && problems.roleless.length === 0 && problems.uncovered.length === 0;
}

/** The initiative as it is now, with `team` (names trimmed): what `update_initiative` takes. */
export function draftWithTeam(initiative: Initiative, team: readonly TeamMember[]): InitiativeDraft {
  return {
    name: initiative.name,
    description: initiative.description,
    industry: initiative.industry,
    budget: initiative.budget,
    currency: initiative.currency,
    horizon_months: initiative.horizon_months,
    team_size: initiative.team_size,
    start_date: initiative.start_date,
    constraints: initiative.constraints,
    team: team.map((m) => ({ id: m.id, name: m.name.trim(), roles: m.roles })),
  };
}
