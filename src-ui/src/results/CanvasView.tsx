// The Business Model Canvas: the classic nine-block grid, each entry with numbered citations
// ([1], [2] — the fact on hover), and the evidence listed below under the same numbers.
import { Fragment } from "react";
import type { BlockKind, CanvasBlock_Serialize, Canvas_Serialize } from "../bindings";
import { Markdown, plainText } from "../markdown/Markdown";
import { citationNumbers, entryCitations, numberInOrder, type Fact, type NumberedFact } from "./citations";
import { Citation, Empty, InlineTip, MissingCitation, SourceLabel, SourceText, useDomId } from "./common";
import "./results.css";
import "./citations.css";

/** Block titles, as the engine names them. */
export const BLOCK_TITLE: Record<BlockKind, string> = {
  key_partnerships: "Key partnerships",
  key_activities: "Key activities",
  key_resources: "Key resources",
  value_propositions: "Value propositions",
  customer_relationships: "Customer relationships",
  channels: "Channels",
  customer_segments: "Customer segments",
  cost_structure: "Cost structure",
  revenue_streams: "Revenue streams",
};

/** The grid's reading order: partners, activities, resources, value, relationships, channels, segments, costs, revenues. */
export const GRID_ORDER: BlockKind[] = [
  "key_partnerships",
  "key_activities",
  "key_resources",
  "value_propositions",
  "customer_relationships",
  "channels",
  "customer_segments",
  "cost_structure",
  "revenue_streams",
];

function blockTitle(kind: string): string {
  return (BLOCK_TITLE as Record<string, string | undefined>)[kind] ?? kind.replace(/_/g, " ");
}

/** How an entry's citations read and where they lead. */
interface CiteContext {
  /** Citation number by evidence id. */
  numberOf: Map<string, number>;
  /** The cited facts by number, for the tooltip. */
  facts: Map<number, NumberedFact>;
  /** Evidence item `n` has the element id `${anchor}-${n}`. */
  anchor: string;
}

interface BlockProps {
  kind: string;
  block: CanvasBlock_Serialize | undefined;
  /** Citations resolved against the evidence list; without it (streaming) they are numbered but not linked. */
  cites?: CiteContext;
  /** Streaming: citation numbers in order of first appearance so far. */
  pendingNumbers?: Map<string, number>;
  pending?: boolean;
}

/** Streaming: the evidence arrives with the finished canvas, so number now and say so on hover. */
function PendingCites({ ids, numberOf }: { ids: string[]; numberOf: Map<string, number> }) {
  const numbers = [...new Set(ids.flatMap((id) => numberOf.get(id) ?? []))].sort((a, b) => a - b);
  return (
    <sup className="entry-cites">
      {numbers.map((n) => (
        // Not a tab stop: there is nothing to go to yet, and the name already says what it is.
        <InlineTip key={n} tip="The evidence is listed when the canvas is finished.">
          <span className="cite is-pending" role="img" aria-label={`Evidence ${n}`}>
            [{n}]
          </span>
        </InlineTip>
      ))}
    </sup>
  );
}

/** An entry's citations of the finished canvas: [n] links to the evidence list, [?] for an unknown id. */
function EntryCites({ ids, cites }: { ids: string[]; cites: CiteContext }) {
  const { numbers, missing } = entryCitations(ids, cites.numberOf);
  return (
    <sup className="entry-cites">
      {numbers.map((n) => {
        const fact = cites.facts.get(n);
        return (
          <Citation key={n} number={n} noun="Evidence" fact={plainText(fact?.text ?? "")} source={fact?.sources.join("; ")} target={`${cites.anchor}-${n}`} />
        );
      })}
      {missing && <MissingCitation />}
    </sup>
  );
}

