// The "Plans" section at the top of a program, compact so the schedule below still shows: a
// header line, its plan variants as a row of three small cards, what even the musts need when
// they do not fit, a one-line banner while a plan that is not adopted is viewed, and the plan
// shown's details (its budget margin and length, what it leaves out, whom it hires) in one
// disclosure, and a last line the page gives (the top risk).
import type { ReactNode } from "react";
import { Eye, TriangleAlert } from "lucide-react";
import type { Program_Serialize as Program, VariantId } from "../../../bindings";
import { useDomId } from "../../common";
import { variantsOf } from "../parts";
import { PlanCard } from "./PlanCard";
import { PlanDetails } from "./PlanDetails";
import { useAdoptVariant, type Adopting } from "./useAdoptVariant";
import { fullScope } from "./words";
import "./variants.css";

export interface PlansProps {
  /** The program with its adopted plan. */
  program: Program;
  currency: string;
  /** The variant viewed without being adopted (null: the adopted plan is shown). */
  viewing: VariantId | null;
  onView: (variant: VariantId | null) => void;
  /** The job the program came from: with it, plans can be adopted. */
  jobId?: string;
  /** One more line at the section's end (the program's top risk). */
  footer?: ReactNode;
}

const KNOWN: readonly VariantId[] = ["fitted", "full_with_hires", "full_with_team"];

/** One short sentence for a first-time user on what the plans are. */
function intro(ids: VariantId[]): string {
  const adopt = "the one you adopt drives every tab and export.";
  if (ids.length === KNOWN.length && KNOWN.every((id) => ids.includes(id))) {
    return `Charter planned this three ways — cut to fit, or every task with hires, or with your team as it is; ${adopt}`;
  }
  return `The plans Charter made for this initiative; ${adopt}`;
}

/** The plans, adoptable when `jobId` is given (the adopting needs the query client). */
export function Plans(props: PlansProps) {
  // Programs made before plan variants show no section at all.
  if (variantsOf(props.program).length === 0) return null;
  return props.jobId ? <AdoptablePlans {...props} jobId={props.jobId} /> : <PlansSection {...props} />;
}

function AdoptablePlans(props: PlansProps & { jobId: string }) {
  const { jobId, onView } = props;
  const adopting = useAdoptVariant(jobId, () => onView(null));
  return <PlansSection {...props} adopting={adopting} />;
}

function PlansSection({ program: p, currency, viewing, onView, adopting, footer }: PlansProps & { adopting?: Adopting }) {
  const titleId = useDomId("plans");
  const introId = useDomId("plans-intro");
  const variants = variantsOf(p);
  const viewed = viewing && viewing !== p.chosen ? (variants.find((v) => v.id === viewing) ?? null) : null;
  const shownId = viewed?.id ?? p.chosen;
  const shown = variants.find((v) => v.id === shownId) ?? null;
  const scope = fullScope(variants);
  const horizon = p.schedule.horizon_weeks;
  return (
    <section className="plans" aria-labelledby={titleId} aria-describedby={introId}>
      <div className="plans-head">
        <h2 id={titleId}>Plans</h2>
        {/* Hidden in a narrow window (it would take lines the chart needs), still the section's description. */}
        <p id={introId} className="plans-intro muted small">
          {intro(variants.map((v) => v.id))}
        </p>
      </div>
      <ul className="plans-cards">
        {variants.map((v) => (
          <PlanCard
            key={v.id}
            variant={v}
            currency={currency}
            horizonWeeks={horizon}
            teamSize={p.initiative.team_size}
            scope={scope}
            adopted={v.id === p.chosen}
            shown={v.id === shownId}
            onView={onView}
            adopting={adopting}
          />
        ))}
      </ul>
      {variants
        .filter((v) => v.shortfall)
        .map((v) => (
          <div key={v.id} className="banner warn plans-shortfall">
            <TriangleAlert size={14} aria-hidden="true" />
            <p>
              <strong>{v.label}:</strong> {v.shortfall?.summary}
            </p>
          </div>
        ))}
      {viewed && (
        <div className="banner info plans-viewing">
          <Eye size={14} aria-hidden="true" />
          <p role="status">
            Viewing <strong>{viewed.label}</strong> — not adopted. <span className="muted">The tabs below show it; exports keep the adopted plan.</span>
          </p>
          <span className="spacer" />
          {adopting && (
            <button type="button" className="btn small primary" disabled={adopting.pending != null} onClick={() => adopting.adopt(viewed.id)}>
              {adopting.pending === viewed.id ? "Adopting…" : "Adopt this plan"}
            </button>
          )}
          <button type="button" className="btn small" onClick={() => onView(null)}>
            Back to adopted
          </button>
        </div>
      )}
      {shown && <PlanDetails variant={shown} currency={currency} />}
      {footer}
    </section>
  );
}
