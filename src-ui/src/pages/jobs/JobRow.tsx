// One row of the Jobs list: status, title (a link to the job), what it is doing or how it
// ended, and the actions that make sense for its status.
import { memo } from "react";
import { Link } from "react-router";
import { Pin, PinOff, Play, RotateCcw, Trash2 } from "lucide-react";
import { CancelJobButton } from "../../components/CancelJobButton";
import { IconButton } from "../../components/IconButton";
import { failureWords } from "../../lib/failure";
import type { JobRecord_Serialize as JobRecord } from "../../bindings";
import { ProgressBar } from "../../components/ProgressBar";
import { StatusBadge } from "../../components/StatusBadge";
import { RelativeTime, useNow } from "../../components/Time";
import { count, duration, eta, stepDetail } from "../../lib/format";
import { kindInfo } from "../../lib/kinds";
import { pauseWords } from "../../lib/pause";
import { costWords, tokensWords } from "../../lib/spending";
import { isActive, isRetryable } from "../../lib/status";

/** What a row can ask for; the page decides how (confirmations, mutations). */
export interface RowActions {
  onCancel: (job: JobRecord) => void;
  onRetry: (job: JobRecord) => void;
  onResume: (job: JobRecord) => void;
  onPin: (job: JobRecord, pinned: boolean) => void;
  onDelete: (job: JobRecord) => void;
  isBusy: (id: string) => boolean;
}

/** "3 min" since `at`, at minute precision (for how long a job has been quiet). */
function quietFor(at: number, now: number): string {
  const minutes = Math.max(1, Math.round((now - at) / 60_000));
  return minutes < 60 ? `${minutes} min` : duration(minutes * 60_000);
}

function Running({ job }: { job: JobRecord }) {
  const now = useNow(15_000);
  const step = job.current_step;
  const message = stepDetail(step, job.message);
  return (
    <>
      <div className="job-step" title={[step, message].filter(Boolean).join(" — ")}>
        {step ?? "Starting"}
        {message && <span className="muted"> — {message}</span>}
      </div>
      <div className="job-live">
        <div className="job-bar">
          <ProgressBar value={job.progress} label={`Progress of ${job.title}`} stalled={job.stalled} />
        </div>
        <span className="job-live-note">
          {job.stalled ? (
            <span className="job-stalled" title={`No activity for ${quietFor(job.updated_at, now)}`}>
              Stalled {quietFor(job.updated_at, now)}
            </span>
          ) : (
            job.eta_ms != null && <span className="muted job-eta">{eta(job.eta_ms)}</span>
          )}
        </span>
      </div>
    </>
  );
}

function Outcome({ job }: { job: JobRecord }) {
  const at = job.finished_at ?? job.updated_at;
  switch (job.status) {
    case "pending":
      return (
        <span className="muted">
          Waiting to start · queued <RelativeTime at={job.created_at} />
        </span>
      );
    case "completed": {
      const took = job.started_at != null && job.finished_at != null ? job.finished_at - job.started_at : null;
      return (
        <span className="muted">
          Completed <RelativeTime at={at} />
          {took != null && <> · took {duration(took)}</>}
        </span>
      );
    }
    case "failed":
    case "interrupted":
      return (
        <span className="job-error">
          <span className={job.status === "failed" ? "job-failed-word" : "job-interrupted-word"}>
            {job.status === "failed" ? "Failed" : "Interrupted"} <RelativeTime at={at} />
          </span>
          {job.error ? <>: {failureWords(job.error)}</> : null}
        </span>
      );
    case "cancelled":
      return (
        <span className="muted">
          Cancelled <RelativeTime at={at} />
        </span>
      );
    case "paused": {
      if (!job.pause) return <span className="muted">Paused</span>;
      const w = pauseWords(job.pause, Date.now());
      return (
        <span className="job-paused">
          {w.why} — {w.next}
        </span>
      );
    }
    case "running":
      return null;
  }
}

/** The run's model use: its cost, and its tokens under it (empty when no model was called). */
function ModelUseCell({ job, currency }: { job: JobRecord; currency: string }) {
  if (job.tokens === 0 && job.cost_micros === 0) return <div className="job-use" data-testid="job-use-none" />;
  return (
    <div className="job-use small" data-testid="job-use" title={`${count(job.tokens)} tokens · ${costWords(job.cost_micros, currency)}`}>
      <span>{costWords(job.cost_micros, currency)}</span>
      <span className="muted">{tokensWords(job.tokens)}</span>
    </div>
  );
}

