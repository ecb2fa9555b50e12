// Several jobs that ended the same way for the same reason, as one row: how many, the cause and
// the next step, "Retry all N", and a toggle that shows the jobs themselves. In the virtual list
// only its visible part is rendered: the head when it is near the viewport, and those of its
// jobs that are.
import { useId } from "react";
import { ChevronRight, RotateCcw } from "lucide-react";
import type { JobRecord_Serialize as JobRecord, JobStatus } from "../../bindings";
import { StatusBadge } from "../../components/StatusBadge";
import { JobRow, type RowActions } from "./JobRow";
import { groupHeadline } from "./listEntries";
import type { ListItem, Placed } from "./listItems";

type Member = Placed<Extract<ListItem, { type: "member" }>>;

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
  posInSet,
  setSize,
  headIndex,
  members,
  measureRef,
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
  /** 1-based, among the list's entries. */
  posInSet: number;
  setSize: number;
  /** The head's index among the list's rows; null when it has scrolled out of the window. */
  headIndex: number | null;
  /** The group's jobs in the window (none while closed). */
  members: readonly Member[];
  measureRef: (el: HTMLElement | null) => void;
}) {
  const id = useId();
  const jobsId = `${id}-jobs`;
  const causeId = `${id}-cause`;
  const busy = jobs.some((j) => actions.isBusy(j.id));
  return (
    <li
      className={`job-group${open ? " is-open" : ""}`}
      data-testid="failure-group"
      data-status={status}
      data-count={jobs.length}
      aria-posinset={posInSet}
      aria-setsize={setSize}
    >
      {headIndex != null && (
        // The measured row: the head alone, since the group's jobs are rows of their own.
        <div className="job-group-head" data-index={headIndex} ref={measureRef}>
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
      )}
      {open && (
        <ul id={jobsId} className="job-group-jobs" aria-label={`The ${jobs.length} jobs`}>
          {members.map(({ item, index }) => (
            <JobRow
              key={item.job.id}
              job={item.job}
              actions={actions}
              linkState={linkState}
              currency={currency}
              index={index}
              posInSet={item.posInSet}
              setSize={jobs.length}
              measureRef={measureRef}
            />
          ))}
        </ul>
      )}
    </li>
  );
}
