// Job statuses as the UI reads them: the word for each, whether it is still going, whether it
// can be retried, whether it ended in failure. A new engine status (e.g. `paused`) fails to
// compile until it has its row in STATUS, and every check and list below follows from it.
// A paused job counts as active: it has no outcome yet, can be cancelled, and holds its place.
import type { JobStatus } from "../bindings";

interface StatusInfo {
  /** The word shown beside its icon. */
  label: string;
  /** Still going: no outcome yet, and it can be cancelled. */
  active: boolean;
  /** Stopped without a result and can run again (resuming at its last completed step). */
  retryable: boolean;
  /** Ended in failure: listed under "Failed" and retried by "Retry all failed". */
  failure: boolean;
}

// Row order is the order statuses are offered in (the status filter, the tabs' queries).
const STATUS: Record<JobStatus, StatusInfo> = {
  running: { label: "Running", active: true, retryable: false, failure: false },
  pending: { label: "Waiting", active: true, retryable: false, failure: false },
  paused: { label: "Paused", active: true, retryable: false, failure: false },
  completed: { label: "Completed", active: false, retryable: false, failure: false },
  failed: { label: "Failed", active: false, retryable: true, failure: true },
  cancelled: { label: "Cancelled", active: false, retryable: true, failure: false },
  interrupted: { label: "Interrupted", active: false, retryable: true, failure: true },
};

type MaybeStatus = JobStatus | null | undefined;

/** Still going (not finished; can be cancelled). */
export function isActive(status: MaybeStatus): boolean {
  return status != null && STATUS[status].active;
}

/** Stopped without a result, and can be retried. */
export function isRetryable(status: MaybeStatus): boolean {
  return status != null && STATUS[status].retryable;
}

/** Ended in failure (failed, or interrupted by a crash or shutdown). */
export function isFailure(status: MaybeStatus): boolean {
  return status != null && STATUS[status].failure;
}

/** "Waiting", "Running", "Completed"… */
export function statusLabel(status: JobStatus): string {
  return STATUS[status].label;
}

/** Every status. */
export const ALL_STATUSES: readonly JobStatus[] = Object.keys(STATUS) as JobStatus[];
/** The statuses of jobs still going. */
export const ACTIVE_STATUSES: readonly JobStatus[] = ALL_STATUSES.filter(isActive);
/** The statuses of jobs that have finished, whatever the outcome. */
export const FINISHED_STATUSES: readonly JobStatus[] = ALL_STATUSES.filter((s) => !isActive(s));
/** The statuses that count as failed. */
export const FAILURE_STATUSES: readonly JobStatus[] = ALL_STATUSES.filter(isFailure);
