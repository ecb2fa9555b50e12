// The plan variants in words: hires, tasks kept, what deferring saves, the fits against the
// user's limits. Pure, so the cards and the tests read the same sentences.
import type { Deferral, Hire, PlanVariant_Serialize as PlanVariant, VariantSummary } from "../../../bindings";
import { finite } from "../../../lib/format";
import { fmtNumber } from "../../format";

/** "1 person", "9 people". */
export function peopleWords(n: number): string {
  return `${fmtNumber(n)} ${n === 1 ? "person" : "people"}`;
}

/** "1 task", "4 tasks". */
export function taskWords(n: number): string {
  return `${fmtNumber(n)} ${n === 1 ? "task" : "tasks"}`;
}

/** "1 week", "5 weeks". */
export function weekWords(n: number): string {
  return `${fmtNumber(n, 1)} ${n === 1 ? "week" : "weeks"}`;
}

/** "43 wk": a duration where space is short (its full words go beside it for screen readers). */
export function weekShort(n: number): string {
  return `${fmtNumber(n, 1)} wk`;
}

/** How many hires, and which roles: "+2 hires: Nurse ×2" (`short` names at most `most` roles
 * and ends in "…" when there are more; `full` names them all; `count` is just "+2 hires").
 * Null when nobody is hired. */
export function hiresWords(hires: readonly Hire[], most = 3): { count: string; short: string; full: string } | null {
  const wanted = hires.filter((h) => finite(h.people) && h.people > 0);
  if (wanted.length === 0) return null;
  const total = wanted.reduce((n, h) => n + h.people, 0);
  const names = wanted.map((h) => (h.people > 1 ? `${h.name} ×${fmtNumber(h.people)}` : h.name));
  const count = `+${fmtNumber(total)} ${total === 1 ? "hire" : "hires"}`;
  const short = names.length > most ? `${names.slice(0, most - 1).join(", ")}…` : names.join(", ");
  return { count, short: `${count}: ${short}`, full: `${count}: ${names.join(", ")}` };
}

/** What the hires' share of the booked work costs in all (null when no amount is known). */
export function hiresCost(hires: readonly Hire[]): number | null {
  let cost: number | null = null;
  for (const h of hires) if (finite(h.cost)) cost = (cost ?? 0) + h.cost;
  return cost;
}

/** One limit a plan fits or not: a short word for the compact mark, a sentence for its name. */
export interface Fit {
  key: "budget" | "horizon" | "team";
  ok: boolean;
  short: string;
  full: string;
}

/** How `s` stands against the budget, the `horizonWeeks` horizon and the team of `teamSize`. */
export function fitsOf(s: VariantSummary, horizonWeeks: number, teamSize: number): Fit[] {
  const horizon = `${fmtNumber(horizonWeeks)}-week horizon`;
  const team = `team of ${fmtNumber(teamSize)}`;
  return [
    { key: "budget", ok: s.fits_budget, short: "budget", full: s.fits_budget ? "Fits the budget" : "Over the budget" },
    { key: "horizon", ok: s.fits_horizon, short: "horizon", full: s.fits_horizon ? `Fits the ${horizon}` : `Longer than the ${horizon}` },
    { key: "team", ok: s.fits_team, short: "team", full: s.fits_team ? `Fits your ${team}` : `Needs more than your ${team}` },
  ];
}

/** The most tasks any variant keeps: the full scope. */
export function fullScope(variants: readonly PlanVariant[]): number {
  return variants.reduce((n, v) => Math.max(n, finite(v.summary.tasks) ? v.summary.tasks : 0), 0);
}

/** "All 40 tasks" or "36 of 40 tasks". */
export function keptWords(kept: number, scope: number): string {
  return kept >= scope ? `All ${taskWords(kept)}` : `${fmtNumber(kept)} of ${taskWords(scope)}`;
}

/** What deferring `deferred` saves in all: money (null when no amount is known) and weeks. */
export function deferredSavings(deferred: readonly Deferral[]): { money: number | null; weeks: number } {
  let money: number | null = null;
  let weeks = 0;
  for (const d of deferred) {
    if (finite(d.saves)) money = (money ?? 0) + d.saves;
    if (finite(d.saves_weeks)) weeks += d.saves_weeks;
  }
  return { money, weeks };
}
