// An initiative's workspace: the four operations, each with its latest outcome; the selected
// one's live progress, step timeline and streamed partials; the result in place when done;
// and what happened while the user was elsewhere.
import { useEffect, useState, type FormEvent } from "react";
import { Link, useParams } from "react-router";
import { useMutation } from "@tanstack/react-query";
import { toast } from "sonner";
import { Pause, Pencil, Play, RotateCcw } from "lucide-react";
import { commands, type Initiative_Serialize as Initiative, type Operation_Deserialize as Operation } from "../bindings";
import { unwrap } from "../ipc";
import { CancelJobButton } from "../components/CancelJobButton";
import { ProgressBar } from "../components/ProgressBar";
import { StatusBadge } from "../components/StatusBadge";
import { StepTimeline, resumeStep, stepNotes } from "../components/StepTimeline";
import { ContinueSpending } from "../components/ContinueSpending";
import { WaitingLine } from "../components/WaitingLine";
import { DocumentsPanel } from "./workspace/DocumentsPanel";
import { RunAllButton } from "./workspace/RunAllButton";
import { RelativeTime } from "../components/Time";
import { eta, money, percent, stepDetail } from "../lib/format";
import { KINDS, type KindInfo } from "../lib/kinds";
import { isActive, isRetryable } from "../lib/status";
import { useInitiative, useLastResult } from "../lib/queries";
import { failureWords } from "../lib/failure";
import { isOutOfDate, sameRequest, tileStatus } from "./workspace/freshness";
import { useJobRecovery, type JobRecovery } from "../live/useJobRecovery";
import { PartialsView } from "../results/ResultView";
import { ResultDigest } from "../results/ResultDigest";
import { fmtDate } from "../results/format";
import "./workspace.css";

function Facts({ initiative: i }: { initiative: Initiative }) {
  const facts = [
    i.industry,
    i.budget != null ? money(i.budget, i.currency) : null,
    `${i.horizon_months} months`,
    `team of ${i.team_size}`,
    i.start_date ? `starts ${fmtDate(i.start_date)}` : null,
  ].filter(Boolean);
  return <p className="muted facts">{facts.join(" · ")}</p>;
}

/** One operation's card: its last good result and latest attempt, and the button that selects it. */
function OperationCard({ info, recovery, initiativeId, initiative, selected, onSelect }: { info: KindInfo; recovery: JobRecovery; initiativeId: string; initiative: Initiative | undefined; selected: boolean; onSelect: () => void }) {
  const lastResult = useLastResult(initiativeId, info.kind);
  const { shown: job, attempt } = tileStatus(recovery.live.view?.job ?? recovery.latest, lastResult.data ?? null);
  const stale = job != null && isOutOfDate(job, initiative);
  return (
    <button type="button" className={`op-card card${selected ? " selected" : ""}`} aria-pressed={selected} onClick={onSelect} data-kind={info.kind}>
      <span className="op-title">{info.label}</span>
      {recovery.loading ? (
        <span className="skeleton" style={{ width: "70%" }} />
      ) : job ? (
        <>
          <span className="row op-status">
            <StatusBadge status={job.status} stalled={job.stalled} />
            {stale && <span className="status out-of-date" data-testid="out-of-date">Out of date</span>}
          </span>
          {attempt && <span className="muted small" data-testid="latest-attempt">{attempt}</span>}
          {isActive(job.status) ? (
            <span className="op-progress" aria-hidden>
              <span className="progress">
                <span className="bar" style={{ width: `${percent(job.progress)}%`, display: "block" }} />
              </span>
              {percent(job.progress)}%
            </span>
          ) : (
            <span className="muted small">{job.finished_at ? <RelativeTime at={job.finished_at} /> : null}</span>
          )}
        </>
      ) : (
        <>
          <span className="muted small">Not run yet</span>
          <span className="small op-produces">{info.produces}</span>
        </>
      )}
    </button>
  );
}

