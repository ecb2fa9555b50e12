// The Gantt chart's drawing: axis with months and weeks, one bar per task (critical ones
// hatched), workstream spans with their named gates, the horizon line and, on request, the
// dependencies as arrows.
import type { ScheduledTask, ScheduleSummary, StageGate } from "../../../bindings";
import { plainText } from "../../../markdown/Markdown";
import { fmtDate, fmtMonthOf, fmtNumber, parseDate } from "../../format";
import { priorityOf } from "../parts";
import { FOOT, HEAD, PAD_RIGHT, ROW, dependencyArrows, gateLabel, monthMarks, num, weekLabelStep, type Row } from "./layout";

const BAR = 14;

function taskTitle(t: ScheduledTask, roleName: (id: string) => string, showPriority: boolean): string {
  const people = Array.isArray(t.people) ? t.people : [];
  const parts = [
    plainText(t.name),
    t.critical ? "critical path" : `slack ${fmtNumber(t.slack, 1)} wk`,
    `weeks ${fmtNumber(t.start_week, 1)}–${fmtNumber(t.finish_week, 1)}`,
    `${fmtDate(t.start_date)} → ${fmtDate(t.finish_date)}`,
    `${roleName(t.role)}${num(t.units, 1) > 1 ? ` × ${t.units}` : ""}`,
    ...(people.length > 0 ? [people.join(", ")] : []),
    ...(showPriority ? [`${priorityOf(t.priority)} have`] : []),
  ];
  return parts.join(" · ");
}

function gateTitle(g: StageGate): string {
  return `${g.id} — ${plainText(g.name)} · stage gate, week ${fmtNumber(g.week, 1)} (${fmtDate(g.date)})`;
}

export interface GanttChartProps {
  uid: string;
  rows: Row[];
  tasks: ScheduledTask[];
  gates: StageGate[];
  schedule: ScheduleSummary;
  span: number;
  weekPx: number;
  arrows: boolean;
  roleName: (id: string) => string;
  /** Say each task's priority in its tooltip (programs made before priorities have none). */
  showPriority?: boolean;
}

