// The initiative form's fields and their checks, the same rules the backend applies, so
// every problem shows next to its field before anything is sent.
import type { InitiativeDraft_Deserialize as InitiativeDraft, Initiative_Serialize as Initiative } from "../bindings";

/** The form as typed: text for every field, parsed on submit. */
export interface InitiativeFields {
  name: string;
  description: string;
  industry: string;
  budget: string;
  currency: string;
  horizon_months: string;
  team_size: string;
  start_date: string;
  constraints: string;
}

/** Field name → what is wrong with it. */
export type FieldErrors = Partial<Record<keyof InitiativeFields, string>>;

function nextMonday(now: Date = new Date()): string {
  const d = new Date(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()));
  d.setUTCDate(d.getUTCDate() + ((8 - d.getUTCDay()) % 7 || 7));
  return d.toISOString().slice(0, 10);
}

/** An empty form with sensible defaults. */
export function emptyFields(): InitiativeFields {
  return {
    name: "",
    description: "",
    industry: "",
    budget: "250000",
    currency: "EUR",
    horizon_months: "12",
    team_size: "5",
    start_date: nextMonday(),
    constraints: "",
  };
}

/** The form filled from a saved initiative. */
export function fieldsOf(i: Initiative): InitiativeFields {
  return {
    name: i.name,
    description: i.description,
    industry: i.industry ?? "",
    budget: String(i.budget ?? 0),
    currency: i.currency,
    horizon_months: String(i.horizon_months),
    team_size: String(i.team_size),
    start_date: i.start_date,
    constraints: i.constraints.join("\n"),
  };
}

function wholeNumber(text: string): number | null {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : null;
}

/** The draft to send, or every problem found. */
export function parseFields(f: InitiativeFields): { draft: InitiativeDraft } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = f.name.trim();
  if (!name) errors.name = "Give the initiative a name.";
  else if ([...name].length > 120) errors.name = "Keep the name under 120 characters.";
  const description = f.description.trim();
  if ([...description].length < 10) errors.description = "Describe the idea in at least a sentence (10 characters or more).";
  else if ([...description].length > 20_000) errors.description = "Keep the description under 20000 characters.";
  const industry = f.industry.trim();
  if ([...industry].length > 80) errors.industry = "Keep the industry under 80 characters.";
  const budget = Number(f.budget.replace(/[\s,_]/g, ""));
  if (f.budget.trim() === "" || !Number.isFinite(budget)) errors.budget = "The budget must be a number.";
  else if (budget < 0) errors.budget = "The budget cannot be negative.";
  else if (budget > 1e12) errors.budget = "The budget is too large to plan with.";
  const currency = f.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) errors.currency = "Use a three-letter currency code such as EUR, USD or GBP.";
  const horizon = wholeNumber(f.horizon_months);
  if (horizon == null || horizon < 1) errors.horizon_months = "The horizon must be at least one month.";
  else if (horizon > 120) errors.horizon_months = "The horizon cannot be longer than 10 years (120 months).";
  const team = wholeNumber(f.team_size);
  if (team == null || team < 1) errors.team_size = "The team needs at least one person.";
  else if (team > 10_000) errors.team_size = "Teams larger than 10000 people are not supported.";
  const year = Number(f.start_date.slice(0, 4));
  if (!/^\d{4}-\d{2}-\d{2}$/.test(f.start_date) || Number.isNaN(Date.parse(f.start_date))) errors.start_date = "Pick a start date.";
  else if (year < 2000 || year > 2100) errors.start_date = "The start date must fall between the years 2000 and 2100.";
  const constraints = f.constraints
    .split("\n")
    .map((c) => c.trim())
    .filter(Boolean);
  if (constraints.length > 50) errors.constraints = "List at most 50 constraints.";
  else if (constraints.some((c) => [...c].length > 500)) errors.constraints = "Keep each constraint under 500 characters.";
  if (Object.keys(errors).length > 0) return { errors };
  return {
    draft: {
      name,
      description,
      industry: industry || null,
      budget,
      currency,
      horizon_months: horizon ?? 1,
      team_size: team ?? 1,
      start_date: f.start_date,
      constraints,
    },
  };
}

/** The draft with the initiative's own team mapping kept when the team size is unchanged
 * (editing the name must not lose who covers which role); a new size starts a new mapping,
 * which the next plan derives. */
export function keepingTeam(draft: InitiativeDraft, existing: Initiative | undefined): InitiativeDraft {
  const team = existing && existing.team.length === draft.team_size ? existing.team : [];
  return { ...draft, team };
}
