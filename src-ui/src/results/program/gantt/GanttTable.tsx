// The schedule as a table: the Gantt chart's accessible alternative, with every full name.
import type { ProgramWorkstream } from "../../../bindings";
import { Markdown, plainText } from "../../../markdown/Markdown";
import { fmtDate, fmtNumber } from "../../format";
import type { Row } from "./layout";

export function GanttTable({ rows, workstreams, roleName }: { rows: Row[]; workstreams: ProgramWorkstream[]; roleName: (id: string) => string }) {
  return (
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
                    <th scope="rowgroup" colSpan={8}>
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
  );
}
