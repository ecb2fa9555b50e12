// The generated program: summary cards, then tabs for the schedule (Gantt), resources,
// budget, risks, KPIs, stage gates and the analysis.
import { useState, type ReactNode } from "react";
import * as Tabs from "@radix-ui/react-tabs";
import { ArrowDown, ArrowUp, Check, Diamond, TriangleAlert } from "lucide-react";
import type { Program_Serialize, Risk, ScheduledTask, Severity } from "../bindings";
import { Markdown } from "../markdown/Markdown";
import { Empty, SourceLabel } from "./common";
import { barPercent, fmtDate, fmtMoney, fmtMonth, fmtNumber, fmtPercent, monthKey, monthRange, parseDate, weekDate } from "./format";
import { Gantt } from "./Gantt";
import { RiskHeatMap, SEVERITY_WORD, riskCell, type Cell } from "./RiskHeatMap";
import "./results.css";

export type ProgramTab = "schedule" | "resources" | "budget" | "risks" | "kpis" | "gates" | "analysis";

export interface ProgramViewProps {
  program: Program_Serialize;
  /** Extra controls for the header (e.g. export buttons). */
  actions?: ReactNode;
  /** The section shown first (default: the schedule). */
  defaultTab?: ProgramTab;
}

function finite(n: number | null | undefined): n is number {
  return typeof n === "number" && Number.isFinite(n);
}

/** Person-weeks each role is booked per calendar month (a week counts in its Monday's month, as the budget does). */
export function roleMonthLoad(tasks: ScheduledTask[], startDate: string): { months: string[]; load: Map<string, Map<string, number>> } {
  const start = parseDate(startDate);
  const load = new Map<string, Map<string, number>>();
  if (!start) return { months: [], load };
  const seen: string[] = [];
  for (const t of tasks) {
    const from = Math.max(0, Math.floor(finite(t.start_week) ? t.start_week : 0));
    const to = Math.min(from + 520, Math.ceil(finite(t.finish_week) ? t.finish_week : from));
    const units = finite(t.units) ? t.units : 1;
    for (let w = from; w < to; w++) {
      const key = monthKey(weekDate(start, w));
      seen.push(key);
      const row = load.get(t.role) ?? new Map<string, number>();
      row.set(key, (row.get(key) ?? 0) + units);
      load.set(t.role, row);
    }
  }
  if (!seen.length) return { months: [], load };
  seen.sort();
  return { months: monthRange(seen[0] ?? "", seen[seen.length - 1] ?? ""), load };
}

function SeverityBadge({ severity }: { severity: Severity }) {
  const word = SEVERITY_WORD[severity] ?? String(severity);
  return (
    <span className={`program-sev sev-${severity}`}>
      <span className="program-sev-dot" aria-hidden="true" />
      {word}
    </span>
  );
}

function Stat({ label, value, children }: { label: string; value: ReactNode; children?: ReactNode }) {
  return (
    <section className="card program-stat" aria-label={label}>
      <div className="program-stat-label small muted">{label}</div>
      <div className="program-stat-value">{value}</div>
      {children && <div className="program-stat-sub small">{children}</div>}
    </section>
  );
}

function Good({ children }: { children: ReactNode }) {
  return (
    <span className="program-ok">
      <Check size={13} aria-hidden="true" /> {children}
    </span>
  );
}

function Bad({ children }: { children: ReactNode }) {
  return (
    <span className="program-warn">
      <TriangleAlert size={13} aria-hidden="true" /> {children}
    </span>
  );
}

function MiniBar({ percent }: { percent: number }) {
  return (
    <span className="program-minibar" aria-hidden="true">
      <span style={{ width: `${percent}%` }} />
    </span>
  );
}