/** Where a row sits in a virtual list: only the rows near the viewport are in the DOM, so each
 * says its place (for assistive technology) and is measured by index. */
export interface RowPlace {
  /** Among all the list's rows, as the virtualiser counts them. */
  index: number;
  /** 1-based, among its list's entries. */
  posInSet: number;
  setSize: number;
  measureRef: (el: HTMLElement | null) => void;
}

/** One job. `linkState` travels with the title link so the detail page can come back here. */
export const JobRow = memo(function JobRow({
  job,
  actions,
  linkState,
  currency = "USD",
  index,
  posInSet,
  setSize,
  measureRef,
}: {
  job: JobRecord;
  actions: RowActions;
  linkState?: unknown;
  /** Of the prices in Settings. */
  currency?: string;
} & Partial<RowPlace>) {
  const busy = actions.isBusy(job.id);
  const kind = kindInfo(job.kind).label;
  const running = job.status === "running";
  return (
    <li
      className={`job-row${job.stalled && running ? " is-stalled" : ""}`}
      data-testid="job-row"
      data-job-id={job.id}
      data-status={job.status}
      data-index={index}
      aria-posinset={posInSet}
      aria-setsize={setSize}
      ref={measureRef}
    >
      <div className="job-status">
        <StatusBadge status={job.status} stalled={job.stalled} />
      </div>
      <div className="job-main">
        <Link className="job-title" to={`/jobs/${job.id}`} state={linkState} title={job.title}>
          {job.title}
        </Link>
        <div className="job-sub small muted">
          {job.pinned && (
            <span className="job-pinned" title="Pinned: never removed by retention">
              <Pin size={12} aria-hidden />
              <span>Pinned</span>
            </span>
          )}
          <span>{kind}</span>
          {job.attempt > 1 && <span>attempt {job.attempt}</span>}
        </div>
      </div>
      <div className="job-what small">{running ? <Running job={job} /> : <Outcome job={job} />}</div>
      <ModelUseCell job={job} currency={currency} />
      <div className="job-actions">
        {job.status === "completed" && (
          <Link className="btn small act-main" to={`/results/${job.id}`} aria-label={`View ${job.title}`}>
            View
          </Link>
        )}
        {job.status === "paused" && (
          <button type="button" className="btn small act-main" disabled={busy} aria-label={`Resume ${job.title}`} onClick={() => actions.onResume(job)}>
            <Play size={14} aria-hidden /> Resume
          </button>
        )}
        {isActive(job.status) && job.status !== "paused" && (
          <CancelJobButton className="act-main" busy={busy} jobTitle={job.title} onCancel={() => actions.onCancel(job)} />
        )}
        {isRetryable(job.status) && (
          <button type="button" className="btn small act-main" disabled={busy} aria-label={`Retry ${job.title}`} onClick={() => actions.onRetry(job)}>
            <RotateCcw size={14} aria-hidden /> Retry
          </button>
        )}
        <IconButton
          className={`act-pin${job.pinned ? " on" : ""}`}
          disabled={busy}
          label={`${job.pinned ? "Unpin" : "Pin"} ${job.title}`}
          tip={job.pinned ? "Unpin: retention may remove it" : "Pin: keep it whatever the retention setting"}
          onClick={() => actions.onPin(job, !job.pinned)}
        >
          {job.pinned ? <PinOff size={14} aria-hidden /> : <Pin size={14} aria-hidden />}
        </IconButton>
        {!isActive(job.status) && (
          <IconButton className="act-delete danger-quiet" disabled={busy} label={`Delete ${job.title}`} tip="Delete this job and its result" onClick={() => actions.onDelete(job)}>
            <Trash2 size={14} aria-hidden />
          </IconButton>
        )}
      </div>
    </li>
  );
});

/** A placeholder row while the first page loads. */
export function SkeletonRow() {
  return (
    <li className="job-row job-row-skeleton" aria-hidden>
      <div className="skeleton" style={{ width: 78 }} />
      <div className="stack" style={{ gap: 6 }}>
        <div className="skeleton" style={{ width: "80%" }} />
        <div className="skeleton" style={{ width: "35%", minHeight: 10 }} />
      </div>
      <div className="skeleton job-skeleton-detail" />
      <div className="skeleton" style={{ width: 56 }} />
      <div className="skeleton" style={{ width: 120, justifySelf: "end" }} />
    </li>
  );
}
