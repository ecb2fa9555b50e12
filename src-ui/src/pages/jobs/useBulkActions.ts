// "Retry all failed" and "Delete all shown": they act on everything the filters match, not only
// the loaded pages, and ask first, saying how many jobs they will touch (the delete in its title
// and on its button, so the number is read before the click). The page's status counts do not
// cover a title search or a time range; then the engine counts the matches before asking.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import {
  commands,
  type JobQuery_Deserialize as JobQuery,
  type JobRecord_Serialize as JobRecord,
  type JobStatus,
  type StatusCounts,
} from "../../bindings";
import { unwrap } from "../../ipc";
import { keys } from "../../lib/queries";
import { FAILURE_STATUSES, FINISHED_STATUSES } from "../../lib/status";
import type { Confirmation } from "./ConfirmDialog";
import { countOf, hasFilters, jobsWord, narrowsCounts, restrict, statusesOf, toQuery, type Filters } from "./filters";
import { errorMessage } from "./useJobActions";

/** The number of jobs a bulk action over `statuses` will touch: exact when known, else at most. */
interface BulkCount {
  n: number;
  exact: boolean;
}

function bulkCount(statuses: JobStatus[], filters: Filters, counts: StatusCounts | null, loaded: JobRecord[], complete: boolean): BulkCount | null {
  if (statuses.length === 0) return null;
  // Everything matching is on screen: count it.
  if (complete) return { n: loaded.filter((j) => statuses.includes(j.status)).length, exact: true };
  if (!counts) return null;
  // The engine's counts cover kind but not text or time: exact without those, a ceiling with.
  return { n: countOf(counts, statuses), exact: !narrowsCounts(filters) };
}

/** The exact count from the engine when the page's own is a ceiling; the ceiling if that fails. */
async function exactCount(c: BulkCount, query: JobQuery): Promise<BulkCount> {
  if (c.exact) return c;
  try {
    return { n: await unwrap(commands.countMatchingJobs(query)), exact: true };
  } catch {
    // Asking with the ceiling beats not asking: the action itself still reports what it did.
    return c;
  }
}

/** "3 jobs that have finished", "up to 40 jobs that have finished". */
function howMany(c: BulkCount, what: string): string {
  return (c.exact ? jobsWord(c.n) : `up to ${jobsWord(c.n)}`) + what;
}

/** What the page knows about the list the bulk actions apply to. */
export interface BulkScope {
  filters: Filters;
  counts: StatusCounts | null;
  /** The rows loaded so far. */
  loaded: JobRecord[];
  /** Every matching job is loaded. */
  complete: boolean;
}

/** One bulk action as the page offers it. */
export interface BulkAction {
  /** Shown only when there is something to act on. */
  available: boolean;
  /** Under way. */
  pending: boolean;
  /** Opens its confirmation. */
  confirm: () => void;
}

/** Both bulk actions; each asks through `ask` before it runs. */
export function useBulkActions({ filters, counts, loaded, complete }: BulkScope, ask: (c: Confirmation) => void): { retryAll: BulkAction; deleteAll: BulkAction } {
  const client = useQueryClient();
  const settle = () => client.invalidateQueries({ queryKey: keys.jobs });
  const retryAll = useMutation({
    mutationFn: (query: JobQuery) => unwrap(commands.retryMatchingJobs(query)),
    onSuccess: (n: number) => (n > 0 ? toast.success(`Retrying ${jobsWord(n)}`) : toast("Nothing to retry")),
    onError: (e) => toast.error("Could not retry the failed jobs", { description: errorMessage(e) }),
    onSettled: settle,
  });
  const deleteAll = useMutation({
    mutationFn: (query: JobQuery) => unwrap(commands.deleteMatchingJobs(query)),
    onSuccess: (n: number) => (n > 0 ? toast.success(`Deleted ${jobsWord(n)}`) : toast("Nothing to delete")),
    onError: (e) => toast.error("Could not delete the jobs", { description: errorMessage(e) }),
    onSettled: settle,
  });

  const retryStatuses = restrict(statusesOf(filters), FAILURE_STATUSES);
  const deleteStatuses = restrict(statusesOf(filters), FINISHED_STATUSES);
  const retryCount = bulkCount(retryStatuses, filters, counts, loaded, complete);
  const deleteCount = bulkCount(deleteStatuses, filters, counts, loaded, complete);

  const confirmRetryAll = async () => {
    if (!retryCount) return;
    const query: JobQuery = { ...toQuery(filters), statuses: retryStatuses };
    const count = await exactCount(retryCount, query);
    if (count.exact && count.n === 0) {
      toast.info("Nothing to retry: no failed job matches");
      return;
    }
    ask({
      title: "Retry all failed jobs?",
      description: `${howMany(count, " that failed or were interrupted")}${hasFilters(filters) ? " and match the current filters" : ""} will run again, each resuming from its last completed step.`,
      action: count.exact ? `Retry ${jobsWord(count.n)}` : "Retry them",
      dismiss: "Not now",
      onConfirm: () => retryAll.mutate(query),
    });
  };
  const confirmDeleteAll = async () => {
    if (!deleteCount) return;
    const query: JobQuery = { ...toQuery(filters), statuses: deleteStatuses };
    const count = await exactCount(deleteCount, query);
    if (count.exact && count.n === 0) {
      toast.info("Nothing to delete: no finished job matches");
      return;
    }
    const n = howMany(count, "");
    const scope = hasFilters(filters) || filters.tab !== "all" ? "finished jobs matching the current view" : "finished jobs";
    ask({
      title: `Delete ${n}?`,
      description: `These are the ${scope}; running and waiting jobs are kept. Their records, steps and results are removed. This cannot be undone.`,
      action: `Delete ${n}`,
      danger: true,
      onConfirm: () => deleteAll.mutate(query),
    });
  };

  return {
    retryAll: { available: (retryCount?.n ?? 0) > 0, pending: retryAll.isPending, confirm: () => void confirmRetryAll() },
    deleteAll: { available: (deleteCount?.n ?? 0) > 0, pending: deleteAll.isPending, confirm: () => void confirmDeleteAll() },
  };
}
