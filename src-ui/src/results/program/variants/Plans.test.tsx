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
import { hiresWords, keptWords } from "./words";

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

    const hires = card("Full scope with hires");
    expect(hires).not.toHaveTextContent("Adopted");
    expect(hires).toHaveTextContent("46 weeks");
    expect(hires).toHaveTextContent(/583,?834 EUR/);
    expect(hires).toHaveTextContent("9 people");
    expect(hires).toHaveTextContent("+2 hires: Finance and admin lead, Shift supervisor / front-of-house lead");
    expect(hires).toHaveTextContent("All 40 tasks");
    expect(within(hires).getByText("Needs more than your team of 7").closest(".program-warn")).not.toBeNull();

    const team = card("Full scope with your team");
    expect(team).toHaveTextContent("55 weeks");
    expect(within(team).getByText("Longer than the 52-week horizon").closest(".program-warn")).not.toBeNull();
    expect(within(team).getByText("Fits the budget").closest(".program-ok")).not.toBeNull();

    // Without a job to adopt into, the plans can only be looked at.
    expect(inPlans().queryByRole("button", { name: /^Adopt/ })).toBeNull();
    expect(inPlans().getAllByRole("button", { name: /^View / })).toHaveLength(3);
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
    expect(screen.getByRole("region", { name: "Duration" })).toHaveTextContent("46 weeks");
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
    expect(screen.getByRole("region", { name: "Duration" })).toHaveTextContent("55 weeks");
    expect(screen.getByRole("region", { name: "Duration" })).toHaveTextContent("longer than the 52-week horizon");
    expect(document.querySelectorAll("g.gantt-task")).toHaveLength(40);
    expect(screen.getByRole("region", { name: "Warnings" })).toHaveTextContent("With your team of 7 the plan takes 55 weeks");
    expect(backend.callsOf("choose_variant")).toHaveLength(0);

    await user.click(button("Back to adopted"));
    expect(document.querySelector(".plans-viewing")).toBeNull();
    expect(screen.getByRole("region", { name: "Duration" })).toHaveTextContent("50 weeks");
    expect(document.querySelectorAll("g.gantt-task")).toHaveLength(36);

    await user.click(button("View Full scope with hires"));
    await user.click(button("Adopt this plan"));
    await waitFor(() => expect(card("Full scope with hires")).toHaveTextContent("Adopted"));
    expect(backend.callsOf("choose_variant")).toEqual([{ id: "job-1", variant: "full_with_hires" }]);
    expect(document.querySelector(".plans-viewing")).toBeNull();
  });

  it("lists what the fitted plan leaves out, with priority, workstream, money and weeks saved", () => {
    const p = structuredClone(harbourProgram);
    const fitted = p.variants[0]!;
    fitted.deferred[1] = { ...fitted.deferred[1]!, drops_workstream: true };
    render(<ProgramView program={p} />);
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

  it("shows the shortfall sentence when even the musts do not fit", () => {
    const p = structuredClone(harbourProgram);
    const fitted = p.variants[0]!;
    fitted.summary.fits_budget = false;
    fitted.shortfall = { budget: 702_000, weeks: 50, team: null, summary: "Even the must tasks alone need 702,000 EUR (the budget is 650,000 EUR)." };
    render(<ProgramView program={p} />);
    const plans = screen.getByRole("region", { name: "Plans" });
    const sentence = within(plans).getByText(/Even the must tasks alone need 702,000 EUR/);
    expect(sentence.closest(".banner.warn")).not.toBeNull();
    expect(card("Fits your constraints")).toHaveTextContent("Over the budget");
  });

  it("renders a program made before plan variants exactly as before: no Plans section", async () => {
    const user = userEvent.setup();
    render(<ProgramView program={harbourLegacyProgram} jobId="job-1" />);
    expect(screen.queryByRole("region", { name: "Plans" })).toBeNull();
    expect(screen.queryByText("Adopted")).toBeNull();
    expect(document.querySelector(".plans-viewing")).toBeNull();
    // Its summary counts the roles' people as it always did.
    expect(screen.getByRole("region", { name: "Headcount" })).toHaveTextContent("2 more than the team of 7");
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
    expect(screen.getByRole("region", { name: "Headcount" })).toHaveTextContent("within the team of 7");
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

  it("says how many tasks a plan keeps", () => {
    expect(keptWords(40, 40)).toBe("All 40 tasks");
    expect(keptWords(36, 40)).toBe("36 of 40 tasks");
  });
});
