import { describe, expect, it } from "vitest";
import { sampleDraft, sampleStart } from "./sample";

describe("the sample initiative", () => {
  it("starts on the first Monday at least four weeks out", () => {
    expect(sampleStart(new Date(2026, 11, 4))).toBe("2027-01-04"); // Fri 4 Dec → Mon 4 Jan
    expect(sampleStart(new Date(2026, 11, 7))).toBe("2027-01-04"); // Mon 7 Dec + 28 = Mon 4 Jan
    expect(sampleStart(new Date(2026, 11, 8))).toBe("2027-01-11");
  });
  it("is a complete draft", () => {
    const d = sampleDraft(new Date(2026, 11, 4));
    expect(d.name).toContain("sample");
    expect(d.description.length).toBeGreaterThan(40);
    expect(d.team_size).toBeGreaterThan(0);
  });
});
