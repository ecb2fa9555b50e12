// Several jobs that ended the same way for the same reason, as one row: how many, the cause and
// the next step, "Retry all N", and a toggle that shows the jobs themselves.
import { useId } from "react";
import { ChevronRight, RotateCcw } from "lucide-react";
import type { JobRecord_Serialize as JobRecord, JobStatus } from "../../bindings";
import { StatusBadge } from "../../components/StatusBadge";
import { JobRow, type RowActions } from "./JobRow";
import { groupHeadline } from "./listEntries";

export function FailureGroup({
  status,
  cause,
  jobs,
  open,
  onToggle,
  onRetryAll,
  actions,
  linkState,
  currency,
}: {
  status: JobStatus;
  cause: string;
  jobs: JobRecord[];
  open: boolean;
  onToggle: () => void;
  onRetryAll: (jobs: JobRecord[]) => void;
  actions: RowActions;
  linkState?: unknown;
  currency?: string;
}) {
  const id = useId();
  const jobsId = `${id}-jobs`;
  const causeId = `${id}-cause`;
  const busy = jobs.some((j) => actions.isBusy(j.id));
  return (
    <li className={`job-group${open ? " is-open" : ""}`} data-testid="failure-group" data-status={status} data-count={jobs.length}>
      <div className="job-group-head">
        <div className="job-status">
          <StatusBadge status={status} />
        </div>
        <button type="button" className="job-group-toggle" aria-expanded={open} aria-controls={jobsId} onClick={onToggle}>
          <ChevronRight size={14} aria-hidden className="job-group-chevron" />
          <span id={causeId} className="job-group-words">
            <strong>{groupHeadline(jobs.length, status)}:</strong> {cause}
          </span>
        </button>
        <div className="job-actions">
          <button type="button" className="btn small act-main" disabled={busy} aria-describedby={causeId} onClick={() => onRetryAll(jobs)}>
            <RotateCcw size={14} aria-hidden /> Retry all {jobs.length}
          </button>
        </div>
      </div>
      {/* Closed, the rows stay in the DOM but hidden: opening is instant and memoised rows keep their state. */}
      <ul id={jobsId} className="job-group-jobs" hidden={!open} aria-label={`The ${jobs.length} jobs`}>
        {jobs.map((job) => (
          <JobRow key={job.id} job={job} actions={actions} linkState={linkState} currency={currency} />
        ))}
      </ul>
    </li>
  );
}
