// Pieces the program's tabs share: the names behind ids, the risk order, severity and
// priority badges, fits/does-not-fit marks, the small bars beside figures and lists of
// model-written lines.
import type { ReactNode } from "react";
import { Check, TriangleAlert } from "lucide-react";
import type { PlanVariant_Serialize, Priority, ProgramPlan_Serialize, Program_Serialize, Risk, Severity } from "../../bindings";
import { finite } from "../../lib/format";
import { Markdown } from "../../markdown/Markdown";
import { SEVERITY_WORD } from "./RiskHeatMap";

/** How a program's ids read: its currency, role names and workstream names. */
export interface ProgramNames {
  currency: string;
  roleName: (id: string) => string;
  wsName: (id: string | null | undefined) => string;
}

/** An id the program does not name, in words: "shop_fitter" → "Shop fitter" (never the raw id). */
export function idWords(id: string): string {
  const words = id.replace(/[_.-]+/g, " ").replace(/\s+/g, " ").trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : id;
}

/** The names of `program`'s roles and workstreams (an unknown id reads as words made from it). */
export function programNames(program: Program_Serialize): ProgramNames {
  const roles = new Map(program.resources.map((r) => [r.id, r.name]));
  const workstreams = new Map(program.workstreams.map((w) => [w.id, w.name]));
  return {
    currency: program.budget.currency || program.initiative.currency || "",
    roleName: (id) => roles.get(id) ?? idWords(id),
    wsName: (id) => (id ? workstreams.get(id) ?? idWords(id) : ""),
  };
}

/** What every program tab is given. */
export interface TabProps {
  program: Program_Serialize;
  names: ProgramNames;
}

/** Risks most serious first (highest score). */
export function byScore(risks: Risk[]): Risk[] {
  return [...risks].sort((a, b) => (finite(b.score) ? b.score : 0) - (finite(a.score) ? a.score : 0));
}

export function SeverityBadge({ severity }: { severity: Severity }) {
  const word = SEVERITY_WORD[severity] ?? String(severity);
  return (
    <span className={`program-sev sev-${severity}`}>
      <span className="program-sev-dot" aria-hidden="true" />
      {word}
    </span>
  );
}

/** Something within the user's limits: a check, the words, in green. */
export function Good({ children }: { children: ReactNode }) {
  return (
    <span className="program-ok">
      <Check size={13} aria-hidden="true" /> {children}
    </span>
  );
}

/** Something past the user's limits: a warning sign, the words, in amber. */
export function Bad({ children }: { children: ReactNode }) {
  return (
    <span className="program-warn">
      <TriangleAlert size={13} aria-hidden="true" /> {children}
    </span>
  );
}

const PRIORITIES: readonly Priority[] = ["must", "should", "could"];

/** A task's priority; missing or unknown reads as "must", as the engine reads it. */
export function priorityOf(priority: Priority | null | undefined): Priority {
  return priority && PRIORITIES.includes(priority) ? priority : "must";
}

/** How much the initiative needs a task, as a word in a badge (must, should, could). */
export function PriorityBadge({ priority }: { priority: Priority | null | undefined }) {
  const p = priorityOf(priority);
  return <span className={`program-priority prio-${p}`}>{p}</span>;
}

/** The plans a program offers (none in programs made before plan variants). */
export function variantsOf(program: Program_Serialize): PlanVariant_Serialize[] {
  return Array.isArray(program.variants) ? program.variants : [];
}

/** `program` showing `plan` in place of its adopted one (what "View" on a plan variant shows). */
export function withPlan(program: Program_Serialize, plan: ProgramPlan_Serialize): Program_Serialize {
  return {
    ...program,
    workstreams: plan.workstreams,
    tasks: plan.tasks,
    schedule: plan.schedule,
    resources: plan.resources,
    team: plan.team,
    budget: plan.budget,
    risks: plan.risks,
    stage_gates: plan.stage_gates,
    warnings: plan.warnings,
  };
}

/** A small bar `percent` (0–100) full. */
export function MiniBar({ percent }: { percent: number }) {
  return (
    <span className="program-minibar" aria-hidden="true">
      <span style={{ width: `${percent}%` }} />
    </span>
  );
}

/** Model-written lines as a bulleted list, each line inline Markdown. */
export function MarkdownList({ items, className }: { items: string[]; className?: string }) {
  return (
    <ul className={className}>
      {items.map((text, i) => (
        <li key={i}>
          <Markdown inline text={text} />
        </li>
      ))}
    </ul>
  );
}
