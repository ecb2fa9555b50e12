// What the Jobs list says when it has nothing to show, and the way forward: clear the
// filters, show all jobs, or start one from an initiative.
import { Link } from "react-router";
import { hasFilters, type Filters, type Tab } from "./filters";

const EMPTY_TAB: Record<Tab, string> = {
  running: "Nothing is running right now.",
  completed: "No completed jobs yet.",
  failed: "No failed jobs.",
  cancelled: "No cancelled jobs.",
  all: "",
};

export function EmptyState({ filters, total, onClear, onAll }: { filters: Filters; total: number | null; onClear: () => void; onAll: () => void }) {
  if (hasFilters(filters)) {
    return (
      <div className="jobs-empty card">
        <p>No jobs match these filters.</p>
        <button type="button" className="btn" onClick={onClear}>
          Clear filters
        </button>
      </div>
    );
  }
  if (filters.tab !== "all" && total !== 0) {
    return (
      <div className="jobs-empty card">
        <p>{EMPTY_TAB[filters.tab]}</p>
        <button type="button" className="btn" onClick={onAll}>
          Show all jobs
        </button>
      </div>
    );
  }
  return (
    <div className="jobs-empty card">
      <p>No jobs yet — start one from an initiative.</p>
      <Link className="btn primary" to="/initiatives">
        Go to initiatives
      </Link>
    </div>
  );
}
