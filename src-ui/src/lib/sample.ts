// The sample initiative a first-time user can try before describing their own idea.
import type { InitiativeDraft_Deserialize as InitiativeDraft } from "../bindings";

/** The first Monday at least four weeks after `today`, as YYYY-MM-DD (local date). */
export function sampleStart(today: Date): string {
  const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 28);
  d.setDate(d.getDate() + ((8 - d.getDay()) % 7));
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A small, concrete idea that every operation has something to say about. */
export function sampleDraft(today: Date = new Date()): InitiativeDraft {
  return {
    name: "Harbour Coffee (sample)",
    description:
      "A specialty coffee bar by the ferry terminal for weekday commuters: espresso drinks and pastries to take away, open from 6:30, with a few seats for people waiting for the boat.",
    industry: "Food & beverage",
    budget: 250000,
    currency: "EUR",
    horizon_months: 12,
    team_size: 5,
    start_date: sampleStart(today),
    constraints: ["Open before the summer season"],
  };
}
