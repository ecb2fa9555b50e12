import { describe, expect, it } from "vitest";
import type { JobStatus } from "../bindings";
import { ACTIVE_STATUSES, ALL_STATUSES, FAILURE_STATUSES, FINISHED_STATUSES, isActive, isFailure, isRetryable, statusLabel } from "./status";

describe("job statuses", () => {
  it("knows which jobs are still going", () => {
    expect(ALL_STATUSES.filter(isActive)).toEqual(["running", "pending", "paused"]);
    expect(isRetryable("paused")).toBe(false);
    expect(isFailure("paused")).toBe(false);
    expect(isActive("completed")).toBe(false);
    expect(isActive(null)).toBe(false);
    expect(isActive(undefined)).toBe(false);
  });

  it("retries what stopped without a result, and nothing else", () => {
    expect(ALL_STATUSES.filter(isRetryable)).toEqual(["failed", "cancelled", "interrupted"]);
    expect(isRetryable("completed")).toBe(false);
    expect(isRetryable("running")).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
  });

  it("counts failed and interrupted jobs as failures", () => {
    expect(ALL_STATUSES.filter(isFailure)).toEqual(["failed", "interrupted"]);
    expect(isFailure("cancelled")).toBe(false);
  });

  it("derives the lists from the same table: every status is active or finished, never both", () => {
    expect(new Set(ALL_STATUSES).size).toBe(7);
    expect([...ACTIVE_STATUSES, ...FINISHED_STATUSES].sort()).toEqual([...ALL_STATUSES].sort());
    expect(ACTIVE_STATUSES).toEqual(["running", "pending", "paused"]);
    expect(FINISHED_STATUSES).toEqual(["completed", "failed", "cancelled", "interrupted"]);
    expect(FAILURE_STATUSES).toEqual(["failed", "interrupted"]);
    // An active job is never retryable: it has to stop first.
    for (const s of ALL_STATUSES) expect(isActive(s) && isRetryable(s)).toBe(false);
  });

  it("names each status in words", () => {
    const words = Object.fromEntries(ALL_STATUSES.map((s: JobStatus) => [s, statusLabel(s)]));
    expect(words).toEqual({ running: "Running", pending: "Waiting", paused: "Paused", completed: "Completed", failed: "Failed", cancelled: "Cancelled", interrupted: "Interrupted" });
  });
});
