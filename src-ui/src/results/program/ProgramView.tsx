// The generated program: a header, its plan variants (view or adopt one) with the top risk of
// the plan shown in one line below them, its warnings, then one tab each for the schedule
// (Gantt), resources, budget, risks, KPIs, stage gates and the analysis — all of the plan shown:
// the adopted one, or one viewed. A program made before plan variants shows its warnings and
// the four summary cards instead (the Plans row takes the cards' place, so the chart still
// shows in a small window).
import { useRef, useState, type ReactNode } from "react";
import * as Tabs from "@radix-ui/react-tabs";
import { TriangleAlert } from "lucide-react";
import type { Program_Serialize, VariantId } from "../../bindings";
import { SourceLabel } from "../common";
import { fmtDate } from "../format";
import { AnalysisTab } from "./AnalysisTab";
import { BudgetTab } from "./BudgetTab";
import { GatesTab } from "./GatesTab";
import { KpisTab } from "./KpisTab";
import { MarkdownList, programNames, variantsOf, withPlan } from "./parts";
import { ResourcesTab } from "./ResourcesTab";
import type { Cell } from "./RiskHeatMap";
import { RisksTab } from "./RisksTab";
import { ScheduleTab } from "./ScheduleTab";
import { Summary, TopRiskLine } from "./Summary";
import { seedTeam } from "./team/team";
import { TeamEditor } from "./team/TeamEditor";
import { Plans } from "./variants/Plans";
import "../results.css";

export type ProgramTab = "schedule" | "resources" | "budget" | "risks" | "kpis" | "gates" | "analysis";

export interface ProgramViewProps {
  program: Program_Serialize;
  /** Extra controls for the header (e.g. export buttons). */
  actions?: ReactNode;
  /** The section shown first (default: the schedule). */
  defaultTab?: ProgramTab;
  /**
   * The job the program came from (the result page): with it, plans can be adopted and the
   * team edited, which needs the query client and the router around the view.
   */
  jobId?: string;
}

function Warnings({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null;
  return (
    <section className="banner warn program-warnings" aria-label="Warnings">
      <TriangleAlert size={16} aria-hidden="true" />
      <div>
        <strong>{warnings.length === 1 ? "Warning" : `${warnings.length} warnings`}</strong>
        <MarkdownList items={warnings} />
      </div>
    </section>
  );
}

export function ProgramView({ program: adopted, actions, defaultTab = "schedule", jobId }: ProgramViewProps) {
  // A plan variant looked at without adopting it; the adopted plan when it is null (or adopted since).
  const [viewing, setViewing] = useState<VariantId | null>(null);
  const viewed = viewing && viewing !== adopted.chosen ? variantsOf(adopted).find((v) => v.id === viewing) : undefined;
  const p = viewed ? withPlan(adopted, viewed.plan) : adopted;
  const names = programNames(p);
  const tab = { program: p, names };
  // The register's heat-map filter outlives switching tabs.
  const [cell, setCell] = useState<Cell | null>(null);
  const [current, setCurrent] = useState<ProgramTab>(defaultTab);
  const risksTab = useRef<HTMLButtonElement>(null);
  /** The top risk's line opens the register (and moves the focus to its tab). */
  const openRisks = () => {
    setCurrent("risks");
    risksTab.current?.focus();
  };
  const hasPlans = variantsOf(adopted).length > 0;
  // `stack` spaces the panel's parts apart; `count` goes on the tab.
  const sections: { value: ProgramTab; label: string; count?: number; stack?: boolean; panel: ReactNode }[] = [
    { value: "schedule", label: "Schedule", panel: <ScheduleTab {...tab} /> },
    {
      value: "resources",
      label: "Resources",
      stack: true,
      panel: <ResourcesTab {...tab} teamEditor={jobId && seedTeam(adopted).length > 0 ? <TeamEditor program={adopted} /> : null} />,
    },
    { value: "budget", label: "Budget", stack: true, panel: <BudgetTab {...tab} /> },
    { value: "risks", label: "Risks", count: p.risks.length, stack: true, panel: <RisksTab {...tab} cell={cell} onCell={setCell} /> },
    { value: "kpis", label: "KPIs", count: p.kpis.length, panel: <KpisTab {...tab} /> },
    { value: "gates", label: "Stage gates", count: p.stage_gates.length, panel: <GatesTab {...tab} /> },
    { value: "analysis", label: "Analysis", stack: true, panel: <AnalysisTab {...tab} /> },
  ];

  return (
    <article className="program-view results-view" aria-label="Program">
      <header className="program-head">
        <div className="program-meta small muted">
          {p.analysis.industry && <span>{p.analysis.industry}</span>}
          <span>
            {fmtDate(p.schedule.start_date)} → {fmtDate(p.schedule.end_date)}
          </span>
          <SourceLabel source={p.source} />
        </div>
        {actions && <div className="row">{actions}</div>}
      </header>
      {hasPlans ? (
        <>
          <Plans
            program={adopted}
            currency={names.currency}
            viewing={viewing}
            onView={setViewing}
            jobId={jobId}
            footer={<TopRiskLine risks={p.risks} onOpen={openRisks} />}
          />
          <Warnings warnings={p.warnings} />
        </>
      ) : (
        <>
          <Warnings warnings={p.warnings} />
          <Summary {...tab} />
        </>
      )}

      <Tabs.Root value={current} onValueChange={(v) => setCurrent(v as ProgramTab)} className="program-tabs">
        <Tabs.List className="program-tablist" aria-label="Program sections">
          {sections.map((s) => (
            <Tabs.Trigger key={s.value} value={s.value} className="program-tab" ref={s.value === "risks" ? risksTab : undefined}>
              {s.label}
              {s.count != null && (
                <>
                  {" "}
                  <span className="program-count">{s.count}</span>
                </>
              )}
            </Tabs.Trigger>
          ))}
        </Tabs.List>
        {sections.map((s) => (
          <Tabs.Content key={s.value} value={s.value} className={s.stack ? "program-panel stack" : "program-panel"}>
            {s.panel}
          </Tabs.Content>
        ))}
      </Tabs.Root>
    </article>
  );
}
