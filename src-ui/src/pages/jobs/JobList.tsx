// The rows of a tab as the user reads them: jobs still going first, and failures that share a
// cause gathered into one group that opens to show its jobs. Windowed: only the rows near the
// viewport are in the DOM, so the list stays quick however many pages are loaded.
import { useCallback, useMemo, useState } from "react";
import type { JobRecord_Serialize as JobRecord } from "../../bindings";
import { FailureGroup } from "./FailureGroup";
import { JobRow, type RowActions } from "./JobRow";
import { groupIdenticalFailures, runningFirst } from "./listEntries";
import { flattenEntries, itemKey, renderBlocks } from "./listItems";
import { useWindowList } from "./useWindowList";

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

  const items = useMemo(() => flattenEntries(entries, open), [entries, open]);
  const keyOf = useCallback((index: number) => (items[index] ? itemKey(items[index]) : String(index)), [items]);
  const { listRef, virtualizer } = useWindowList<HTMLUListElement>(items.length, keyOf);
  const visible = virtualizer.getVirtualItems();
  const blocks = renderBlocks(
    items,
    visible.map((v) => v.index),
  );
  // The rows above and below the window are stood in for by padding, so the rendered ones sit
  // where they belong and the page is as tall as the whole list.
  const first = visible[0];
  const last = visible.at(-1);
  const margin = virtualizer.options.scrollMargin;
  const before = first ? first.start - margin : 0;
  const after = last ? virtualizer.getTotalSize() - (last.end - margin) : 0;
  const setSize = entries.length;

  return (
    <ul
      ref={listRef}
      className="job-list job-list-windowed"
      aria-label={label}
      aria-busy={busy}
      data-loaded={rows.length}
      style={{ paddingTop: before, paddingBottom: after }}
    >
      {blocks.map((block) =>
        block.type === "job" ? (
          <JobRow
            key={block.row.item.job.id}
            job={block.row.item.job}
            actions={actions}
            linkState={linkState}
            currency={currency}
            index={block.row.index}
            posInSet={block.row.item.posInSet}
            setSize={setSize}
            measureRef={virtualizer.measureElement}
          />
        ) : (
          <FailureGroup
            key={block.group.key}
            status={block.group.status}
            cause={block.group.cause}
            jobs={block.group.jobs}
            open={open.has(block.group.key)}
            onToggle={() => toggle(block.group.key)}
            onRetryAll={onRetryAll}
            actions={actions}
            linkState={linkState}
            currency={currency}
            posInSet={block.posInSet}
            setSize={setSize}
            headIndex={block.head}
            members={block.members}
            measureRef={virtualizer.measureElement}
          />
        ),
      )}
    </ul>
  );
}
