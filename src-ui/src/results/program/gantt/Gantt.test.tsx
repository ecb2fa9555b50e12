import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { harbourProgram } from "../../fixtures/program";
import { Gantt } from "./Gantt";
import { PAD_RIGHT, spanWeeks } from "./layout";

const p = harbourProgram;
const chart = () => document.querySelector<SVGSVGElement>("svg.gantt-svg")!;
const chartWidth = () => Number(chart().getAttribute("width"));

describe("the Gantt at a measured width", () => {
  beforeEach(() => {
    localStorage.clear();
    // jsdom lays nothing out: give the chart's region the width of a 1280-px window's content.
    vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(900);
  });
  afterEach(() => vi.restoreAllMocks());

  it("fits the whole programme, horizon and last gate included, beside the names by default", () => {
    render(<Gantt workstreams={p.workstreams} tasks={p.tasks} gates={p.stage_gates} schedule={p.schedule} />);
    const names = screen.getByRole("separator", { name: "Width of the task names" });
    const namesPx = Number(names.getAttribute("aria-valuenow"));
    expect(namesPx).toBe(260);
    expect(chartWidth()).toBeLessThanOrEqual(900 - namesPx);
    const span = spanWeeks(p.schedule, p.tasks, p.stage_gates);
    const weekPx = (900 - namesPx - PAD_RIGHT) / span;
    const lastGate = Math.max(...p.stage_gates.map((g) => g.week));
    expect(lastGate * weekPx).toBeLessThan(chartWidth());
    expect(p.schedule.horizon_weeks * weekPx).toBeLessThan(chartWidth());
    expect(screen.getByRole("button", { name: "Fit" })).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByRole("button", { name: "Zoom out" })).toBeDisabled();
  });

  it("zooms in to scroll sideways, and Fit brings the whole programme back", async () => {
    const user = userEvent.setup();
    render(<Gantt workstreams={p.workstreams} tasks={p.tasks} gates={p.stage_gates} schedule={p.schedule} />);
    const fit = chartWidth();
    await user.click(screen.getByRole("button", { name: "Zoom in" }));
    await user.click(screen.getByRole("button", { name: "Zoom in" }));
    expect(chartWidth()).toBeGreaterThan(1.9 * (fit - PAD_RIGHT));
    expect(screen.getByRole("region", { name: /zoomed: scrolls sideways/ })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Zoom out" }));
    expect(chartWidth()).toBeLessThan(1.6 * fit);
    await user.click(screen.getByRole("button", { name: "Fit" }));
    expect(chartWidth()).toBe(fit);
  });

  it("widens the names column from the keyboard and remembers the width", async () => {
    const user = userEvent.setup();
    const { unmount } = render(<Gantt workstreams={p.workstreams} tasks={p.tasks} gates={p.stage_gates} schedule={p.schedule} />);
    const handle = screen.getByRole("separator", { name: "Width of the task names" });
    handle.focus();
    await user.keyboard("{ArrowRight}{ArrowRight}");
    expect(handle).toHaveAttribute("aria-valuenow", "300");
    expect(document.querySelector<HTMLElement>(".gantt-labels")?.style.width).toBe("300px");
    unmount();
    render(<Gantt workstreams={p.workstreams} tasks={p.tasks} gates={p.stage_gates} schedule={p.schedule} />);
    expect(screen.getByRole("separator", { name: "Width of the task names" })).toHaveAttribute("aria-valuenow", "300");
  });

  it("shows the dependencies as arrows when asked", async () => {
    const user = userEvent.setup();
    render(<Gantt workstreams={p.workstreams} tasks={p.tasks} gates={p.stage_gates} schedule={p.schedule} />);
    expect(chart().querySelector(".gantt-arrows")).toBeNull();
    await user.click(screen.getByRole("checkbox", { name: "Dependencies" }));
    const arrows = chart().querySelectorAll("path.gantt-arrow");
    expect(arrows.length).toBe(p.tasks.reduce((n, t) => n + t.depends_on.length, 0));
    expect(arrows[0]?.getAttribute("marker-end")).toMatch(/^url\(#.+-arrow\)$/);
  });

  it("shows every task's full name on hover in the names column", () => {
    render(<Gantt workstreams={p.workstreams} tasks={p.tasks} gates={p.stage_gates} schedule={p.schedule} />);
    const t = p.tasks[0]!;
    expect(document.querySelector(`.gantt-labels [data-task="${t.id}"]`)).toHaveAttribute("title", expect.stringContaining(t.name.replace(/[*_`]/g, "").slice(0, 10)));
  });
});
