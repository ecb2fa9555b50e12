// The Jobs list as it is shown: jobs still going first, and several failures with the same cause
// as one entry. Pure functions over the loaded rows, so the page and the tests agree.
import type { JobRecord_Serialize as JobRecord, JobStatus } from "../../bindings";
import { failureWords } from "../../lib/failure";
import { isActive, isFailure } from "../../lib/status";
import { jobsWord } from "./filters";

/** 0: running, 1: waiting or paused (still going, not moving), 2: finished. */
function stage(status: JobStatus): number {
  if (status === "running") return 0;
  return isActive(status) ? 1 : 2;
}

/** `jobs` with running ones first, then waiting and paused ones, then finished ones; each group
 * keeps the order it came in (the engine's, newest first). */
export function runningFirst<T extends Pick<JobRecord, "status">>(jobs: readonly T[]): T[] {
  // Array.prototype.sort is stable, so equal stages keep their order.
  return [...jobs].sort((a, b) => stage(a.status) - stage(b.status));
}

/** Fewest identical failures shown as one group: a single failure is just a row. */
export const MIN_GROUP = 2;

/** One job, or several jobs that ended the same way for the same reason. */
export type ListEntry =
  | { type: "job"; job: JobRecord }
  | {
      type: "failures";
      /** Same for every job in the group, and stable while the group lasts. */
      key: string;
      /** `failed` or `interrupted`. */
      status: JobStatus;
      /** The shared cause and next step, as lib/failure says them. */
      cause: string;
      jobs: JobRecord[];
    };

/** What makes failures identical: the same ending, error code and message. Null when the job
 * did not fail or recorded no cause (nothing to say the group shares). */
export function failureKey(job: Pick<JobRecord, "status" | "error">): string | null {
  if (!isFailure(job.status) || !job.error) return null;
  return JSON.stringify([job.status, job.error.code, job.error.message]);
}

/** `jobs` as list entries: every failure sharing its cause with another becomes one group, at
 * the place of its first job; everything else stays a row, in order. */
export function groupIdenticalFailures(jobs: readonly JobRecord[]): ListEntry[] {
  const byKey = new Map<string, JobRecord[]>();
  for (const job of jobs) {
    const key = failureKey(job);
    if (key == null) continue;
    const members = byKey.get(key);
    if (members) members.push(job);
    else byKey.set(key, [job]);
  }
  const entries: ListEntry[] = [];
  const placed = new Set<string>();
  for (const job of jobs) {
    const key = failureKey(job);
    const members = key == null ? undefined : byKey.get(key);
    if (key == null || !members || members.length < MIN_GROUP) {
      entries.push({ type: "job", job });
    } else if (!placed.has(key)) {
      placed.add(key);
      entries.push({ type: "failures", key, status: job.status, cause: failureWords(job.error) ?? "", jobs: members });
    }
  }
  return entries;
}

/** "3 jobs failed", "2 jobs were interrupted". */
export function groupHeadline(count: number, status: JobStatus): string {
  return `${jobsWord(count)} ${status === "interrupted" ? "were interrupted" : "failed"}`;
}
