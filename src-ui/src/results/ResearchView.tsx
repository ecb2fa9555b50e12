// The research report: findings grouped by the query that found them, each citing its source
// ([S1] links to the source list), the source's words quoted verbatim, and the sources that
// could not be read with the reason.
import { Fragment } from "react";
import { FileWarning, Quote, Scissors } from "lucide-react";
import type { ReportFinding, ResearchPartial_Serialize, ResearchReport_Serialize, SourceRecord_Serialize } from "../bindings";
import { Markdown, SafeLink } from "../markdown/Markdown";
import { AnchorLink, Empty, SourceLabel, idPart, useDomId } from "./common";
import { sizeWords } from "../lib/format";
import "./results.css";

const KIND_WORD: Record<string, string> = { web: "web page", knowledge_base: "knowledge base", document: "your document" };


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

/** The finished research report. */
export function ResearchView({ report }: { report: ResearchReport_Serialize }) {
  const uid = useDomId("research");
  const srcAnchor = (id: string) => `${uid}-src-${idPart(id)}`;
  const findingAnchor = (id: string) => `${uid}-f-${idPart(id)}`;
  const sources = new Map<string, SourceRecord_Serialize>(report.sources.map((s) => [s.id, s]));
  const findingIds = new Set(report.findings.map((f) => f.id));

  // Groups in query order; findings for a query not in the list follow in first-seen order.
  const groups = new Map<string, ReportFinding[]>();
  for (const q of report.queries) groups.set(q, []);
  for (const f of report.findings) groups.set(f.query, [...(groups.get(f.query) ?? []), f]);
  const withFindings = [...groups.entries()].filter(([, fs]) => fs.length > 0);
  const without = [...groups.entries()].filter(([, fs]) => fs.length === 0).map(([q]) => q);

  const citedBy = new Map<string, string[]>();
  for (const f of report.findings) citedBy.set(f.source_id, [...(citedBy.get(f.source_id) ?? []), f.id]);

  const cite = (sourceId: string) => {
    const s = sources.get(sourceId);
    return s ? (
      <AnchorLink target={srcAnchor(sourceId)} className="research-cite" title={s.title}>
        [{sourceId}]
      </AnchorLink>
    ) : (
      <span className="research-cite is-missing" title="This source is not in the list">
        [{sourceId}]
      </span>
    );
  };

  // "… text [F3] more text" → finding links where the finding exists.
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
              if (m && m[1] && findingIds.has(m[1])) {
                return (
                  <AnchorLink key={i} target={findingAnchor(m[1])} className="research-cite">
                    [{m[1]}]
                  </AnchorLink>
                );
              }
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
        <h3>Findings</h3>
        {withFindings.length === 0 && <Empty>No findings: nothing the search returned could be quoted.</Empty>}
        {withFindings.map(([query, findings]) => (
          <section key={query} className="research-group" aria-label={`Findings for ${query}`}>
            <h4 className="research-query">
              <span className="muted small">Query</span> {query}
            </h4>
            <ol className="research-list">
              {findings.map((f) => (
                <li key={f.id} id={findingAnchor(f.id)} tabIndex={-1} className="research-finding">
                  <div className="research-statement">
                    <span className="research-fid small muted">{f.id}</span> <Markdown inline text={f.statement} /> {cite(f.source_id)}
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
        <h3>Sources</h3>
        {report.sources.length === 0 ? (
          <Empty>No source could be read.</Empty>
        ) : (
          <ol className="research-source-list">
            {report.sources.map((s) => (
              <li key={s.id} id={srcAnchor(s.id)} tabIndex={-1} className="research-source">
                <span className="research-sid">[{s.id}]</span> <SourceTitle title={s.title} url={s.url} />
                <div className="small muted">
                  {KIND_WORD[s.kind] ?? s.kind} · {sizeWords(s.bytes)} read
                  {s.truncated && (
                    <span className="research-truncated">
                      {" "}
                      · <Scissors size={11} aria-hidden="true" /> only the first part was read
                    </span>
                  )}
                  {s.query && <> · found for “{s.query}”</>}
                  {(citedBy.get(s.id) ?? []).length > 0 && (
                    <>
                      {" "}
                      · cited by{" "}
                      {(citedBy.get(s.id) ?? []).map((fid, i) => (
                        <Fragment key={fid}>
                          {i > 0 && ", "}
                          <AnchorLink target={findingAnchor(fid)}>{fid}</AnchorLink>
                        </Fragment>
                      ))}
                    </>
                  )}
                </div>
              </li>
            ))}
          </ol>
        )}
      </section>

      {report.skipped.length > 0 && (
        <section className="research-skipped" aria-label="Skipped sources">
          <h3>Skipped sources</h3>
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
              <span className="research-cite" title={p.url || p.title}>
                [{p.source_id}] <span className="research-cite-title">{p.title}</span>
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
