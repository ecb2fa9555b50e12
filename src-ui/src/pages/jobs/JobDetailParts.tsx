// The job detail page's parts: the facts (kind, attempts, times), the live panel while it
// runs, the panel saying why it stopped with a Retry that resumes, and the not-found and
// loading states.
import { Link } from "react-router";
import { failureWords } from "../../lib/failure";
import { ArrowLeft, Pause, Play, RotateCcw } from "lucide-react";
import type { JobRecord_Serialize as JobRecord, StepRecord_Serialize as StepRecord } from "../../bindings";
import { CancelJobButton } from "../../components/CancelJobButton";
import { ProgressBar } from "../../components/ProgressBar";
import { Elapsed, resumeStep } from "../../components/StepTimeline";
import { RelativeTime } from "../../components/Time";
import { duration, eta } from "../../lib/format";
import { kindInfo } from "../../lib/kinds";
import { UPDATED, UpdatedOffer } from "./UpdatedOffer";
import { ContinueSpending } from "../../components/ContinueSpending";
import { WaitingLine } from "../../components/WaitingLine";
import { isActive } from "../../lib/status";

export function Facts({ job }: { job: JobRecord }) {
  return (
    <dl className="job-facts">
      <div>
        <dt>Kind</dt>
        <dd>{kindInfo(job.kind).label}</dd>
      </div>
      <div>
        <dt>Attempts</dt>
        <dd>{job.attempt}</dd>
      </div>
      <div>
        <dt>Created</dt>
        <dd>
          <RelativeTime at={job.created_at} />
        </dd>
      </div>
      <div>
        <dt>Started</dt>
        <dd>{job.started_at != null ? <RelativeTime at={job.started_at} /> : "Not yet"}</dd>
      </div>
      <div>
        <dt>Finished</dt>
        <dd>{job.finished_at != null ? <RelativeTime at={job.finished_at} /> : isActive(job.status) ? "Not yet" : "—"}</dd>
      </div>
      <div>
        <dt>Duration</dt>
        <dd>
          {job.started_at == null ? (
            "—"
          ) : job.finished_at != null ? (
            duration(job.finished_at - job.started_at)
          ) : job.status === "running" ? (
            <Elapsed from={job.started_at} />
          ) : (
            "—"
          )}
        </dd>
      </div>
    </dl>
  );
}

export function LivePanel({ job, busy, onCancel, onPause, onResume }: { job: JobRecord; busy: boolean; onCancel: () => void; onPause: () => void; onResume: () => void }) {
  const step = job.current_step;
  const message = job.message && job.message !== step ? job.message : null;
  const pause = job.status === "paused" ? job.pause : null;
  return (
    <section className="card job-live-panel" aria-label="Progress">
      <div className="row">
        <div className="job-live-text">
          {pause ? (
            <WaitingLine pause={pause} />
          ) : job.status === "pending" ? (
            <strong>Waiting to start</strong>
          ) : (
            <>
              <strong>{step ?? "Starting"}</strong>
              {message && <span className="muted"> — {message}</span>}
            </>
          )}
        </div>
        <span className="spacer" />
        {job.stalled ? (
          <span className="status stalled">No activity for a while</span>
        ) : (
          job.eta_ms != null && job.status === "running" && <span className="small muted">{eta(job.eta_ms)}</span>
        )}
        {pause?.reason === "over_budget" ? null : job.status === "paused" ? (
          <button type="button" className="btn small primary" disabled={busy} onClick={onResume}>
            <Play size={14} aria-hidden /> Resume now
          </button>
        ) : (
          <button type="button" className="btn small" disabled={busy} onClick={onPause}>
            <Pause size={14} aria-hidden /> Pause
          </button>
        )}
        <CancelJobButton onCancel={onCancel} busy={busy} />
      </div>
      {pause?.reason === "over_budget" && <ContinueSpending job={job} />}
      {job.status === "running" && <ProgressBar value={job.progress} label="Progress" stalled={job.stalled} />}
      <p className="small muted">You can close this window; Charter keeps working in the tray.</p>
    </section>
  );
}

export function ErrorPanel({ job, steps, busy, onRetry }: { job: JobRecord; steps: StepRecord[]; busy: boolean; onRetry: () => void }) {
  const heading = { failed: "Why it failed", interrupted: "It was interrupted", cancelled: "It was cancelled" }[
    job.status as "failed" | "interrupted" | "cancelled"
  ];
  const when = job.finished_at ?? job.updated_at;
  return (
    <section className={`job-error-panel ${job.status}`} aria-label={heading}>
      <h2>{heading}</h2>
      <p>
        {failureWords(job.error) ?? (job.status === "cancelled" ? "Stopped at your request." : "No reason was recorded.")}
        <span className="small muted">
          {" "}
          · <RelativeTime at={when} />
        </span>
      </p>
      {job.error && job.error.retryable === false && job.status === "failed" && (
        <p className="small muted">Retrying may not help: this error usually needs a change first (settings or input).</p>
      )}
      {job.error?.code === UPDATED ? (
        <UpdatedOffer job={job} busy={busy} onRetry={onRetry} />
      ) : (
        <div className="row">
          <button type="button" className="btn primary" disabled={busy} onClick={onRetry}>
            <RotateCcw size={14} aria-hidden /> Retry (resumes at step {resumeStep(steps)})
          </button>
        </div>
      )}
    </section>
  );
}

export function NotFound({ back }: { back: string }) {
  return (
    <div className="jobs-page">
      <div className="card jobs-empty" role="alert">
        <h1>Job not found</h1>
        <p className="muted">This job does not exist any more — it may have been deleted or pruned by retention.</p>
        <Link className="btn" to={back}>
          <ArrowLeft size={14} aria-hidden /> Back to Jobs
        </Link>
      </div>
    </div>
  );
}

export function Loading() {
  return (
    <div className="jobs-page" aria-busy="true" aria-label="Loading job">
      <div className="skeleton" style={{ width: 90 }} />
      <div className="skeleton" style={{ width: "45%", minHeight: 24 }} />
      <div className="skeleton" style={{ width: "70%" }} />
      <div className="card stack">
        {Array.from({ length: 4 }, (_, i) => (
          <div key={i} className="skeleton" style={{ width: `${80 - i * 10}%` }} />
        ))}
      </div>
    </div>
  );
}
