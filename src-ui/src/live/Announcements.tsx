// App-wide announcements of finished jobs: a toast when one finishes while the window is in
// front (Rust sends `job-finished-toast` then, and a native notification otherwise), and
// "completed while you were away" for unseen ones when the user comes back or the app starts.
import { useEffect } from "react";
import { useNavigate, type NavigateFunction } from "react-router";
import { toast } from "sonner";
import { commands, events, type JobFinishedToast, type JobRecord_Serialize as JobRecord, type Navigate } from "../bindings";
import { unwrap } from "../ipc";
import { kindInfo } from "../lib/kinds";
import { isFailure } from "../lib/status";
import { rememberAway } from "./away";
import { onReturn } from "./presence";

/** How far back unseen completions are announced. */
const AWAY_WINDOW_MS = 7 * 24 * 3600 * 1000;
/** More finishes than this at once become one summary toast. */
const MERGE_ABOVE = 2;

/** The route of a page the shell asks for (a tray item or a notification was clicked). */
export function navigateRoute(target: Navigate): string {
  switch (target.to) {
    case "job":
      return `/jobs/${target.id}`;
    case "result":
      return `/results/${target.id}`;
    case "jobs":
    case "jobs_explained":
      return "/jobs";
  }
}

/** Goes where the shell asks, saying why when it could not show what was asked. */
export function followNavigate(target: Navigate, navigate: NavigateFunction): void {
  navigate(navigateRoute(target));
  if (target.to === "jobs_explained") toast.info(target.message, { id: "navigate-explained", duration: 8000 });
}

/** Where "View" goes for a finished job. */
export function jobLink(id: string, status: string): string {
  return status === "completed" ? `/results/${id}` : `/jobs/${id}`;
}

function toastFinished(finished: JobFinishedToast, navigate: NavigateFunction): void {
  const action = { label: "View", onClick: () => navigate(jobLink(finished.id, finished.status)) };
  if (finished.status === "completed") {
    toast.success(`Ready: ${finished.title}`, { id: finished.id, action, duration: 6000 });
  } else if (isFailure(finished.status)) {
    toast.error(`Failed: ${finished.title}`, { id: finished.id, action, duration: 8000 });
  }
}

/** The "completed while you were away" toast for one job; one per job however many places
 * ask for it (the app on return, the initiative page that shows the banner). */
export function toastAway(job: Pick<JobRecord, "id" | "kind" | "title" | "status">, navigate: NavigateFunction): void {
  const label = kindInfo(job.kind).label;
  const text = job.status === "completed" ? `Completed while you were away: ${label}` : `Failed while you were away: ${label}`;
  toast(text, {
    id: `away-${job.id}`,
    description: job.title,
    action: { label: "View", onClick: () => navigate(jobLink(job.id, job.status)) },
    duration: 8000,
  });
}

/** Announces unseen completions once, then marks them seen. Exported for tests. */
export async function announceAway(navigate: NavigateFunction): Promise<JobRecord[]> {
  const unseen = await unwrap(commands.recentCompletions(Date.now() - AWAY_WINDOW_MS, 20));
  const shown = unseen.filter((j) => j.status === "completed" || j.status === "failed");
  if (shown.length === 0) return [];
  rememberAway(shown.map((j) => j.id));
  if (shown.length > MERGE_ABOVE) {
    toast(`${shown.length} jobs finished while you were away`, {
      id: "away-summary",
      action: { label: "View jobs", onClick: () => navigate("/jobs") },
      duration: 8000,
    });
  } else {
    for (const job of shown) toastAway(job, navigate);
  }
  await unwrap(commands.markSeen(shown.map((j) => j.id)));
  return shown;
}

/** Mount once inside the router. */
export function Announcements() {
  const navigate = useNavigate();
  useEffect(() => {
    const stops: (() => void)[] = [];
    let closed = false;
    const keep = (p: Promise<() => void>) =>
      void p.then((stop) => (closed ? stop() : stops.push(stop))).catch(() => undefined);
    keep(
      events.jobFinishedToast.listen((e) => {
        toastFinished(e.payload, navigate);
        void commands.markSeen([e.payload.id]).catch(() => undefined);
      }),
    );
    keep(events.navigate.listen((e) => followNavigate(e.payload, navigate)));
    const announce = () => void announceAway(navigate).catch(() => undefined);
    announce();
    stops.push(onReturn(announce));
    return () => {
      closed = true;
      stops.forEach((s) => s());
    };
  }, [navigate]);
  return null;
}
