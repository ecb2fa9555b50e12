// One plan variant as a compact card: its label (and whether it is adopted or viewed), one line
// of figures, whether it fits the budget, the horizon and the team (a short word with an icon
// and a colour, the whole sentence as its name), and View / Adopt. What it leaves out and whom
// it hires are told in full below the cards, for the plan shown.
import { CircleCheck, Check, Eye, TriangleAlert } from "lucide-react";
import type { PlanVariant_Serialize as PlanVariant, VariantId } from "../../../bindings";
import { money } from "../../../lib/format";
import { useDomId } from "../../common";
import { fmtDate } from "../../format";
import type { Adopting } from "./useAdoptVariant";
import { deferredSavings, fitsOf, hiresCost, hiresWords, keptWords, peopleWords, taskWords, weekShort, weekWords } from "./words";

export interface PlanCardProps {
  variant: PlanVariant;
  currency: string;
  /** The limits the marks are against. */
  horizonWeeks: number;
  teamSize: number;
  /** Tasks in the full scope ("36 of 40 tasks"). */
  scope: number;
  adopted: boolean;
  /** Its plan is the one the tabs below show. */
  shown: boolean;
  onView: (variant: VariantId | null) => void;
  /** Absent: the plans can be looked at but not adopted here. */
  adopting?: Adopting;
}

/** The card's figures in whole sentences: what screen readers read and the tooltip shows. */
function figuresInFull(v: PlanVariant, currency: string, scope: number): string {
  const s = v.summary;
  const hires = hiresWords(v.hires);
  const people = hires ? `${peopleWords(s.headcount)} (${hires.full}; their work ${money(hiresCost(v.hires), currency)})` : peopleWords(s.headcount);
  const parts = [`${weekWords(s.weeks)}, ends ${fmtDate(v.plan.schedule.end_date)}`, money(s.cost, currency), people, keptWords(s.tasks, scope)];
  let text = parts.join(" · ");
  if (v.deferred.length > 0) {
    const saved = deferredSavings(v.deferred);
    text += `. Leaves out ${taskWords(v.deferred.length)}`;
    if (saved.money != null) text += `, saving ${money(saved.money, currency)}`;
    if (saved.weeks > 0) text += ` and ${weekWords(saved.weeks)}`;
  }
  return text;
}

export function PlanCard({ variant: v, currency, horizonWeeks, teamSize, scope, adopted, shown, onView, adopting }: PlanCardProps) {
  const titleId = useDomId("plan");
  const s = v.summary;
  const hires = hiresWords(v.hires);
  const full = figuresInFull(v, currency, scope);
  const classes = ["card", "plan-card", adopted ? "is-adopted" : "", shown ? "is-shown" : ""].filter(Boolean).join(" ");
  return (
    <li className="plan-card-item">
      <section className={classes} aria-labelledby={titleId} data-variant={v.id}>
        <h3 id={titleId}>{v.label}</h3>
        {adopted ? (
          <span className="plan-mark plan-adopted">
            <CircleCheck size={12} aria-hidden="true" /> Adopted
          </span>
        ) : (
          shown && (
            <span className="plan-mark plan-viewing">
              <Eye size={12} aria-hidden="true" /> Viewing
            </span>
          )
        )}
        <p className="plan-figures" title={full}>
          <span aria-hidden="true">
            <span className="plan-figure">{weekShort(s.weeks)}</span> · <span className="plan-figure">{money(s.cost, currency)}</span> ·{" "}
            <span className="plan-figure">{peopleWords(s.headcount)}</span>
            {hires && (
              <>
                {" "}
                · <span className="plan-figure plan-hires">{hires.count}</span>
              </>
            )}
            {v.deferred.length > 0 && (
              <>
                {" "}
                · <span className="plan-figure plan-cut">−{taskWords(v.deferred.length)}</span>
              </>
            )}
          </span>
          <span className="sr-only">{full}</span>
        </p>
        <div className="plan-foot">
          <ul className="plan-fits" aria-label="Against your limits">
            {fitsOf(s, horizonWeeks, teamSize).map((f) => (
              <li key={f.key} className={f.ok ? "program-ok" : "program-warn"} title={f.full}>
                {f.ok ? <Check size={12} aria-hidden="true" /> : <TriangleAlert size={12} aria-hidden="true" />}
                <span aria-hidden="true">{f.short}</span>
                <span className="sr-only">{f.full}</span>
              </li>
            ))}
          </ul>
          <div className="plan-actions">
            <button type="button" className="btn small" aria-label={`View ${v.label}`} aria-pressed={shown} onClick={() => onView(adopted ? null : v.id)}>
              <Eye size={12} aria-hidden="true" /> View
            </button>
            {adopting && !adopted && (
              <button
                type="button"
                className="btn small primary"
                aria-label={`${adopting.pending === v.id ? "Adopting…" : "Adopt"} ${v.label}`}
                disabled={adopting.pending != null}
                onClick={() => adopting.adopt(v.id)}
              >
                {adopting.pending === v.id ? "Adopting…" : "Adopt"}
              </button>
            )}
          </div>
        </div>
      </section>
    </li>
  );
}
