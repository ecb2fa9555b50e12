// The program's Analysis tab: the summary, the playbook it started from, assumptions, success
// factors and the initiative's constraints.
import { finite } from "../../lib/format";
import { Markdown } from "../../markdown/Markdown";
import { fmtNumber } from "../format";
import { MarkdownList, type TabProps } from "./parts";

function Bullets({ title, items }: { title: string; items: string[] }) {
  return (
    <section>
      <h3>{title}</h3>
      <MarkdownList items={items} className="program-list" />
    </section>
  );
}

export function AnalysisTab({ program: p }: TabProps) {
  const playbook = p.analysis.playbook;
  return (
    <>
      <Markdown text={p.analysis.summary} />
      {playbook && (
        <p className="small muted">
          Playbook: {playbook.name}
          {finite(playbook.score) ? ` (match score ${fmtNumber(playbook.score, 2)})` : ""}
        </p>
      )}
      <div className="program-two">
        <Bullets title="Assumptions" items={p.analysis.assumptions} />
        <Bullets title="Success factors" items={p.analysis.success_factors} />
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
    </>
  );
}
