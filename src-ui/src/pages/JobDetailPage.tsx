// One job in full (route /jobs/:id), kept live over its watch channel: status and times, the
// live bar while it runs, the step timeline, the error with a Retry that resumes, run again
// from a step, what it produced so far, its input, and a link to the result.
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { useQuery } from "@tanstack/react-query";
import { ArrowLeft, Check, Pin, PinOff, Trash2 } from "lucide-react";
import { commands, type Snapshot_Serialize as Snapshot } from "../bindings";
import { CommandError, unwrap } from "../ipc";
import { StepTimeline, stepNotes } from "../components/StepTimeline";
import { StatusBadge } from "../components/StatusBadge";
import { RelativeTime } from "../components/Time";
import { duration } from "../lib/format";
import { keys } from "../lib/queries";
import { isActive, isRetryable } from "../lib/status";
import { useJob, type LiveJob } from "../live/useJob";
import { isPresent } from "../live/presence";
import { PartialsView } from "../results/ResultView";
import { ConfirmDialog, type Confirmation } from "./jobs/ConfirmDialog";
import { ErrorPanel, Facts, LivePanel, Loading, NotFound } from "./jobs/JobDetailParts";
import { ModelUse } from "./jobs/ModelUse";
import { RunAgain } from "./jobs/RunAgain";
import { deleteConfirmation, useJobActions } from "./jobs/useJobActions";
import "./jobs.css";

/** Keeps one watch open and reports it; remounting it (a new key) re-attaches. */
function Watch({ id, onChange }: { id: string; onChange: (live: LiveJob) => void }) {
  const { view, error, finishedWhileAway } = useJob(id);
  useEffect(() => onChange({ view, error, finishedWhileAway }), [view, error, finishedWhileAway, onChange]);
  return null;
}

/** The back link's target: the Jobs list as the user left it. */
function useBack(): string {
  const state = useLocation().state as { jobsSearch?: unknown } | null;
  const search = typeof state?.jobsSearch === "string" ? state.jobsSearch : "";
  return search ? `/jobs?${search}` : "/jobs";
}

const NO_LIVE: LiveJob = { view: null, error: null, finishedWhileAway: false };

