// Picks the view for a job's result by its operation (results come typed from `get_result`),
// and for its streamed partials by job kind (partials arrive as untyped JSON, so each is
// shape-checked first). Anything unreadable gets a plain message instead of a crash.
import { Component, type ErrorInfo, type ReactNode } from "react";
import { Check, CircleAlert } from "lucide-react";
import { CanvasBlocks, CanvasView } from "./CanvasView";
import { isCanvasBlock, isChainLevel, isObj, isResearchPartial, isStepResult } from "./partials";
import { ProgramView } from "./program/ProgramView";
import { FindingsStream, ResearchView } from "./ResearchView";
import { WhyChainView, WhyLevels } from "./WhyChainView";
import type { OperationResult_Serialize as OperationResult, StepResult } from "../bindings";
import { useResult } from "../lib/queries";
import "./results.css";

/** "This result could not be read", with what to do about it. */
export function Unreadable({ detail }: { detail?: string }) {
  return (
    <div className="banner error results-unreadable" role="alert">
      <CircleAlert size={16} aria-hidden="true" />
      <div>
        <strong>This result could not be read.</strong>
        <div className="small">
          {detail ?? "It does not have the shape this version of Charter expects."} Export it as JSON to inspect it, or run the operation again.
        </div>
      </div>
    </div>
  );
}

interface BoundaryProps {
  children: ReactNode;
  fallback: ReactNode;
  /** A new value (a new result) clears a caught failure. */
  resetKey: unknown;
}

/** Catches a render error in one result view so the rest of the page keeps working. */
class ResultBoundary extends Component<BoundaryProps, { failed: boolean }> {
  state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  componentDidUpdate(prev: BoundaryProps) {
    if (this.state.failed && prev.resetKey !== this.props.resetKey) this.setState({ failed: false });
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error("A result view failed to render", error, info.componentStack);
  }

  render() {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}

function guarded(view: ReactNode, resetKey: unknown) {
  return (
    <ResultBoundary resetKey={resetKey} fallback={<Unreadable detail="Part of it has an unexpected shape." />}>
      {view}
    </ResultBoundary>
  );
}

export interface ResultViewProps {
  /** The job's result, typed by its operation. */
  result: OperationResult;
  /** Extra header controls for the program view (e.g. export buttons). */
  actions?: ReactNode;
  /** The job it came from: with it, a program's plans can be adopted and its team edited. */
  jobId?: string;
}

/** The finished result of a job, in the view for its operation. */
export function ResultView({ result, actions, jobId }: ResultViewProps) {
  switch (result.operation) {
    case "program":
      return guarded(<ProgramView program={result.result} actions={actions} jobId={jobId} />, result);
    case "canvas":
      return guarded(<CanvasView canvas={result.result} />, result);
    case "five_whys":
      return guarded(<WhyChainView chain={result.result} />, result);
    case "research":
      return guarded(<ResearchView report={result.result} />, result);
  }
}

/** A completed job's result, fetched by id: loading, unreadable (with the reason) or shown. */
export function JobResult({ id, actions }: { id: string; actions?: ReactNode }) {
  const result = useResult(id);
  if (result.isPending) return <div className="skeleton" style={{ height: 240 }} aria-busy="true" aria-label="Loading result" />;
  if (result.isError) return <Unreadable detail={result.error.message + "."} />;
  return <ResultView result={result.data} actions={actions} jobId={id} />;
}

/** One-line step summaries streamed while a program is generated (a re-sent step replaces its line). */
export function StepResults({ steps }: { steps: StepResult[] }) {
  const byIndex = new Map<number, StepResult>();
  for (const s of steps) byIndex.set(s.index, s);
  const list = [...byIndex.values()].sort((a, b) => a.index - b.index);
  if (list.length === 0) return null;
  return (
    <ol className="results-steps" aria-label="Steps done so far">
      {list.map((s) => (
        <li key={s.index}>
          <Check size={13} aria-hidden="true" className="results-step-icon" />
          <span className="results-step-name">{s.step}</span>
          <span className="muted">{s.summary}</span>
        </li>
      ))}
    </ol>
  );
}

/** A partial as stored (`{ seq, value, … }`) or as streamed (the bare value). */
function valueOf(p: unknown): unknown {
  return isObj(p) && "value" in p && "seq" in p ? p.value : p;
}

export interface PartialsViewProps {
  kind: string;
  /** Partial values in arrival order: bare values or `PartialRecord`s. Unreadable ones are skipped. */
  partials: unknown[];
}

/** What a running job has produced so far, in the live view for its kind. */
export function PartialsView({ kind, partials }: PartialsViewProps) {
  const values = Array.isArray(partials) ? partials.map(valueOf) : [];
  switch (kind) {
    case "epm_generation":
      return guarded(<StepResults steps={values.filter(isStepResult)} />, partials);
    case "bmc_research":
      return guarded(<CanvasBlocks blocks={values.filter(isCanvasBlock)} />, partials);
    case "five_whys":
      return guarded(<WhyLevels levels={values.filter(isChainLevel)} />, partials);
    case "web_research":
      return guarded(<FindingsStream partials={values.filter(isResearchPartial)} />, partials);
    default:
      return null;
  }
}