export function GanttChart({ uid, rows, tasks, gates, schedule, span, weekPx, arrows, roleName, showPriority = false }: GanttChartProps) {
  const hatch = `${uid}-hatch`;
  const arrowHead = `${uid}-arrow`;
  const width = Math.ceil(span * weekPx + PAD_RIGHT);
  const height = HEAD + rows.length * ROW + FOOT;
  const x = (week: number) => num(week) * weekPx;
  const horizon = num(schedule.horizon_weeks);
  const months = monthMarks(parseDate(schedule.start_date), span, weekPx);
  const step = weekLabelStep(weekPx);
  const tickEvery = weekPx >= 4 ? 1 : step;
  const critical = tasks.filter((t) => t.critical).length;

  return (
    <svg
      className="gantt-svg"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`Gantt chart: ${tasks.length} tasks over ${span} weeks, ${critical} on the critical path, ${gates.length} stage gates. The table below has the same information.`}
    >
      <defs>
        <pattern id={hatch} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="6" height="6" className="gantt-hatch-bg" />
          <line x1="0" y1="0" x2="0" y2="6" className="gantt-hatch-line" />
        </pattern>
        <marker id={arrowHead} viewBox="0 0 6 6" refX="6" refY="3" markerWidth="6" markerHeight="6" orient="auto">
          <path d="M0,0 L6,3 L0,6 z" className="gantt-arrow-head" />
        </marker>
      </defs>
      {rows.map((r, i) => (r.kind === "ws" ? <rect key={`bg-${r.key}`} x={0} y={HEAD + i * ROW} width={width} height={ROW} className="gantt-row-ws" /> : null))}
      <g className="gantt-axis">
        {Array.from({ length: Math.floor(span / tickEvery) + 1 }, (_, i) => i * tickEvery).map((w) => (
          <line key={`t${w}`} x1={x(w)} x2={x(w)} y1={w % step === 0 ? HEAD - 8 : HEAD - 4} y2={HEAD} className="gantt-tick" />
        ))}
        {Array.from({ length: Math.floor(span / step) + 1 }, (_, i) => i * step)
          .filter((w) => w < span)
          .map((w) => (
            <text key={`wl${w}`} x={x(w) + 2} y={HEAD - 11} className="gantt-week-label">
              {w === 0 ? "wk 0" : w}
            </text>
          ))}
        {months.map((m) => (
          <g key={`m${m.x}`}>
            {m.boundary && <line x1={m.x} x2={m.x} y1={0} y2={height - FOOT} className={m.date.getUTCMonth() === 0 ? "gantt-month-line gantt-year-line" : "gantt-month-line"} />}
            {m.label && (
              <text x={m.x + 3} y={12} className="gantt-month-label">
                {m.label === "year" ? String(m.date.getUTCFullYear()) : fmtMonthOf(m.date, m.label === "month-year")}
              </text>
            )}
          </g>
        ))}
        <line x1={0} x2={width} y1={HEAD} y2={HEAD} className="gantt-axis-line" />
      </g>
      {rows.map((r, i) => {
        const top = HEAD + i * ROW;
        const mid = top + ROW / 2;
        if (r.kind === "ws") {
          return (
            <g key={r.key} className="gantt-ws">
              <title>{`${r.name}: weeks ${fmtNumber(r.start, 1)}–${fmtNumber(r.finish, 1)}`}</title>
              <rect x={x(r.start)} y={mid - 2} width={Math.max(2, x(r.finish) - x(r.start))} height={4} rx={2} className="gantt-ws-span" />
            </g>
          );
        }
        const t = r.task;
        const bx = x(t.start_week);
        const bw = Math.max(3, x(t.finish_week) - bx);
        return (
          <g key={r.key} className={t.critical ? "gantt-task is-critical" : "gantt-task"} data-task={t.id} data-critical={t.critical ? "true" : undefined}>
            <title>{taskTitle(t, roleName, showPriority)}</title>
            <rect
              x={bx + 0.5}
              y={top + (ROW - BAR) / 2}
              width={Math.max(2, bw - 1)}
              height={BAR}
              rx={3}
              className={t.critical ? "gantt-bar gantt-bar-critical" : "gantt-bar"}
              style={t.critical ? { fill: `url(#${hatch})` } : undefined}
            />
          </g>
        );
      })}
      {arrows && (
        <g className="gantt-arrows" data-testid="gantt-arrows">
          {dependencyArrows(rows, x).map((a) => (
            <path key={a.key} d={a.d} className="gantt-arrow" markerEnd={`url(#${arrowHead})`} data-from={a.from} data-to={a.to} />
          ))}
        </g>
      )}
      {/* Gates last, so no bar or arrow covers a diamond or its name. */}
      {rows.map((r, i) =>
        r.kind === "ws"
          ? r.gates.map((g) => {
              const gx = x(g.week);
              const mid = HEAD + i * ROW + ROW / 2;
              const label = gateLabel(g, plainText(g.name), gx, width);
              return (
                <g key={g.id} className="gantt-gate" data-gate={g.id}>
                  <title>{gateTitle(g)}</title>
                  <polygon points={`${gx},${mid - 7} ${gx + 7},${mid} ${gx},${mid + 7} ${gx - 7},${mid}`} className="gantt-gate-diamond" />
                  <text x={label.x} y={mid + 4} textAnchor={label.anchor} className="gantt-gate-label">
                    {label.text}
                  </text>
                </g>
              );
            })
          : null,
      )}
      {horizon > 0 && (
        <g className="gantt-horizon">
          <title>{`Horizon: ${fmtNumber(horizon)} weeks`}</title>
          <line x1={x(horizon)} x2={x(horizon)} y1={HEAD} y2={height - FOOT + 4} className="gantt-horizon-line" />
          <text x={Math.min(x(horizon), width - 24)} y={height - 5} textAnchor="middle" className="gantt-horizon-label">
            horizon
          </text>
        </g>
      )}
    </svg>
  );
}
