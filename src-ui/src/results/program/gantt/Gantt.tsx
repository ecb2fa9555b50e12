// The levelled schedule as a Gantt chart that fits the width by default: a legend and zoom
// controls, a resizable column of task names beside the chart, and a table alternative.
import { useCallback, useLayoutEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import { Diamond, ZoomIn, ZoomOut } from "lucide-react";
import type { ProgramWorkstream, ScheduledTask, ScheduleSummary, StageGate } from "../../../bindings";
import { IconButton } from "../../../components/IconButton";
import { Markdown, plainText } from "../../../markdown/Markdown";
import { useDomId } from "../../common";
import { fmtNumber } from "../../format";
import { PriorityBadge, priorityOf } from "../parts";
import { GanttChart } from "./GanttChart";
import { GanttTable } from "./GanttTable";
import { FOOT, HEAD, ROW, ZOOMS, ganttRows, nameColumnWidth, num, spanWeeks, weekWidth } from "./layout";
import "./gantt.css";

const NAME_WIDTH_KEY = "charter.gantt.nameWidth";

function storedNameWidth(): number | null {
  try {
    const n = Number(localStorage.getItem(NAME_WIDTH_KEY));
    return Number.isFinite(n) && n > 0 ? n : null;
  } catch {
    return null;
  }
}

/** The width of an element's content box, kept current as the window resizes. */
function useWidth<T extends HTMLElement>(): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

function Legend({ horizon }: { horizon: number }) {
  return (
    <div className="gantt-legend small" aria-label="Legend">
      <span className="gantt-legend-item">
        <span className="gantt-swatch" aria-hidden="true" /> Task
      </span>
      <span className="gantt-legend-item">
        <span className="gantt-swatch gantt-swatch-critical" aria-hidden="true" /> Critical path (hatched)
      </span>
      <span className="gantt-legend-item">
        <Diamond size={12} className="gantt-legend-gate" aria-hidden="true" /> Stage gate
      </span>
      <span className="gantt-legend-item">
        <span className="gantt-swatch-horizon" aria-hidden="true" /> Horizon ({fmtNumber(horizon)} weeks)
      </span>
    </div>
  );
}

export interface GanttProps {
  workstreams: ProgramWorkstream[];
  tasks: ScheduledTask[];
  gates: StageGate[];
  schedule: ScheduleSummary;
  roleName?: (id: string) => string;
  /** Show each task's priority (must, should, could); programs made before priorities have none. */
  showPriority?: boolean;
}

/** The schedule as a Gantt chart with a legend, zoom, dependency arrows and a table alternative. */
export function Gantt({ workstreams, tasks, gates, schedule, roleName = (id) => id, showPriority = false }: GanttProps) {
  const uid = useDomId("gantt");
  const rows = ganttRows(workstreams, tasks, gates);
  const span = spanWeeks(schedule, tasks, gates);
  const [scrollRef, areaPx] = useWidth<HTMLDivElement>();
  const [chosenNames, setChosenNames] = useState<number | null>(storedNameWidth);
  const [zoom, setZoom] = useState(0);
  const [arrows, setArrows] = useState(false);
  // Clamped to the window as it is; the remembered choice stays for a wider one.
  const namesPx = nameColumnWidth(areaPx, chosenNames);
  const weekPx = weekWidth(span, areaPx > 0 ? areaPx - namesPx : 0, zoom);

  // Zooming keeps the week in the middle of the view in the middle.
  const centre = useRef<number | null>(null);
  const changeZoom = (next: number) => {
    const el = scrollRef.current;
    if (el) centre.current = (el.scrollLeft + (el.clientWidth - namesPx) / 2) / weekPx;
    setZoom(Math.max(0, Math.min(ZOOMS.length - 1, next)));
  };
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el || centre.current === null) return;
    el.scrollLeft = Math.max(0, centre.current * weekPx - (el.clientWidth - namesPx) / 2);
    centre.current = null;
  }, [weekPx, namesPx, scrollRef]);

  const setNames = useCallback((px: number) => {
    const next = Math.round(px);
    setChosenNames(next);
    try {
      localStorage.setItem(NAME_WIDTH_KEY, String(next));
    } catch {
      // A full or disabled storage only loses the remembered width.
    }
  }, []);
  const drag = useRef<{ x: number; width: number } | null>(null);
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.currentTarget.setPointerCapture?.(e.pointerId);
    drag.current = { x: e.clientX, width: namesPx };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (drag.current) setNames(nameColumnWidth(areaPx, drag.current.width + e.clientX - drag.current.x));
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  const onHandleKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const delta = e.key === "ArrowLeft" ? -20 : e.key === "ArrowRight" ? 20 : 0;
    if (delta === 0) return;
    e.preventDefault();
    setNames(nameColumnWidth(areaPx, namesPx + delta));
  };

  return (
    <div className="gantt">
      <div className="gantt-toolbar">
        <Legend horizon={num(schedule.horizon_weeks)} />
        <div className="gantt-controls" role="group" aria-label="Chart view">
          <label className="gantt-toggle small">
            <input type="checkbox" checked={arrows} onChange={(e) => setArrows(e.target.checked)} /> Dependencies
          </label>
          <IconButton label="Zoom out" tip="Zoom out" onClick={() => changeZoom(zoom - 1)} disabled={zoom === 0}>
            <ZoomOut size={15} aria-hidden="true" />
          </IconButton>
          <button type="button" className="btn small" aria-pressed={zoom === 0} onClick={() => changeZoom(0)} title="Show the whole programme">
            Fit
          </button>
          <IconButton label="Zoom in" tip="Zoom in" onClick={() => changeZoom(zoom + 1)} disabled={zoom === ZOOMS.length - 1}>
            <ZoomIn size={15} aria-hidden="true" />
          </IconButton>
        </div>
      </div>
      <div className="gantt-scroll" ref={scrollRef} tabIndex={0} role="region" aria-label={zoom === 0 ? "Gantt chart" : "Gantt chart, zoomed: scrolls sideways"}>
        <div className="gantt-labels" style={{ width: namesPx }}>
          <div style={{ paddingTop: HEAD, paddingBottom: FOOT }} aria-hidden="true">
            {rows.map((r) =>
              r.kind === "ws" ? (
                <div key={r.key} className="gantt-label gantt-label-ws" style={{ height: ROW }} title={r.name}>
                  <span className="gantt-label-text">{r.name}</span>
                </div>
              ) : (
                <div key={r.key} className="gantt-label gantt-label-task" style={{ height: ROW }} title={plainText(r.task.name)} data-task={r.task.id}>
                  <span className="gantt-label-text">
                    <Markdown inline text={r.task.name} />
                  </span>
                  {/* Only what a fitted plan may leave out is marked; most tasks are musts. */}
                  {showPriority && priorityOf(r.task.priority) !== "must" && <PriorityBadge priority={r.task.priority} />}
                </div>
              ),
            )}
          </div>
          <div
            className="gantt-resize"
            role="separator"
            aria-orientation="vertical"
            aria-label="Width of the task names"
            aria-valuenow={namesPx}
            aria-valuemin={120}
            tabIndex={0}
            title="Drag (or use the arrow keys) to widen the task names"
            onPointerDown={onPointerDown}
            onPointerMove={onPointerMove}
            onPointerUp={onPointerUp}
            onPointerCancel={onPointerUp}
            onKeyDown={onHandleKey}
          />
        </div>
        <GanttChart uid={uid} rows={rows} tasks={tasks} gates={gates} schedule={schedule} span={span} weekPx={weekPx} arrows={arrows} roleName={roleName} showPriority={showPriority} />
      </div>
      <GanttTable rows={rows} workstreams={workstreams} roleName={roleName} showPriority={showPriority} showPeople={tasks.some((t) => Array.isArray(t.people) && t.people.length > 0)} />
    </div>
  );
}
