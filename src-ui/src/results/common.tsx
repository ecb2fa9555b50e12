// Small pieces shared by the result views.
import { useId, type MouseEvent, type ReactNode } from "react";
import { Cpu, WifiOff } from "lucide-react";
import type { Source_Serialize } from "../bindings";
import "./results.css";

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

/**
 * A link to an element on this page. It scrolls to and focuses its target itself, so it
 * works whatever the router does with `#` addresses.
 */
export function AnchorLink({ target, children, className, title }: { target: string; children: ReactNode; className?: string; title?: string }) {
  const go = (e: MouseEvent<HTMLAnchorElement>) => {
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
    <a href={`#${target}`} className={className} title={title} onClick={go}>
      {children}
    </a>
  );
}

/** A muted line for an empty list. */
export function Empty({ children }: { children: ReactNode }) {
  return <p className="muted small results-empty">{children}</p>;
}
