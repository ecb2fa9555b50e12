// Person-weeks each role is booked per calendar month, from the levelled schedule.
import type { ScheduledTask } from "../../bindings";
import { finite } from "../../lib/format";
import { monthKey, monthRange, parseDate, weekDate } from "../format";

/** Each role's booked person-weeks by `YYYY-MM`, and every month from the first to the last booked. */
export interface RoleMonthLoad {
  months: string[];
  load: Map<string, Map<string, number>>;
}

/** Person-weeks each role is booked per calendar month (a week counts in its Monday's month, as the budget does). */
export function roleMonthLoad(tasks: ScheduledTask[], startDate: string): RoleMonthLoad {
  const start = parseDate(startDate);
  const load = new Map<string, Map<string, number>>();
  if (!start) return { months: [], load };
  const seen: string[] = [];
  for (const t of tasks) {
    const from = Math.max(0, Math.floor(finite(t.start_week) ? t.start_week : 0));
    const to = Math.min(from + 520, Math.ceil(finite(t.finish_week) ? t.finish_week : from));
    const units = finite(t.units) ? t.units : 1;
    for (let w = from; w < to; w++) {
      const key = monthKey(weekDate(start, w));
      seen.push(key);
      const row = load.get(t.role) ?? new Map<string, number>();
      row.set(key, (row.get(key) ?? 0) + units);
      load.set(t.role, row);
    }
  }
  if (!seen.length) return { months: [], load };
  seen.sort();
  return { months: monthRange(seen[0] ?? "", seen[seen.length - 1] ?? ""), load };
}
