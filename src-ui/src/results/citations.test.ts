import { describe, expect, it } from "vitest";
import type { Evidence } from "../bindings";
import { citationNumbers, entryCitations, numberInOrder, type CitingBlock } from "./citations";

const ev = (id: string, text: string, source = "Playbook"): Evidence => ({ id, text, source });
const block = (...entries: string[][]): CitingBlock => ({ entries: entries.map((evidence) => ({ evidence })) });

describe("numberInOrder", () => {
  it("numbers distinct ids by first appearance", () => {
    expect([...numberInOrder(["b", "a", "b", "c", "a"])]).toEqual([
      ["b", 1],
      ["a", 2],
      ["c", 3],
    ]);
  });
});

describe("citationNumbers", () => {
  it("numbers facts in the order the blocks first cite them, whatever the evidence list's order", () => {
    const evidence = [ev("f1", "One"), ev("f2", "Two"), ev("f3", "Three")];
    const { numberOf, cited, uncited } = citationNumbers([block(["f3"], ["f1", "f3"]), block(["f1"])], evidence);
    expect(numberOf.get("f3")).toBe(1);
    expect(numberOf.get("f1")).toBe(2);
    expect(cited.map((f) => [f.number, f.text])).toEqual([
      [1, "Three"],
      [2, "One"],
    ]);
    expect(uncited.map((f) => f.text)).toEqual(["Two"]);
  });

  it("gives ids that are not in the evidence list no number, and numbers the rest without a gap", () => {
    const { numberOf, cited } = citationNumbers([block(["gone", "f1"], ["f2"])], [ev("f1", "One"), ev("f2", "Two")]);
    expect(numberOf.has("gone")).toBe(false);
    expect(cited.map((f) => f.number)).toEqual([1, 2]);
  });

  it("treats the same words under two ids as one fact with one number and both sources", () => {
    const evidence = [ev("F9", "Delivery  costs 15-30%.", "Research report"), ev("fb_delivery", "delivery costs 15-30%.", "Playbook"), ev("x", "Other")];
    const { numberOf, cited } = citationNumbers([block(["fb_delivery"], ["x", "F9"])], evidence);
    expect(numberOf.get("F9")).toBe(1);
    expect(numberOf.get("fb_delivery")).toBe(1);
    expect(numberOf.get("x")).toBe(2);
    expect(cited[0]).toMatchObject({ number: 1, text: "Delivery  costs 15-30%.", sources: ["Research report", "Playbook"], ids: ["F9", "fb_delivery"] });
  });

  it("keeps facts without words apart and the first record of an id listed twice", () => {
    const { cited } = citationNumbers([block(["a", "b"])], [ev("a", ""), ev("b", " "), ev("a", "Later copy")]);
    expect(cited.map((f) => [f.number, f.ids, f.text])).toEqual([
      [1, ["a"], ""],
      [2, ["b"], " "],
    ]);
  });

  it("copes with entries whose evidence is missing", () => {
    const blocks: CitingBlock[] = [{ entries: [{}, { evidence: null }] }];
    const { cited, uncited } = citationNumbers(blocks, [ev("a", "A")]);
    expect(cited).toEqual([]);
    expect(uncited.map((f) => f.text)).toEqual(["A"]);
  });
});

describe("entryCitations", () => {
  it("lists an entry's numbers once each, ascending, and flags an unknown id", () => {
    const numberOf = new Map([
      ["a", 3],
      ["b", 1],
      ["c", 3],
    ]);
    expect(entryCitations(["a", "b", "c"], numberOf)).toEqual({ numbers: [1, 3], missing: false });
    expect(entryCitations(["a", "zzz"], numberOf)).toEqual({ numbers: [3], missing: true });
    expect(entryCitations(undefined, numberOf)).toEqual({ numbers: [], missing: false });
  });
});
