// The details of the plan shown, below the cards in one disclosure (closed at first): its budget
// against what is available (with the contingency it includes), its length beside the critical
// path, what it leaves out and whom it hires, with what their work costs — what the summary
// cards told before the plan cards took their place.
import type { Hire, PlanVariant_Serialize as PlanVariant } from "../../../bindings";
import { money } from "../../../lib/format";
import { useDomId } from "../../common";
import { fmtNumber } from "../../format";
import { DataTable, moneyColumn } from "../DataTable";
import { BudgetMargin, contingencyNote, lengthNote } from "../Summary";
import { Deferred } from "./Deferred";
import { deferredSavings, hiresCost, hiresWords, peopleWords, taskWords, weekWords } from "./words";

/** What the disclosure holds, in a few words for its summary line. */
function gist(v: PlanVariant, currency: string): string {
  const parts: string[] = [];
  if (v.deferred.length > 0) {
    const saved = deferredSavings(v.deferred);
    let text = `leaves out ${taskWords(v.deferred.length)}`;
    if (saved.money != null) text += `, saving ${money(saved.money, currency)}`;
    if (saved.weeks > 0) text += ` and ${weekWords(saved.weeks)}`;
    parts.push(text);
  } else {
    parts.push("nothing left out");
  }
  const hires = hiresWords(v.hires);
  if (hires) parts.push(`${hires.count}, their work ${money(hiresCost(v.hires), currency)}`);
  return parts.join(" · ");
}

/** The plan's budget, length and people in a few short lines. */
function Figures({ variant: v, currency }: { variant: PlanVariant; currency: string }) {
  const { budget, schedule, resources } = v.plan;
  const roles = resources.length;
  return (
    <ul className="plans-facts small" aria-label={`“${v.label}” in figures`}>
      <li>
        <span className="plans-fact-key">Budget</span>
        <span>
          {money(budget.total, currency)}, {contingencyNote(budget)} · <BudgetMargin budget={budget} currency={currency} />
        </span>
      </li>
      <li>
        <span className="plans-fact-key">Length</span>
        <span>
          {weekWords(schedule.levelled_weeks)}, {lengthNote(schedule)}
        </span>
      </li>
      <li>
        <span className="plans-fact-key">People</span>
        <span>
          {peopleWords(v.summary.headcount)} in {fmtNumber(roles)} {roles === 1 ? "role" : "roles"}
        </span>
      </li>
    </ul>
  );
}

function Hires({ variant: v, currency }: { variant: PlanVariant; currency: string }) {
  const titleId = useDomId("hires");
  const wanted = v.hires.filter((h) => h.people > 0);
  const people = wanted.reduce((n, h) => n + h.people, 0);
  return (
    <section className="plans-hires" aria-labelledby={titleId}>
      <h3 id={titleId}>Whom “{v.label}” hires</h3>
      <p className="muted small">People beyond your team, by role; their work is their share of the booked work, before contingency.</p>
      <DataTable<Hire>
        caption={`Hires “${v.label}” needs`}
        hiddenCaption
        rows={wanted}
        rowKey={(h) => h.role}
        columns={[
          { header: "Role", cell: (h) => h.name },
          { header: "People", num: true, cell: (h) => fmtNumber(h.people) },
          moneyColumn("Their work", currency, (h) => h.cost),
        ]}
        foot={
          <tr className="program-total">
            <th scope="row">All hires</th>
            <td className="num">{fmtNumber(people)}</td>
            <td className="num">{money(hiresCost(wanted), currency)}</td>
          </tr>
        }
      />
    </section>
  );
}

export function PlanDetails({ variant: v, currency }: { variant: PlanVariant; currency: string }) {
  const hires = hiresWords(v.hires);
  return (
    <details className="plans-details">
      <summary className="small">
        <span className="plans-details-title">Details of “{v.label}”</span> <span className="muted">· {gist(v, currency)}</span>
      </summary>
      <div className="plans-details-body">
        <Figures variant={v} currency={currency} />
        <Deferred variant={v} currency={currency} />
        {hires && <Hires variant={v} currency={currency} />}
      </div>
    </details>
  );
}
