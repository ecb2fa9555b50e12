import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { toast } from "sonner";
import { describe, expect, it, vi } from "vitest";
import type { Program_Serialize as Program, VariantId } from "../../../bindings";
import { money } from "../../../lib/format";
import { fmtDate } from "../../format";
import { FakeBackend } from "../../../test/ipc";
import { renderAt } from "../../../test/render";
import { adopted, harbourLegacyProgram, harbourProgram } from "../../fixtures/program";
import { smallProgram } from "../../fixtures/small";
import { JobResult } from "../../ResultView";
import { ProgramView } from "../ProgramView";
import { byScore } from "../parts";
import { lengthNote } from "../Summary";
import { NOTHING_LEFT_OUT } from "./Deferred";
import { fitsOf, hiresCost, hiresWords, keptWords, weekShort } from "./words";

// Role queries over a whole program (a 40-task Gantt and its tables) are slow in jsdom: the
// plan controls are looked up inside the Plans section.
const plansSection = () => {
  const el = document.querySelector<HTMLElement>("section.plans");
  if (!el) throw new Error("no Plans section");
  return el;
};
const inPlans = () => within(plansSection());
const card = (label: string) => inPlans().getByRole("region", { name: label });
const button = (name: string) => inPlans().getByRole("button", { name });
/** The one disclosure with the details of the plan shown (none when there is nothing to tell). */
const details = () => plansSection().querySelector<HTMLDetailsElement>("details.plans-details");
/** The budget, length and people of the plan shown, in its details. */
const facts = () => {
  const el = plansSection().querySelector<HTMLElement>("ul.plans-facts");
  if (!el) throw new Error("no figures in the details");
  return el;
};
/** A card's figures as they read on screen (the short line; its full words are for screen readers). */
const figuresSeen = (el: HTMLElement) => el.querySelector(".plan-figures > [aria-hidden=true]")?.textContent?.replace(/\s+/g, " ").trim();
/** Waits for the fetched result's Plans section. */
const loaded = () => screen.findByText("Plans", { selector: "h2" });
const variant = (id: VariantId) => {
  const v = harbourProgram.variants.find((x) => x.id === id);
  if (!v) throw new Error(`fixture has no ${id}`);
  return v;
};

/** The result page's program: fetched by job id, adoptable. */
function renderResult(program: Program = harbourProgram, choose?: (variant: VariantId) => unknown) {
  const backend = new FakeBackend({
    get_result: () => ({ operation: "program", result: program }),
    choose_variant: (args) => (choose ? choose(args.variant as VariantId) : { operation: "program", result: adopted(program, args.variant as VariantId) }),
  });
  renderAt(<JobResult id="job-1" />);
  return backend;
}

