// What a fitted plan leaves out: each deferred task with its priority, workstream, the money
// and weeks deferring it saves, and whether its workstream's milestone is then not reached.
import type { Deferral, PlanVariant_Serialize as PlanVariant } from "../../../bindings";
import { money } from "../../../lib/format";
import { Markdown } from "../../../markdown/Markdown";
import { useDomId } from "../../common";
import { fmtNumber } from "../../format";
import { DataTable, moneyColumn } from "../DataTable";
import { Bad, PriorityBadge } from "../parts";
import { deferredSavings, taskWords } from "./words";

/** The one line shown when a plan keeps every task. */
export const NOTHING_LEFT_OUT = "Nothing left out: every task fits.";

export function Deferred({ variant: v, currency }: { variant: PlanVariant; currency: string }) {
  const titleId = useDomId("deferred");
  if (v.deferred.length === 0) return <p className="small plans-nothing">{NOTHING_LEFT_OUT}</p>;
  const total = deferredSavings(v.deferred);
  return (
    <section className="plans-deferred" aria-labelledby={titleId}>
      <h3 id={titleId}>What “{v.label}” leaves out</h3>
      <p className="muted small">These tasks are deferred, could-haves first, so the plan fits; the full-scope plans keep them.</p>
      <DataTable<Deferral>
        caption={`Tasks “${v.label}” leaves out`}
        hiddenCaption
        rows={v.deferred}
        rowKey={(d) => d.task}
        columns={[
          { header: "Task", cell: (d) => <Markdown inline text={d.name} /> },
          { header: "Priority", cell: (d) => <PriorityBadge priority={d.priority} /> },
          {
            header: "Workstream",
            cell: (d) => (
              <>
                {d.workstream}
                {d.drops_workstream && (
                  <div className="small">
                    <Bad>its milestone is not reached</Bad>
                  </div>
                )}
              </>
            ),
          },
          moneyColumn("Saves", currency, (d) => d.saves),
          { header: "Weeks saved", num: true, cell: (d) => fmtNumber(d.saves_weeks, 1) },
        ]}
        foot={
          <tr className="program-total">
            <th scope="row" colSpan={3}>
              All {taskWords(v.deferred.length)}
            </th>
            <td className="num">{money(total.money, currency)}</td>
            <td className="num">{fmtNumber(total.weeks, 1)}</td>
          </tr>
        }
      />
    </section>
  );
}
