// The Gantt chart's geometry as plain functions: rows, the week scale that fits the width,
// zoom steps, axis label spacing, gate label placement and dependency arrows.
import type { ProgramWorkstream, ScheduledTask, ScheduleSummary, StageGate } from "../../../bindings";
import { weekDate } from "../../format";

/** Height of one row, of the axis above the rows and of the strip below them (px). */
export const ROW = 26;
export const HEAD = 40;
export const FOOT = 20;
/** Room kept right of the last week for the horizon label and the last gate's diamond. */
export const PAD_RIGHT = 16;
/** Narrowest a week may get when fitting a long programme into a small window. */
export const MIN_WEEK_PX = 2;
/** The zoom factors over "fit to width"; the first is the default. */
export const ZOOMS = [1, 1.5, 2, 3, 4, 6, 8] as const;

export type Row =
  | { kind: "ws"; key: string; id: string; name: string; start: number; finish: number; critical: boolean; gates: StageGate[] }
  | { kind: "task"; key: string; task: ScheduledTask };

/** A finite number, or `fallback` (Rust sends NaN as null). */
export function num(n: unknown, fallback = 0): number {
  return typeof n === "number" && Number.isFinite(n) ? n : fallback;
}

/** Rows in workstream order; tasks and gates of unknown workstreams go to an "Other" group. */
export function ganttRows(workstreams: ProgramWorkstream[], tasks: ScheduledTask[], gates: StageGate[]): Row[] {
  const known = new Set(workstreams.map((w) => w.id));
  const rows: Row[] = [];
  const group = (id: string, name: string, start: number, finish: number, critical: boolean, members: ScheduledTask[], wsGates: StageGate[]) => {
    rows.push({ kind: "ws", key: `ws:${id}`, id, name, start, finish, critical, gates: wsGates });
    members.forEach((task, i) => rows.push({ kind: "task", key: `t:${task.id}:${i}`, task }));
  };
  for (const w of workstreams) {
    const members = tasks.filter((t) => t.workstream === w.id);
    group(w.id, w.name, num(w.start_week), num(w.finish_week), w.critical, members, gates.filter((g) => g.workstream === w.id));
  }
  const strayTasks = tasks.filter((t) => !known.has(t.workstream));
  const strayGates = gates.filter((g) => !known.has(g.workstream));
  if (strayTasks.length || strayGates.length) {
    const starts = strayTasks.map((t) => num(t.start_week));
    const finishes = strayTasks.map((t) => num(t.finish_week));
    const start = starts.length ? Math.min(...starts) : 0;
    const finish = finishes.length ? Math.max(...finishes) : 0;
    group("__other", "Other", start, finish, strayTasks.some((t) => t.critical), strayTasks, strayGates);
  }
  return rows;
}

/** Whole weeks the chart spans: the plan, the horizon and every gate, so all three show. */
export function spanWeeks(schedule: ScheduleSummary, tasks: ScheduledTask[], gates: StageGate[]): number {
  const ends = [num(schedule.levelled_weeks), num(schedule.horizon_weeks), ...tasks.map((t) => num(t.finish_week)), ...gates.map((g) => num(g.week))];
  return Math.max(1, Math.ceil(Math.max(...ends)));
}

/** The week width (px) at a zoom step: step 0 fits `span` weeks into `chartPx`; without a
 * measured width (first paint, tests) a readable fixed scale. */
export function weekWidth(span: number, chartPx: number, zoomStep: number): number {
  const factor = ZOOMS[Math.max(0, Math.min(ZOOMS.length - 1, zoomStep))] ?? 1;
  const fit = chartPx > 0 ? Math.max(MIN_WEEK_PX, (chartPx - PAD_RIGHT) / span) : span <= 20 ? 30 : span <= 40 ? 22 : 18;
  return fit * factor;
}

/** Weeks between labelled ticks so that labels stay at least `minPx` apart. */
export function weekLabelStep(weekPx: number, minPx = 26): number {
  for (const step of [1, 2, 4, 8, 13, 26, 52, 104]) if (step * weekPx >= minPx) return step;
  return 208;
}

export interface MonthMark {
  x: number;
  date: Date;
  /** A month boundary inside the chart (the first, partial month has none). */
  boundary: boolean;
  label: "month" | "month-year" | "year" | null;
}

