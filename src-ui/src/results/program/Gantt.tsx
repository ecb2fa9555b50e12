// A hand-drawn SVG Gantt chart of the levelled schedule: one row per task grouped by
// workstream, the critical path hatched and labelled, stage gates as diamonds.
import { Diamond } from "lucide-react";
import type { ProgramWorkstream, ScheduledTask, ScheduleSummary, StageGate } from "../../bindings";
import { Markdown, plainText } from "../../markdown/Markdown";
import { useDomId } from "../common";
import { fmtDate, fmtMonthOf, fmtNumber, parseDate, weekDate } from "../format";
import "../results.css";

const ROW = 26;
const HEAD = 40;
const FOOT = 20;
const BAR = 14;
const PAD_RIGHT = 56;

type Row =
  | { kind: "ws"; key: string; id: string; name: string; start: number; finish: number; critical: boolean; gates: StageGate[] }
  | { kind: "task"; key: string; task: ScheduledTask };

function num(n: unknown, fallback = 0): number {
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
    group(
      w.id,
      w.name,
      num(w.start_week),
      num(w.finish_week),
      w.critical,
      tasks.filter((t) => t.workstream === w.id),
      gates.filter((g) => g.workstream === w.id),
    );
  }
  const strayTasks = tasks.filter((t) => !known.has(t.workstream));
  const strayGates = gates.filter((g) => !known.has(g.workstream));
  if (strayTasks.length || strayGates.length) {
    const starts = strayTasks.map((t) => num(t.start_week));
    const finishes = strayTasks.map((t) => num(t.finish_week));
    group(
      "__other",
      "Other",
      starts.length ? Math.min(...starts) : 0,
      finishes.length ? Math.max(...finishes) : 0,
      strayTasks.some((t) => t.critical),
      strayTasks,
      strayGates,
    );
  }
  return rows;
}

function taskTitle(t: ScheduledTask, roleName: (id: string) => string): string {
  const parts = [
    plainText(t.name),
    t.critical ? "critical path" : `slack ${fmtNumber(t.slack, 1)} wk`,
    `weeks ${fmtNumber(t.start_week, 1)}–${fmtNumber(t.finish_week, 1)}`,
    `${fmtDate(t.start_date)} → ${fmtDate(t.finish_date)}`,
    `${roleName(t.role)}${num(t.units, 1) > 1 ? ` × ${t.units}` : ""}`,
  ];
  return parts.join(" · ");
}

function gateTitle(g: StageGate): string {
  return `${g.id} — ${plainText(g.name)} · stage gate, week ${fmtNumber(g.week, 1)} (${fmtDate(g.date)})`;
}

export interface GanttProps {
  workstreams: ProgramWorkstream[];
  tasks: ScheduledTask[];
  gates: StageGate[];
  schedule: ScheduleSummary;
  roleName?: (id: string) => string;
}

