import { describe, expect, it } from "vitest";
import { job, snapshot } from "../test/fixtures";
import { applyEvent, applyMessage } from "./jobView";

const id = job().id;

describe("applyEvent", () => {
  it("ignores events at or below the view's sequence number", () => {
    const view = snapshot(job({ seq: 10, progress: 25 }));
    const stale = applyEvent(view, { job_id: id, seq: 10, at: 1, change: { type: "progress", progress: 90, message: null } });
    expect(stale).toBe(view);
    const older = applyEvent(view, { job_id: id, seq: 3, at: 1, change: { type: "progress", progress: 90, message: null } });
    expect(older.job.progress).toBe(25);
  });

  it("tracks a step from start to completion with its duration", () => {
    let view = snapshot(job({ seq: 1 }));
    view = applyEvent(view, { job_id: id, seq: 2, at: 1000, change: { type: "step_started", index: 0, name: "Analysing" } });
    expect(view.job.current_step).toBe("Analysing");
    expect(view.steps).toEqual([expect.objectContaining({ index: 0, status: "running", started_at: 1000 })]);
    view = applyEvent(view, { job_id: id, seq: 3, at: 1400, change: { type: "step_completed", index: 0, name: "Analysing", duration_ms: 400, resumed: false } });
    expect(view.steps[0]).toMatchObject({ status: "completed", started_at: 1000, finished_at: 1400 });
  });

  it("appends partials in order and a stall clears on the next activity", () => {
    let view = snapshot(job({ seq: 1 }));
    view = applyEvent(view, { job_id: id, seq: 2, at: 5, change: { type: "partial", step_index: 0, value: { a: 1 } } });
    view = applyEvent(view, { job_id: id, seq: 3, at: 6, change: { type: "stalled", since: 1 } });
    expect(view.job.stalled).toBe(true);
    view = applyEvent(view, { job_id: id, seq: 4, at: 7, change: { type: "partial", step_index: 1, value: { a: 2 } } });
    expect(view.partials.map((p) => p.value)).toEqual([{ a: 1 }, { a: 2 }]);
    expect(view.job.stalled).toBe(false);
  });

  it("takes the final snapshot when the job finishes", () => {
    const final = snapshot(job({ seq: 9, status: "completed", progress: 100, result: { ok: true } }));
    const view = applyEvent(snapshot(job({ seq: 5 })), { job_id: id, seq: 9, at: 1, change: { type: "finished", snapshot: final } });
    expect(view.job.status).toBe("completed");
    expect(view.job.result).toEqual({ ok: true });
  });
});

describe("applyMessage", () => {
  it("replaces the view with a newer snapshot and keeps it against an older one", () => {
    const current = snapshot(job({ seq: 20, progress: 70 }));
    expect(applyMessage(current, { type: "snapshot", snapshot: snapshot(job({ seq: 12, progress: 30 })) })).toBe(current);
    const newer = applyMessage(current, { type: "snapshot", snapshot: snapshot(job({ seq: 30, progress: 80 })) });
    expect(newer?.job.progress).toBe(80);
  });

  it("drops events that arrive before any snapshot", () => {
    expect(applyMessage(null, { type: "event", event: { job_id: id, seq: 1, at: 1, change: { type: "progress", progress: 5, message: null } } })).toBeNull();
  });
});