describe("Plans", () => {
  it("shows the three variants side by side, in order, with their figures and fit marks in words", () => {
    const { container } = render(<ProgramView program={harbourProgram} />);
    const plans = screen.getByRole("region", { name: "Plans" });
    expect(plans).toBe(plansSection());
    expect(plans).toHaveTextContent("Charter planned this three ways");
    expect([...container.querySelectorAll("[data-variant]")].map((c) => c.getAttribute("data-variant"))).toEqual(["fitted", "full_with_hires", "full_with_team"]);

    const fitted = card("Fits your constraints");
    expect(fitted).toHaveTextContent("Adopted");
    expect(fitted).toHaveTextContent("50 weeks");
    expect(fitted).toHaveTextContent(`ends ${fmtDate("2027-12-19")}`);
    expect(fitted).toHaveTextContent(money(variant("fitted").summary.cost, "EUR"));
    expect(fitted).toHaveTextContent("7 people");
    expect(fitted).toHaveTextContent("36 of 40 tasks");
    expect(fitted).toHaveTextContent("Fits the budget");
    expect(fitted).toHaveTextContent("Fits the 52-week horizon");
    expect(fitted).toHaveTextContent("Fits your team of 7");
    expect(fitted).toHaveTextContent(/Leaves out 4 tasks, saving [\d,.]+ EUR and 5 weeks/);
    // On screen: one short line of figures, what it cuts inline.
    expect(figuresSeen(fitted)).toBe(`${weekShort(50)} · ${money(variant("fitted").summary.cost, "EUR")} · 7 people · −4 tasks`);

    const hires = card("Full scope with hires");
    expect(hires).not.toHaveTextContent("Adopted");
    expect(hires).toHaveTextContent("46 weeks");
    expect(hires).toHaveTextContent(/583,?834 EUR/);
    expect(hires).toHaveTextContent("9 people");
    expect(hires).toHaveTextContent("+2 hires: Finance and admin lead, Shift supervisor / front-of-house lead");
    expect(hires).toHaveTextContent("All 40 tasks");
    expect(hires).toHaveTextContent(`their work ${money(21_600 + 15_800, "EUR")}`);
    expect(figuresSeen(hires)).toBe(`46 wk · ${money(variant("full_with_hires").summary.cost, "EUR")} · 9 people · +2 hires`);
    expect(within(hires).getByText("Needs more than your team of 7").closest(".program-warn")).not.toBeNull();

    const team = card("Full scope with your team");
    expect(team).toHaveTextContent("55 weeks");
    expect(within(team).getByText("Longer than the 52-week horizon").closest(".program-warn")).not.toBeNull();
    expect(within(team).getByText("Fits the budget").closest(".program-ok")).not.toBeNull();
    expect(figuresSeen(team)).toBe(`55 wk · ${money(variant("full_with_team").summary.cost, "EUR")} · 7 people`);

    // Without a job to adopt into, the plans can only be looked at.
    expect(inPlans().queryByRole("button", { name: /^Adopt/ })).toBeNull();
    expect(inPlans().getAllByRole("button", { name: /^View / })).toHaveLength(3);
  });

  it("marks the fits compactly: an icon, a short word and a colour, the whole sentence as name and tooltip", () => {
    render(<ProgramView program={harbourProgram} />);
    const marks = within(within(card("Full scope with your team")).getByRole("list", { name: "Against your limits" })).getAllByRole("listitem");
    expect(marks.map((m) => [m.className, m.getAttribute("title"), m.querySelector("[aria-hidden=true]:not(svg)")?.textContent, !!m.querySelector("svg")])).toEqual([
      ["program-ok", "Fits the budget", "budget", true],
      ["program-warn", "Longer than the 52-week horizon", "horizon", true],
      ["program-ok", "Fits your team of 7", "team", true],
    ]);
    // The sentence is in the accessible text too, not only in the tooltip.
    expect(marks[1]).toHaveTextContent("Longer than the 52-week horizon");
    expect(fitsOf(variant("full_with_hires").summary, 52, 7).map((f) => (f.ok ? "✓ " : "⚠ ") + f.short)).toEqual(["✓ budget", "✓ horizon", "⚠ team"]);
    // The figures' whole words are the line's tooltip.
    const hires = card("Full scope with hires");
    expect(hires.querySelector(".plan-figures")?.getAttribute("title")).toMatch(/^46 weeks, ends .+ · 9 people \(\+2 hires: Finance and admin lead, Shift supervisor \/ front-of-house lead; their work [\d,.]+ EUR\) · All 40 tasks$/);
    // The Adopted mark and the classes and attributes the end-to-end run looks for.
    const adoptedCard = plansSection().querySelector("section.plan-card.is-adopted");
    expect(adoptedCard?.getAttribute("data-variant")).toBe("fitted");
    expect(adoptedCard?.querySelector(".plan-mark")).toHaveTextContent("Adopted");
    expect(plansSection().querySelectorAll("section.plan-card")).toHaveLength(3);
    expect(button("View Fits your constraints")).toHaveAttribute("aria-pressed", "true");
    expect(button("View Full scope with hires")).toHaveAttribute("aria-pressed", "false");
  });

  it("adopts a plan: calls choose_variant with the job and the variant, and the Adopted mark moves", async () => {
    const user = userEvent.setup();
    const backend = renderResult();
    await loaded();
    await user.click(button("Adopt Full scope with hires"));
    await waitFor(() => expect(card("Full scope with hires")).toHaveTextContent("Adopted"));
    expect(backend.callsOf("choose_variant")).toEqual([{ id: "job-1", variant: "full_with_hires" }]);
    expect(card("Fits your constraints")).not.toHaveTextContent("Adopted");
    expect(button("Adopt Fits your constraints")).toBeEnabled();
    expect(inPlans().queryByRole("button", { name: "Adopt Full scope with hires" })).toBeNull();
    // The page shows the adopted plan: its figures and its 40 tasks.
    expect(facts()).toHaveTextContent("46 weeks");
    expect(document.querySelectorAll("g.gantt-task")).toHaveLength(40);
    expect(document.querySelector(".plans-viewing")).toBeNull();
  });

  it("disables adopting while the choice is being stored", async () => {
    const user = userEvent.setup();
    let answer: (value: unknown) => void = () => {};
    renderResult(harbourProgram, (v) => new Promise((resolve) => (answer = () => resolve({ operation: "program", result: adopted(harbourProgram, v) }))));
    await loaded();
    await user.click(button("Adopt Full scope with your team"));
    await waitFor(() => expect(button("Adopting… Full scope with your team")).toBeDisabled());
    expect(button("Adopt Full scope with hires")).toBeDisabled();
    answer(null);
    await waitFor(() => expect(card("Full scope with your team")).toHaveTextContent("Adopted"));
    expect(button("Adopt Full scope with hires")).toBeEnabled();
  });

  it("shows why adopting failed the way the page shows errors, and keeps the adopted plan", async () => {
    const user = userEvent.setup();
    const error = vi.spyOn(toast, "error").mockImplementation(() => "t");
    renderResult(harbourProgram, () => {
      throw { code: "not_found", message: "the program has no such plan" };
    });
    await loaded();
    await user.click(button("Adopt Full scope with hires"));
    await waitFor(() => expect(error).toHaveBeenCalledWith("Could not adopt the plan: the program has no such plan"));
    expect(card("Fits your constraints")).toHaveTextContent("Adopted");
    expect(button("Adopt Full scope with hires")).toBeEnabled();
  });

  it("views a plan without adopting it: a banner says so, the tabs show that plan, and it can be adopted or left", async () => {
    const user = userEvent.setup();
    const backend = renderResult();
    await loaded();
    await user.click(button("View Full scope with your team"));
    expect(inPlans().getByRole("status")).toHaveTextContent("Viewing Full scope with your team — not adopted");
    expect(button("View Full scope with your team")).toHaveAttribute("aria-pressed", "true");
    expect(card("Full scope with your team")).toHaveTextContent("Viewing");
    expect(card("Fits your constraints")).toHaveTextContent("Adopted");
    expect(details()?.querySelector("summary")).toHaveTextContent("Details of “Full scope with your team”");
    expect(facts()).toHaveTextContent("55 weeks");
    expect(document.querySelectorAll("g.gantt-task")).toHaveLength(40);
    expect(screen.getByRole("region", { name: "Warnings" })).toHaveTextContent("With your team of 7 the plan takes 55 weeks");
    expect(backend.callsOf("choose_variant")).toHaveLength(0);

    await user.click(button("Back to adopted"));
    expect(document.querySelector(".plans-viewing")).toBeNull();
    expect(facts()).toHaveTextContent("50 weeks");
    expect(document.querySelectorAll("g.gantt-task")).toHaveLength(36);

    await user.click(button("View Full scope with hires"));
    await user.click(button("Adopt this plan"));
    await waitFor(() => expect(card("Full scope with hires")).toHaveTextContent("Adopted"));
    expect(backend.callsOf("choose_variant")).toEqual([{ id: "job-1", variant: "full_with_hires" }]);
    expect(document.querySelector(".plans-viewing")).toBeNull();
  });

  it("lists what the fitted plan leaves out in one closed disclosure, with priority, workstream, money and weeks saved", async () => {
    const user = userEvent.setup();
    const p = structuredClone(harbourProgram);
    const fitted = p.variants[0]!;
    fitted.deferred[1] = { ...fitted.deferred[1]!, drops_workstream: true };
    render(<ProgramView program={p} />);
    expect(plansSection().querySelectorAll("details")).toHaveLength(1);
    const disclosure = details()!;
    expect(disclosure.open).toBe(false);
    const summary = disclosure.querySelector("summary")!;
    expect(summary).toHaveTextContent(/^Details of “Fits your constraints” · leaves out 4 tasks, saving [\d,.]+ EUR and 5 weeks$/);
    await user.click(summary);
    expect(disclosure.open).toBe(true);
    expect(within(disclosure).getByRole("heading", { name: "What “Fits your constraints” leaves out" })).toBeInTheDocument();
    const table = screen.getByRole("table", { name: "Tasks “Fits your constraints” leaves out" });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(1 + 4 + 1);
    expect(rows[0]).toHaveTextContent(/Task.*Priority.*Workstream.*Saves.*Weeks saved/);
    const first = fitted.deferred[0]!;
    expect(rows[1]).toHaveTextContent("List on delivery platforms with a priced delivery menu");
    expect(rows[1]).toHaveTextContent("could");
    expect(rows[1]).toHaveTextContent("Brand, marketing and opening");
    expect(rows[1]).toHaveTextContent(money(first.saves, "EUR"));
    expect(rows[1]).not.toHaveTextContent("milestone");
    expect(rows[2]).toHaveTextContent("its milestone is not reached");
    expect(rows[3]).toHaveTextContent("should");
    expect(rows[5]).toHaveTextContent(/All 4 tasks.*EUR\s*5$/);
  });

  it("tells the details of the plan viewed: its hires with what their work costs, or one line when it leaves nothing out", async () => {
    const user = userEvent.setup();
    render(<ProgramView program={harbourProgram} />);
    await user.click(button("View Full scope with hires"));
    const disclosure = details()!;
    expect(disclosure.open).toBe(false);
    const summary = disclosure.querySelector("summary")!;
    expect(summary).toHaveTextContent(`Details of “Full scope with hires” · nothing left out · +2 hires, their work ${money(hiresCost(variant("full_with_hires").hires), "EUR")}`);
    await user.click(summary);
    expect(disclosure).toHaveTextContent("Nothing left out: every task fits.");
    const table = within(disclosure).getByRole("table", { name: "Hires “Full scope with hires” needs" });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(1 + 2 + 1);
    expect(rows[0]).toHaveTextContent(/Role.*People.*Their work/);
    expect(rows[1]).toHaveTextContent(`Finance and admin lead1${money(21_600, "EUR")}`);
    expect(rows[2]).toHaveTextContent(`Shift supervisor / front-of-house lead1${money(15_800, "EUR")}`);
    expect(rows[3]).toHaveTextContent(`All hires2${money(37_400, "EUR")}`);

    // A plan that keeps every task and hires no one: its disclosure says so in its one line.
    await user.click(button("View Full scope with your team"));
    expect(details()?.querySelector("summary")).toHaveTextContent(/^Details of “Full scope with your team” · nothing left out$/);
    expect(details()).toHaveTextContent(NOTHING_LEFT_OUT);
    expect(within(details()!).queryByRole("table")).toBeNull();
  });

  it("shows the shortfall sentence when even the musts do not fit", () => {
    const p = structuredClone(harbourProgram);
    const fitted = p.variants[0]!;
    fitted.summary.fits_budget = false;
    fitted.shortfall = { budget: 702_000, weeks: 50, team: null, summary: "Even the must tasks alone need 702,000 EUR (the budget is 650,000 EUR)." };
    render(<ProgramView program={p} />);
    const plans = screen.getByRole("region", { name: "Plans" });
    const sentence = within(plans).getByText(/Even the must tasks alone need 702,000 EUR/);
    const banner = sentence.closest(".banner.warn");
    expect(banner).not.toBeNull();
    // One compact line: the plan's label and the sentence in a single paragraph.
    expect(banner?.querySelectorAll("p")).toHaveLength(1);
    expect(banner).toHaveTextContent("Fits your constraints: Even the must tasks alone need 702,000 EUR (the budget is 650,000 EUR).");
    expect(card("Fits your constraints")).toHaveTextContent("Over the budget");
  });

  it("takes the summary cards' place: no Duration, Budget, Headcount or Top risk card, the top risk one line below the plans", () => {
    const p = adopted(harbourProgram, "full_with_team");
    const { container } = render(<ProgramView program={p} />);
    for (const name of ["Duration", "Budget", "Headcount", "Top risk"]) expect(screen.queryByRole("region", { name })).toBeNull();
    expect(container.querySelector(".program-stats")).toBeNull();
    // Plans (their last line the top risk), then the warnings, then the tabs.
    const plans = plansSection();
    const warnings = screen.getByRole("region", { name: "Warnings" });
    const risk = screen.getByTestId("top-risk");
    expect(plans.lastElementChild).toBe(risk);
    expect(plans.compareDocumentPosition(warnings) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(warnings.compareDocumentPosition(screen.getByRole("tablist")) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(warnings).toHaveTextContent("With your team of 7 the plan takes 55 weeks");
  });

  it("tells the plan shown's budget margin, contingency and length in its details, as the summary cards did", async () => {
    const user = userEvent.setup();
    render(<ProgramView program={harbourProgram} />);
    const fitted = variant("fitted").plan;
    const budget = within(facts()).getByText("Budget").parentElement!;
    expect(budget).toHaveTextContent(`${money(fitted.budget.total, "EUR")}, incl. 10 % contingency · ${money(fitted.budget.variance, "EUR")} under the ${money(650_000, "EUR")} available`);
    expect(within(budget).getByText(/under the/).closest(".program-ok")).not.toBeNull();
    const length = within(facts()).getByText("Length").parentElement!;
    expect(length).toHaveTextContent("50 weeks, as staffed; 43 if every role were free");
    expect(length).toHaveTextContent(`50 weeks, ${lengthNote(fitted.schedule)}`);
    // Not on the cards: they stay one line of figures.
    expect(card("Fits your constraints")).not.toHaveTextContent("contingency");
    expect(card("Fits your constraints")).not.toHaveTextContent("under the");

    // The plan viewed brings its own.
    await user.click(button("View Full scope with hires"));
    const full = variant("full_with_hires").plan;
    expect(facts()).toHaveTextContent(`${money(full.budget.variance, "EUR")} under the ${money(650_000, "EUR")} available`);
    expect(facts()).toHaveTextContent(`46 weeks, ${lengthNote(full.schedule)}`);
    expect(facts()).toHaveTextContent(`9 people in ${full.resources.length} roles`);
  });

  it("says by how much a plan is over the budget, and when no role holds it up", () => {
    const p = structuredClone(harbourProgram);
    const plan = p.variants[0]!.plan;
    plan.budget = { ...plan.budget, variance: -5_000 };
    plan.schedule = { ...plan.schedule, critical_path_weeks: 50 };
    render(<ProgramView program={p} />);
    const over = within(facts()).getByText(/over the available/);
    expect(over).toHaveTextContent(`over the available ${money(650_000, "EUR")} by ${money(5_000, "EUR")}`);
    expect(over.closest(".program-warn")).not.toBeNull();
    expect(facts()).toHaveTextContent("50 weeks, as short as the critical path: no role holds it up");
  });

  it("shows the top risk in one line, with its severity, and opens the Risks tab from it", async () => {
    const user = userEvent.setup();
    render(<ProgramView program={harbourProgram} />);
    const top = byScore(harbourProgram.risks)[0]!;
    expect(top.title).toBe("Fit-out costs overrun once walls, floors and services are opened up");
    const line = screen.getByTestId("top-risk");
    expect(line).toHaveTextContent(`Top risk: ${top.title} — High likely × major (score 16)`);
    expect(line.querySelector(".program-sev.sev-high")).toHaveTextContent("High");
    const open = within(line).getByRole("button", { name: `${top.title} — show it in the Risks tab` });
    expect(open).toHaveAttribute("title", `${top.title} — show it in the Risks tab`);
    expect(screen.getByRole("tab", { name: "Schedule" })).toHaveAttribute("aria-selected", "true");
    await user.click(open);
    const risks = screen.getByRole("tab", { name: /Risks/ });
    expect(risks).toHaveAttribute("aria-selected", "true");
    expect(risks).toHaveFocus();
    expect(within(screen.getByRole("table", { name: "Risk register" })).getAllByRole("row")[1]).toHaveTextContent(top.title);
    // The tabs still change by hand afterwards.
    await user.click(screen.getByRole("tab", { name: "Schedule" }));
    expect(screen.getByRole("tab", { name: "Schedule" })).toHaveAttribute("aria-selected", "true");
  });

  it("says so when the plan shown records no risk", () => {
    const p = structuredClone(harbourProgram);
    p.risks = [];
    render(<ProgramView program={p} />);
    expect(screen.getByTestId("top-risk")).toHaveTextContent(/^Top risk: none recorded$/);
    expect(within(screen.getByTestId("top-risk")).queryByRole("button")).toBeNull();
  });

  it("keeps the whole explainer as the section's description (it is hidden in a narrow window)", () => {
    render(<ProgramView program={harbourProgram} />);
    const plans = plansSection();
    const intro = document.getElementById(plans.getAttribute("aria-describedby") ?? "");
    expect(intro).toHaveClass("plans-intro");
    expect(intro).toHaveTextContent("Charter planned this three ways — cut to fit, or every task with hires, or with your team as it is; the one you adopt drives every tab and export.");
    expect(screen.getByRole("region", { name: "Plans" })).toHaveAccessibleDescription(/^Charter planned this three ways/);
  });

  it("renders a program made before plan variants exactly as before: no Plans section", async () => {
    const user = userEvent.setup();
    render(<ProgramView program={harbourLegacyProgram} jobId="job-1" />);
    expect(screen.queryByRole("region", { name: "Plans" })).toBeNull();
    expect(screen.queryByText("Adopted")).toBeNull();
    expect(document.querySelector(".plans-viewing")).toBeNull();
    // Its summary cards as they always were, counting the roles' people; no top-risk line.
    for (const name of ["Duration", "Budget", "Headcount", "Top risk"]) expect(screen.getByRole("region", { name })).toBeInTheDocument();
    expect(screen.getByRole("region", { name: "Headcount" })).toHaveTextContent("2 more than the team of 7");
    expect(screen.getByRole("region", { name: "Budget" })).toHaveTextContent("10 % contingency");
    expect(screen.queryByTestId("top-risk")).toBeNull();
    // No priorities or people it never had.
    const table = screen.getByRole("table", { name: "Tasks with their levelled dates" });
    expect(within(table).queryByRole("columnheader", { name: "Priority" })).toBeNull();
    expect(within(table).queryByRole("columnheader", { name: "People" })).toBeNull();
    await user.click(screen.getByRole("tab", { name: "Resources" }));
    expect(screen.queryByRole("table", { name: "Your team" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Edit who covers which role" })).toBeNull();
  });

  it("marks each task's priority and people in the schedule table", () => {
    render(<ProgramView program={harbourProgram} />);
    const table = screen.getByRole("table", { name: "Tasks with their levelled dates" });
    expect(within(table).getByRole("columnheader", { name: "Priority" })).toBeInTheDocument();
    expect(within(table).getByRole("columnheader", { name: "People" })).toBeInTheDocument();
    const row = within(table)
      .getAllByRole("row")
      .find((r) => r.textContent?.includes("Build social channels"));
    expect(row).toHaveTextContent("should");
    expect(row).toHaveTextContent("Marketing manager");
    expect(within(table).getAllByText("must").length).toBeGreaterThan(20);
    // The adopted plan's headcount is its people, each counted once.
    expect(figuresSeen(card("Fits your constraints"))).toContain("7 people");
    expect(facts()).toHaveTextContent(`7 people in ${harbourProgram.resources.length} roles`);
  });

  it("small programs without variants show no priority column either", () => {
    render(<ProgramView program={smallProgram()} />);
    expect(screen.queryByRole("region", { name: "Plans" })).toBeNull();
    expect(screen.queryByRole("columnheader", { name: "Priority" })).toBeNull();
  });
});

describe("plan words", () => {
  it("names the hires, and shortens a long list", () => {
    expect(hiresWords([])).toBeNull();
    expect(hiresWords([{ role: "a", name: "Clinician", people: 2, cost: 1000 }])?.short).toBe("+2 hires: Clinician ×2");
    expect(hiresWords([{ role: "a", name: "Clinician", people: 2, cost: 1000 }])?.count).toBe("+2 hires");
    expect(hiresCost([{ role: "a", name: "Clinician", people: 2, cost: 1000 }, { role: "b", name: "Nurse", people: 1, cost: null }])).toBe(1000);
    expect(hiresCost([{ role: "b", name: "Nurse", people: 1, cost: null }])).toBeNull();
    const many = hiresWords([
      { role: "a", name: "Clinician", people: 1, cost: 1000 },
      { role: "b", name: "Nurse", people: 1, cost: 1000 },
      { role: "c", name: "Receptionist", people: 1, cost: 1000 },
      { role: "d", name: "Manager", people: 1, cost: 1000 },
    ]);
    expect(many?.short).toBe("+4 hires: Clinician, Nurse…");
    expect(many?.full).toBe("+4 hires: Clinician, Nurse, Receptionist, Manager");
    expect(hiresWords([{ role: "a", name: "Nurse", people: 1, cost: 1000 }])?.short).toBe("+1 hire: Nurse");
  });

  it("says how a plan stands against each limit, short and in full", () => {
    const s = { weeks: 60, cost: 1, headcount: 9, tasks: 40, fits_budget: false, fits_horizon: false, fits_team: false };
    expect(fitsOf(s, 52, 7).map((f) => [f.short, f.full])).toEqual([
      ["budget", "Over the budget"],
      ["horizon", "Longer than the 52-week horizon"],
      ["team", "Needs more than your team of 7"],
    ]);
    expect(weekShort(43)).toBe("43 wk");
  });

  it("says how many tasks a plan keeps", () => {
    expect(keptWords(40, 40)).toBe("All 40 tasks");
    expect(keptWords(36, 40)).toBe("36 of 40 tasks");
  });
});
