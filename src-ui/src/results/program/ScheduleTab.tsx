// The program's Schedule tab: the Gantt chart by workstream and the workstreams table.
import type { ProgramWorkstream } from "../../bindings";
import { Markdown } from "../../markdown/Markdown";
import { Empty } from "../common";
import { fmtDate, fmtNumber } from "../format";
import { DataTable, moneyColumn } from "./DataTable";
import { Gantt } from "./gantt/Gantt";
import { variantsOf, type TabProps } from "./parts";

export function ScheduleTab({ program: p, names: { currency, roleName } }: TabProps) {
  return (
    <section aria-label="Workstreams and Gantt chart" className="stack">
      {p.tasks.length ? (
        <Gantt
          workstreams={p.workstreams}
          tasks={p.tasks}
          gates={p.stage_gates}
          schedule={p.schedule}
          roleName={roleName}
          // Programs made before plan variants have no priorities (every task reads as a must).
          showPriority={variantsOf(p).length > 0}
        />
      ) : (
        <Empty>No tasks were planned.</Empty>
      )}
      <DataTable<ProgramWorkstream>
        caption="Workstreams"
        rows={p.workstreams}
        rowKey={(w) => w.id}
        columns={[
          {
            header: "Workstream",
            cell: (w) => (
              <>
                <strong>{w.name}</strong>
                {w.critical && <span className="gantt-crit-tag"> critical</span>}
                <div className="small muted">
                  <Markdown inline text={w.description} />
                </div>
              </>
            ),
          },
          { header: "Start", cell: (w) => fmtDate(w.start_date) },
          { header: "Finish", cell: (w) => fmtDate(w.finish_date) },
          { header: "Tasks", num: true, cell: (w) => fmtNumber(w.task_count) },
          moneyColumn("Cost", currency, (w) => w.cost),
          { header: "Milestone", cell: (w) => <Markdown inline text={w.milestone} /> },
        ]}
      />
    </section>
  );
}
