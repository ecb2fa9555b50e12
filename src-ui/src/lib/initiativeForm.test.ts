import { describe, expect, it } from "vitest";
import { emptyFields, keepingTeam, parseFields } from "./initiativeForm";

describe("parseFields", () => {
  it("lists every problem at once, each for its field", () => {
    const result = parseFields({ ...emptyFields(), name: " ", description: "short", budget: "-5", currency: "eu", horizon_months: "0", team_size: "1.5", start_date: "1999-12-31" });
    expect("errors" in result && result.errors).toEqual({
      name: "Give the initiative a name.",
      description: "Describe the idea in at least a sentence (10 characters or more).",
      budget: "The budget cannot be negative.",
      currency: "Use a three-letter currency code such as EUR, USD or GBP.",
      horizon_months: "The horizon must be at least one month.",
      team_size: "The team needs at least one person.",
      start_date: "The start date must fall between the years 2000 and 2100.",
    });
  });

  it("tidies a good form into the draft the backend expects", () => {
    const result = parseFields({ ...emptyFields(), name: "  Harbour Coffee ", description: "A coffee bar by the ferry terminal.", industry: "", budget: "650,000", currency: "eur", start_date: "2027-01-04", constraints: "open before summer\n\n  keep the old sign " });
    expect(result).toEqual({
      draft: {
        name: "Harbour Coffee",
        description: "A coffee bar by the ferry terminal.",
        industry: null,
        budget: 650000,
        currency: "EUR",
        horizon_months: 12,
        team_size: 5,
        start_date: "2027-01-04",
        constraints: ["open before summer", "keep the old sign"],
      },
    });
  });
});

describe("keepingTeam", () => {
  const team = [
    { id: "p1", name: "Ana", roles: ["pm", "marketing"] },
    { id: "p2", name: "Ben", roles: ["barista"] },
  ];
  const parsed = () => {
    const result = parseFields({ ...emptyFields(), name: "Cafe", description: "A cafe by the harbour.", budget: "1000", currency: "EUR", horizon_months: "6", team_size: "2", start_date: "2027-01-04" });
    if (!("draft" in result)) throw new Error("valid fields");
    return result.draft;
  };
  const existing = { ...parsed(), id: "i1", industry: null, constraints: [], team, created_at: 0, updated_at: 0 };

  it("keeps the mapping when the team size is unchanged", () => {
    expect(keepingTeam(parsed(), existing).team).toEqual(team);
  });

  it("drops it when the size changes, and for a new initiative", () => {
    expect(keepingTeam({ ...parsed(), team_size: 3 }, existing).team).toEqual([]);
    expect(keepingTeam(parsed(), undefined).team).toEqual([]);
  });
});
