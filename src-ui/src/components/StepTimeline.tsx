// A job's steps in order, each with icon + word + duration; the running one ticks live.
import { Check, Circle, Loader, X } from "lucide-react";
import type { StepRecord_Serialize as StepRecord } from "../bindings";
import { duration } from "../lib/format";
import { useNow } from "./Time";

const WORD = { running: "running", completed: "done", failed: "failed" } as const;

/** The step list of a job. */
export function StepTimeline({ steps, live = false }: { steps: StepRecord[]; live?: boolean }) {
  const now = useNow(live ? 1000 : 60_000);
  if (steps.length === 0) return <p className="muted small">No steps yet.</p>;
  return (
    <ol className="timeline" aria-label="Steps">
      {steps.map((s) => {
        const Icon = s.status === "completed" ? Check : s.status === "failed" ? X : live ? Loader : Circle;
        const took = s.finished_at != null ? s.finished_at - s.started_at : live ? now - s.started_at : null;
        return (
          <li key={s.index} className={`timeline-step ${s.status}`} data-testid="step">
            <Icon size={14} aria-hidden className={s.status === "running" && live ? "spin" : undefined} />
            <span className="timeline-name">{s.name}</span>
            <span className="sr-only">{WORD[s.status]}</span>
            <span className="timeline-took muted small">{took != null ? duration(took) : "…"}</span>
          </li>
        );
      })}
    </ol>
  );
}
