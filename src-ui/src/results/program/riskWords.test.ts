import { describe, expect, it } from "vitest";
import { riskWords } from "./riskWords";

describe("riskWords", () => {
  it("reads the ratings in a register's words", () => {
    expect(riskWords(4, 4)).toBe("likely × major");
    expect(riskWords(1, 5)).toBe("rare × severe");
    expect(riskWords(5, 1)).toBe("almost certain × negligible");
  });
  it("clamps odd ratings and says when there is none", () => {
    expect(riskWords(0, 9)).toBe("rare × severe");
    expect(riskWords(Number.NaN, 3)).toBe("unrated × moderate");
  });
});
