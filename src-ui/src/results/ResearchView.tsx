// The research report: a summary citing numbered findings ([1] — the finding on hover), the
// findings grouped by the query that found them, each naming its source (a link to the source
// list) with the source's words quoted verbatim, and the sources that could not be read with
// the reason. The engine's ids (F3, S1) never reach the screen.
import { Fragment } from "react";
import { FileWarning, Quote, Scissors } from "lucide-react";
import type { ReportFinding, ResearchPartial_Serialize, ResearchReport_Serialize, SourceRecord_Serialize } from "../bindings";
import { Markdown, SafeLink, plainText } from "../markdown/Markdown";
import { numberInOrder } from "./citations";
import { AnchorLink, Citation, Empty, MissingCitation, SourceLabel, idPart, useDomId } from "./common";
import { sizeWords } from "../lib/format";
import "./results.css";

const KIND_WORD: Record<string, string> = { web: "web page", knowledge_base: "knowledge base", document: "your document" };

function kindWord(kind: string): string {
  return KIND_WORD[kind] ?? kind.replace(/_/g, " ");
}


function QuoteBlock({ text }: { text: string }) {
  // Verbatim: the source's own words are never reinterpreted as Markdown.
  return (
    <blockquote className="research-quote">
      <Quote size={12} aria-hidden="true" className="research-quote-icon" />
      <span className="research-quote-text">{text}</span>
    </blockquote>
  );
}

/** A source's title, with its address as a link when it has one. */
function SourceTitle({ title, url }: { title: string; url: string | null | undefined }) {
  return (
    <>
      <span className="research-source-title">{title}</span>
      {url && (
        <>
          {" "}
          <SafeLink href={url}>
            <span className="research-url">{url}</span>
          </SafeLink>
        </>
      )}
    </>
  );
}

/** "· quoted in findings 1, 3": links to the findings that quote a source. */
function CitedBy({ numbers, anchorOf }: { numbers: number[]; anchorOf: (n: number) => string }) {
  if (numbers.length === 0) return null;
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  return (
    <>
      {" · "}
      {sorted.length === 1 ? "quoted in finding " : "quoted in findings "}
      {sorted.map((n, i) => (
        <Fragment key={n}>
          {i > 0 && ", "}
          <AnchorLink target={anchorOf(n)} aria-label={`Finding ${n}`}>
            {n}
          </AnchorLink>
        </Fragment>
      ))}
    </>
  );
}

