// Cancel, pause, resume, retry, pin and delete for one job, and retry for several: each shows its
// failure as a toast with the engine's message and re-reads every job query when it settles.
import { useMemo } from "react";
import { useMutation, useMutationState, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { commands, type JobRecord_Serialize as JobRecord } from "../../bindings";
import { unwrap } from "../../ipc";
import type { Confirmation } from "./ConfirmDialog";
import { jobsWord } from "./filters";

/** The job an action is for (only what the action and its messages need). */
export type JobRef = Pick<JobRecord, "id" | "title">;

const ACTION_KEY = "job-action";

/** The message of whatever a command threw. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === "object" && e != null && "message" in e) return String((e as { message: unknown }).message);
  return String(e);
}

/** The question asked before deleting `job` for good; yes runs `remove`. */
export function deleteConfirmation(job: JobRef, remove: (job: JobRef) => void): Confirmation {
  return {
    title: `Delete ${job.title}?`,
    description: "Its record, steps and result are removed for good. This cannot be undone.",
    action: "Delete",
    danger: true,
    onConfirm: () => remove(job),
  };
}

/** Optional follow-ups once an action succeeded. */
export interface JobActionHooks {
  onCancelled?: (job: JobRef) => void;
  onRetried?: (job: JobRef) => void;
  onPinned?: (job: JobRef, pinned: boolean) => void;
  onDeleted?: (job: JobRef) => void;
}

/** The job actions, and which jobs have one under way. */
export function useJobActions(hooks: JobActionHooks = {}) {
  const client = useQueryClient();
  const settle = () => client.invalidateQueries({ queryKey: ["jobs"] });

  const cancel = useMutation({
    mutationKey: [ACTION_KEY, "cancel"],
    mutationFn: (job: JobRef) => unwrap(commands.cancelJob(job.id)),
    onSuccess: (_, job) => hooks.onCancelled?.(job),
    onError: (e, job) => toast.error(`Could not cancel ${job.title}`, { description: errorMessage(e) }),
    onSettled: settle,
  });
  const retry = useMutation({
    mutationKey: [ACTION_KEY, "retry"],
    mutationFn: (job: JobRef) => unwrap(commands.retryJob(job.id)),
    onSuccess: (_, job) => {
      toast.success(`Retrying ${job.title}`);
      hooks.onRetried?.(job);
    },
    onError: (e, job) => toast.error(`Could not retry ${job.title}`, { description: errorMessage(e) }),
    onSettled: settle,
  });
  // One by one, so the engine queues them in list order; one refusal does not stop the rest.
  const retryMany = useMutation({
    mutationKey: [ACTION_KEY, "retry-many"],
    mutationFn: async ({ jobs }: { jobs: JobRef[] }) => {
      const refusals: unknown[] = [];
      for (const job of jobs) {
        try {
          await unwrap(commands.retryJob(job.id));
        } catch (e) {
          refusals.push(e);
        }
      }
      return refusals;
    },
    onSuccess: (refusals, { jobs }) => {
      if (refusals.length === 0) toast.success(`Retrying ${jobsWord(jobs.length)}`);
      else toast.error(`Could not retry ${refusals.length} of ${jobsWord(jobs.length)}`, { description: errorMessage(refusals[0]) });
    },
    onSettled: settle,
  });
  const pause = useMutation({
    mutationKey: [ACTION_KEY, "pause"],
    mutationFn: (job: JobRef) => unwrap(commands.pauseJob(job.id)),
    onError: (e, job) => toast.error(`Could not pause ${job.title}`, { description: errorMessage(e) }),
    onSettled: settle,
  });
  const resume = useMutation({
    mutationKey: [ACTION_KEY, "resume"],
    mutationFn: (job: JobRef) => unwrap(commands.resumeJob(job.id)),
    onError: (e, job) => toast.error(`Could not resume ${job.title}`, { description: errorMessage(e) }),
    onSettled: settle,
  });
  const pin = useMutation({
    mutationKey: [ACTION_KEY, "pin"],
    mutationFn: ({ job, pinned }: { job: JobRef; pinned: boolean }) => unwrap(commands.pinJob(job.id, pinned)),
    onSuccess: (_, { job, pinned }) => hooks.onPinned?.(job, pinned),
    onError: (e, { job, pinned }) =>
      toast.error(`Could not ${pinned ? "pin" : "unpin"} ${job.title}`, { description: errorMessage(e) }),
    onSettled: settle,
  });
  const remove = useMutation({
    mutationKey: [ACTION_KEY, "delete"],
    mutationFn: (job: JobRef) => unwrap(commands.deleteJobs([job.id])),
    onSuccess: (_, job) => {
      toast.success(`Deleted ${job.title}`);
      hooks.onDeleted?.(job);
    },
    onError: (e, job) => toast.error(`Could not delete ${job.title}`, { description: errorMessage(e) }),
    onSettled: settle,
  });

  // Every action under way, whichever component started it.
  const busyIds = useMutationState({
    filters: { mutationKey: [ACTION_KEY], status: "pending" },
    select: (m) => {
      const v = m.state.variables as JobRef | { job: JobRef } | { jobs: JobRef[] } | undefined;
      return v == null ? "" : "jobs" in v ? v.jobs.map((j) => j.id).join(",") : "job" in v ? v.job.id : v.id;
    },
  });

  // One object for as long as nothing is under way, so memoised rows do not re-render.
  const busyKey = busyIds.filter(Boolean).join(",");
  const { mutate: cancelJob } = cancel;
  const { mutate: retryJob } = retry;
  const { mutate: retryJobs } = retryMany;
  const { mutate: pinJob } = pin;
  const { mutate: pauseJob } = pause;
  const { mutate: resumeJob } = resume;
  const { mutate: removeJob } = remove;
  return useMemo(
    () => ({
      cancel: (job: JobRef) => cancelJob(job),
      retry: (job: JobRef) => retryJob(job),
      retryMany: (jobs: JobRef[]) => retryJobs({ jobs }),
      pause: (job: JobRef) => pauseJob(job),
      resume: (job: JobRef) => resumeJob(job),
      pin: (job: JobRef, pinned: boolean) => pinJob({ job, pinned }),
      remove: (job: JobRef) => removeJob(job),
      isBusy: (id: string) => busyKey.split(",").includes(id),
    }),
    [cancelJob, retryJob, retryJobs, pauseJob, resumeJob, pinJob, removeJob, busyKey],
  );
}