/** Inputs an operation needs before it starts. */
function StartForm({ info, busy, onStart }: { info: KindInfo; busy: boolean; onStart: (op: Operation) => void }) {
  const [problem, setProblem] = useState("");
  const [depth, setDepth] = useState("5");
  const [questions, setQuestions] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (info.operation === "five_whys") {
      if (problem.trim().length < 5) {
        setError("Describe what you observe (a sentence).");
        return;
      }
      onStart({ type: "five_whys", problem: problem.trim(), max_depth: Number(depth) });
    } else if (info.operation === "research") {
      const list = questions
        .split("\n")
        .map((q) => q.trim())
        .filter(Boolean);
      onStart({ type: "research", questions: list });
    } else {
      onStart({ type: info.operation } as Operation);
    }
    setError(null);
  };
  return (
    <form className="start-form" onSubmit={submit} aria-label={info.action}>
      {info.operation === "five_whys" && (
        <div className="row start-inputs">
          <label className="field" style={{ flex: 1 }}>
            What do you observe?
            <input value={problem} onChange={(e) => setProblem(e.target.value)} placeholder="Weekday morning sales are 30% below plan" aria-invalid={error != null} />
          </label>
          <label className="field">
            Depth
            <select value={depth} onChange={(e) => setDepth(e.target.value)}>
              {[3, 4, 5, 6, 7].map((d) => (
                <option key={d}>{d}</option>
              ))}
            </select>
          </label>
        </div>
      )}
      {info.operation === "research" && (
        <label className="field">
          Questions (optional, one per line)
          <textarea rows={2} value={questions} onChange={(e) => setQuestions(e.target.value)} placeholder="How many commuters pass the site each morning?" />
        </label>
      )}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
      <div>
        <button type="submit" className="btn primary" disabled={busy}>
          <Play size={14} aria-hidden /> {info.action}
        </button>
      </div>
    </form>
  );
}

