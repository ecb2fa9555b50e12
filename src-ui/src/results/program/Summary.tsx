// The program's summary cards: duration against the horizon, budget against what is
// available, headcount against the team, and the top risk. A program with plan variants shows
// its Plans row in their place, with the top risk as one line below it (TopRiskLine); the
// digest of a result and programs made before plan variants keep the four cards.
import type { ReactNode } from "react";
import type { Program_Serialize as Program, Risk } from "../../bindings";
import { finite, money } from "../../lib/format";
import { Markdown, plainText } from "../../markdown/Markdown";
import { fmtNumber, fmtPercent } from "../format";
import { Bad, Good, SeverityBadge, byScore, type TabProps } from "./parts";
import { riskWords } from "./riskWords";

function Stat({ label, value, children }: { label: string; value: ReactNode; children?: ReactNode }) {
  return (
    <section className="card program-stat" aria-label={label}>
      <div className="program-stat-label small muted">{label}</div>
      <div className="program-stat-value">{value}</div>
      {children && <div className="program-stat-sub small">{children}</div>}
    </section>
  );
}

/** The levelled length beside the critical path, in words: what the team costs in weeks. */
export function lengthNote(s: Program["schedule"]): string {
  const free = s.critical_path_weeks;
  if (s.levelled_weeks <= free) return "as short as the critical path: no role holds it up";
  const note = `as staffed; ${fmtNumber(free)} if every role were free`;
  return s.schedules_built > 0 && s.levelled_weeks <= s.shortest_possible_weeks ? `${note} (none shorter with these people)` : note;
}

/** The budget against what is available: the margin under it, or how far over it is. */
export function BudgetMargin({ budget, currency: cur }: { budget: Program["budget"]; currency: string }) {
  const variance = budget.variance;
  return finite(variance) && variance < 0 ? (
    <Bad>over the available {money(budget.available, cur)} by {money(-variance, cur)}</Bad>
  ) : finite(variance) ? (
    <Good>{money(variance, cur)} under the {money(budget.available, cur)} available</Good>
  ) : (
    <span className="muted">available {money(budget.available, cur)}</span>
  );
}

/** "incl. 10 % contingency". */
export function contingencyNote(budget: Program["budget"]): string {
  return `incl. ${fmtPercent(budget.contingency_rate)} contingency`;
}

/**
 * The most serious risk in one line: "Top risk: <title> — <severity> likely × major (score 16)".
 * With `onOpen`, its title is a button that shows the risk register. One line: a long title
 * is cut short on screen (whole in its tooltip and name).
 */
export function TopRiskLine({ risks, onOpen }: { risks: Risk[]; onOpen?: () => void }) {
  const top = byScore(risks)[0];
  if (!top) return (
      <p className="program-top-risk-line small muted" data-testid="top-risk">
        Top risk: none recorded
      </p>
    );
  const title = plainText(top.title);
  const words = `${riskWords(top.probability, top.impact)} (score ${fmtNumber(top.score)})`;
  return (
    <p className="program-top-risk-line small" data-testid="top-risk">
      <span className="program-top-risk-label muted">Top risk:</span>{" "}
      {onOpen ? (
        <button type="button" className="program-top-risk-title program-top-risk-open" title={`${title} — show it in the Risks tab`} aria-label={`${title} — show it in the Risks tab`} onClick={onOpen}>
          <span>{title}</span>
        </button>
      ) : (
        <span className="program-top-risk-title" title={title}>
          <span>{title}</span>
        </span>
      )}{" "}
      <span className="program-top-risk-rest">
        <span aria-hidden="true">—</span> <SeverityBadge severity={top.severity} /> <span className="muted">{words}</span>
      </span>
    </p>
  );
}

export function Summary({ program: p, names: { currency: cur } }: TabProps) {
  const s = p.schedule;
  const topRisk = byScore(p.risks)[0];
  // Levelled person by person, a person covering two roles counts once (the roles' own
  // headcounts would count them twice).
  const headcount = p.team.length > 0 ? p.team.length : p.resources.reduce((n, r) => n + (finite(r.headcount) ? r.headcount : 0), 0);
  const team = p.initiative.team_size;
  return (
    <div className="program-stats">
      <Stat label="Duration" value={`${fmtNumber(s.levelled_weeks, 1)} weeks`}>
        <div>
          {s.fits_horizon ? <Good>fits the {fmtNumber(s.horizon_weeks)}-week horizon</Good> : <Bad>longer than the {fmtNumber(s.horizon_weeks)}-week horizon</Bad>}
        </div>
        <div className="muted">{lengthNote(s)}</div>
      </Stat>
      <Stat label="Budget" value={money(p.budget.total, cur)}>
        <div>
          <BudgetMargin budget={p.budget} currency={cur} />
        </div>
        <div className="muted">{contingencyNote(p.budget)}</div>
      </Stat>
      <Stat label="Headcount" value={`${fmtNumber(headcount)} ${headcount === 1 ? "person" : "people"}`}>
        <div>
          {finite(team) && headcount > team ? <Bad>{fmtNumber(headcount - team)} more than the team of {fmtNumber(team)}</Bad> : <Good>within the team of {fmtNumber(team)}</Good>}
        </div>
        <div className="muted">
          {p.resources.length} {p.resources.length === 1 ? "role" : "roles"}
        </div>
      </Stat>
      <Stat
        label="Top risk"
        value={
          topRisk ? (
            <span className="program-top-risk">
              <Markdown inline text={topRisk.title} />
            </span>
          ) : (
            <span className="muted">None recorded</span>
          )
        }
      >
        {topRisk && (
          <div className="row">
            <SeverityBadge severity={topRisk.severity} />
            <span className="muted">
              {riskWords(topRisk.probability, topRisk.impact)} <span className="small">(score {fmtNumber(topRisk.score)})</span>
            </span>
          </div>
        )}
      </Stat>
    </div>
  );
}
