// The program's Risks tab: the 5×5 heat map, whose cells filter the risk register below it.
import type { Risk } from "../../bindings";
import { riskWords } from "./riskWords";
import { Markdown } from "../../markdown/Markdown";
import { Empty } from "../common";
import { fmtNumber } from "../format";
import { DataTable } from "./DataTable";
import { SeverityBadge, byScore, type TabProps } from "./parts";
import { RiskHeatMap, riskCell, type Cell } from "./RiskHeatMap";

interface RisksTabProps extends TabProps {
  /** The heat-map cell the register is filtered to, if any. */
  cell: Cell | null;
  onCell: (cell: Cell | null) => void;
}

export function RisksTab({ program: p, names: { roleName }, cell, onCell }: RisksTabProps) {
  if (p.risks.length === 0) return <Empty>No risks recorded.</Empty>;
  const risks = byScore(p.risks);
  const shown = cell ? risks.filter((r) => riskCell(r).probability === cell.probability && riskCell(r).impact === cell.impact) : risks;
  return (
    <>
      <RiskHeatMap risks={p.risks} selected={cell} onSelect={onCell} />
      {cell && (
        <div className="row small" role="status">
          Showing {shown.length} {shown.length === 1 ? "risk" : "risks"} that are {riskWords(cell.probability, cell.impact)} ({cell.probability} × {cell.impact}).
          <button type="button" className="btn link" onClick={() => onCell(null)}>
            Show all
          </button>
        </div>
      )}
      <DataTable<Risk>
        caption="Risk register"
        className="program-register"
        rows={shown}
        rowKey={(r) => r.id}
        columns={[
          { header: "ID", cell: (r) => r.id },
          {
            header: "Risk",
            cell: (r) => (
              <>
                <Markdown inline text={r.title} />
                <div className="small muted">
                  {r.category.replace(/_/g, " ")}
                  {r.origin === "computed" ? " · from the numbers" : ""}
                </div>
              </>
            ),
          },
          {
            header: "How likely × how bad",
            cell: (r) => (
              <>
                {riskWords(r.probability, r.impact)}
                <div className="small muted" title="Probability × impact, each rated 1–5">
                  {fmtNumber(r.probability)} × {fmtNumber(r.impact)} = {fmtNumber(r.score)}
                </div>
              </>
            ),
          },
          { header: "Severity", cell: (r) => <SeverityBadge severity={r.severity} /> },
          { header: "Mitigation", cell: (r) => <Markdown inline text={r.mitigation} /> },
          { header: "Owner", cell: (r) => roleName(r.owner_role) },
        ]}
      />
    </>
  );
}
