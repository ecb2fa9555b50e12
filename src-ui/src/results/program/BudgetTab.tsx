// The program's Budget tab: the summary (labour, non-labour, contingency, total against what is
// available), then the cost by role, by workstream and by month with the running total.
import type { BudgetLine, MonthLine, RoleLine } from "../../bindings";
import { finite, money } from "../../lib/format";
import { fmtMonth, fmtNumber, fmtPercent } from "../format";
import { DataTable, moneyColumn, type Column } from "./DataTable";
import { MiniBar, type TabProps } from "./parts";

/** A cost split into labour and the rest, whatever it breaks down (a workstream, a month). */
type SpendLine = Pick<BudgetLine, "labour" | "non_labour" | "total">;

/** Labour, non-labour and their sum, headed "Total" or as `totalHeader` says. */
function spendColumns<T extends SpendLine>(currency: string, totalHeader: string): Column<T>[] {
  return [
    moneyColumn<T>("Labour", currency, (l) => l.labour),
    moneyColumn<T>("Non-labour", currency, (l) => l.non_labour),
    moneyColumn<T>(totalHeader, currency, (l) => l.total),
  ];
}

function SummaryTable({ program: p, names: { currency: cur } }: TabProps) {
  const b = p.budget;
  const over = finite(b.variance) && b.variance < 0;
  return (
    <table className="grid program-budget-summary">
      <caption className="program-caption">Summary</caption>
      <tbody>
        <tr>
          <th scope="row">Labour</th>
          <td className="num">{money(b.labour, cur)}</td>
        </tr>
        <tr>
          <th scope="row">Non-labour</th>
          <td className="num">{money(b.non_labour, cur)}</td>
        </tr>
        <tr>
          <th scope="row">Contingency ({fmtPercent(b.contingency_rate)})</th>
          <td className="num">{money(b.contingency, cur)}</td>
        </tr>
        <tr className="program-total">
          <th scope="row">Total</th>
          <td className="num">{money(b.total, cur)}</td>
        </tr>
        <tr>
          <th scope="row">Available</th>
          <td className="num">{money(b.available, cur)}</td>
        </tr>
        <tr>
          <th scope="row">{over ? "Over budget" : "Left over"}</th>
          <td className={`num${over ? " program-neg" : ""}`}>{money(finite(b.variance) ? Math.abs(b.variance) : b.variance, cur)}</td>
        </tr>
      </tbody>
    </table>
  );
}

export function BudgetTab(props: TabProps) {
  const { program: p, names } = props;
  const { currency: cur, roleName, wsName } = names;
  const b = p.budget;
  const wsTotal = b.by_workstream.reduce((n, l) => n + (finite(l.total) ? l.total : 0), 0);
  const share = (l: BudgetLine) => (wsTotal > 0 && finite(l.total) ? l.total / wsTotal : null);
  return (
    <>
      <div className="program-two">
        <SummaryTable {...props} />
        <DataTable<RoleLine>
          caption="By role"
          scroll={false}
          rows={b.by_role}
          rowKey={(l) => l.role}
          columns={[
            { header: "Role", cell: (l) => roleName(l.role) },
            { header: "Person-weeks", num: true, cell: (l) => fmtNumber(l.person_weeks, 1) },
            moneyColumn("Cost", cur, (l) => l.cost),
          ]}
        />
      </div>
      <DataTable<BudgetLine>
        caption="By workstream"
        rows={b.by_workstream}
        rowKey={(l) => l.workstream}
        columns={[
          { header: "Workstream", cell: (l) => wsName(l.workstream) },
          ...spendColumns<BudgetLine>(cur, "Total"),
          {
            header: "Share",
            cell: (l) => {
              const fraction = share(l);
              return (
                <span className="program-util">
                  <MiniBar percent={fraction == null ? 0 : fraction * 100} />
                  {fmtPercent(fraction)}
                </span>
              );
            },
          },
        ]}
        foot={
          <tr>
            <td className="muted">Contingency ({fmtPercent(b.contingency_rate)})</td>
            <td />
            <td />
            <td className="num">{money(b.contingency, cur)}</td>
            <td />
          </tr>
        }
      />
      <DataTable<MonthLine>
        caption={
          <>
            By month <span className="small muted">— before contingency</span>
          </>
        }
        rows={b.by_month}
        rowKey={(m) => m.month}
        columns={[
          { header: "Month", cell: (m) => fmtMonth(m.month) },
          ...spendColumns<MonthLine>(cur, "Spend"),
          moneyColumn("Running total", cur, (m) => m.cumulative),
          {
            header: <span className="sr-only">Running total as a share of the plan</span>,
            className: "program-cumbar",
            cell: (m) => <MiniBar percent={finite(b.total) && b.total > 0 && finite(m.cumulative) ? Math.min(100, (m.cumulative / b.total) * 100) : 0} />,
          },
        ]}
      />
    </>
  );
}