export function ProgramView({ program, actions, defaultTab = "schedule" }: ProgramViewProps) {
  const p = program;
  const cur = p.budget.currency || p.initiative.currency || "";
  const roles = new Map(p.resources.map((r) => [r.id, r.name]));
  const roleName = (id: string) => roles.get(id) ?? id;
  const wsNames = new Map(p.workstreams.map((w) => [w.id, w.name]));
  const wsName = (id: string | null | undefined) => (id ? wsNames.get(id) ?? id : "");
  const risks = [...p.risks].sort((a, b) => (finite(b.score) ? b.score : 0) - (finite(a.score) ? a.score : 0));
  const topRisk: Risk | undefined = risks[0];
  const headcount = p.resources.reduce((n, r) => n + (finite(r.headcount) ? r.headcount : 0), 0);
  const team = p.initiative.team_size;
  const s = p.schedule;
  const [cell, setCell] = useState<Cell | null>(null);
  const shownRisks = cell ? risks.filter((r) => riskCell(r).probability === cell.probability && riskCell(r).impact === cell.impact) : risks;
  const { months, load } = roleMonthLoad(p.tasks, s.start_date);
  const roleIds = [...p.resources.map((r) => r.id), ...[...load.keys()].filter((id) => !roles.has(id))];
  const wsTotal = p.budget.by_workstream.reduce((n, l) => n + (finite(l.total) ? l.total : 0), 0);
  const variance = p.budget.variance;

  return (
    <article className="program-view results-view" aria-label="Program">
      <header className="program-head">
        <div className="program-meta small muted">
          {p.analysis.industry && <span>{p.analysis.industry}</span>}
          <span>
            {fmtDate(s.start_date)} → {fmtDate(s.end_date)}
          </span>
          <SourceLabel source={p.source} />
        </div>
        {actions && <div className="row">{actions}</div>}
      </header>

      {p.warnings.length > 0 && (
        <section className="banner warn program-warnings" aria-label="Warnings">
          <TriangleAlert size={16} aria-hidden="true" />
          <div>
            <strong>{p.warnings.length === 1 ? "Warning" : `${p.warnings.length} warnings`}</strong>
            <ul>
              {p.warnings.map((w, i) => (
                <li key={i}>
                  <Markdown inline text={w} />
                </li>
              ))}
            </ul>
          </div>
        </section>
      )}

      <div className="program-stats">
        <Stat label="Duration" value={`${fmtNumber(s.levelled_weeks, 1)} weeks`}>
          <div>
            {s.fits_horizon ? <Good>fits the {fmtNumber(s.horizon_weeks)}-week horizon</Good> : <Bad>longer than the {fmtNumber(s.horizon_weeks)}-week horizon</Bad>}
          </div>
          <div className="muted">critical path {fmtNumber(s.critical_path_weeks, 1)} weeks</div>
        </Stat>
        <Stat label="Budget" value={fmtMoney(p.budget.total, cur)}>
          <div>
            {finite(variance) && variance < 0 ? (
              <Bad>over the available {fmtMoney(p.budget.available, cur)} by {fmtMoney(-variance, cur)}</Bad>
            ) : finite(variance) ? (
              <Good>{fmtMoney(variance, cur)} under the {fmtMoney(p.budget.available, cur)} available</Good>
            ) : (
              <span className="muted">available {fmtMoney(p.budget.available, cur)}</span>
            )}
          </div>
          <div className="muted">incl. {fmtPercent(p.budget.contingency_rate)} contingency</div>
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
                score {fmtNumber(topRisk.score)} (P{fmtNumber(topRisk.probability)} × I{fmtNumber(topRisk.impact)})
              </span>
            </div>
          )}
        </Stat>
      </div>

      <Tabs.Root defaultValue={defaultTab} className="program-tabs">
        <Tabs.List className="program-tablist" aria-label="Program sections">
          <Tabs.Trigger value="schedule" className="program-tab">
            Schedule
          </Tabs.Trigger>
          <Tabs.Trigger value="resources" className="program-tab">
            Resources
          </Tabs.Trigger>
          <Tabs.Trigger value="budget" className="program-tab">
            Budget
          </Tabs.Trigger>
          <Tabs.Trigger value="risks" className="program-tab">
            Risks <span className="program-count">{p.risks.length}</span>
          </Tabs.Trigger>
          <Tabs.Trigger value="kpis" className="program-tab">
            KPIs <span className="program-count">{p.kpis.length}</span>
          </Tabs.Trigger>
          <Tabs.Trigger value="gates" className="program-tab">
            Stage gates <span className="program-count">{p.stage_gates.length}</span>
          </Tabs.Trigger>
          <Tabs.Trigger value="analysis" className="program-tab">
            Analysis
          </Tabs.Trigger>
        </Tabs.List>

        <Tabs.Content value="schedule" className="program-panel">
          <section aria-label="Workstreams and Gantt chart" className="stack">
            {p.tasks.length ? (
              <Gantt workstreams={p.workstreams} tasks={p.tasks} gates={p.stage_gates} schedule={s} roleName={roleName} />
            ) : (
              <Empty>No tasks were planned.</Empty>
            )}
            <div className="results-scroll">
              <table className="grid">
                <caption className="program-caption">Workstreams</caption>
                <thead>
                  <tr>
                    <th scope="col">Workstream</th>
                    <th scope="col">Start</th>
                    <th scope="col">Finish</th>
                    <th scope="col" className="num">
                      Tasks
                    </th>
                    <th scope="col" className="num">
                      Cost
                    </th>
                    <th scope="col">Milestone</th>
                  </tr>
                </thead>
                <tbody>
                  {p.workstreams.map((w) => (
                    <tr key={w.id}>
                      <td>
                        <strong>{w.name}</strong>
                        {w.critical && <span className="gantt-crit-tag"> critical</span>}
                        <div className="small muted">
                          <Markdown inline text={w.description} />
                        </div>
                      </td>
                      <td>{fmtDate(w.start_date)}</td>
                      <td>{fmtDate(w.finish_date)}</td>
                      <td className="num">{fmtNumber(w.task_count)}</td>
                      <td className="num">{fmtMoney(w.cost, cur)}</td>
                      <td>
                        <Markdown inline text={w.milestone} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </Tabs.Content>

        <Tabs.Content value="resources" className="program-panel stack">
          <div className="results-scroll">
            <table className="grid">
              <caption className="program-caption">By role</caption>
              <thead>
                <tr>
                  <th scope="col">Role</th>
                  <th scope="col" className="num">
                    People
                  </th>
                  <th scope="col" className="num">
                    Monthly rate
                  </th>
                  <th scope="col" className="num">
                    Person-weeks
                  </th>
                  <th scope="col" className="num">
                    Peak
                  </th>
                  <th scope="col">Utilisation</th>
                </tr>
              </thead>
              <tbody>
                {p.resources.map((r) => (
                  <tr key={r.id}>
                    <td>{r.name}</td>
                    <td className="num">{fmtNumber(r.headcount)}</td>
                    <td className="num">{fmtMoney(r.monthly_rate, cur)}</td>
                    <td className="num">{fmtNumber(r.person_weeks, 1)}</td>
                    <td className="num">{fmtNumber(r.peak, 1)}</td>
                    <td>
                      <span className="program-util">
                        <MiniBar percent={barPercent(r.utilisation)} />
                        {fmtPercent(r.utilisation)}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {months.length > 0 && (
            <div className="results-scroll">
              <table className="grid program-matrix">
                <caption className="program-caption">
                  By month <span className="small muted">— person-weeks booked in the levelled schedule</span>
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Role</th>
                    {months.map((m) => (
                      <th key={m} scope="col" className="num">
                        {fmtMonth(m, m.endsWith("-01") || m === months[0])}
                      </th>
                    ))}
                    <th scope="col" className="num">
                      Total
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {roleIds.map((id) => {
                    const row = load.get(id);
                    const total = row ? [...row.values()].reduce((a, b) => a + b, 0) : 0;
                    return (
                      <tr key={id}>
                        <th scope="row">{roleName(id)}</th>
                        {months.map((m) => {
                          const v = row?.get(m) ?? 0;
                          return (
                            <td key={m} className={`num${v ? " program-busy" : " muted"}`}>
                              {v ? fmtNumber(v, 1) : "·"}
                            </td>
                          );
                        })}
                        <td className="num">
                          <strong>{fmtNumber(total, 1)}</strong>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row">All roles</th>
                    {months.map((m) => (
                      <td key={m} className="num">
                        {fmtNumber(
                          [...load.values()].reduce((n, row) => n + (row.get(m) ?? 0), 0),
                          1,
                        )}
                      </td>
                    ))}
                    <td className="num">
                      <strong>{fmtNumber([...load.values()].reduce((n, row) => n + [...row.values()].reduce((a, b) => a + b, 0), 0), 1)}</strong>
                    </td>
                  </tr>
                </tfoot>
              </table>
            </div>
          )}
        </Tabs.Content>

        <Tabs.Content value="budget" className="program-panel stack">
          <div className="program-two">
            <table className="grid program-budget-summary">
              <caption className="program-caption">Summary</caption>
              <tbody>
                <tr>
                  <th scope="row">Labour</th>
                  <td className="num">{fmtMoney(p.budget.labour, cur)}</td>
                </tr>
                <tr>
                  <th scope="row">Non-labour</th>
                  <td className="num">{fmtMoney(p.budget.non_labour, cur)}</td>
                </tr>
                <tr>
                  <th scope="row">Contingency ({fmtPercent(p.budget.contingency_rate)})</th>
                  <td className="num">{fmtMoney(p.budget.contingency, cur)}</td>
                </tr>
                <tr className="program-total">
                  <th scope="row">Total</th>
                  <td className="num">{fmtMoney(p.budget.total, cur)}</td>
                </tr>
                <tr>
                  <th scope="row">Available</th>
                  <td className="num">{fmtMoney(p.budget.available, cur)}</td>
                </tr>
                <tr>
                  <th scope="row">{finite(variance) && variance < 0 ? "Over budget" : "Left over"}</th>
                  <td className={`num${finite(variance) && variance < 0 ? " program-neg" : ""}`}>{fmtMoney(finite(variance) ? Math.abs(variance) : variance, cur)}</td>
                </tr>
              </tbody>
            </table>
            <table className="grid">
              <caption className="program-caption">By role</caption>
              <thead>
                <tr>
                  <th scope="col">Role</th>
                  <th scope="col" className="num">
                    Person-weeks
                  </th>
                  <th scope="col" className="num">
                    Cost
                  </th>
                </tr>
              </thead>
              <tbody>
                {p.budget.by_role.map((l) => (
                  <tr key={l.role}>
                    <td>{roleName(l.role)}</td>
                    <td className="num">{fmtNumber(l.person_weeks, 1)}</td>
                    <td className="num">{fmtMoney(l.cost, cur)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="results-scroll">
            <table className="grid">
              <caption className="program-caption">By workstream</caption>
              <thead>
                <tr>
                  <th scope="col">Workstream</th>
                  <th scope="col" className="num">
                    Labour
                  </th>
                  <th scope="col" className="num">
                    Non-labour
                  </th>
                  <th scope="col" className="num">
                    Total
                  </th>
                  <th scope="col">Share</th>
                </tr>
              </thead>
              <tbody>
                {p.budget.by_workstream.map((l) => (
                  <tr key={l.workstream}>
                    <td>{wsName(l.workstream)}</td>
                    <td className="num">{fmtMoney(l.labour, cur)}</td>
                    <td className="num">{fmtMoney(l.non_labour, cur)}</td>
                    <td className="num">{fmtMoney(l.total, cur)}</td>
                    <td>
                      <span className="program-util">
                        <MiniBar percent={wsTotal > 0 && finite(l.total) ? (l.total / wsTotal) * 100 : 0} />
                        {wsTotal > 0 && finite(l.total) ? fmtPercent(l.total / wsTotal) : "—"}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <td className="muted">Contingency ({fmtPercent(p.budget.contingency_rate)})</td>
                  <td />
                  <td />
                  <td className="num">{fmtMoney(p.budget.contingency, cur)}</td>
                  <td />
                </tr>
              </tfoot>
            </table>
          </div>
          <div className="results-scroll">
            <table className="grid">
              <caption className="program-caption">
                By month <span className="small muted">— before contingency</span>
              </caption>
              <thead>
                <tr>
                  <th scope="col">Month</th>
                  <th scope="col" className="num">
                    Labour
                  </th>
                  <th scope="col" className="num">
                    Non-labour
                  </th>
                  <th scope="col" className="num">
                    Spend
                  </th>
                  <th scope="col" className="num">
                    Running total
                  </th>
                  <th scope="col">
                    <span className="sr-only">Running total as a share of the plan</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {p.budget.by_month.map((m) => (
                  <tr key={m.month}>
                    <td>{fmtMonth(m.month)}</td>
                    <td className="num">{fmtMoney(m.labour, cur)}</td>
                    <td className="num">{fmtMoney(m.non_labour, cur)}</td>
                    <td className="num">{fmtMoney(m.total, cur)}</td>
                    <td className="num">{fmtMoney(m.cumulative, cur)}</td>
                    <td className="program-cumbar">
                      <MiniBar percent={finite(p.budget.total) && p.budget.total > 0 && finite(m.cumulative) ? Math.min(100, (m.cumulative / p.budget.total) * 100) : 0} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Tabs.Content>

        <Tabs.Content value="risks" className="program-panel stack">
          {p.risks.length === 0 ? (
            <Empty>No risks recorded.</Empty>
          ) : (
            <>
              <RiskHeatMap risks={p.risks} selected={cell} onSelect={setCell} />
              {cell && (
                <div className="row small" role="status">
                  Showing {shownRisks.length} {shownRisks.length === 1 ? "risk" : "risks"} at probability {cell.probability} × impact {cell.impact}.
                  <button type="button" className="btn link" onClick={() => setCell(null)}>
                    Show all
                  </button>
                </div>
              )}
              <div className="results-scroll">
                <table className="grid program-register">
                  <caption className="program-caption">Risk register</caption>
                  <thead>
                    <tr>
                      <th scope="col">ID</th>
                      <th scope="col">Risk</th>
                      <th scope="col" className="num" title="Probability (1–5)">
                        P
                      </th>
                      <th scope="col" className="num" title="Impact (1–5)">
                        I
                      </th>
                      <th scope="col" className="num">
                        Score
                      </th>
                      <th scope="col">Severity</th>
                      <th scope="col">Mitigation</th>
                      <th scope="col">Owner</th>
                    </tr>
                  </thead>
                  <tbody>
                    {shownRisks.map((r) => (
                      <tr key={r.id}>
                        <td>{r.id}</td>
                        <td>
                          <Markdown inline text={r.title} />
                          <div className="small muted">
                            {r.category}
                            {r.origin === "computed" ? " · from the numbers" : ""}
                          </div>
                        </td>
                        <td className="num">{fmtNumber(r.probability)}</td>
                        <td className="num">{fmtNumber(r.impact)}</td>
                        <td className="num">{fmtNumber(r.score)}</td>
                        <td>
                          <SeverityBadge severity={r.severity} />
                        </td>
                        <td>
                          <Markdown inline text={r.mitigation} />
                        </td>
                        <td>{roleName(r.owner_role)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </Tabs.Content>

        <Tabs.Content value="kpis" className="program-panel">
          {p.kpis.length === 0 ? (
            <Empty>No KPIs were set.</Empty>
          ) : (
            <div className="results-scroll">
              <table className="grid">
                <caption className="sr-only">KPIs with their targets</caption>
                <thead>
                  <tr>
                    <th scope="col">KPI</th>
                    <th scope="col" className="num">
                      Baseline
                    </th>
                    <th scope="col" className="num">
                      Target
                    </th>
                    <th scope="col">Unit</th>
                    <th scope="col">Measured</th>
                    <th scope="col">Workstream</th>
                  </tr>
                </thead>
                <tbody>
                  {p.kpis.map((k, i) => (
                    <tr key={`${k.name}-${i}`}>
                      <td>
                        <span className="program-kpi">
                          {k.direction === "decrease" ? <ArrowDown size={13} aria-hidden="true" /> : <ArrowUp size={13} aria-hidden="true" />}
                          <Markdown inline text={k.name} />
                        </span>
                        <div className="small muted">{k.direction === "decrease" ? "lower is better" : "higher is better"}</div>
                      </td>
                      <td className="num">{fmtNumber(k.baseline, 2)}</td>
                      <td className="num">
                        <strong>{fmtNumber(k.target, 2)}</strong>
                      </td>
                      <td>{k.unit}</td>
                      <td>{k.frequency}</td>
                      <td>{wsName(k.workstream)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Tabs.Content>

        <Tabs.Content value="gates" className="program-panel">
          {p.stage_gates.length === 0 ? (
            <Empty>No stage gates.</Empty>
          ) : (
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
                  {g.criteria.length > 0 && (
                    <ul className="program-criteria">
                      {g.criteria.map((c, i) => (
                        <li key={i}>
                          <Markdown inline text={c} />
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ol>
          )}
        </Tabs.Content>

        <Tabs.Content value="analysis" className="program-panel stack">
          <Markdown text={p.analysis.summary} />
          {p.analysis.playbook && (
            <p className="small muted">
              Playbook: {p.analysis.playbook.name}
              {finite(p.analysis.playbook.score) ? ` (match score ${fmtNumber(p.analysis.playbook.score, 2)})` : ""}
            </p>
          )}
          <div className="program-two">
            <section>
              <h3>Assumptions</h3>
              <ul className="program-list">
                {p.analysis.assumptions.map((a, i) => (
                  <li key={i}>
                    <Markdown inline text={a} />
                  </li>
                ))}
              </ul>
            </section>
            <section>
              <h3>Success factors</h3>
              <ul className="program-list">
                {p.analysis.success_factors.map((a, i) => (
                  <li key={i}>
                    <Markdown inline text={a} />
                  </li>
                ))}
              </ul>
            </section>
          </div>
          {p.initiative.constraints.length > 0 && (
            <section>
              <h3>Constraints</h3>
              <ul className="program-list">
                {p.initiative.constraints.map((c, i) => (
                  <li key={i}>{c}</li>
                ))}
              </ul>
            </section>
          )}
        </Tabs.Content>
      </Tabs.Root>
    </article>
  );
}