/** The schedule as a Gantt chart with a legend and a table alternative. */
export function Gantt({ workstreams, tasks, gates, schedule, roleName = (id) => id }: GanttProps) {
  const uid = useDomId("gantt");
  const hatch = `${uid}-hatch`;
  const rows = ganttRows(workstreams, tasks, gates);
  const span = Math.max(
    1,
    Math.ceil(
      Math.max(
        num(schedule.levelled_weeks),
        num(schedule.horizon_weeks),
        ...tasks.map((t) => num(t.finish_week)),
        ...gates.map((g) => num(g.week) + 1),
      ),
    ),
  );
  const weekW = span <= 20 ? 30 : span <= 40 ? 22 : 18;
  const width = span * weekW + PAD_RIGHT;
  const height = HEAD + rows.length * ROW + FOOT;
  const x = (week: number) => num(week) * weekW;
  const start = parseDate(schedule.start_date);
  const horizon = num(schedule.horizon_weeks);

  // Month boundaries; the first, partial month is labelled at x = 0 unless the next starts too close.
  const months: { x: number; date: Date; boundary: boolean; withYear: boolean }[] = [];
  if (start) {
    const end = weekDate(start, span);
    let d = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1));
    while (d.getTime() < end.getTime()) {
      const wk = (d.getTime() - start.getTime()) / (7 * 86_400_000);
      months.push({ x: Math.max(0, wk * weekW), date: d, boundary: wk > 0, withYear: months.length === 0 || d.getUTCMonth() === 0 });
      d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    }
    const [m0, m1] = months;
    if (m0 && m1 && !m0.boundary && m1.x < 48) {
      months.shift();
      m1.withYear = true;
    }
  }
  const weekLabelEvery = weekW >= 26 ? 2 : 4;

  return (
    <div className="gantt">
      <div className="gantt-legend small" aria-label="Legend">
        <span className="gantt-legend-item">
          <span className="gantt-swatch" aria-hidden="true" /> Task (levelled dates)
        </span>
        <span className="gantt-legend-item">
          <span className="gantt-swatch gantt-swatch-critical" aria-hidden="true" /> Critical path
        </span>
        <span className="gantt-legend-item">
          <Diamond size={12} className="gantt-legend-gate" aria-hidden="true" /> Stage gate
        </span>
        <span className="gantt-legend-item">
          <span className="gantt-swatch-horizon" aria-hidden="true" /> Horizon ({fmtNumber(horizon)} weeks)
        </span>
      </div>
      <div className="gantt-scroll" tabIndex={0} role="region" aria-label="Gantt chart, scrolls sideways">
        <div className="gantt-labels" style={{ paddingTop: HEAD, paddingBottom: FOOT }} aria-hidden="true">
          {rows.map((r) =>
            r.kind === "ws" ? (
              <div key={r.key} className="gantt-label gantt-label-ws" style={{ height: ROW }} title={r.name}>
                <span className="gantt-label-text">{r.name}</span>
              </div>
            ) : (
              <div
                key={r.key}
                className={`gantt-label gantt-label-task${r.task.critical ? " is-critical" : ""}`}
                style={{ height: ROW }}
                title={plainText(r.task.name)}
                data-task={r.task.id}
              >
                <span className="gantt-label-text">
                  <Markdown inline text={r.task.name} />
                </span>
              </div>
            ),
          )}
        </div>
        <svg
          className="gantt-svg"
          width={width}
          height={height}
          viewBox={`0 0 ${width} ${height}`}
          role="img"
          aria-label={`Gantt chart: ${tasks.length} tasks over ${span} weeks, ${tasks.filter((t) => t.critical).length} on the critical path, ${gates.length} stage gates. The table below has the same information.`}
        >
          <defs>
            <pattern id={hatch} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
              <rect width="6" height="6" className="gantt-hatch-bg" />
              <line x1="0" y1="0" x2="0" y2="6" className="gantt-hatch-line" />
            </pattern>
          </defs>
          {/* Row backgrounds */}
          {rows.map((r, i) =>
            r.kind === "ws" ? <rect key={`bg-${r.key}`} x={0} y={HEAD + i * ROW} width={width} height={ROW} className="gantt-row-ws" /> : null,
          )}
          {/* Week ticks and labels */}
          <g className="gantt-axis">
            {Array.from({ length: span + 1 }, (_, w) => (
              <line key={`t${w}`} x1={x(w)} x2={x(w)} y1={w % weekLabelEvery === 0 ? HEAD - 8 : HEAD - 4} y2={HEAD} className="gantt-tick" />
            ))}
            {Array.from({ length: Math.floor(span / weekLabelEvery) + 1 }, (_, i) => i * weekLabelEvery)
              .filter((w) => w < span)
              .map((w) => (
                <text key={`wl${w}`} x={x(w) + 2} y={HEAD - 11} className="gantt-week-label">
                  {w === 0 ? "wk 0" : w}
                </text>
              ))}
            {months.map((m) => (
              <g key={`m${m.x}`}>
                {m.boundary && <line x1={m.x} x2={m.x} y1={0} y2={height - FOOT} className="gantt-month-line" />}
                <text x={m.x + 3} y={12} className="gantt-month-label">
                  {fmtMonthOf(m.date, m.withYear)}
                </text>
              </g>
            ))}
            <line x1={0} x2={width} y1={HEAD} y2={HEAD} className="gantt-axis-line" />
          </g>
          {/* Bars, spans and gates */}
          {rows.map((r, i) => {
            const top = HEAD + i * ROW;
            const mid = top + ROW / 2;
            if (r.kind === "ws") {
              return (
                <g key={r.key} className="gantt-ws">
                  <title>{`${r.name}: weeks ${fmtNumber(r.start, 1)}–${fmtNumber(r.finish, 1)}`}</title>
                  <rect x={x(r.start)} y={mid - 2} width={Math.max(2, x(r.finish) - x(r.start))} height={4} rx={2} className="gantt-ws-span" />
                  {r.gates.map((g) => {
                    const gx = x(g.week);
                    return (
                      <g key={g.id} className="gantt-gate" data-gate={g.id}>
                        <title>{gateTitle(g)}</title>
                        <polygon points={`${gx},${mid - 7} ${gx + 7},${mid} ${gx},${mid + 7} ${gx - 7},${mid}`} className="gantt-gate-diamond" />
                        <text x={gx + 10} y={mid + 4} className="gantt-gate-label">
                          {g.id}
                        </text>
                      </g>
                    );
                  })}
                </g>
              );
            }
            const t = r.task;
            const bx = x(t.start_week);
            const bw = Math.max(3, x(t.finish_week) - bx);
            return (
              <g key={r.key} className={t.critical ? "gantt-task is-critical" : "gantt-task"} data-task={t.id} data-critical={t.critical ? "true" : undefined}>
                <title>{taskTitle(t, roleName)}</title>
                <rect
                  x={bx + 0.5}
                  y={top + (ROW - BAR) / 2}
                  width={Math.max(2, bw - 1)}
                  height={BAR}
                  rx={3}
                  className={t.critical ? "gantt-bar gantt-bar-critical" : "gantt-bar"}
                  style={t.critical ? { fill: `url(#${hatch})` } : undefined}
                />
                {t.critical && (
                  <text x={bx + bw + 4} y={top + ROW / 2 + 4} className="gantt-crit-label">
                    critical
                  </text>
                )}
              </g>
            );
          })}
          {horizon > 0 && (
            <g className="gantt-horizon">
              <title>{`Horizon: ${fmtNumber(horizon)} weeks`}</title>
              <line x1={x(horizon)} x2={x(horizon)} y1={HEAD} y2={height - FOOT + 4} className="gantt-horizon-line" />
              <text x={x(horizon)} y={height - 5} textAnchor="middle" className="gantt-horizon-label">
                horizon
              </text>
            </g>
          )}
        </svg>
      </div>
      <details className="gantt-table">
        <summary className="small">Schedule as a table</summary>
        <div className="results-scroll">
          <table className="grid">
            <caption className="sr-only">Tasks with their levelled dates</caption>
            <thead>
              <tr>
                <th scope="col">Task</th>
                <th scope="col">Workstream</th>
                <th scope="col">Role</th>
                <th scope="col" className="num">Weeks</th>
                <th scope="col">Start</th>
                <th scope="col">Finish</th>
                <th scope="col" className="num">Slack</th>
                <th scope="col">Critical</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => {
                if (r.kind === "ws") {
                  return (
                    <tr key={r.key} className="gantt-table-ws">
                      <th scope="rowgroup" colSpan={8}>
                        {r.name}
                        {r.gates.map((g) => (
                          <span key={g.id} className="small muted">
                            {" "}
                            · {g.id} gate week {fmtNumber(g.week, 1)}
                          </span>
                        ))}
                      </th>
                    </tr>
                  );
                }
                const t = r.task;
                return (
                  <tr key={r.key}>
                    <td>
                      <Markdown inline text={t.name} />
                    </td>
                    <td>{workstreams.find((w) => w.id === t.workstream)?.name ?? t.workstream}</td>
                    <td>{roleName(t.role)}</td>
                    <td className="num">{fmtNumber(t.weeks, 1)}</td>
                    <td>
                      {fmtDate(t.start_date)} <span className="muted small">(wk {fmtNumber(t.start_week, 1)})</span>
                    </td>
                    <td>{fmtDate(t.finish_date)}</td>
                    <td className="num">{fmtNumber(t.slack, 1)}</td>
                    <td>{t.critical ? <span className="gantt-crit-tag">critical</span> : ""}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
