// The Business Model Canvas: the classic nine-block grid, each entry with chips citing its
// evidence, and the evidence listed below.
import type { BlockKind, CanvasBlock_Serialize, Canvas_Serialize, Evidence } from "../bindings";
import { Markdown, plainText } from "../markdown/Markdown";
import { AnchorLink, Empty, SourceLabel, idPart, useDomId } from "./common";
import "./results.css";

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

interface BlockProps {
  kind: string;
  block: CanvasBlock_Serialize | undefined;
  /** Evidence by id; chips for known ids link to `${evidenceAnchor}-${id}`. */
  evidence?: Map<string, Evidence>;
  evidenceAnchor?: string;
  pending?: boolean;
}

/** One block of the canvas with its entries and citation chips. */
export function CanvasBlockCard({ kind, block, evidence, evidenceAnchor, pending }: BlockProps) {
  const entries = block?.entries ?? [];
  return (
    <section className={`canvas-block canvas-${kind}`} aria-label={blockTitle(kind)} data-block={kind}>
      <h3 className="canvas-title">{blockTitle(kind)}</h3>
      {entries.length === 0 ? (
        <Empty>{pending ? "Not researched yet." : "Nothing found for this block."}</Empty>
      ) : (
        <ul className="canvas-entries">
          {entries.map((e, i) => (
            <li key={i} className="canvas-entry">
              <Markdown inline text={e.text} />
              {Array.isArray(e.evidence) && e.evidence.length > 0 && (
                <span className="canvas-cites">
                  {e.evidence.map((id) => {
                    const ev = evidence?.get(id);
                    const title = ev ? `${plainText(ev.text)} — ${ev.source}` : `Evidence ${id}`;
                    return ev && evidenceAnchor ? (
                      <AnchorLink key={id} target={`${evidenceAnchor}-${idPart(id)}`} className="canvas-chip" title={title}>
                        {id}
                      </AnchorLink>
                    ) : (
                      <span key={id} className="canvas-chip" title={title}>
                        {id}
                      </span>
                    );
                  })}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The finished canvas. */
export function CanvasView({ canvas }: { canvas: Canvas_Serialize }) {
  const anchor = useDomId("canvas-ev");
  const byKind = new Map<string, CanvasBlock_Serialize>();
  for (const b of canvas.blocks) byKind.set(b.block, b);
  const evidence = new Map(canvas.evidence.map((e) => [e.id, e]));
  const cited = new Set(canvas.blocks.flatMap((b) => b.entries.flatMap((e) => (Array.isArray(e.evidence) ? e.evidence : []))));
  return (
    <article className="canvas-view results-view" aria-label="Business Model Canvas">
      <header className="results-head small muted">
        <SourceLabel source={canvas.source} offline={canvas.offline} />
        {canvas.note && <span>{canvas.note}</span>}
      </header>
      <div className="canvas-wrap">
        <div className="canvas-grid">
          {GRID_ORDER.map((kind) => (
            <CanvasBlockCard key={kind} kind={kind} block={byKind.get(kind)} evidence={evidence} evidenceAnchor={anchor} />
          ))}
        </div>
      </div>
      {canvas.evidence.length > 0 && (
        <section className="canvas-evidence" aria-label="Evidence">
          <h3>Evidence</h3>
          <ul>
            {canvas.evidence.map((e) => (
              <li key={e.id} id={`${anchor}-${idPart(e.id)}`} tabIndex={-1} className={cited.has(e.id) ? undefined : "muted"}>
                <span className="canvas-chip">{e.id}</span> <Markdown inline text={e.text} /> <span className="small muted">— {e.source}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </article>
  );
}

/** Blocks as they stream in, in arrival order (a block sent again replaces its first version in place). */
export function CanvasBlocks({ blocks }: { blocks: CanvasBlock_Serialize[] }) {
  const latest = new Map<string, CanvasBlock_Serialize>();
  for (const b of blocks) latest.set(b.block, b);
  if (latest.size === 0) return null;
  return (
    <div className="canvas-stream" aria-label="Canvas blocks so far">
      {[...latest.values()].map((b) => (
        <CanvasBlockCard key={b.block} kind={b.block} block={b} />
      ))}
    </div>
  );
}
