// Small pieces shared by the result views.
import { useId, type AnchorHTMLAttributes, type MouseEvent, type ReactElement, type ReactNode, type Ref } from "react";
import { Cpu, WifiOff } from "lucide-react";
import { Tip } from "../components/Tip";
import type { Source_Serialize } from "../bindings";
import { SafeLink, safeUrl } from "../markdown/Markdown";
import "./results.css";
import "./citations.css";

/** A DOM-safe id prefix unique to this component instance (two views on one page never clash). */
export function useDomId(prefix: string): string {
  return `${prefix}-${useId().replace(/[^A-Za-z0-9_-]/g, "")}`;
}

/** Turns any text into a fragment usable inside an element id. */
export function idPart(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, "_");
}

/**
 * A quiet label saying where a result came from; the built-in engine says so in plain words.
 * The full label (playbook, model, server) is in the tooltip.
 */
export function SourceLabel({ source, offline }: { source: Source_Serialize | null | undefined; offline?: boolean }) {
  const label = typeof source?.label === "string" ? source.label : "";
  const isOffline = offline === true || source?.engine === "offline";
  if (isOffline) {
    return (
      <span className="results-source results-source-offline" title={label || undefined}>
        <WifiOff size={12} aria-hidden="true" /> Made by Charter's built-in playbooks (no AI model)
      </span>
    );
  }
  const model = typeof source?.model === "string" && source.model ? source.model : label || "a model";
  const tip = [label, source?.base_url].filter((x): x is string => typeof x === "string" && x.length > 0).join(" · ");
  return (
    <span className="results-source" title={tip || undefined}>
      <Cpu size={12} aria-hidden="true" /> Made by {model}
    </span>
  );
}

type AnchorLinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href" | "target"> & {
  /** The id of the element to move to. */
  target: string;
  children: ReactNode;
  /** Lets a tooltip trigger (Radix `asChild`) hold the link. */
  ref?: Ref<HTMLAnchorElement>;
};

/**
 * A link to an element on this page. It scrolls to and focuses its target itself, so it
 * works whatever the router does with `#` addresses.
 */
export function AnchorLink({ target, children, onClick, ref, ...rest }: AnchorLinkProps) {
  const go = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    e.preventDefault();
    const el = document.getElementById(target);
    if (!el) return;
    if (typeof el.scrollIntoView === "function") el.scrollIntoView({ block: "nearest", behavior: "smooth" });
    el.focus({ preventScroll: true });
    el.classList.remove("results-flash");
    // Restart the highlight animation.
    void el.offsetWidth;
    el.classList.add("results-flash");
  };
  return (
    <a {...rest} ref={ref} href={`#${target}`} onClick={go}>
      {children}
    </a>
  );
}

/** A muted line for an empty list. */
export function Empty({ children }: { children: ReactNode }) {
  return <p className="muted small results-empty">{children}</p>;
}

/** A tooltip on hover and keyboard focus for a small inline trigger (a citation). */
export function InlineTip({ tip, children }: { tip: ReactNode; children: ReactElement }) {
  return (
    <Tip text={tip} delay={200} className="cite-tip">
      {children}
    </Tip>
  );
}

interface CitationProps {
  number: number;
  /** What is cited, as the accessible name starts: "Evidence" reads "Evidence 2: …". */
  noun: string;
  /** What it says, in plain words (no Markdown): the tooltip and the accessible name. */
  fact: string;
  /** Where it comes from, shown under the fact in the tooltip. */
  source?: string;
  /** The id of the cited item on this page. */
  target: string;
}

/** A numbered citation, [2]: shows what it cites on hover and focus, and moves to it on click. */
export function Citation({ number, noun, fact, source, target }: CitationProps) {
  const tip = (
    <>
      {fact}
      {source && <span className="cite-tip-source">{source}</span>}
    </>
  );
  return (
    <InlineTip tip={tip}>
      <AnchorLink target={target} className="cite" aria-label={`${noun} ${number}: ${fact}`}>
        [{number}]
      </AnchorLink>
    </InlineTip>
  );
}

/** A citation of something this result does not hold: a muted [?] that says so, never the raw id. */
export function MissingCitation({ tip = "Source not found in this result" }: { tip?: string }) {
  return (
    <InlineTip tip={tip}>
      {/* Focusable so keyboard users can read the tip; role img lets the "?" carry a name. */}
      <span className="cite is-missing" role="img" tabIndex={0} aria-label={tip}>
        [?]
      </span>
    </InlineTip>
  );
}

/** Where a fact comes from: the address as a safe link when it is one, else the words. */
export function SourceText({ source }: { source: string }) {
  return safeUrl(source) ? <SafeLink href={source}>{source}</SafeLink> : <>{source}</>;
}