/** One block of the canvas with its entries and their numbered citations. */
export function CanvasBlockCard({ kind, block, cites, pendingNumbers, pending }: BlockProps) {
  const entries = block?.entries ?? [];
  return (
    <section className={`canvas-block canvas-${kind}`} aria-label={blockTitle(kind)} data-block={kind}>
      <h2 className="canvas-title">{blockTitle(kind)}</h2>
      {entries.length === 0 ? (
        <Empty>{pending ? "Not researched yet." : "Nothing found for this block."}</Empty>
      ) : (
        <ul className="canvas-entries">
          {entries.map((e, i) => (
            <li key={i} className="canvas-entry">
              <Markdown inline text={e.text} />
              {Array.isArray(e.evidence) && e.evidence.length > 0 &&
                (cites ? <EntryCites ids={e.evidence} cites={cites} /> : <PendingCites ids={e.evidence} numberOf={pendingNumbers ?? new Map()} />)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** A fact of the evidence list: what it says and where it comes from. */
function FactLine({ fact }: { fact: Fact }) {
  return (
    <>
      <Markdown inline text={fact.text} />
      {fact.sources.length > 0 && (
        <span className="small muted">
          {" — "}
          {fact.sources.map((s, i) => (
            <Fragment key={s}>
              {i > 0 && "; "}
              <SourceText source={s} />
            </Fragment>
          ))}
        </span>
      )}
    </>
  );
}

/** The facts behind the canvas, numbered as cited; facts no entry cites follow, unnumbered. */
function EvidenceList({ cited, uncited, anchor }: { cited: NumberedFact[]; uncited: Fact[]; anchor: string }) {
  return (
    <section className="canvas-evidence" aria-label="Evidence">
      <h2 className="results-section-title">Evidence</h2>
      {cited.length > 0 && (
        <ol className="evidence-list">
          {cited.map((f) => (
            <li key={f.ids[0]} id={`${anchor}-${f.number}`} tabIndex={-1} className="evidence-item">
              <span className="evidence-num">[{f.number}]</span> <FactLine fact={f} />
            </li>
          ))}
        </ol>
      )}
      {uncited.length > 0 && (
        <>
          <h3 className="evidence-also small muted">Also gathered</h3>
          <ul className="evidence-list evidence-uncited" aria-label="Also gathered">
            {uncited.map((f) => (
              <li key={f.ids[0]} className="evidence-item muted">
                <FactLine fact={f} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** The finished canvas. */
export function CanvasView({ canvas }: { canvas: Canvas_Serialize }) {
  const anchor = useDomId("canvas-ev");
  const byKind = new Map<string, CanvasBlock_Serialize>();
  for (const b of canvas.blocks) byKind.set(b.block, b);
  // Numbered in the grid's reading order, which is the order the reader meets them.
  const shown = GRID_ORDER.flatMap((kind) => byKind.get(kind) ?? []);
  const { numberOf, cited, uncited } = citationNumbers(shown, canvas.evidence);
  const cites: CiteContext = { numberOf, facts: new Map(cited.map((f) => [f.number, f])), anchor };
  return (
    <article className="canvas-view results-view" aria-label="Business Model Canvas">
      <header className="results-head small muted">
        <SourceLabel source={canvas.source} offline={canvas.offline} />
        {canvas.note && <span>{canvas.note}</span>}
      </header>
      <div className="canvas-wrap">
        <div className="canvas-grid">
          {GRID_ORDER.map((kind) => (
            <CanvasBlockCard key={kind} kind={kind} block={byKind.get(kind)} cites={cites} />
          ))}
        </div>
      </div>
      {canvas.evidence.length > 0 && <EvidenceList cited={cited} uncited={uncited} anchor={anchor} />}
    </article>
  );
}

/** Blocks as they stream in, in arrival order (a block sent again replaces its first version in place). */
export function CanvasBlocks({ blocks }: { blocks: CanvasBlock_Serialize[] }) {
  const latest = new Map<string, CanvasBlock_Serialize>();
  for (const b of blocks) latest.set(b.block, b);
  if (latest.size === 0) return null;
  const shown = [...latest.values()];
  const numbers = numberInOrder(shown.flatMap((b) => b.entries.flatMap((e) => (Array.isArray(e.evidence) ? e.evidence : []))));
  return (
    <div className="canvas-stream" aria-label="Canvas blocks so far">
      {shown.map((b) => (
        <CanvasBlockCard key={b.block} kind={b.block} block={b} pendingNumbers={numbers} />
      ))}
    </div>
  );
}
