import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { harbourProgram } from "../fixtures/program";
import { smallProgram } from "../fixtures/small";
import { ProgramView } from "./ProgramView";
import { roleMonthLoad } from "./roleMonthLoad";
import { lengthNote } from "./Summary";

function svg(container: HTMLElement): SVGSVGElement {
  const el = container.querySelector<SVGSVGElement>("svg.gantt-svg");
  if (!el) throw new Error("no gantt svg");
  return el;
}

describe("ProgramView summary", () => {
  it("shows duration, budget with currency, headcount and the top risk", () => {
    render(<ProgramView program={smallProgram()} />);
    const duration = screen.getByRole("region", { name: "Duration" });
    expect(duration).toHaveTextContent("6 weeks");
    expect(duration).toHaveTextContent("fits the 13-week horizon");
    expect(duration).toHaveTextContent("as short as the critical path");
    const budget = screen.getByRole("region", { name: "Budget" });
    expect(budget).toHaveTextContent(/55,?000 EUR/);
    expect(budget).toHaveTextContent("10 % contingency");
    const head = screen.getByRole("region", { name: "Headcount" });
    expect(head).toHaveTextContent("3 people");
    expect(head).toHaveTextContent("1 more than the team of 2");
    // R4 (score 25) is the most serious even though it is listed last.
    const top = screen.getByRole("region", { name: "Top risk" });
    expect(top).toHaveTextContent("Nobody comes");
    expect(top).toHaveTextContent("Critical");
    expect(top).toHaveTextContent("almost certain × severe (score 25)");
  });

  it("keeps the four cards below the warnings for a program without plan variants, with no Plans row or top-risk line", () => {
    const { container } = render(<ProgramView program={smallProgram()} />);
    expect(screen.queryByRole("region", { name: "Plans" })).toBeNull();
    expect(screen.queryByTestId("top-risk")).toBeNull();
    const stats = container.querySelector(".program-stats");
    expect([...(stats?.children ?? [])].map((c) => c.getAttribute("aria-label"))).toEqual(["Duration", "Budget", "Headcount", "Top risk"]);
    // Warnings, then the cards, then the tabs — as before.
    const warnings = screen.getByRole("region", { name: "Warnings" });
    expect(warnings.nextElementSibling).toBe(stats);
    expect(stats?.nextElementSibling).toHaveClass("program-tabs");
    expect(screen.getByRole("region", { name: "Budget" })).toHaveTextContent(/45,?000 EUR under the 100,?000 EUR available/);
    expect(screen.getByRole("region", { name: "Duration" })).toHaveTextContent("as short as the critical path");
  });

  it("says quietly that the offline engine made it, and shows the warnings", () => {
    render(<ProgramView program={smallProgram()} />);
    expect(screen.getByText(/Made by Charter's built-in playbooks \(no AI model\)/)).toHaveAttribute("title", "Charter offline engine (test)");
    expect(screen.getByRole("region", { name: "Warnings" })).toHaveTextContent("The plan staffs 3 people");
  });

  it("names the model when a model made it", () => {
    const p = smallProgram();
    p.source = { engine: "model", label: "Model gpt at x", model: "gpt-test" };
    render(<ProgramView program={p} />);
    expect(screen.queryByText(/offline engine/)).toBeNull();
    expect(screen.getByText(/Made by gpt-test/)).toBeInTheDocument();
  });

  it("flags a schedule over the horizon and a plan over budget in words", () => {
    const p = smallProgram();
    p.schedule = { ...p.schedule, fits_horizon: false, horizon_weeks: 4 };
    p.budget = { ...p.budget, variance: -5000 };
    render(<ProgramView program={p} />);
    expect(screen.getByRole("region", { name: "Duration" })).toHaveTextContent("longer than the 4-week horizon");
    expect(screen.getByRole("region", { name: "Budget" })).toHaveTextContent(/over the available 100,?000 EUR by 5,?000 EUR/);
  });
});

describe("lengthNote", () => {
  const base = { ...harbourProgram.schedule };
  it("puts the levelled length beside the critical path, in words", () => {
    expect(lengthNote({ ...base, levelled_weeks: 46, critical_path_weeks: 43, shortest_possible_weeks: 44 })).toBe("as staffed; 43 if every role were free");
  });
  it("says so when no schedule with this team can be shorter", () => {
    expect(lengthNote({ ...base, levelled_weeks: 46, critical_path_weeks: 43, shortest_possible_weeks: 46 })).toBe(
      "as staffed; 43 if every role were free (none shorter with these people)",
    );
    // A program levelled before the bound was recorded claims nothing.
    expect(lengthNote({ ...base, levelled_weeks: 46, critical_path_weeks: 43, shortest_possible_weeks: 0, schedules_built: 0 })).toBe("as staffed; 43 if every role were free");
  });
});

describe("ProgramView Gantt", () => {
  it("marks critical tasks with a hatched bar and a tooltip — and only those; the word once, in the legend", () => {
    const p = smallProgram();
    const { container } = render(<ProgramView program={p} />);
    const chart = svg(container);
    const pattern = chart.querySelector("pattern");
    expect(pattern?.id).toBeTruthy();
    for (const t of p.tasks) {
      expect(container.querySelector(`.gantt-labels [data-task="${t.id}"]`)).not.toBeNull();
      const bar = chart.querySelector(`g[data-task="${t.id}"]`);
      expect(bar).not.toBeNull();
      const rect = bar?.querySelector("rect");
      const title = bar?.querySelector("title")?.textContent ?? "";
      if (t.critical) {
        expect(rect?.style.fill).toMatch(new RegExp(`^url\\("?#${pattern?.id}"?\\)$`));
        expect(rect).toHaveClass("gantt-bar-critical");
        expect(title).toContain("critical path");
      } else {
        expect(rect?.style.fill).toBe("");
        expect(rect).not.toHaveClass("gantt-bar-critical");
        expect(title).not.toContain("critical");
        expect(title).toContain("slack 4 wk");
      }
    }
    // Not written on every bar: the legend explains the hatching once.
    expect(chart.querySelector(".gantt-task text")).toBeNull();
    expect(container.querySelector(".gantt-legend")).toHaveTextContent("Critical path (hatched)");
    // The table alternative says so in words too.
    const table = screen.getByRole("table", { name: "Tasks with their levelled dates" });
    const rowOf = (name: string) => within(table).getAllByRole("row").find((r) => r.textContent?.includes(name));
    expect(rowOf("Fit out the shop")).toHaveTextContent("critical");
    expect(rowOf("Test recipes")).not.toHaveTextContent("critical");
  });

  it("places bars by levelled weeks, grouped under their workstream", () => {
    const { container } = render(<ProgramView program={smallProgram()} />);
    const labels = [...container.querySelectorAll(".gantt-labels .gantt-label")].map((l) => l.textContent);
    expect(labels[0]).toBe("Alpha stream");
    expect(labels[1]).toBe("Find the site");
    expect(labels[2]).toBe("Test recipes");
    expect(labels[3]).toBe("Beta stream");
    expect(labels[4]).toBe("Fit out the shop");
    const chart = svg(container);
    const x = (id: string) => Number(chart.querySelector(`g[data-task="${id}"] rect`)?.getAttribute("x"));
    const w = (id: string) => Number(chart.querySelector(`g[data-task="${id}"] rect`)?.getAttribute("width"));
    expect(x("a1")).toBeLessThan(x("a2"));
    expect(x("a2")).toBeLessThan(x("b1"));
    expect(w("a1")).toBeCloseTo(3 * w("a2") + 2, 0);
  });

  it("draws each stage gate as a diamond in its workstream row, labelled with its name", () => {
    const p = smallProgram();
    const { container } = render(<ProgramView program={p} />);
    const gates = svg(container).querySelectorAll("g.gantt-gate");
    expect(gates).toHaveLength(2);
    for (const g of p.stage_gates) {
      const el = svg(container).querySelector(`g[data-gate="${g.id}"]`);
      expect(el?.querySelector("polygon")?.getAttribute("points")?.split(" ")).toHaveLength(4);
      expect(el?.querySelector("text")).toHaveTextContent(`${g.id} ${g.name}`.slice(0, 20));
      expect(el?.querySelector("title")?.textContent).toContain(g.name);
    }
    // The gate sits at its week: G2 (week 6) right of G1 (week 3).
    const px = (id: string) => Number(svg(container).querySelector(`g[data-gate="${id}"] text`)?.getAttribute("x"));
    expect(px("G2")).toBeGreaterThan(px("G1"));
  });

  it("has a legend and a table alternative", () => {
    const { container } = render(<ProgramView program={smallProgram()} />);
    const legend = container.querySelector(".gantt-legend");
    expect(legend).toHaveTextContent("Critical path");
    expect(legend).toHaveTextContent("Stage gate");
    const table = screen.getByRole("table", { name: "Tasks with their levelled dates" });
    expect(within(table).getAllByRole("row")).toHaveLength(1 + 2 + 3);
    expect(svg(container)).toHaveAttribute("aria-label", expect.stringContaining("2 on the critical path"));
  });

  it("renders the offline engine's real program: one bar per task, critical path matching the schedule", () => {
    const { container } = render(<ProgramView program={harbourProgram} />);
    const chart = svg(container);
    expect(chart.querySelectorAll("g.gantt-task")).toHaveLength(harbourProgram.tasks.length);
    const critical = [...chart.querySelectorAll('g.gantt-task[data-critical="true"]')].map((g) => g.getAttribute("data-task"));
    expect(new Set(critical)).toEqual(new Set(harbourProgram.tasks.filter((t) => t.critical).map((t) => t.id)));
    for (const id of harbourProgram.schedule.critical_path) expect(critical).toContain(id);
    expect(chart.querySelectorAll("g.gantt-gate")).toHaveLength(harbourProgram.stage_gates.length);
    expect(screen.getByRole("region", { name: "Gantt chart" })).toHaveAttribute("tabindex", "0");
  });
});

describe("ProgramView tabs", () => {
  it("shows the risk heat map with counts per cell, and filters the register from a cell", async () => {
    const user = userEvent.setup();
    const { container } = render(<ProgramView program={smallProgram()} />);
    await user.click(screen.getByRole("tab", { name: /Risks/ }));
    const cell = (p: number, i: number) => container.querySelector<HTMLElement>(`td.heat-cell[data-probability="${p}"][data-impact="${i}"]`);
    expect(container.querySelectorAll("td.heat-cell")).toHaveLength(25);
    expect(cell(4, 4)).toHaveTextContent("2");
    expect(cell(4, 4)).toHaveClass("sev-high");
    expect(cell(5, 5)).toHaveTextContent("1");
    expect(cell(5, 5)).toHaveClass("sev-critical");
    expect(cell(1, 2)).toHaveTextContent("1");
    expect(cell(1, 2)).toHaveClass("sev-low");
    expect(cell(3, 3)?.querySelector("button")).toBeNull();
    expect(cell(3, 3)).toHaveClass("sev-medium");
    const total = [...container.querySelectorAll("td.heat-cell")].reduce((n, td) => n + Number(td.getAttribute("data-count")), 0);
    expect(total).toBe(4);

    const register = screen.getByRole("table", { name: "Risk register" });
    expect(within(register).getAllByRole("row")).toHaveLength(5);
    // Most serious first.
    expect(within(register).getAllByRole("row")[1]).toHaveTextContent("R4");

    await user.click(screen.getByRole("button", { name: /Probability 4, impact 4: 2 risks/ }));
    expect(within(register).getAllByRole("row")).toHaveLength(3);
    expect(register).toHaveTextContent("Oven arrives late");
    expect(register).not.toHaveTextContent("Nobody comes");
    await user.click(screen.getByRole("button", { name: "Show all" }));
    expect(within(register).getAllByRole("row")).toHaveLength(5);
  });

  it("moves between sections with the arrow keys", async () => {
    const user = userEvent.setup();
    render(<ProgramView program={smallProgram()} />);
    const schedule = screen.getByRole("tab", { name: "Schedule" });
    expect(schedule).toHaveAttribute("aria-selected", "true");
    await user.click(schedule);
    await user.keyboard("{ArrowRight}");
    expect(screen.getByRole("tab", { name: "Resources" })).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("tabpanel")).toHaveTextContent("Project manager");
  });

  it("shows resources by month from the levelled schedule", async () => {
    const user = userEvent.setup();
    render(<ProgramView program={smallProgram()} />);
    await user.click(screen.getByRole("tab", { name: "Resources" }));
    const table = screen.getByRole("table", { name: /By month/ });
    const rows = within(table).getAllByRole("row");
    expect(rows[0]).toHaveTextContent(/Jan.*Feb.*Total/);
    const pm = rows.find((r) => r.textContent?.startsWith("Project manager"));
    const baker = rows.find((r) => r.textContent?.startsWith("Baker"));
    expect(within(pm as HTMLElement).getAllByRole("cell").map((c) => c.textContent)).toEqual(["4", "2", "6"]);
    expect(within(baker as HTMLElement).getAllByRole("cell").map((c) => c.textContent)).toEqual(["2", "·", "2"]);
  });

  it("shows the budget by workstream, role and month with the running total and contingency", async () => {
    const user = userEvent.setup();
    render(<ProgramView program={smallProgram()} />);
    await user.click(screen.getByRole("tab", { name: "Budget" }));
    expect(screen.getByRole("table", { name: "Summary" })).toHaveTextContent(/Contingency \(10 %\)\s*5,?000 EUR/);
    const ws = screen.getByRole("table", { name: "By workstream" });
    expect(ws).toHaveTextContent("Alpha stream");
    expect(ws).toHaveTextContent("60 %");
    expect(screen.getByRole("table", { name: "By role" })).toHaveTextContent("Baker");
    const month = screen.getByRole("table", { name: /By month/ });
    expect(within(month).getAllByRole("row")[2]).toHaveTextContent(/50,?000 EUR/);
  });

  it("lists KPIs and stage gates with their criteria", async () => {
    const user = userEvent.setup();
    render(<ProgramView program={smallProgram()} />);
    await user.click(screen.getByRole("tab", { name: /KPIs/ }));
    expect(screen.getByRole("tabpanel")).toHaveTextContent("Waste");
    expect(screen.getByRole("tabpanel")).toHaveTextContent("lower is better");
    await user.click(screen.getByRole("tab", { name: /Stage gates/ }));
    const panel = screen.getByRole("tabpanel");
    expect(panel).toHaveTextContent("G2 — Shop ready");
    expect(within(panel).getAllByRole("listitem").map((li) => li.textContent)).toContain("Health inspection passed");
  });
});

describe("roleMonthLoad", () => {
  it("counts person-weeks in the month of each week's Monday", () => {
    const { months, load } = roleMonthLoad(smallProgram().tasks, "2027-01-04");
    expect(months).toEqual(["2027-01", "2027-02"]);
    expect(load.get("pm")?.get("2027-01")).toBe(4);
    expect(load.get("pm")?.get("2027-02")).toBe(2);
    expect(load.get("dev")?.get("2027-01")).toBe(2);
  });
});
