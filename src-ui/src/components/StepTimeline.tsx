// A job's steps in order: number, icon + word, name, a one-line note of what the step found,
// and its duration (ticking while it runs); the failed step carries the job's error.
import { Check, Circle, Loader, X } from "lucide-react";
import type { StepRecord_Serialize as StepRecord } from "../bindings";
import { duration } from "../lib/format";
import { useNow } from "./Time";

/** The 1-based number of the first step that has not completed (where a retry resumes). */
export function resumeStep(steps: StepRecord[]): number {
  const done = new Set(steps.filter((s) => s.status === "completed").map((s) => s.index));
  let index = 0;
  while (done.has(index)) index += 1;
  return index + 1;
}

/** Time since `from`, ticking every second. */
export function Elapsed({ from }: { from: number }) {
  const now = useNow(1000);
  return <>{duration(now - from)}</>;
}

function StepState({ step, live }: { step: StepRecord; live: boolean }) {
  switch (step.status) {
    case "completed":
      return (
        <span className="status completed">
          <Check size={14} aria-hidden /> Done
        </span>
      );
    case "failed":
      return (
        <span className="status failed">
          <X size={14} aria-hidden /> Failed
        </span>
      );
    case "running":
      return live ? (
        <span className="status running">
          <Loader size={14} aria-hidden className="spin" /> Running
        </span>
      ) : (
        <span className="status cancelled">
          <Circle size={14} aria-hidden /> Stopped
        </span>
      );
  }
}

/** The step list of a job; `live` while the job runs. */
export function StepTimeline({
  steps,
  live = false,
  error = null,
  notes = {},
}: {
  steps: StepRecord[];
  live?: boolean;
  /** The job's error, shown under its last failed step. */
  error?: string | null;
  /** One line per step index, e.g. what the step found. */
  notes?: Record<number, string>;
}) {
  if (steps.length === 0) return <p className="muted small">{live ? "No step has started yet." : "This job recorded no steps."}</p>;
  const lastFailed = [...steps].reverse().find((s) => s.status === "failed");
  return (
    <ol className="timeline" aria-label="Steps">
      {steps.map((step) => {
        const running = step.status === "running" && live;
        const note = notes[step.index];
        return (
          <li key={step.index} className={`timeline-step ${step.status}`} data-testid="step" data-step-status={step.status} aria-current={running ? "step" : undefined}>
            <span className="timeline-state">
              <StepState step={step} live={live} />
            </span>
            <span className="timeline-name">
              <span className="muted timeline-no">{step.index + 1}.</span> <span className="timeline-label">{step.name}</span>
              {note && <span className="muted timeline-note"> — {note}</span>}
            </span>
            <span className="timeline-took small muted">
              {step.finished_at != null ? duration(step.finished_at - step.started_at) : running ? <Elapsed from={step.started_at} /> : "—"}
            </span>
            {step === lastFailed && error && <p className="timeline-error small">{error}</p>}
          </li>
        );
      })}
    </ol>
  );
}

/** Notes for a program's timeline from its streamed step results (other kinds have none). */
export function stepNotes(kind: string, partials: { step_index: number | null; value: unknown }[]): Record<number, string> {
  if (kind !== "epm_generation") return {};
  const notes: Record<number, string> = {};
  for (const p of partials) {
    const v = p.value as { index?: unknown; summary?: unknown } | null;
    if (v && typeof v.index === "number" && typeof v.summary === "string") notes[v.index] = v.summary;
  }
  return notes;
}
