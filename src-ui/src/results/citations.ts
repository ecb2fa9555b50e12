// Numbered citations, as a reader of a report expects them: each distinct fact cited gets a
// number in the order the reader meets it, so the screen never shows the engine's evidence ids.
import type { Evidence } from "../bindings";

/** Anything whose entries cite evidence by id (a canvas block, finished or streamed). */
export interface CitingBlock {
  entries: { evidence?: string[] | null }[];
}

/** One item of the evidence list: a fact and where it comes from. */
export interface Fact {
  /** What it says. */
  text: string;
  /** Where it comes from, each source once, in the order the evidence named them. */
  sources: string[];
  /** The evidence ids merged into this fact: for React keys only, never shown. */
  ids: string[];
}

/** A fact the canvas cites, with its citation number. */
export interface NumberedFact extends Fact {
  number: number;
}

export interface Citations {
  /** Citation number by evidence id; an id that is not in the evidence list has none. */
  numberOf: Map<string, number>;
  /** The cited facts, in number order. */
  cited: NumberedFact[];
  /** Facts gathered but cited by no entry, in the evidence list's order. */
  uncited: Fact[];
}

/** What one entry shows after its text: its citation numbers and whether it cites something unknown. */
export interface EntryCitations {
  /** Distinct, ascending. */
  numbers: number[];
  /** It cites at least one id that is not in the evidence list. */
  missing: boolean;
}

/**
 * The same words under two ids (a research finding and the knowledge-base fact it came from)
 * are one fact to a reader, so they share a key — and a number.
 */
function factKey(e: Evidence): string {
  const words = e.text.replace(/\s+/g, " ").trim().toLowerCase();
  return words ? `text:${words}` : `id:${e.id}`;
}

function citedIds(blocks: CitingBlock[]): string[] {
  return blocks.flatMap((b) => b.entries.flatMap((e) => (Array.isArray(e.evidence) ? e.evidence : [])));
}

/** Numbers 1, 2, … for the distinct ids, in order of first appearance. */
export function numberInOrder(ids: Iterable<string>): Map<string, number> {
  const numbers = new Map<string, number>();
  for (const id of ids) if (!numbers.has(id)) numbers.set(id, numbers.size + 1);
  return numbers;
}

/**
 * Citation numbers for `blocks` (in the order the reader reads them) citing `evidence`:
 * the first fact cited is [1], the next new one [2], and so on.
 */
export function citationNumbers(blocks: CitingBlock[], evidence: Evidence[]): Citations {
  const facts = new Map<string, Fact>();
  const keyOf = new Map<string, string>();
  for (const e of evidence) {
    if (keyOf.has(e.id)) continue; // An id listed twice: the first record wins.
    const key = factKey(e);
    keyOf.set(e.id, key);
    const fact = facts.get(key);
    if (!fact) facts.set(key, { text: e.text, sources: e.source ? [e.source] : [], ids: [e.id] });
    else {
      fact.ids.push(e.id);
      if (e.source && !fact.sources.includes(e.source)) fact.sources.push(e.source);
    }
  }

  const numberOfKey = numberInOrder(citedIds(blocks).flatMap((id) => keyOf.get(id) ?? []));
  const numberOf = new Map<string, number>();
  for (const [id, key] of keyOf) {
    const n = numberOfKey.get(key);
    if (n !== undefined) numberOf.set(id, n);
  }

  const cited: NumberedFact[] = [];
  const uncited: Fact[] = [];
  for (const [key, fact] of facts) {
    const n = numberOfKey.get(key);
    if (n === undefined) uncited.push(fact);
    else cited.push({ ...fact, number: n });
  }
  cited.sort((a, b) => a.number - b.number);
  return { numberOf, cited, uncited };
}

/** The citations one entry shows for the ids it cites. */
export function entryCitations(ids: string[] | null | undefined, numberOf: Map<string, number>): EntryCitations {
  const numbers = new Set<number>();
  let missing = false;
  for (const id of ids ?? []) {
    const n = numberOf.get(id);
    if (n === undefined) missing = true;
    else numbers.add(n);
  }
  return { numbers: [...numbers].sort((a, b) => a - b), missing };
}
