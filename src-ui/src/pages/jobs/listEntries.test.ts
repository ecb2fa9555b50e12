import { describe, expect, it } from "vitest";
import type { JobRecord_Serialize as JobRecord } from "../../bindings";
import { job } from "../../test/fixtures";
import { failureKey, groupHeadline, groupIdenticalFailures, runningFirst } from "./listEntries";

const searchDown = { code: "search", message: "the search server answered HTTP 503", retryable: true };
const timeout = { code: "timeout", message: "the model did not answer (timeout)", retryable: true };

function failedJob(id: string, error: JobRecord["error"] = searchDown, status: JobRecord["status"] = "failed"): JobRecord {
  return job({ id, title: `Job ${id}`, status, error });
}

const ids = (jobs: readonly { id: string }[]) => jobs.map((j) => j.id);

describe("runningFirst", () => {
  it("puts running jobs first, then waiting and paused ones, then finished ones, each in its own order", () => {
    const list = [
      job({ id: "done-1", status: "completed" }),
      job({ id: "wait-1", status: "pending" }),
      job({ id: "run-1", status: "running" }),
      job({ id: "fail-1", status: "failed" }),
      job({ id: "pause-1", status: "paused" }),
      job({ id: "run-2", status: "running" }),
      job({ id: "stop-1", status: "cancelled" }),
      job({ id: "wait-2", status: "pending" }),
    ];
    expect(ids(runningFirst(list))).toEqual(["run-1", "run-2", "wait-1", "pause-1", "wait-2", "done-1", "fail-1", "stop-1"]);
  });

  it("leaves a list without jobs still going as it was, and does not touch its argument", () => {
    const list = [job({ id: "a", status: "completed" }), job({ id: "b", status: "failed" }), job({ id: "c", status: "interrupted" })];
    const before = ids(list);
    expect(ids(runningFirst(list))).toEqual(before);
    runningFirst([...list].reverse());
    expect(ids(list)).toEqual(before);
  });
});

describe("groupIdenticalFailures", () => {
  it("gathers failures with the same cause into one group at the place of the first", () => {
    const list = [
      job({ id: "done", status: "completed" }),
      failedJob("f1"),
      failedJob("t1", timeout),
      failedJob("f2"),
      job({ id: "done-2", status: "completed" }),
      failedJob("f3"),
    ];
    const entries = groupIdenticalFailures(list);
    expect(entries.map((e) => (e.type === "job" ? e.job.id : `group:${ids(e.jobs).join(",")}`))).toEqual([
      "done",
      "group:f1,f2,f3",
      "t1",
      "done-2",
    ]);
    const group = entries[1]!;
    expect(group.type === "failures" && group.cause).toBe(
      "the search server answered HTTP 503 — the search server is unavailable — retry later or check Settings → Research",
    );
  });

  it("keeps a lone failure, failures without a recorded cause and other statuses as rows", () => {
    const list = [failedJob("f1"), failedJob("n1", null), failedJob("n2", null), job({ id: "c1", status: "cancelled" }), job({ id: "c2", status: "cancelled" })];
    expect(groupIdenticalFailures(list).every((e) => e.type === "job")).toBe(true);
  });

  it("tells failed from interrupted, and a different message with the same code apart", () => {
    const otherMessage = { ...searchDown, message: "the search server answered HTTP 500" };
    const list = [failedJob("f1"), failedJob("i1", searchDown, "interrupted"), failedJob("o1", otherMessage), failedJob("i2", searchDown, "interrupted")];
    const groups = groupIdenticalFailures(list).filter((e) => e.type === "failures");
    expect(groups).toHaveLength(1);
    expect(groups[0]!.status).toBe("interrupted");
    expect(ids(groups[0]!.jobs)).toEqual(["i1", "i2"]);
    expect(failureKey(failedJob("a"))).toBe(failureKey(failedJob("b")));
    expect(failureKey(failedJob("a"))).not.toBe(failureKey(failedJob("b", otherMessage)));
  });

  it("says how many and how they ended", () => {
    expect(groupHeadline(3, "failed")).toBe("3 jobs failed");
    expect(groupHeadline(2, "interrupted")).toBe("2 jobs were interrupted");
  });
});