/** The finished research report. */
export function ResearchView({ report }: { report: ResearchReport_Serialize }) {
  const uid = useDomId("research");
  const srcAnchor = (id: string) => `${uid}-src-${idPart(id)}`;
  const findingAnchor = (id: string) => `${uid}-f-${idPart(id)}`;
  const sources = new Map<string, SourceRecord_Serialize>(report.sources.map((s) => [s.id, s]));
  const findingById = new Map<string, ReportFinding>();
  for (const f of report.findings) if (!findingById.has(f.id)) findingById.set(f.id, f);

  // Groups in query order; findings for a query not in the list follow in first-seen order.
  const groups = new Map<string, ReportFinding[]>();
  for (const q of report.queries) groups.set(q, []);
  for (const f of report.findings) groups.set(f.query, [...(groups.get(f.query) ?? []), f]);
  const withFindings = [...groups.entries()].filter(([, fs]) => fs.length > 0);
  const without = [...groups.entries()].filter(([, fs]) => fs.length === 0).map(([q]) => q);

  // Findings are numbered as they are listed, so the summary's [3] is the third one down.
  const findingNumber = numberInOrder(withFindings.flatMap(([, fs]) => fs.map((f) => f.id)));
  const findingIdByNumber = new Map([...findingNumber].map(([id, n]) => [n, id]));

  const citedBy = new Map<string, number[]>();
  for (const f of report.findings) {
    const n = findingNumber.get(f.id);
    if (n !== undefined) citedBy.set(f.source_id, [...(citedBy.get(f.source_id) ?? []), n]);
  }

  /** A finding's source, by name: a link to it in the source list. */
  const from = (sourceId: string) => {
    const s = sources.get(sourceId);
    return s ? (
      <span className="research-from">
        — <AnchorLink target={srcAnchor(sourceId)} className="research-source-link">{s.title}</AnchorLink>
      </span>
    ) : (
      <MissingCitation />
    );
  };

  /** A reference the summary makes to finding `id` ([F3] in the engine's text). */
  const summaryCite = (id: string) => {
    const f = findingById.get(id);
    const n = findingNumber.get(id);
    if (!f || n === undefined) return <MissingCitation tip="Finding not found in this result" />;
    return <Citation number={n} noun="Finding" fact={plainText(f.statement)} source={sources.get(f.source_id)?.title} target={findingAnchor(id)} />;
  };

  // "… text [F3] more text" → numbered citations of the findings.
  const summaryParts = (report.summary || "").split(/(\[F\d+\])/);

  return (
    <article className="research-view results-view" aria-label="Research report">
      <header className="results-head small muted">
        <SourceLabel source={report.source} offline={report.offline} />
        {report.search && <span>Searched: {report.search}</span>}
        <span>
          {report.findings.length} {report.findings.length === 1 ? "finding" : "findings"} · {report.sources.length} {report.sources.length === 1 ? "source" : "sources"}
          {report.skipped.length > 0 ? ` · ${report.skipped.length} skipped` : ""}
        </span>
      </header>

      {report.summary && (
        <section className="research-summary card" aria-label="Summary">
          <p>
            {summaryParts.map((part, i) => {
              const m = /^\[(F\d+)\]$/.exec(part);
              if (m && m[1]) return <sup key={i}>{summaryCite(m[1])}</sup>;
              // Markdown trims the edges of each piece; keep the spaces around the references.
              return (
                <Fragment key={i}>
                  {/^\s/.test(part) && " "}
                  {part.trim() && <Markdown inline text={part} />}
                  {/\s$/.test(part) && " "}
                </Fragment>
              );
            })}
          </p>
        </section>
      )}

      <section className="research-findings" aria-label="Findings">
        <h2 className="results-section-title">Findings</h2>
        {withFindings.length === 0 && <Empty>No findings: nothing the search returned could be quoted.</Empty>}
        {withFindings.map(([query, findings]) => (
          <section key={query} className="research-group" aria-label={`Findings for ${query}`}>
            <h3 className="research-query">
              <span className="muted small">Query</span> {query}
            </h3>
            <ol className="research-list">
              {findings.map((f) => (
                <li key={f.id} id={findingAnchor(f.id)} tabIndex={-1} className="research-finding">
                  <div className="research-statement">
                    <span className="research-fnum">{findingNumber.get(f.id)}.</span> <Markdown inline text={f.statement} /> {from(f.source_id)}
                  </div>
                  {f.quote && <QuoteBlock text={f.quote} />}
                </li>
              ))}
            </ol>
          </section>
        ))}
        {without.length > 0 && <p className="small muted">No findings for: {without.map((q) => `“${q}”`).join(", ")}.</p>}
      </section>

      <section className="research-sources" aria-label="Sources">
        <h2 className="results-section-title">Sources</h2>
        {report.sources.length === 0 ? (
          <Empty>No source could be read.</Empty>
        ) : (
          <ol className="research-source-list">
            {report.sources.map((s) => (
              <li key={s.id} id={srcAnchor(s.id)} tabIndex={-1} className="research-source">
                <SourceTitle title={s.title} url={s.url} />
                <div className="small muted">
                  {kindWord(s.kind)} · {sizeWords(s.bytes)} read
                  {s.truncated && (
                    <span className="research-truncated">
                      {" "}
                      · <Scissors size={11} aria-hidden="true" /> only the first part was read
                    </span>
                  )}
                  {s.query && <> · found for “{s.query}”</>}
                  <CitedBy numbers={citedBy.get(s.id) ?? []} anchorOf={(n) => findingAnchor(findingIdByNumber.get(n) ?? "")} />
                </div>
              </li>
            ))}
          </ol>
        )}
      </section>

      {report.skipped.length > 0 && (
        <section className="research-skipped" aria-label="Skipped sources">
          <h2 className="results-section-title">Skipped sources</h2>
          <ul className="research-skip-list">
            {report.skipped.map((s, i) => (
              <li key={`${s.title}-${i}`}>
                <FileWarning size={13} aria-hidden="true" className="research-skip-icon" /> <SourceTitle title={s.title} url={s.url} />
                <div className="small">
                  <span className="research-reason">Skipped: {s.reason}</span>
                  {s.query && <span className="muted"> · found for “{s.query}”</span>}
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}

      {report.note && <p className="small muted">{report.note}</p>}
    </article>
  );
}

/** Findings and skipped sources as they stream in. */
export function FindingsStream({ partials }: { partials: ResearchPartial_Serialize[] }) {
  if (partials.length === 0) return null;
  return (
    <ol className="research-stream" aria-label="Findings so far">
      {partials.map((p, i) =>
        p.type === "finding" ? (
          <li key={i} className="research-finding">
            <div className="research-statement">
              <Markdown inline text={p.statement} />{" "}
              <span className="research-from" title={p.url || undefined}>
                — {p.title}
              </span>
            </div>
            {p.quote && <QuoteBlock text={p.quote} />}
          </li>
        ) : (
          <li key={i} className="research-stream-skipped small">
            <FileWarning size={13} aria-hidden="true" className="research-skip-icon" /> Skipped <span className="research-source-title">{p.title}</span>: <span className="research-reason">{p.reason}</span>
          </li>
        ),
      )}
    </ol>
  );
}
