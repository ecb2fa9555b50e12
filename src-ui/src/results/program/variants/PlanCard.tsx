// One plan variant as a card: its figures, whether it fits the budget, the horizon and the
// team (in words, with an icon and a colour), what it leaves out or hires, and View / Adopt.
import { CircleCheck, Eye } from "lucide-react";
import type { PlanVariant_Serialize as PlanVariant, VariantId } from "../../../bindings";
import { money } from "../../../lib/format";
import { useDomId } from "../../common";
import { fmtDate, fmtNumber } from "../../format";
import { Bad, Good } from "../parts";
import type { Adopting } from "./useAdoptVariant";
import { deferredSavings, hiresWords, keptWords, peopleWords, taskWords, weekWords } from "./words";

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

function Fit({ ok, yes, no }: { ok: boolean; yes: string; no: string }) {
  return <li>{ok ? <Good>{yes}</Good> : <Bad>{no}</Bad>}</li>;
}

export function PlanCard({ variant: v, currency, horizonWeeks, teamSize, scope, adopted, shown, onView, adopting }: PlanCardProps) {
  const titleId = useDomId("plan");
  const s = v.summary;
  const hires = hiresWords(v.hires);
  const saved = deferredSavings(v.deferred);
  const classes = ["card", "plan-card", adopted ? "is-adopted" : "", shown ? "is-shown" : ""].filter(Boolean).join(" ");
  return (
    <li className="plan-card-item">
      <section className={classes} aria-labelledby={titleId} data-variant={v.id}>
        <div className="plan-card-head">
          <h3 id={titleId}>{v.label}</h3>
          {adopted ? (
            <span className="plan-mark plan-adopted">
              <CircleCheck size={14} aria-hidden="true" /> Adopted
            </span>
          ) : (
            shown && (
              <span className="plan-mark plan-viewing">
                <Eye size={14} aria-hidden="true" /> Viewing
              </span>
            )
          )}
        </div>
        <dl className="plan-figures">
          <div>
            <dt>Duration</dt>
            <dd>
              {weekWords(s.weeks)} <span className="small muted">· ends {fmtDate(v.plan.schedule.end_date)}</span>
            </dd>
          </div>
          <div>
            <dt>Cost</dt>
            <dd>{money(s.cost, currency)}</dd>
          </div>
          <div>
            <dt>People</dt>
            <dd>
              {peopleWords(s.headcount)}
              {hires && (
                <div className="small plan-hires" title={hires.full !== hires.short ? hires.full : undefined}>
                  {hires.short}
                  <span className="muted"> · their work {money(v.hires.reduce((sum, h) => sum + (h.cost ?? 0), 0), currency)}</span>
                </div>
              )}
            </dd>
          </div>
          <div>
            <dt>Tasks</dt>
            <dd>{keptWords(s.tasks, scope)}</dd>
          </div>
        </dl>
        <ul className="plan-fits small" aria-label="Against your limits">
          <Fit ok={s.fits_budget} yes="Fits the budget" no="Over the budget" />
          <Fit ok={s.fits_horizon} yes={`Fits the ${fmtNumber(horizonWeeks)}-week horizon`} no={`Longer than the ${fmtNumber(horizonWeeks)}-week horizon`} />
          <Fit ok={s.fits_team} yes={`Fits your team of ${fmtNumber(teamSize)}`} no={`Needs more than your team of ${fmtNumber(teamSize)}`} />
        </ul>
        {v.deferred.length > 0 && (
          <p className="small plan-leaves">
            Leaves out {taskWords(v.deferred.length)}
            {saved.money != null && <>, saving {money(saved.money, currency)}</>}
            {saved.weeks > 0 && <> and {weekWords(saved.weeks)}</>}
            {!shown && <span className="muted"> — View to see which</span>}
          </p>
        )}
        <div className="row plan-actions">
          <button type="button" className="btn small" aria-label={`View ${v.label}`} aria-pressed={shown} onClick={() => onView(adopted ? null : v.id)}>
            <Eye size={13} aria-hidden="true" /> View
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
      </section>
    </li>
  );
}
