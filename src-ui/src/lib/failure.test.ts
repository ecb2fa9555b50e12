import { describe, expect, it } from "vitest";
import { failureWords, nextStep } from "./failure";

describe("failureWords", () => {
  it("says the cause and the next step", () => {
    expect(failureWords({ code: "search", message: "The search server answered 503" })).toBe(
      "The search server answered 503 — the search server is unavailable — retry later or check Settings → Research",
    );
    expect(failureWords({ code: "unauthorized", message: "The model server refused the API key" })).toContain("Settings → Content provider");
  });
  it("keeps the cause alone when there is no specific next step, and says nothing without an error", () => {
    expect(failureWords({ code: "something_new", message: "Odd" })).toBe("Odd");
    expect(failureWords(null)).toBeNull();
    expect(nextStep(undefined)).toBeNull();
    expect(nextStep("toString")).toBeNull();
  });
});
