// Whether a result still describes the initiative, and what an operation's tile says: the last
// good result stays the headline when a later attempt stopped, and a result made before the
// initiative was edited is out of date.
import type { Initiative_Serialize as Initiative, JobRecord_Serialize as JobRecord, JobStatus, OperationKind, Operation_Deserialize as Operation } from "../../bindings";
import { isActive } from "../../lib/status";

/** The initiative version (its `updated_at`) a job ran on: every operation's input carries the
 * initiative as it was when the job started. Null when the input does not say. */
export function madeFromVersion(job: Pick<JobRecord, "input">): number | null {
  const input = job.input;
  if (typeof input !== "object" || input == null || !("initiative" in input)) return null;
  const initiative = (input as { initiative: unknown }).initiative;
  if (typeof initiative !== "object" || initiative == null || !("updated_at" in initiative)) return null;
  const version = (initiative as { updated_at: unknown }).updated_at;
  return typeof version === "number" && Number.isFinite(version) ? version : null;
}

/** A finished result made from an older version of the initiative than the one shown. */
export function isOutOfDate(job: Pick<JobRecord, "input" | "status">, initiative: Pick<Initiative, "updated_at"> | undefined): boolean {
  if (job.status !== "completed" || !initiative) return false;
  const version = madeFromVersion(job);
  return version != null && version < initiative.updated_at;
}

const ATTEMPT: Partial<Record<JobStatus, string>> = {
  running: "a re-run is running",
  pending: "a re-run is waiting to start",
  paused: "a re-run is paused",
  failed: "a re-run failed",
  cancelled: "a re-run was cancelled",
  interrupted: "a re-run was interrupted",
};

/** What an operation's tile shows: `shown` is the job whose status is the headline (the last
 * good result when the latest attempt has none), `attempt` says what the latest attempt did
 * when that is not the headline. */
export function tileStatus(latest: JobRecord | null, lastGood: JobRecord | null): { shown: JobRecord | null; attempt: string | null } {
  if (!latest) return { shown: lastGood, attempt: null };
  if (latest.status === "completed" || !lastGood || lastGood.id === latest.id) return { shown: latest, attempt: null };
  // Still going: the progress is the headline, the result it would replace is kept in view.
  if (isActive(latest.status)) return { shown: latest, attempt: null };
  return { shown: lastGood, attempt: ATTEMPT[latest.status] ?? null };
}

/** The same request on the initiative as it is now: a job's own parameters (the problem and
 * depth of a five-whys, the questions of a research) read back from its input. */
export function sameRequest(operation: OperationKind, input: unknown): Operation {
  const fields = typeof input === "object" && input != null ? (input as Record<string, unknown>) : {};
  switch (operation) {
    case "five_whys":
      return {
        type: "five_whys",
        problem: typeof fields.problem === "string" ? fields.problem : "",
        max_depth: typeof fields.max_depth === "number" ? fields.max_depth : null,
      };
    case "research":
      return { type: "research", questions: Array.isArray(fields.questions) ? fields.questions.filter((q): q is string => typeof q === "string") : [] };
    case "program":
    case "canvas":
      return { type: operation };
  }
}
