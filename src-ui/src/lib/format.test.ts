import { describe, expect, it } from "vitest";
import { LOCALE, count, duration, money, relativeTime, sizeWords, stepDetail } from "./format";
import { costWords } from "./spending";
import { fmtDate } from "../results/format";

describe("format", () => {
  it("says what a progress message adds to its step", () => {
    expect(stepDetail("Extracting workstreams", "Extracting workstreams… the model is writing — about 40 words so far")).toBe("the model is writing — about 40 words so far");
    expect(stepDetail("Analysing", "Analysing…")).toBeNull();
    expect(stepDetail("Reading sources", "Source 3 of 8")).toBe("Source 3 of 8");
    expect(stepDetail(null, null)).toBeNull();
  });

  it("writes counts as toLocaleString does, from one formatter built once", () => {
    for (const n of [0, 7, 1234, 12_345_678, -5000]) expect(count(n)).toBe(n.toLocaleString(LOCALE));
  });

  it("writes durations and relative times in plain words", () => {
    expect(duration(40)).toBe("< 0.1 s");
    expect(duration(400)).toBe("0.4 s");
    expect(duration(125_000)).toBe("2 min 5 s");
    expect(duration(2 * 3600_000 + 10 * 60_000)).toBe("2 h 10 min");
    const now = Date.UTC(2026, 10, 29, 12);
    expect(relativeTime(now - 10_000, now)).toBe("just now");
    expect(relativeTime(now - 5 * 60_000, now)).toBe("5 min ago");
    expect(relativeTime(now - 3 * 3600_000, now)).toBe("3 hours ago");
  });

  it("writes money in whole units with the currency code, and a dash when it is missing", () => {
    expect(money(583_834.4, "EUR")).toMatch(/^583,?834 EUR$/);
    expect(money(-5000, "USD")).toMatch(/^-5,?000 USD$/);
    expect(money(12.5, "")).toBe("13");
    expect(money(null, "EUR")).toBe("—");
    expect(money(Number.NaN, "EUR")).toBe("—");
  });

  it("is the one money format: a model's cost reads like a plan's budget, code after the figure", () => {
    expect(money(0.0056, "USD", { min: 2, max: 4 })).toBe("0.0056 USD");
    expect(costWords(5_600, "USD")).toBe(money(0.0056, "USD", { min: 2, max: 4 }));
    expect(costWords(1_500_000_000, "EUR")).toMatch(/^1,?500\.00 EUR$/);
  });
});

describe("one date format", () => {
  it("writes a job older than a month on the same pattern as a plan's dates", () => {
    const now = Date.UTC(2027, 2, 20, 12);
    const then = Date.UTC(2027, 0, 4, 12);
    expect(relativeTime(then, now)).toBe(fmtDate("2027-01-04"));
  });
});

describe("sizeWords", () => {
  it("reads sizes in plain units", () => {
    expect(sizeWords(1)).toBe("1 byte");
    expect(sizeWords(850)).toBe("850 bytes");
    expect(sizeWords(1_234)).toBe("1.2 kB");
    expect(sizeWords(45_600)).toBe("46 kB");
    expect(sizeWords(2_500_000)).toBe("2.5 MB");
  });
});
