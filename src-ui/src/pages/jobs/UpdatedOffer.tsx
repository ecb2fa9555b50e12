// A job Charter's update could not resume (its kind no longer reads some checkpoints): the
// two ways on, each saying what it reuses — from the last step this version can reuse (the
// same job), or from scratch (a new, linked job).
import { useNavigate } from "react-router";
import { useMutation, useQuery } from "@tanstack/react-query";
import { toast } from "sonner";
import { RotateCcw } from "lucide-react";
import { commands, type ErrorCode, type JobRecord_Serialize as JobRecord } from "../../bindings";
import { unwrap } from "../../ipc";

/** The error of a job Charter's update could not resume. */
export const UPDATED: ErrorCode = "updated";

export function UpdatedOffer({ job, busy, onRetry }: { job: JobRecord; busy: boolean; onRetry: () => void }) {
  const navigate = useNavigate();
  // Without a step: what a retry of this job would reuse, which only the readable steps.
  const preview = useQuery({
    queryKey: ["run-again-preview", job.id, "retry"],
    queryFn: () => unwrap(commands.previewRunAgain(job.id, null)),
  });
  const scratch = useMutation({
    mutationFn: () => unwrap(commands.runAgain(job.id, 0, false)),
    onSuccess: (id) => navigate(`/jobs/${id}`),
    onError: (e: Error) => toast.error(`Could not run it again: ${e.message}`),
  });
  const reusable = preview.data?.restored ?? [];
  return (
    <div className="stack" data-testid="updated-offer">
      <div className="row">
        {reusable.length > 0 && (
          <button type="button" className="btn primary" disabled={busy} onClick={onRetry}>
            <RotateCcw size={14} aria-hidden /> Continue from step {reusable.length + 1}
          </button>
        )}
        <button type="button" className={`btn${reusable.length > 0 ? "" : " primary"}`} disabled={scratch.isPending} onClick={() => scratch.mutate()}>
          <RotateCcw size={14} aria-hidden /> Run again from scratch
        </button>
      </div>
      <p className="small muted" aria-live="polite">
        {preview.isPending
          ? "Working out what this version can reuse…"
          : reusable.length > 0
            ? `Continuing reuses ${reusable.map((s) => s.name).join(", ")}; the steps after run with this version.`
            : "This version can reuse none of its steps."}
      </p>
    </div>
  );
}
