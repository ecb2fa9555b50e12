// The four operations: their job kinds, names and the words the UI uses for them.
import type { Operation_Deserialize as Operation } from "../bindings";

/** What the UI needs to know about one job kind. */
export interface KindInfo {
  kind: string;
  /** "Program" — a heading. */
  label: string;
  /** "program" — inside a sentence. */
  noun: string;
  /** "Generate program" — the start button. */
  action: string;
  /** "being generated" — "Your program is still being generated". */
  ongoing: string;
  /** Operation type for `start_operation`. */
  operation: Operation["type"];
}

/** The operations in workspace order. */
export const KINDS: KindInfo[] = [
  { kind: "epm_generation", label: "Program", noun: "program", action: "Generate program", ongoing: "being generated", operation: "program" },
  { kind: "bmc_research", label: "Canvas", noun: "canvas", action: "Build canvas", ongoing: "being built", operation: "canvas" },
  { kind: "five_whys", label: "Five whys", noun: "why-chain", action: "Ask five whys", ongoing: "being worked out", operation: "five_whys" },
  { kind: "web_research", label: "Research", noun: "research report", action: "Run research", ongoing: "being researched", operation: "research" },
];

/** Information for `kind`, with a neutral fallback for kinds this UI does not know. */
export function kindInfo(kind: string): KindInfo {
  return (
    KINDS.find((k) => k.kind === kind) ?? {
      kind,
      label: kind,
      noun: "result",
      action: "Run",
      ongoing: "running",
      operation: "program",
    }
  );
}
