// Light runtime shape checks for streamed partials, which arrive as untyped JSON on a job's
// live channel (results are typed: they come from `get_result`). They check what the views
// index into, not every field.
import type { CanvasBlock_Serialize, ChainLevel_Serialize, ResearchPartial_Serialize, StepResult } from "../bindings";

type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const str = (v: unknown): v is string => typeof v === "string";
const strArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(str);

function arrayOf(v: unknown, item: (x: Obj) => boolean): boolean {
  return Array.isArray(v) && v.every((x) => isObj(x) && item(x));
}

function entries(v: unknown): boolean {
  return arrayOf(v, (e) => str(e.text) && (e.evidence === undefined || strArray(e.evidence)));
}

export function isCanvasBlock(v: unknown): v is CanvasBlock_Serialize {
  return isObj(v) && str(v.block) && entries(v.entries);
}

export function isChainLevel(v: unknown): v is ChainLevel_Serialize {
  return isObj(v) && typeof v.level === "number" && str(v.question) && str(v.answer) && typeof v.root_cause === "boolean";
}

export function isResearchPartial(v: unknown): v is ResearchPartial_Serialize {
  if (!isObj(v)) return false;
  if (v.type === "finding") return str(v.source_id) && str(v.title) && str(v.statement) && str(v.quote);
  if (v.type === "skipped") return str(v.title) && str(v.reason);
  return false;
}

export function isStepResult(v: unknown): v is StepResult {
  return isObj(v) && typeof v.index === "number" && str(v.step) && str(v.summary);
}
