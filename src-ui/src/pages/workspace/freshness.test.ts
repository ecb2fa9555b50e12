import { describe, expect, it } from "vitest";
import { job } from "../../test/fixtures";
import { isOutOfDate, madeFromVersion, sameRequest, tileStatus } from "./freshness";

const ranOn = (version: unknown) => ({ initiative: { id: "i1", name: "Cafe", updated_at: version } });

describe("madeFromVersion", () => {
  it("reads the initiative version the job ran on from its input", () => {
    expect(madeFromVersion({ input: ranOn(1700) })).toBe(1700);
  });
  it("is null when the input does not say", () => {
    for (const input of [null, 3, "x", {}, { initiative: null }, { initiative: {} }, ranOn("1700"), ranOn(Number.NaN)]) {
      expect(madeFromVersion({ input })).toBeNull();
    }
  });
});

describe("isOutOfDate", () => {
  it("flags a result made before the initiative was edited", () => {
    const done = job({ status: "completed", input: ranOn(1000) });
    expect(isOutOfDate(done, { updated_at: 2000 })).toBe(true);
    expect(isOutOfDate(done, { updated_at: 1000 })).toBe(false);
  });
  it("never flags what is not a result, or when the version is unknown", () => {
    expect(isOutOfDate(job({ status: "failed", input: ranOn(1000) }), { updated_at: 2000 })).toBe(false);
    expect(isOutOfDate(job({ status: "completed", input: {} }), { updated_at: 2000 })).toBe(false);
    expect(isOutOfDate(job({ status: "completed", input: ranOn(1000) }), undefined)).toBe(false);
  });
});

describe("tileStatus", () => {
  const good = job({ id: "good", status: "completed", finished_at: 1000 });
  it("keeps the last good result as the headline when a re-run stopped", () => {
    for (const [status, words] of [
      ["cancelled", "a re-run was cancelled"],
      ["failed", "a re-run failed"],
      ["interrupted", "a re-run was interrupted"],
    ] as const) {
      expect(tileStatus(job({ id: "again", status }), good)).toEqual({ shown: good, attempt: words });
    }
  });
  it("shows a running re-run's progress, and the latest result when it is the newest", () => {
    const running = job({ id: "again", status: "running" });
    expect(tileStatus(running, good)).toEqual({ shown: running, attempt: null });
    const newer = job({ id: "newer", status: "completed" });
    expect(tileStatus(newer, good)).toEqual({ shown: newer, attempt: null });
  });
  it("says what happened when there never was a result", () => {
    const cancelled = job({ id: "c", status: "cancelled" });
    expect(tileStatus(cancelled, null)).toEqual({ shown: cancelled, attempt: null });
    expect(tileStatus(null, null)).toEqual({ shown: null, attempt: null });
  });
});

describe("sameRequest", () => {
  it("asks the same question again on the current initiative", () => {
    expect(sameRequest("five_whys", { ...ranOn(1), problem: "Sales are down", max_depth: 4 })).toEqual({ type: "five_whys", problem: "Sales are down", max_depth: 4 });
    expect(sameRequest("research", { ...ranOn(1), questions: ["commuters?", 3] })).toEqual({ type: "research", questions: ["commuters?"] });
    expect(sameRequest("program", ranOn(1))).toEqual({ type: "program" });
    expect(sameRequest("canvas", null)).toEqual({ type: "canvas" });
  });
});