/** Month boundaries with labels thinned so they never overlap: every month, every 2nd, 3rd
 * or 6th, or years only when months are a few pixels wide. */
export function monthMarks(start: Date | null, span: number, weekPx: number): MonthMark[] {
  if (!start) return [];
  const end = weekDate(start, span);
  const marks: MonthMark[] = [];
  let d = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1));
  while (d.getTime() < end.getTime()) {
    const week = (d.getTime() - start.getTime()) / (7 * 86_400_000);
    marks.push({ x: Math.max(0, week * weekPx), date: d, boundary: week > 0, label: null });
    d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  }
  const monthPx = 4.35 * weekPx;
  const every = [1, 2, 3, 6].find((k) => k * monthPx >= 64);
  let lastLabelX = -Infinity;
  marks.forEach((m, i) => {
    const month = m.date.getUTCMonth();
    const wanted = every ? month % every === 0 || i === 0 : month === 0 || i === 0;
    // The first, partial month gives way when the next label would touch it.
    if (!wanted || m.x - lastLabelX < 60) return;
    if (i === 0 && marks[1] && !m.boundary && marks[1].x < 64) return;
    m.label = every ? (month === 0 || lastLabelX === -Infinity ? "month-year" : "month") : "year";
    lastLabelX = m.x;
  });
  return marks;
}

/** A gate's label: its id and name, shortened to `maxChars`, drawn right of the diamond unless
 * that would run past the chart's right edge, then left of it. */
export function gateLabel(gate: StageGate, name: string, gx: number, chartWidth: number, maxChars = 28): { text: string; x: number; anchor: "start" | "end" } {
  const full = name ? `${gate.id} ${name}` : gate.id;
  const text = full.length > maxChars ? `${full.slice(0, maxChars - 1).trimEnd()}…` : full;
  const width = text.length * 6;
  return gx + 10 + width <= chartWidth ? { text, x: gx + 10, anchor: "start" } : { text, x: gx - 10, anchor: "end" };
}

/** One dependency arrow from a predecessor's bar end to its successor's bar start. */
export interface Arrow {
  key: string;
  from: string;
  to: string;
  d: string;
}

/** Elbow paths for every dependency between tasks on the chart: right from the predecessor's
 * end, down (or up) beside the successor's row, into the successor's start. */
export function dependencyArrows(rows: Row[], x: (week: number) => number): Arrow[] {
  const at = new Map<string, { row: number; task: ScheduledTask }>();
  rows.forEach((r, i) => {
    if (r.kind === "task" && !at.has(r.task.id)) at.set(r.task.id, { row: i, task: r.task });
  });
  const mid = (row: number) => HEAD + row * ROW + ROW / 2;
  const arrows: Arrow[] = [];
  for (const { row, task } of at.values()) {
    for (const dep of task.depends_on ?? []) {
      const pred = at.get(dep);
      if (!pred) continue;
      const x1 = x(num(pred.task.finish_week));
      const y1 = mid(pred.row);
      const x2 = x(num(task.start_week));
      const y2 = mid(row);
      let d: string;
      if (x2 - x1 >= 10) {
        d = `M${x1},${y1} H${x2 - 5} V${y2} H${x2}`;
      } else {
        // No room between the bars: out to the right, along the row boundary, back in.
        const edge = y2 > y1 ? y2 - ROW / 2 : y2 + ROW / 2;
        d = `M${x1},${y1} H${x1 + 5} V${edge} H${x2 - 5} V${y2} H${x2}`;
      }
      arrows.push({ key: `${dep}>${task.id}`, from: dep, to: task.id, d });
    }
  }
  return arrows;
}

/** The name column's width: what the user set, else a third of the chart area at most 260 px,
 * always between 120 px and half the area. */
export function nameColumnWidth(areaPx: number, chosen: number | null): number {
  const max = areaPx > 0 ? Math.max(120, Math.floor(areaPx / 2)) : 400;
  const wanted = chosen ?? (areaPx > 0 ? Math.min(260, Math.floor(areaPx / 3)) : 260);
  return Math.max(120, Math.min(max, wanted));
}
