// The Jobs page's tab and filters: read from and written to the URL search params, and turned
// into the engine's `JobQuery`. Pure functions, so they are easy to test and to share with the
// bulk actions.
import type { JobQuery_Deserialize as JobQuery, JobStatus, StatusCounts } from "../../bindings";
import { count } from "../../lib/format";
import { KINDS } from "../../lib/kinds";
import { ACTIVE_STATUSES, ALL_STATUSES, FAILURE_STATUSES } from "../../lib/status";

export const TABS = ["running", "completed", "failed", "cancelled", "all"] as const;
export type Tab = (typeof TABS)[number];

export const TAB_LABEL: Record<Tab, string> = {
  running: "Running",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
  all: "All",
};

/** The statuses each tab lists (empty: every status). */
export const TAB_STATUSES: Record<Tab, readonly JobStatus[]> = {
  running: ACTIVE_STATUSES,
  completed: ["completed"],
  failed: FAILURE_STATUSES,
  cancelled: ["cancelled"],
  all: [],
};

export const DATES = ["any", "today", "7d", "30d"] as const;
export type DateRange = (typeof DATES)[number];
export const DATE_LABEL: Record<DateRange, string> = {
  any: "Any time",
  today: "Today",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
};

/** Everything the list is filtered by; every field lives in the URL. */
export interface Filters {
  tab: Tab;
  /** A job kind, or "" for all kinds. */
  kind: string;
  /** One status within the All tab, or "" for all. */
  status: JobStatus | "";
  date: DateRange;
  /** Title search, trimmed. */
  q: string;
}

export const DEFAULT_TAB: Tab = "all";

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value != null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** The filters in `params`; anything unknown falls back to its default. */
export function readFilters(params: URLSearchParams): Filters {
  const tab = oneOf(params.get("tab"), TABS, DEFAULT_TAB);
  const kind = params.get("kind") ?? "";
  return {
    tab,
    kind: KINDS.some((k) => k.kind === kind) ? kind : "",
    status: tab === "all" ? oneOf<JobStatus | "">(params.get("status"), ALL_STATUSES, "") : "",
    date: oneOf(params.get("date"), DATES, "any"),
    q: (params.get("q") ?? "").trim(),
  };
}

/** `filters` as search params, leaving defaults out so URLs stay short. */
export function writeFilters(filters: Filters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.tab !== DEFAULT_TAB) params.set("tab", filters.tab);
  if (filters.kind) params.set("kind", filters.kind);
  if (filters.tab === "all" && filters.status) params.set("status", filters.status);
  if (filters.date !== "any") params.set("date", filters.date);
  if (filters.q) params.set("q", filters.q);
  return params;
}

/** Whether anything beyond the tab narrows the list. */
export function hasFilters(filters: Filters): boolean {
  return filters.kind !== "" || filters.status !== "" || filters.date !== "any" || filters.q !== "";
}

/** Whether a filter the engine's counts do not account for (text, time) is on. */
export function narrowsCounts(filters: Filters): boolean {
  return filters.date !== "any" || filters.q !== "";
}

/** The statuses the list shows (empty: every status). */
export function statusesOf(filters: Filters): JobStatus[] {
  if (filters.tab === "all") return filters.status ? [filters.status] : [];
  return [...TAB_STATUSES[filters.tab]];
}

/** The earliest creation time the date filter allows (unix ms), or null. */
export function createdFrom(date: DateRange, now: number = Date.now()): number | null {
  switch (date) {
    case "any":
      return null;
    case "today": {
      const start = new Date(now);
      start.setHours(0, 0, 0, 0);
      return start.getTime();
    }
    case "7d":
      return now - 7 * 86_400_000;
    case "30d":
      return now - 30 * 86_400_000;
  }
}

/** The engine query for `filters` (without paging). */
export function toQuery(filters: Filters, now: number = Date.now()): JobQuery {
  return {
    statuses: statusesOf(filters),
    kind: filters.kind || null,
    text: filters.q || null,
    created_from: createdFrom(filters.date, now),
  };
}

/** `statuses` (empty meaning all) restricted to `allowed`. */
export function restrict(statuses: readonly JobStatus[], allowed: readonly JobStatus[]): JobStatus[] {
  const from = statuses.length === 0 ? ALL_STATUSES : statuses;
  return from.filter((s) => allowed.includes(s));
}

/** How many jobs have one of `statuses` (empty: all). */
export function countOf(counts: StatusCounts, statuses: readonly JobStatus[]): number {
  const list = statuses.length === 0 ? ALL_STATUSES : statuses;
  return list.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
}

/** "1 job", "3 jobs". */
export function jobsWord(n: number): string {
  return `${count(n)} ${n === 1 ? "job" : "jobs"}`;
}
