// A finished result in brief, for the initiative's workspace: the figures or the one finding
// that matter, with the full result a click away on its own page (never a second full copy).
import type { OperationResult_Serialize as OperationResult } from "../bindings";
import { useResult } from "../lib/queries";
import { Markdown } from "../markdown/Markdown";
import { BLOCK_TITLE } from "./CanvasView";
import { fmtNumber } from "./format";
import { Unreadable } from "./ResultView";
import { programNames } from "./program/parts";
import { Summary } from "./program/Summary";

function plural(n: number, one: string, many = `${one}s`): string {
  return `${fmtNumber(n)} ${n === 1 ? one : many}`;
}

/** The brief of one result, by its operation. */
export function Digest({ result }: { result: OperationResult }) {
  switch (result.operation) {
    case "program": {
      const p = result.result;
      return (
        <div className="digest" data-testid="result-digest">
          <Summary program={p} names={programNames(p)} />
          <p className="small muted">
            {plural(p.workstreams.length, "workstream")} · {plural(p.tasks.length, "task")} · {plural(p.risks.length, "risk")} · {plural(p.kpis.length, "KPI")}
          </p>
        </div>
      );
    }
    case "canvas": {
      const c = result.result;
      const entries = c.blocks.reduce((n, b) => n + b.entries.length, 0);
      const value = c.blocks.find((b) => b.block === "value_propositions")?.entries[0];
      return (
        <div className="digest" data-testid="result-digest">
          {value && (
            <p>
              <span className="muted">{BLOCK_TITLE.value_propositions}: </span>
              <Markdown inline text={value.text} />
            </p>
          )}
          <p className="small muted">
            {plural(c.blocks.length, "block")} · {plural(entries, "entry", "entries")} · {plural(c.evidence.length, "piece of evidence", "pieces of evidence")}
          </p>
        </div>
      );
    }
    case "five_whys": {
      const w = result.result;
      return (
        <div className="digest" data-testid="result-digest">
          <p>
            <span className="muted">Root cause{w.stopped === "root_cause" ? "" : " (as deep as it went)"}: </span>
            <Markdown inline text={w.root_cause} />
          </p>
          {w.countermeasures[0] && (
            <p>
              <span className="muted">First countermeasure: </span>
              <Markdown inline text={w.countermeasures[0]} />
            </p>
          )}
          <p className="small muted">{plural(w.levels.length, "level")} of “why?”</p>
        </div>
      );
    }
    case "research": {
      const r = result.result;
      return (
        <div className="digest" data-testid="result-digest">
          {r.summary && (
            <div className="digest-clamp">
              <Markdown text={r.summary} />
            </div>
          )}
          <p className="small muted">
            {plural(r.findings.length, "finding")} from {plural(r.sources.length, "source")}
            {r.skipped.length > 0 ? ` · ${plural(r.skipped.length, "source")} could not be read` : ""}
          </p>
        </div>
      );
    }
  }
}

/** A completed job's result in brief, fetched by id. */
export function ResultDigest({ id }: { id: string }) {
  const result = useResult(id);
  if (result.isPending) return <div className="skeleton" style={{ height: 96 }} aria-busy="true" aria-label="Loading result" />;
  if (result.isError) return <Unreadable detail={result.error.message + "."} />;
  return <Digest result={result.data} />;
}
