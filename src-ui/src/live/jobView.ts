// The live view of one job as a pure state machine: a snapshot, then events applied in
// sequence order. Duplicates and stale messages are ignored; a newer snapshot replaces all.
import type {
  JobEvent_Serialize as JobEvent,
  LiveMessage_Serialize as LiveMessage,
  Snapshot_Serialize as Snapshot,
  StepRecord_Serialize as StepRecord,
} from "../bindings";

/** What a page shows of a job: its record, steps and streamed partials. */
export type JobView = Snapshot;

/** The sequence number a view is at. */
export function seqOf(view: JobView): number {
  return view.job.seq;
}

function upsertStep(steps: StepRecord[], step: StepRecord): StepRecord[] {
  const rest = steps.filter((s) => s.index !== step.index);
  return [...rest, step].sort((a, b) => a.index - b.index);
}

/** `view` with one event applied; events at or below the view's seq change nothing. */
export function applyEvent(view: JobView, event: JobEvent): JobView {
  if (event.seq <= view.job.seq) return view;
  const job = { ...view.job, seq: event.seq, updated_at: event.at };
  const change = event.change;
  switch (change.type) {
    case "started":
      return {
        ...view,
        job: { ...job, status: "running", attempt: change.attempt, error: null, stalled: false, started_at: event.at, finished_at: null },
      };
    case "progress":
      return { ...view, job: { ...job, progress: change.progress, message: change.message ?? job.message, stalled: false } };
    case "step_started": {
      const step: StepRecord = {
        index: change.index,
        name: change.name,
        status: "running",
        output: null,
        attempt: job.attempt,
        started_at: event.at,
        finished_at: null,
      };
      return { ...view, job: { ...job, current_step: change.name, stalled: false }, steps: upsertStep(view.steps, step) };
    }
    case "step_completed": {
      const previous = view.steps.find((s) => s.index === change.index);
      const step: StepRecord = {
        index: change.index,
        name: change.name,
        status: "completed",
        output: previous?.output ?? null,
        attempt: previous?.attempt ?? job.attempt,
        started_at: event.at - change.duration_ms,
        finished_at: event.at,
      };
      return { ...view, job: { ...job, stalled: false }, steps: upsertStep(view.steps, step) };
    }
    case "step_failed": {
      const previous = view.steps.find((s) => s.index === change.index);
      const step: StepRecord = {
        index: change.index,
        name: change.name,
        status: "failed",
        output: null,
        attempt: previous?.attempt ?? job.attempt,
        started_at: previous?.started_at ?? event.at,
        finished_at: event.at,
      };
      return { ...view, job, steps: upsertStep(view.steps, step) };
    }
    case "partial":
      return {
        ...view,
        job: { ...job, stalled: false },
        partials: [...view.partials, { seq: event.seq, step_index: change.step_index, value: change.value, created_at: event.at }],
      };
    case "stalled":
      return { ...view, job: { ...job, stalled: true } };
    case "finished":
    case "paused":
      return change.snapshot.job.seq >= event.seq ? change.snapshot : { ...change.snapshot, job: { ...change.snapshot.job, seq: event.seq } };
    case "lost":
      return {
        ...view,
        job: { ...job, status: "interrupted", error: { code: "lost", message: change.reason, retryable: true } },
      };
  }
}

/** `view` after one channel message (`null` while no snapshot has arrived yet). */
export function applyMessage(view: JobView | null, message: LiveMessage): JobView | null {
  if (message.type === "snapshot") {
    const snapshot = message.snapshot;
    return view && snapshot.job.seq < view.job.seq ? view : snapshot;
  }
  return view ? applyEvent(view, message.event) : view;
}