/** The selected operation: start it, watch it, see its result. */
function OperationPanel({ info, recovery, initiativeId, initiative }: { info: KindInfo; recovery: JobRecovery; initiativeId: string; initiative: Initiative | undefined }) {
  const view = recovery.live.view;
  const job = view?.job ?? null;
  const lastResult = useLastResult(initiativeId, info.kind).data ?? null;
  const earlier = job && job.status !== "completed" && lastResult && lastResult.id !== job.id ? lastResult : null;
  const start = useMutation({
    mutationFn: (op: Operation) => unwrap(commands.startOperation(initiativeId, op)),
    onSuccess: ({ id, joined }) => {
      // The same request is already under way: follow that job instead of a second one.
      if (joined) toast.info(`Your ${info.noun} is already ${info.ongoing} — showing it.`);
      recovery.started(id);
    },
    onError: (e: Error) => toast.error(`Could not start: ${e.message}`),
  });
  const cancel = useMutation({
    mutationFn: (id: string) => unwrap(commands.cancelJob(id)),
    onError: (e: Error) => toast.error(e.message),
  });
  const pause = useMutation({
    mutationFn: (id: string) => unwrap(commands.pauseJob(id)),
    onError: (e: Error) => toast.error(e.message),
  });
  const resume = useMutation({
    mutationFn: (id: string) => unwrap(commands.resumeJob(id)),
    onSuccess: (_, id) => recovery.started(id),
    onError: (e: Error) => toast.error(e.message),
  });
  const retry = useMutation({
    mutationFn: (id: string) => unwrap(commands.retryJob(id)),
    onSuccess: (_, id) => recovery.started(id),
    onError: (e: Error) => toast.error(e.message),
  });
  const active = isActive(job?.status);
  // Until the newest job is known, the form is not offered: it would flash and vanish when a
  // job of this kind turns out to be running (and a click on it would land on nothing).
  const known = !recovery.loading && (recovery.latest == null || view != null || recovery.live.error != null);
  const resumeAt = view ? resumeStep(view.steps) : 1;

  return (
    <section className="card stack op-panel" aria-labelledby={`panel-${info.kind}`} data-testid="op-panel">
      <div className="row">
        <h2 id={`panel-${info.kind}`}>{info.label}</h2>
        {job && <StatusBadge status={job.status} stalled={job.stalled} />}
        <span className="spacer" />
        {job && (
          <Link to={`/jobs/${job.id}`} className="btn small">
            Job details
          </Link>
        )}
      </div>
      {recovery.live.error && (
        <div className="banner error" role="alert">
          Could not follow this job: {recovery.live.error}
        </div>
      )}
      {job && active && (
        <div className="stack live" aria-live="polite">
          <div className="row live-line">
            {job.status === "paused" && job.pause ? (
              <WaitingLine pause={job.pause} />
            ) : (
              <>
                <strong data-testid="current-step">{job.current_step ?? "Waiting to start"}</strong>
                <span className="muted" data-testid="progress-message">
                  {stepDetail(job.current_step, job.message) ?? ""}
                </span>
              </>
            )}
            <span className="spacer" />
            {job.status === "paused"
              ? null
              : job.stalled
                ? <span className="status stalled">No activity for a while</span>
                : job.eta_ms != null && <span className="muted small">{eta(job.eta_ms)}</span>}
            {job.pause?.reason === "over_budget" ? null : job.status === "paused" ? (
              <button type="button" className="btn small primary" onClick={() => resume.mutate(job.id)} disabled={resume.isPending}>
                <Play size={12} aria-hidden /> Resume now
              </button>
            ) : (
              <button type="button" className="btn small" onClick={() => pause.mutate(job.id)} disabled={pause.isPending}>
                <Pause size={12} aria-hidden /> Pause
              </button>
            )}
            <CancelJobButton onCancel={() => cancel.mutate(job.id)} busy={cancel.isPending} />
          </div>
          {job.status === "paused" && job.pause?.reason === "over_budget" && <ContinueSpending job={job} />}
          <ProgressBar value={job.progress} label={`${info.label} progress`} stalled={job.stalled} />
          <p className="muted small">You can close this window; Charter keeps working in the tray and tells you when it is done.</p>
        </div>
      )}
      {view && view.steps.length > 0 && (active || job?.status !== "completed") && (
        <StepTimeline steps={view.steps} live={job?.status === "running"} notes={stepNotes(info.kind, view.partials)} />
      )}
      {view && view.partials.length > 0 && job?.status !== "completed" && info.kind !== "epm_generation" && (
        <div className="partials" aria-label="Produced so far">
          <PartialsView kind={info.kind} partials={view.partials.map((p) => p.value)} />
        </div>
      )}
      {job && isRetryable(job.status) && (
        <div className={`banner ${job.status === "cancelled" ? "" : "error"}`} role={job.status === "cancelled" ? undefined : "alert"}>
          <span>
            {job.status === "cancelled" ? "Cancelled." : failureWords(job.error) ?? "The job stopped."}
          </span>
          <span className="spacer" />
          <button type="button" className="btn small" onClick={() => retry.mutate(job.id)} disabled={retry.isPending}>
            <RotateCcw size={12} aria-hidden /> Retry (resumes at step {resumeAt})
          </button>
        </div>
      )}
      {earlier && !active && (
        <div className="banner" data-testid="last-result">
          <span>
            Your last {info.noun} is still here{earlier.finished_at ? <> · <RelativeTime at={earlier.finished_at} /></> : null}
            {isOutOfDate(earlier, initiative) ? " (out of date: made before you edited the initiative)" : ""}
          </span>
          <span className="spacer" />
          <Link to={`/results/${earlier.id}`} className="btn small">
            View {info.noun}
          </Link>
        </div>
      )}
      {job?.status === "completed" && isOutOfDate(job, initiative) && (
        <div className="banner warn" role="status" data-testid="banner-out-of-date">
          <span>
            <strong>Out of date:</strong> made before you edited the initiative.
          </span>
          <span className="spacer" />
          <button type="button" className="btn small primary" onClick={() => start.mutate(sameRequest(info.operation, job.input))} disabled={start.isPending}>
            <RotateCcw size={12} aria-hidden /> Run again with the current details
          </button>
        </div>
      )}
      {job?.status === "completed" && job.result != null && (
        <div className="stack result-in-place">
          <div className="banner ok">
            <span>
              {info.label} ready{job.finished_at ? <> · <RelativeTime at={job.finished_at} /></> : null}
            </span>
            <span className="spacer" />
            <Link to={`/results/${job.id}`} className="btn primary small">
              View {info.noun}
            </Link>
          </div>
          <ResultDigest id={job.id} />
        </div>
      )}
      {known ? (
        !active && <StartForm info={info} busy={start.isPending} onStart={(op) => start.mutate(op)} />
      ) : (
        <div className="skeleton start-form-pending" aria-busy="true" aria-label={`Looking for your latest ${info.noun}`} data-testid="op-form-pending" />
      )}
      {!job && known && (
        <div className="op-intro small" data-testid="op-intro">
          <p>{info.produces}</p>
          <p className="muted">
            {info.takes} {info.when && <strong className="op-when">{info.when}</strong>} Runs on this initiative's details; results are kept and can be exported.
          </p>
        </div>
      )}
    </section>
  );
}

