// The initiatives list: each with its key facts, and the way to start a new one.
import { Link } from "react-router";
import { Plus } from "lucide-react";
import { RelativeTime } from "../components/Time";
import { money } from "../lib/format";
import { useInitiatives, useRunningJobs } from "../lib/queries";
import "./workspace.css";

/** `/initiatives`. */
export function InitiativesPage() {
  const initiatives = useInitiatives();
  const running = useRunningJobs().data ?? [];
  return (
    <>
      <div className="page-head">
        <h1>Initiatives</h1>
        <Link to="/initiatives/new" className="btn primary">
          <Plus size={16} aria-hidden /> New initiative
        </Link>
      </div>
      {initiatives.isPending && (
        <div className="stack" aria-busy="true" aria-label="Loading initiatives">
          <div className="skeleton" style={{ height: 64 }} />
          <div className="skeleton" style={{ height: 64 }} />
        </div>
      )}
      {initiatives.isError && (
        <div className="banner error" role="alert">
          Could not load initiatives: {initiatives.error.message}
          <button type="button" className="btn small" onClick={() => void initiatives.refetch()}>
            Try again
          </button>
        </div>
      )}
      {initiatives.data?.length === 0 && (
        <div className="card empty">
          <h2>No initiatives yet</h2>
          <p className="muted">Describe a business idea, and Charter turns it into analyses and an executable program.</p>
          <Link to="/initiatives/new" className="btn primary">
            Create your first initiative
          </Link>
        </div>
      )}
      <ul className="initiative-list">
        {initiatives.data?.map((i) => {
          const busy = running.filter((j) => j.session_id === i.id).length;
          return (
            <li key={i.id} className="card initiative-item">
              <Link to={`/initiatives/${i.id}`} className="initiative-name">
                {i.name}
              </Link>
              <span className="muted small">
                {[i.industry, i.budget != null ? money(i.budget, i.currency) : null, `${i.horizon_months} months`, `team of ${i.team_size}`]
                  .filter(Boolean)
                  .join(" · ")}
              </span>
              <span className="muted small">
                {busy > 0 ? <strong className="status running">{busy} running</strong> : <>Changed <RelativeTime at={i.updated_at} /></>}
              </span>
            </li>
          );
        })}
      </ul>
    </>
  );
}
