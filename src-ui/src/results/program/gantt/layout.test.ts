import { describe, expect, it } from "vitest";
import type { StageGate } from "../../../bindings";
import { harbourProgram } from "../../fixtures/program";
import { smallProgram } from "../../fixtures/small";
import { PAD_RIGHT, ROW, dependencyArrows, gateLabel, ganttRows, monthMarks, nameColumnWidth, spanWeeks, weekLabelStep, weekWidth } from "./layout";

describe("the Gantt's scale", () => {
  it("fits the whole span into the measured width by default, and zooms by whole steps", () => {
    const fit = weekWidth(60, 616, 0);
    expect(60 * fit + PAD_RIGHT).toBeCloseTo(616, 5);
    expect(weekWidth(60, 616, 2)).toBeCloseTo(2 * fit, 5);
    // Steps past the last zoom stay at the last.
    expect(weekWidth(60, 616, 99)).toBe(weekWidth(60, 616, 6));
  });

  it("never draws a week narrower than 2 px, and uses a readable scale before it is measured", () => {
    expect(weekWidth(1000, 300, 0)).toBe(2);
    expect(weekWidth(10, 0, 0)).toBe(30);
    expect(weekWidth(52, 0, 0)).toBe(18);
  });

  it("spans the plan, the horizon and every gate", () => {
    const p = smallProgram();
    expect(spanWeeks({ ...p.schedule, levelled_weeks: 6, horizon_weeks: 13 }, p.tasks, p.stage_gates)).toBe(13);
    const late: StageGate = { ...p.stage_gates[0]!, week: 20.5 };
    expect(spanWeeks({ ...p.schedule, levelled_weeks: 6, horizon_weeks: 13 }, p.tasks, [late])).toBe(21);
  });

  it("spaces week labels so they never touch", () => {
    expect(weekLabelStep(30)).toBe(1);
    expect(weekLabelStep(10)).toBe(4);
    expect(weekLabelStep(2)).toBe(13);
  });

  it("thins month labels on a long programme and keeps them apart", () => {
    const start = new Date(Date.UTC(2027, 0, 4));
    for (const weekPx of [30, 8, 3, 1.2]) {
      const labelled = monthMarks(start, 200, weekPx).filter((m) => m.label);
      expect(labelled.length).toBeGreaterThan(0);
      for (let i = 1; i < labelled.length; i++) expect(labelled[i]!.x - labelled[i - 1]!.x).toBeGreaterThanOrEqual(60);
    }
    // Months a pixel or so wide: years only.
    expect(monthMarks(start, 200, 1.2).filter((m) => m.label).every((m) => m.label === "year")).toBe(true);
    expect(monthMarks(start, 20, 30).filter((m) => m.label).map((m) => m.label)).toEqual(["month-year", "month", "month", "month", "month"]);
    // A start late in a month: its stub gives way to the next month, which carries the year.
    const late = monthMarks(new Date(Date.UTC(2026, 11, 7)), 52, 14).filter((m) => m.label);
    expect(late[0]?.date.getUTCMonth()).toBe(0);
    expect(late[0]?.label).toBe("month-year");
  });
});

describe("gate labels", () => {
  const gate: StageGate = { id: "G3", name: "", workstream: "a", week: 10, date: "2027-03-15", criteria: [] };
  it("carry the gate's name, shortened when long", () => {
    expect(gateLabel(gate, "Shop ready", 100, 1000).text).toBe("G3 Shop ready");
    const long = gateLabel(gate, "Every permit granted and the lease signed by both parties", 100, 1000);
    expect(long.text.length).toBeLessThanOrEqual(28);
    expect(long.text.endsWith("…")).toBe(true);
  });
  it("turn to the left of the diamond at the chart's right edge, so the last gate reads whole", () => {
    expect(gateLabel(gate, "Launch", 100, 1000)).toMatchObject({ x: 110, anchor: "start" });
    expect(gateLabel(gate, "Launch", 980, 1000)).toMatchObject({ x: 970, anchor: "end" });
  });
});

describe("dependency arrows", () => {
  it("draw one arrow per dependency between charted tasks, from the end of one bar to the start of the next", () => {
    const rows = ganttRows(harbourProgram.workstreams, harbourProgram.tasks, harbourProgram.stage_gates);
    const weekPx = 10;
    const arrows = dependencyArrows(rows, (w) => w * weekPx);
    const ids = new Set(harbourProgram.tasks.map((t) => t.id));
    const expected = harbourProgram.tasks.flatMap((t) => t.depends_on.filter((d) => ids.has(d)).map((d) => `${d}>${t.id}`));
    expect(expected.length).toBeGreaterThan(0);
    expect(arrows.map((a) => a.key).sort()).toEqual(expected.sort());
    for (const a of arrows) {
      const from = harbourProgram.tasks.find((t) => t.id === a.from)!;
      const to = harbourProgram.tasks.find((t) => t.id === a.to)!;
      expect(a.d.startsWith(`M${from.finish_week * weekPx},`)).toBe(true);
      expect(a.d.endsWith(`H${to.start_week * weekPx}`)).toBe(true);
    }
  });
  it("leave a dependency on a task not on the chart out", () => {
    const p = smallProgram();
    const tasks = p.tasks.map((t, i) => (i === 0 ? { ...t, depends_on: ["nowhere"] } : t));
    const rows = ganttRows(p.workstreams, tasks, []);
    expect(dependencyArrows(rows, (w) => w).some((a) => a.from === "nowhere")).toBe(false);
    expect(ROW).toBeGreaterThan(0);
  });
});

describe("the names column", () => {
  it("takes a third of the area up to 260 px, what the user chose within bounds", () => {
    expect(nameColumnWidth(1200, null)).toBe(260);
    expect(nameColumnWidth(600, null)).toBe(200);
    expect(nameColumnWidth(600, 500)).toBe(300);
    expect(nameColumnWidth(600, 40)).toBe(120);
  });
});
