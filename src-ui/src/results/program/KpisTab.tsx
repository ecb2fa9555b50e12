// The program's KPIs tab: each KPI with its direction, baseline, target and how it is measured.
import { ArrowDown, ArrowUp } from "lucide-react";
import type { Kpi_Serialize } from "../../bindings";
import { Markdown } from "../../markdown/Markdown";
import { Empty } from "../common";
import { fmtNumber } from "../format";
import { DataTable } from "./DataTable";
import type { TabProps } from "./parts";

export function KpisTab({ program: p, names: { wsName } }: TabProps) {
  if (p.kpis.length === 0) return <Empty>No KPIs were set.</Empty>;
  return (
    <DataTable<Kpi_Serialize>
      caption="KPIs with their targets"
      hiddenCaption
      rows={p.kpis}
      rowKey={(k, i) => `${k.name}-${i}`}
      columns={[
        {
          header: "KPI",
          cell: (k) => (
            <>
              <span className="program-kpi">
                {k.direction === "decrease" ? <ArrowDown size={13} aria-hidden="true" /> : <ArrowUp size={13} aria-hidden="true" />}
                <Markdown inline text={k.name} />
              </span>
              <div className="small muted">{k.direction === "decrease" ? "lower is better" : "higher is better"}</div>
            </>
          ),
        },
        { header: "Baseline", num: true, cell: (k) => fmtNumber(k.baseline, 2) },
        { header: "Target", num: true, cell: (k) => <strong>{fmtNumber(k.target, 2)}</strong> },
        { header: "Unit", cell: (k) => k.unit },
        { header: "Measured", cell: (k) => k.frequency },
        { header: "Workstream", cell: (k) => wsName(k.workstream) },
      ]}
    />
  );
}
