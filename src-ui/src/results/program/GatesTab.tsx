// The program's Stage gates tab: each gate with its week, date, workstream and criteria.
import { Diamond } from "lucide-react";
import { Markdown } from "../../markdown/Markdown";
import { Empty } from "../common";
import { fmtDate, fmtNumber } from "../format";
import { MarkdownList, type TabProps } from "./parts";

export function GatesTab({ program: p, names: { wsName } }: TabProps) {
  if (p.stage_gates.length === 0) return <Empty>No stage gates.</Empty>;
  return (
    <ol className="program-gates">
      {p.stage_gates.map((g) => (
        <li key={g.id} className="program-gate">
          <div className="program-gate-head">
            <Diamond size={14} className="program-gate-icon" aria-hidden="true" />
            <strong>
              {g.id} — <Markdown inline text={g.name} />
            </strong>
            <span className="small muted">
              week {fmtNumber(g.week, 1)} · {fmtDate(g.date)} · {wsName(g.workstream)}
            </span>
          </div>
          {g.criteria.length > 0 && <MarkdownList items={g.criteria} className="program-criteria" />}
        </li>
      ))}
    </ol>
  );
}
