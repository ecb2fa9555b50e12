import { describe, expect, it } from "vitest";
import { amountToMicros, costWords, fromPerMillion, microsToAmount, perMillion, tokensWords } from "./spending";

describe("spending words", () => {
  it("shows cents, and four digits under a cent", () => {
    expect(costWords(1_500_000, "USD")).toBe("1.50 USD");
    expect(costWords(12_300, "USD")).toBe("0.0123 USD");
    expect(costWords(0, "USD")).toBe("0.00 USD");
    expect(costWords(420_000, "USD")).toBe("0.42 USD");
    expect(costWords(1, "USD")).toBe("< 0.0001 USD");
    expect(costWords(2_000_000, "EUR")).toContain("2.00");
  });

  it("counts tokens in plain words", () => {
    expect(tokensWords(1)).toBe("1 token");
    expect(tokensWords(850)).toBe("850 tokens");
    expect(tokensWords(1_234)).toBe("1.2k tokens");
    expect(tokensWords(45_600)).toBe("46k tokens");
    expect(tokensWords(2_500_000)).toBe("2.5M tokens");
  });

  it("converts prices per million tokens both ways", () => {
    // $2.50 per million tokens = 2,500 micros per thousand.
    expect(fromPerMillion("2.50")).toBe(2_500);
    expect(fromPerMillion("0,15")).toBe(150);
    expect(perMillion(2_500)).toBe(2.5);
    expect(fromPerMillion("")).toBeNull();
    expect(fromPerMillion("-1")).toBeNull();
    expect(fromPerMillion("lots")).toBeNull();
    expect(fromPerMillion("9999999")).toBeNull();
  });

  it("reads amounts the user types as micros", () => {
    expect(amountToMicros("2.5")).toBe(2_500_000);
    expect(amountToMicros(" 0.01 ")).toBe(10_000);
    expect(amountToMicros("0")).toBeNull();
    expect(amountToMicros("")).toBeNull();
    expect(amountToMicros("x")).toBeNull();
    expect(microsToAmount(2_500_000)).toBe("2.5");
  });
});
