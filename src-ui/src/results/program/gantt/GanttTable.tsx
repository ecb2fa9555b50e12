// The schedule as a table: the Gantt chart's accessible alternative, with every full name.
import type { ProgramWorkstream } from "../../../bindings";
import { Markdown, plainText } from "../../../markdown/Markdown";
import { fmtDate, fmtNumber } from "../../format";
import { PriorityBadge } from "../parts";
import type { Row } from "./layout";

interface GanttTableProps {
  rows: Row[];
  workstreams: ProgramWorkstream[];
  roleName: (id: string) => string;
  /** A Priority column (must, should, could). */
  showPriority?: boolean;
  /** A People column: who is booked on each task (plans levelled person by person). */
  showPeople?: boolean;
}

export function GanttTable({ rows, workstreams, roleName, showPriority = false, showPeople = false }: GanttTableProps) {
  const columns = 8 + (showPriority ? 1 : 0) + (showPeople ? 1 : 0);
  return (
    <details className="gantt-table">
      <summary className="small">Schedule as a table</summary>
      <div className="results-scroll">
        <table className="grid">
          <caption className="sr-only">Tasks with their levelled dates</caption>
          <thead>
            <tr>
              <th scope="col">Task</th>
              {showPriority && <th scope="col">Priority</th>}
              <th scope="col">Workstream</th>
              <th scope="col">Role</th>
              {showPeople && <th scope="col">People</th>}
              <th scope="col" className="num">
                Weeks
              </th>
              <th scope="col">Start</th>
              <th scope="col">Finish</th>
              <th scope="col" className="num">
                Slack
              </th>
              <th scope="col">Critical</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              if (r.kind === "ws") {
                return (
                  <tr key={r.key} className="gantt-table-ws">
                    <th scope="rowgroup" colSpan={columns}>
                      {r.name}
                      {r.gates.map((g) => (
                        <span key={g.id} className="small muted">
                          {" "}
                          · gate {g.id} “{plainText(g.name)}” week {fmtNumber(g.week, 1)}
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
                  {showPriority && (
                    <td>
                      <PriorityBadge priority={t.priority} />
                    </td>
                  )}
                  <td>{workstreams.find((w) => w.id === t.workstream)?.name ?? t.workstream}</td>
                  <td>{roleName(t.role)}</td>
                  {showPeople && <td>{Array.isArray(t.people) && t.people.length > 0 ? t.people.join(", ") : <span className="muted">—</span>}</td>}
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
  );
}
