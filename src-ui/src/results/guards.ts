// Light runtime shape checks for results and partials that arrive as untyped JSON. They check
// what the views index into (top-level keys, array elements' key fields), not every field.
import type {
  CanvasBlock_Serialize,
  Canvas_Serialize,
  ChainLevel_Serialize,
  Program_Serialize,
  ResearchPartial_Serialize,
  ResearchReport_Serialize,
  StepResult,
  WhyChain_Serialize,
} from "../bindings";

type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const str = (v: unknown): v is string => typeof v === "string";
const numOrNull = (v: unknown) => v === null || typeof v === "number";
const strArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(str);

function arrayOf(v: unknown, item: (x: Obj) => boolean): boolean {
  return Array.isArray(v) && v.every((x) => isObj(x) && item(x));
}

function source(v: unknown): boolean {
  return isObj(v) && str(v.engine) && str(v.label);
}

export function isProgram(v: unknown): v is Program_Serialize {
  if (!isObj(v)) return false;
  const { initiative, schedule, budget, analysis } = v;
  return (
    source(v.source) &&
    isObj(initiative) &&
    str(initiative.currency) &&
    strArray(initiative.constraints) &&
    isObj(analysis) &&
    str(analysis.summary) &&
    strArray(analysis.assumptions) &&
    strArray(analysis.success_factors) &&
    isObj(schedule) &&
    str(schedule.start_date) &&
    str(schedule.end_date) &&
    strArray(schedule.critical_path) &&
    isObj(budget) &&
    str(budget.currency) &&
    arrayOf(budget.by_workstream, (l) => str(l.workstream)) &&
    arrayOf(budget.by_role, (l) => str(l.role)) &&
    arrayOf(budget.by_month, (l) => str(l.month)) &&
    arrayOf(v.workstreams, (w) => str(w.id) && str(w.name)) &&
    arrayOf(v.tasks, (t) => str(t.id) && str(t.name) && str(t.workstream) && str(t.role) && numOrNull(t.start_week) && numOrNull(t.finish_week)) &&
    arrayOf(v.resources, (r) => str(r.id) && str(r.name)) &&
    arrayOf(v.risks, (r) => str(r.id) && str(r.title) && numOrNull(r.probability) && numOrNull(r.impact)) &&
    arrayOf(v.kpis, (k) => str(k.name)) &&
    arrayOf(v.stage_gates, (g) => str(g.id) && str(g.name) && str(g.workstream) && strArray(g.criteria)) &&
    strArray(v.warnings)
  );
}

function entries(v: unknown): boolean {
  return arrayOf(v, (e) => str(e.text) && (e.evidence === undefined || strArray(e.evidence)));
}

export function isCanvasBlock(v: unknown): v is CanvasBlock_Serialize {
  return isObj(v) && str(v.block) && entries(v.entries);
}

export function isCanvas(v: unknown): v is Canvas_Serialize {
  return (
    isObj(v) &&
    source(v.source) &&
    Array.isArray(v.blocks) &&
    v.blocks.every(isCanvasBlock) &&
    arrayOf(v.evidence, (e) => str(e.id) && str(e.text) && str(e.source))
  );
}

export function isChainLevel(v: unknown): v is ChainLevel_Serialize {
  return isObj(v) && typeof v.level === "number" && str(v.question) && str(v.answer) && typeof v.root_cause === "boolean";
}

export function isWhyChain(v: unknown): v is WhyChain_Serialize {
  return (
    isObj(v) &&
    source(v.source) &&
    str(v.problem) &&
    str(v.root_cause) &&
    strArray(v.countermeasures) &&
    Array.isArray(v.levels) &&
    v.levels.every(isChainLevel)
  );
}

export function isResearchPartial(v: unknown): v is ResearchPartial_Serialize {
  if (!isObj(v)) return false;
  if (v.type === "finding") return str(v.source_id) && str(v.title) && str(v.statement) && str(v.quote);
  if (v.type === "skipped") return str(v.title) && str(v.reason);
  return false;
}

export function isResearchReport(v: unknown): v is ResearchReport_Serialize {
  return (
    isObj(v) &&
    source(v.source) &&
    strArray(v.queries) &&
    arrayOf(v.sources, (s) => str(s.id) && str(s.title)) &&
    arrayOf(v.skipped, (s) => str(s.title) && str(s.reason)) &&
    arrayOf(v.findings, (f) => str(f.id) && str(f.statement) && str(f.source_id) && str(f.query))
  );
}

export function isStepResult(v: unknown): v is StepResult {
  return isObj(v) && typeof v.index === "number" && str(v.step) && str(v.summary);
}