function Banners({ recoveries, onShow }: { recoveries: JobRecovery[]; onShow: (kind: string) => void }) {
  return (
    <>
      {KINDS.map((info, n) => {
        const r = recoveries[n];
        if (!r?.banner) return null;
        if (r.banner.type === "resumed") {
          const job = r.live.view?.job ?? r.latest;
          if (!job || !isActive(job.status)) return null;
          return (
            <div key={info.kind} className="banner info" role="status" data-testid="banner-resumed">
              <span>
                Your {info.noun} is still {info.ongoing} — <strong>{percent(job.progress)}%</strong>
              </span>
              <span className="spacer" />
              <button type="button" className="btn small" onClick={() => onShow(info.kind)}>
                Show progress
              </button>
              <button type="button" className="btn small link" onClick={r.dismiss} aria-label="Dismiss">
                Dismiss
              </button>
            </div>
          );
        }
        return (
          <div key={info.kind} className="banner ok" role="status" data-testid="banner-away">
            <span>
              Completed while you were away: <strong>{info.label}</strong>
            </span>
            <span className="spacer" />
            <Link to={`/results/${r.banner.jobId}`} className="btn small primary">
              View {info.noun}
            </Link>
            <button type="button" className="btn small link" onClick={r.dismiss} aria-label="Dismiss">
              Dismiss
            </button>
          </div>
        );
      })}
    </>
  );
}

/** `/initiatives/:id`. */
export function WorkspacePage() {
  const { id = "" } = useParams();
  const initiative = useInitiative(id);
  // One recovery per operation, always in the same order.
  const recoveries = [
    useJobRecovery(id, KINDS[0]!.kind),
    useJobRecovery(id, KINDS[1]!.kind),
    useJobRecovery(id, KINDS[2]!.kind),
    useJobRecovery(id, KINDS[3]!.kind),
  ];
  const [chosen, setChosen] = useState<string | null>(null);
  const firstActive = KINDS.find((_, n) => isActive(recoveries[n]?.live.view?.job.status ?? recoveries[n]?.latest?.status));
  // The running operation is shown first, and stays shown when it finishes.
  useEffect(() => {
    if (chosen == null && firstActive) setChosen(firstActive.kind);
  }, [chosen, firstActive]);
  const selectedKind = chosen ?? firstActive?.kind ?? KINDS[0]!.kind;
  const selected = KINDS.findIndex((k) => k.kind === selectedKind);

  if (initiative.isError) {
    return (
      <div className="banner error" role="alert">
        {initiative.error.message} <Link to="/initiatives">Back to initiatives</Link>
      </div>
    );
  }
  return (
    <>
      <div className="page-head">
        <div>
          {initiative.data ? <h1>{initiative.data.name}</h1> : <div className="skeleton" style={{ width: 240, height: 24 }} />}
          {initiative.data && <Facts initiative={initiative.data} />}
        </div>
        <div className="row">
          <RunAllButton
            initiativeId={id}
            onStarted={(started) => {
              for (const [kind, job] of [["web_research", started.research], ["bmc_research", started.canvas], ["epm_generation", started.program]] as const) {
                recoveries[KINDS.findIndex((k) => k.kind === kind)]?.started(job.id);
              }
              setChosen("web_research");
            }}
          />
          <Link to={`/initiatives/${id}/edit`} className="btn">
            <Pencil size={14} aria-hidden /> Edit
          </Link>
        </div>
      </div>
      <Banners recoveries={recoveries} onShow={setChosen} />
      <div className="op-cards" role="group" aria-label="Operations">
        {KINDS.map((info, n) => (
          <OperationCard key={info.kind} info={info} recovery={recoveries[n]!} initiativeId={id} initiative={initiative.data} selected={n === selected} onSelect={() => setChosen(info.kind)} />
        ))}
      </div>
      <OperationPanel key={selectedKind} info={KINDS[selected]!} recovery={recoveries[selected]!} initiativeId={id} initiative={initiative.data} />
      <DocumentsPanel initiativeId={id} />
    </>
  );
}
