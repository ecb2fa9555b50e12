import { describe, expect, it } from "vitest";
import { job } from "../../test/fixtures";
import { groupIdenticalFailures } from "./listEntries";
import { flattenEntries, itemKey, renderBlocks } from "./listItems";

const timeout = { code: "timeout", message: "the model did not answer (timeout)", retryable: true };
const entries = groupIdenticalFailures([
  job({ id: "a", status: "completed" }),
  job({ id: "f1", status: "failed", error: timeout }),
  job({ id: "f2", status: "failed", error: timeout }),
  job({ id: "f3", status: "failed", error: timeout }),
  job({ id: "b", status: "completed" }),
]);
const groupKey = entries[1]!.type === "failures" ? entries[1]!.key : "";

describe("flattenEntries", () => {
  it("makes a closed group one row and an open one its head and its jobs, each placed in its own list", () => {
    expect(flattenEntries(entries, new Set()).map((i) => [itemKey(i), i.posInSet])).toEqual([
      ["job:a", 1],
      [`group:${groupKey}`, 2],
      ["job:b", 3],
    ]);
    expect(flattenEntries(entries, new Set([groupKey])).map((i) => [itemKey(i), i.posInSet])).toEqual([
      ["job:a", 1],
      [`group:${groupKey}`, 2],
      ["job:f1", 1],
      ["job:f2", 2],
      ["job:f3", 3],
      ["job:b", 3],
    ]);
  });
});

describe("renderBlocks", () => {
  const items = flattenEntries(entries, new Set([groupKey]));

  it("gathers an open group's head and jobs into one block", () => {
    const blocks = renderBlocks(items, [0, 1, 2, 3, 4, 5]);
    expect(blocks.map((b) => b.type)).toEqual(["job", "group", "job"]);
    const group = blocks[1]!;
    expect(group.type === "group" && [group.head, group.posInSet, group.members.map((m) => m.index)]).toEqual([1, 2, [2, 3, 4]]);
  });

  it("keeps a group's place when the window starts among its jobs, without its head", () => {
    const blocks = renderBlocks(items, [3, 4, 5]);
    expect(blocks.map((b) => b.type)).toEqual(["group", "job"]);
    const group = blocks[0]!;
    expect(group.type === "group" && [group.head, group.posInSet, group.members.map((m) => m.item.job.id)]).toEqual([null, 2, ["f2", "f3"]]);
  });
});
