// Under the list: how much of it is loaded and a way to load more, then the actions on every job
// in the view — the harmless one first, the destructive one last, past a divider, in red.
import { Trash2 } from "lucide-react";
import type { BulkAction } from "./useBulkActions";

export function JobsFoot({
  loadedLabel,
  loadError,
  canLoadMore,
  loadingMore,
  onLoadMore,
  retryAll,
  deleteAll,
}: {
  /** "Showing 50 of 148". */
  loadedLabel: string;
  /** Why the last "Load more" failed, if it did. */
  loadError: string | null;
  canLoadMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  retryAll: BulkAction;
  deleteAll: BulkAction;
}) {
  return (
    <div className="jobs-foot">
      <span className="small muted" aria-live="polite">
        {loadedLabel}
      </span>
      {loadError != null && (
        <span className="small job-error" role="alert">
          Could not load more: {loadError}
        </span>
      )}
      {canLoadMore && (
        <button type="button" className="btn" disabled={loadingMore} onClick={onLoadMore}>
          {loadingMore ? "Loading…" : "Load more"}
        </button>
      )}
      <span className="spacer" />
      {retryAll.available && (
        <button type="button" className="btn" disabled={retryAll.pending} onClick={retryAll.confirm}>
          Retry all failed
        </button>
      )}
      {deleteAll.available && (
        <>
          <span role="separator" aria-orientation="vertical" className="jobs-foot-divider" />
          <button type="button" className="btn danger" data-testid="bulk-delete" disabled={deleteAll.pending} onClick={deleteAll.confirm}>
            <Trash2 size={14} aria-hidden /> Delete all shown
          </button>
        </>
      )}
    </div>
  );
}
