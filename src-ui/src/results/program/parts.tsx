// Pieces the program's tabs share: the names behind ids, the risk order, severity badges,
// the small bars beside figures and lists of model-written lines.
import type { Program_Serialize, Risk, Severity } from "../../bindings";
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
