// The rows of a tab as the user reads them: jobs still going first, and failures that share a
// cause gathered into one group that opens to show its jobs.
import { useMemo, useState } from "react";
import type { JobRecord_Serialize as JobRecord } from "../../bindings";
import { FailureGroup } from "./FailureGroup";
import { JobRow, type RowActions } from "./JobRow";
import { groupIdenticalFailures, runningFirst } from "./listEntries";

export function JobList({
  rows,
  label,
  busy,
  actions,
  onRetryAll,
  linkState,
  currency,
}: {
  rows: JobRecord[];
  /** The list's accessible name. */
  label: string;
  /** The list is being re-read. */
  busy: boolean;
  actions: RowActions;
  /** Retries every job of a group. */
  onRetryAll: (jobs: JobRecord[]) => void;
  linkState?: unknown;
  currency?: string;
}) {
  const entries = useMemo(() => groupIdenticalFailures(runningFirst(rows)), [rows]);
  // By group key, so a group stays open while the list is re-read or grows.
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = (key: string) =>
    setOpen((was) => {
      const next = new Set(was);
      if (!next.delete(key)) next.add(key);
      return next;
    });

  return (
    <ul className="job-list" aria-label={label} aria-busy={busy}>
      {entries.map((entry) =>
        entry.type === "job" ? (
          <JobRow key={entry.job.id} job={entry.job} actions={actions} linkState={linkState} currency={currency} />
        ) : (
          <FailureGroup
            key={entry.key}
            status={entry.status}
            cause={entry.cause}
            jobs={entry.jobs}
            open={open.has(entry.key)}
            onToggle={() => toggle(entry.key)}
            onRetryAll={onRetryAll}
            actions={actions}
            linkState={linkState}
            currency={currency}
          />
        ),
      )}
    </ul>
  );
}
