// The program's Analysis tab: the summary, the playbook it started from, assumptions, success
// factors and the initiative's constraints.
import type { PlaybookChoice } from "../../bindings";
import { finite } from "../../lib/format";
import { Markdown } from "../../markdown/Markdown";
import { MarkdownList, type TabProps } from "./parts";

function Bullets({ title, items }: { title: string; items: string[] }) {
  return (
    <section>
      <h2 className="results-section-title">{title}</h2>
      <MarkdownList items={items} className="program-list" />
    </section>
  );
}

/**
 * Which playbook the plan started from, in words. Its match score is a search-engine number
 * that means nothing to a reader; only "nothing matched" (a score of 0) is worth saying.
 */
export function playbookWords(playbook: Pick<PlaybookChoice, "name" | "score">): string {
  const base = `Started from Charter's “${playbook.name}” playbook`;
  return finite(playbook.score) && playbook.score <= 0 ? `${base}: nothing in the description matched a more specific one.` : `${base}.`;
}

export function AnalysisTab({ program: p }: TabProps) {
  const playbook = p.analysis.playbook;
  return (
    <>
      <Markdown text={p.analysis.summary} />
      {playbook && <p className="small muted">{playbookWords(playbook)}</p>}
      <div className="program-two">
        <Bullets title="Assumptions" items={p.analysis.assumptions} />
        <Bullets title="Success factors" items={p.analysis.success_factors} />
      </div>
      {p.initiative.constraints.length > 0 && (
        <section>
          <h2 className="results-section-title">Constraints</h2>
          <ul className="program-list">
            {p.initiative.constraints.map((c, i) => (
              <li key={i}>{c}</li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
