// The initiatives list: each with its key facts, and the way to start a new one.
import { Link, useNavigate } from "react-router";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { Plus, Sparkles } from "lucide-react";
import { commands } from "../bindings";
import { unwrap } from "../ipc";
import { sampleDraft } from "../lib/sample";
import { RelativeTime } from "../components/Time";
import { money } from "../lib/format";
import { keys, useInitiatives, useRunningJobs } from "../lib/queries";
import "./workspace.css";

/** `/initiatives`. */
export function InitiativesPage() {
  const initiatives = useInitiatives();
  const running = useRunningJobs().data ?? [];
  const navigate = useNavigate();
  const client = useQueryClient();
  const sample = useMutation({
    mutationFn: () => unwrap(commands.createInitiative(sampleDraft())),
    onSuccess: (created) => {
      void client.invalidateQueries({ queryKey: keys.initiatives });
      navigate(`/initiatives/${created.id}`);
    },
    onError: (e: Error) => toast.error(`Could not create the sample: ${e.message}`),
  });
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
          <p className="muted">
            An initiative is a business idea you want to plan — what, for whom, with what budget, team and time. Charter turns it into research, a
            Business Model Canvas and an executable program.
          </p>
          <div className="row">
            <Link to="/initiatives/new" className="btn primary">
              Create your first initiative
            </Link>
            <button type="button" className="btn" onClick={() => sample.mutate()} disabled={sample.isPending}>
              <Sparkles size={14} aria-hidden /> Try a sample initiative
            </button>
          </div>
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
