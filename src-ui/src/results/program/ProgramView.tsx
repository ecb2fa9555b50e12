// The generated program: a header, its warnings and summary cards, then one tab each for the
// schedule (Gantt), resources, budget, risks, KPIs, stage gates and the analysis.
import { useState, type ReactNode } from "react";
import * as Tabs from "@radix-ui/react-tabs";
import { TriangleAlert } from "lucide-react";
import type { Program_Serialize } from "../../bindings";
import { Markdown } from "../../markdown/Markdown";
import { SourceLabel } from "../common";
import { fmtDate } from "../format";
import { AnalysisTab } from "./AnalysisTab";
import { BudgetTab } from "./BudgetTab";
import { GatesTab } from "./GatesTab";
import { KpisTab } from "./KpisTab";
import { programNames } from "./parts";
import { ResourcesTab } from "./ResourcesTab";
import type { Cell } from "./RiskHeatMap";
import { RisksTab } from "./RisksTab";
import { ScheduleTab } from "./ScheduleTab";
import { Summary } from "./Summary";
import "../results.css";

export type ProgramTab = "schedule" | "resources" | "budget" | "risks" | "kpis" | "gates" | "analysis";

export interface ProgramViewProps {
  program: Program_Serialize;
  /** Extra controls for the header (e.g. export buttons). */
  actions?: ReactNode;
  /** The section shown first (default: the schedule). */
  defaultTab?: ProgramTab;
}

function Warnings({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null;
  return (
    <section className="banner warn program-warnings" aria-label="Warnings">
      <TriangleAlert size={16} aria-hidden="true" />
      <div>
        <strong>{warnings.length === 1 ? "Warning" : `${warnings.length} warnings`}</strong>
        <ul>
          {warnings.map((w, i) => (
            <li key={i}>
              <Markdown inline text={w} />
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

export function ProgramView({ program: p, actions, defaultTab = "schedule" }: ProgramViewProps) {
  const names = programNames(p);
  const tab = { program: p, names };
  // The register's heat-map filter outlives switching tabs.
  const [cell, setCell] = useState<Cell | null>(null);
  const sections: { value: ProgramTab; label: string; count?: number }[] = [
    { value: "schedule", label: "Schedule" },
    { value: "resources", label: "Resources" },
    { value: "budget", label: "Budget" },
    { value: "risks", label: "Risks", count: p.risks.length },
    { value: "kpis", label: "KPIs", count: p.kpis.length },
    { value: "gates", label: "Stage gates", count: p.stage_gates.length },
    { value: "analysis", label: "Analysis" },
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
      <Warnings warnings={p.warnings} />
      <Summary {...tab} />

      <Tabs.Root defaultValue={defaultTab} className="program-tabs">
        <Tabs.List className="program-tablist" aria-label="Program sections">
          {sections.map((s) => (
            <Tabs.Trigger key={s.value} value={s.value} className="program-tab">
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
        <Tabs.Content value="schedule" className="program-panel">
          <ScheduleTab {...tab} />
        </Tabs.Content>
        <Tabs.Content value="resources" className="program-panel stack">
          <ResourcesTab {...tab} />
        </Tabs.Content>
        <Tabs.Content value="budget" className="program-panel stack">
          <BudgetTab {...tab} />
        </Tabs.Content>
        <Tabs.Content value="risks" className="program-panel stack">
          <RisksTab {...tab} cell={cell} onCell={setCell} />
        </Tabs.Content>
        <Tabs.Content value="kpis" className="program-panel">
          <KpisTab {...tab} />
        </Tabs.Content>
        <Tabs.Content value="gates" className="program-panel">
          <GatesTab {...tab} />
        </Tabs.Content>
        <Tabs.Content value="analysis" className="program-panel stack">
          <AnalysisTab {...tab} />
        </Tabs.Content>
      </Tabs.Root>
    </article>
  );
}
