// A job status as icon + word + colour, never colour alone.
import { Ban, Check, Clock, Hourglass, Loader, PauseCircle, TriangleAlert, X, type LucideIcon } from "lucide-react";
import type { JobStatus } from "../bindings";
import { statusLabel } from "../lib/status";

const ICON: Record<JobStatus, LucideIcon> = { pending: Clock, running: Loader, completed: Check, failed: X, cancelled: Ban, interrupted: PauseCircle, paused: Hourglass };

/** The status of a job; `stalled` overrides a running status with a warning. */
export function StatusBadge({ status, stalled = false }: { status: JobStatus; stalled?: boolean }) {
  if (stalled && status === "running") {
    return (
      <span className="status stalled">
        <TriangleAlert size={14} aria-hidden /> Stalled
      </span>
    );
  }
  const Icon = ICON[status];
  return (
    <span className={`status ${status}`}>
      <Icon size={14} aria-hidden className={status === "running" ? "spin" : undefined} /> {statusLabel(status)}
    </span>
  );
}