function JobDetail({ id }: { id: string }) {
  const navigate = useNavigate();
  const back = useBack();
  const [generation, setGeneration] = useState(0);
  const [live, setLive] = useState<LiveJob>(NO_LIVE);
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);

  // A re-attach keeps showing the last view until the new snapshot arrives.
  const onLive = useCallback(
    (next: LiveJob) =>
      setLive((prev) => ({
        view: next.view ?? prev.view,
        error: next.error,
        finishedWhileAway: prev.finishedWhileAway || next.finishedWhileAway,
      })),
    [],
  );
  const reattach = useCallback(() => {
    setLive((prev) => ({ ...prev, error: null }));
    setGeneration((g) => g + 1);
  }, []);

  const actions = useJobActions({
    onRetried: reattach,
    onPinned: reattach,
    onDeleted: () => navigate(back, { replace: true }),
  });

  // The watch failed before any snapshot: read the job once to tell "gone" from "unreachable".
  const fallback = useQuery({
    queryKey: [...keys.job(id), generation],
    queryFn: () => unwrap(commands.getJob(id)),
    enabled: live.error != null && live.view == null,
    retry: false,
  });

  const view: Snapshot | null = live.view ?? fallback.data ?? null;
  const job = view?.job ?? null;

  // Looking at a finished job's page is seeing its outcome.
  const markedSeen = useRef(false);
  useEffect(() => {
    if (!job || markedSeen.current || isActive(job.status) || job.seen_at != null || !isPresent()) return;
    markedSeen.current = true;
    void commands.markSeen([job.id]).catch(() => undefined);
  }, [job]);

  // What to show. It is drawn after the watch, which keeps one place in the tree whatever is
  // shown (moving it would re-attach).
  function body(): ReactNode {
    if (!view) {
      const gone =
        fallback.error instanceof CommandError && (fallback.error.code === "not_found" || fallback.error.code === "invalid_input");
      if (gone) return <NotFound back={back} />;
      if (fallback.isError) {
        return (
          <div className="jobs-page">
            <Link className="job-back small" to={back}>
              <ArrowLeft size={14} aria-hidden /> Jobs
            </Link>
            <div className="banner error" role="alert">
              <span>Could not load this job: {fallback.error.message}</span>
              <span className="spacer" />
              <button type="button" className="btn small" onClick={reattach}>
                Try again
              </button>
            </div>
          </div>
        );
      }
      return <Loading />;
    }

    const { steps, partials } = view;
    const record = view.job;
    const busy = actions.isBusy(record.id);
    // A program's partials are its step notes, shown in the timeline.
    const showPartials = record.status !== "completed" && record.kind !== "epm_generation";

    return (
      <div className="jobs-page job-detail-page">
        <Link className="job-back small" to={back}>
          <ArrowLeft size={14} aria-hidden /> Jobs
        </Link>

        <header className="job-detail-head">
          <div className="job-detail-title">
            <h1>{record.title}</h1>
            <StatusBadge status={record.status} stalled={record.stalled} />
            {record.pinned && (
              <span className="job-pinned small muted" title="Pinned: never removed by retention">
                <Pin size={12} aria-hidden /> Pinned
              </span>
            )}
          </div>
          <div className="row job-detail-actions">
            {record.status === "completed" && (
              <Link className="btn primary" to={`/results/${record.id}`}>
                View result
              </Link>
            )}
            <button type="button" className="btn" disabled={busy} onClick={() => actions.pin(record, !record.pinned)}>
              {record.pinned ? <PinOff size={14} aria-hidden /> : <Pin size={14} aria-hidden />} {record.pinned ? "Unpin" : "Pin"}
            </button>
            {!isActive(record.status) && (
              <button type="button" className="btn danger" disabled={busy} onClick={() => setConfirmation(deleteConfirmation(record, actions.remove))}>
                <Trash2 size={14} aria-hidden /> Delete
              </button>
            )}
          </div>
        </header>
        <Facts job={record} />

        {live.error && (
          <div className="banner warn" role="status">
            <span>Live updates stopped: {live.error}</span>
            <span className="spacer" />
            <button type="button" className="btn small" onClick={reattach}>
              Reconnect
            </button>
          </div>
        )}
        {live.finishedWhileAway && !isActive(record.status) && (
          <div className="banner info" role="status">
            This job finished while you were away.
          </div>
        )}

        {isActive(record.status) && <LivePanel job={record} busy={busy} onCancel={() => actions.cancel(record)} onPause={() => actions.pause(record)} onResume={() => actions.resume(record)} />}
        {record.status === "completed" && (
          <div className="banner ok">
            <Check size={16} aria-hidden />
            <span>
              Completed <RelativeTime at={record.finished_at ?? record.updated_at} />
              {record.started_at != null && record.finished_at != null && <> · took {duration(record.finished_at - record.started_at)}</>}
            </span>
            <span className="spacer" />
            <Link className="btn small primary" to={`/results/${record.id}`}>
              View result
            </Link>
          </div>
        )}
        {isRetryable(record.status) && <ErrorPanel job={record} steps={steps} busy={busy} onRetry={() => actions.retry(record)} />}
        {!isActive(record.status) && <RunAgain job={record} steps={steps} />}

        <ModelUse job={record} steps={steps} />

        <section className="card">
          <h2>Steps</h2>
          <StepTimeline steps={steps} live={record.status === "running"} error={record.status !== "running" ? record.error?.message ?? null : null} notes={stepNotes(record.kind, partials)} />
        </section>

        {showPartials && (
          <section className="card">
            <h2>What it produced so far</h2>
            {partials.length > 0 ? (
              <PartialsView kind={record.kind} partials={partials.map((p) => p.value)} />
            ) : (
              <p className="muted">{isActive(record.status) ? "Nothing yet — results appear here as they stream in." : "Nothing was produced."}</p>
            )}
          </section>
        )}

        <details className="card job-input">
          <summary>Input</summary>
          <pre>{JSON.stringify(record.input, null, 2)}</pre>
        </details>

        <ConfirmDialog confirmation={confirmation} onClose={() => setConfirmation(null)} />
      </div>
    );
  }

  return (
    <>
      <Watch key={generation} id={id} onChange={onLive} />
      {body()}
    </>
  );
}

/** Route /jobs/:id. */
export function JobDetailPage() {
  const { id = "" } = useParams();
  return <JobDetail key={id} id={id} />;
}
