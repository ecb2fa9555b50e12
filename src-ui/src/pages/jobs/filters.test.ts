import { describe, expect, it } from "vitest";
import type { JobStatus, StatusCounts } from "../../bindings";
import { ALL_STATUSES } from "../../lib/status";
import { TABS, TAB_STATUSES, countOf } from "./filters";

describe("the Jobs page's tabs", () => {
  it("put every status in exactly one tab besides All, so the counts add up to All", () => {
    const tabs = TABS.filter((t) => t !== "all");
    for (const status of ALL_STATUSES) {
      expect(tabs.filter((t) => TAB_STATUSES[t].includes(status)), status).toHaveLength(1);
    }
    const counts = Object.fromEntries(ALL_STATUSES.map((s, n) => [s, n + 1])) as Record<JobStatus, number> as unknown as StatusCounts;
    const sum = tabs.reduce((n, t) => n + countOf(counts, TAB_STATUSES[t]), 0);
    expect(sum).toBe(countOf(counts, TAB_STATUSES.all));
  });

  it("has a Cancelled tab", () => {
    expect(TAB_STATUSES.cancelled).toEqual(["cancelled"]);
  });
});
