// Five whys: a vertical chain of why → answer links, each with its confidence, ending in the
// root cause and the countermeasures.
import { ArrowDown, Target, TriangleAlert, Wrench } from "lucide-react";
import type { ChainLevel_Serialize, WhyChain_Serialize } from "../bindings";
import { Markdown } from "../markdown/Markdown";
import { SourceLabel } from "./common";
import { barPercent, fmtPercent } from "./format";
import "./results.css";

function Confidence({ value }: { value: number | null }) {
  const known = typeof value === "number" && Number.isFinite(value);
  return (
    <span className="why-conf" title="How sure this link is">
      <span className="why-conf-text">{known ? `confidence ${fmtPercent(value)}` : "confidence unknown"}</span>
      <span className="why-conf-bar" aria-hidden="true">
        <span style={{ width: `${barPercent(value)}%` }} />
      </span>
    </span>
  );
}

/**
 * What a link rests on, in words. The offline engine names a knowledge-base link by its id
 * (fb_c8), which means nothing to a reader; words written by a model are shown as they are.
 */
export function basisWords(basis: string): string {
  return /\s/.test(basis.trim()) ? `Basis: ${basis.trim()}` : "From Charter's built-in knowledge";
}

export function RootCauseMark() {
  return (
    <span className="why-root-mark">
      <Target size={13} aria-hidden="true" /> Root cause
    </span>
  );
}

/** The levels in depth order; a level sent twice keeps its latest version. */
function ordered(levels: ChainLevel_Serialize[]): ChainLevel_Serialize[] {
  const byLevel = new Map<number, ChainLevel_Serialize>();
  levels.forEach((l, i) => byLevel.set(typeof l.level === "number" ? l.level : i + 1, l));
  return [...byLevel.entries()].sort((a, b) => a[0] - b[0]).map(([, l]) => l);
}

/** The chain's levels, as a list of why → answer links. */
export function WhyLevels({ levels }: { levels: ChainLevel_Serialize[] }) {
  const list = ordered(levels);
  if (list.length === 0) return null;
  return (
    <ol className="why-levels">
      {list.map((l, i) => (
        <li key={`${l.level}-${i}`} className={`why-level${l.root_cause ? " is-root" : ""}`} data-root={l.root_cause ? "true" : undefined}>
          <span className="why-num" aria-hidden="true">
            {l.level}
          </span>
          <div className="why-body">
            <p className="why-question">
              <span className="sr-only">Level {l.level}: </span>
              <Markdown inline text={l.question} />
            </p>
            <div className="why-answer">
              <ArrowDown size={14} className="why-arrow" aria-hidden="true" />
              <span className="why-answer-text">
                <Markdown inline text={l.answer} />
              </span>
              {l.root_cause && <RootCauseMark />}
            </div>
            <div className="why-meta small">
              <Confidence value={l.confidence} />
              {l.basis && <span className="muted">{basisWords(l.basis)}</span>}
            </div>
            {l.countermeasure && (
              <p className="why-counter small">
                <Wrench size={12} aria-hidden="true" /> <span className="muted">Countermeasure:</span> <Markdown inline text={l.countermeasure} />
              </p>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}

/** The finished why-chain. */
export function WhyChainView({ chain }: { chain: WhyChain_Serialize }) {
  const reachedRoot = chain.stopped !== "depth_limit";
  return (
    <article className="why-view results-view" aria-label="Five whys">
      <header className="results-head small muted">
        <SourceLabel source={chain.source} offline={chain.offline} />
      </header>
      <section className="why-problem" aria-label="Problem">
        <span className="small muted">Problem</span>
        <div className="why-problem-text">
          <Markdown text={chain.problem} />
        </div>
      </section>
      <WhyLevels levels={chain.levels} />
      <section className={`why-root${reachedRoot ? "" : " is-limit"}`} aria-label={reachedRoot ? "Root cause" : "Deepest answer"}>
        <div className="why-root-head">
          {reachedRoot ? (
            <RootCauseMark />
          ) : (
            <span className="why-limit-mark">
              <TriangleAlert size={13} aria-hidden="true" /> Depth limit reached — deepest answer, not a confirmed root cause
            </span>
          )}
        </div>
        <div className="why-root-text">
          <Markdown text={chain.root_cause} />
        </div>
        {chain.countermeasures.length > 0 && (
          <div className="why-counters">
            <h2 className="results-section-title">Countermeasures</h2>
            <ol>
              {chain.countermeasures.map((c, i) => (
                <li key={i}>
                  <Markdown inline text={c} />
                  {i === 0 && <span className="small muted"> — {reachedRoot ? "for the root cause" : "for the deepest answer"}</span>}
                </li>
              ))}
            </ol>
          </div>
        )}
      </section>
      {chain.note && <p className="small muted">{chain.note}</p>}
    </article>
  );
}
