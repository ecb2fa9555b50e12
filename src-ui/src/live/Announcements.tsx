// App-wide announcements of finished jobs: a toast when one finishes while the window is in
// front (Rust sends `job-finished-toast` then, and a native notification otherwise), and
// "completed while you were away" for unseen ones when the user comes back or the app starts.
// One notice per event: when the page in front already shows the job (its initiative, its
// job page, its result), that page announces it and no toast does; opening a toast's page
// dismisses the toast.
import { useEffect, useRef } from "react";
import { useLocation, useNavigate, type NavigateFunction } from "react-router";
import { toast } from "sonner";
import { commands, events, type JobFinishedToast, type JobRecord_Serialize as JobRecord, type Navigate } from "../bindings";
import { unwrap } from "../ipc";
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

/** Whether the page at `path` shows `job` itself: its initiative's workspace, its job page or
 * its result. That page announces the job's finish; a toast would say it twice. */
export function pageShows(path: string, job: { id: string; session_id?: string | null }): boolean {
  return path === `/jobs/${job.id}` || path === `/results/${job.id}` || (job.session_id != null && path === `/initiatives/${job.session_id}`);
}

/** The job a page is about (`/jobs/:id`, `/results/:id`), whose toasts it makes redundant. */
export function jobOfPage(path: string): string | null {
  const match = /^\/(?:jobs|results)\/([^/]+)$/.exec(path);
  return match?.[1] ?? null;
}

function toastFinished(finished: JobFinishedToast, navigate: NavigateFunction, path: string): void {
  if (pageShows(path, finished)) return;
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
  // The title already names the operation ("Business Model Canvas for Cafe"): saying the kind
  // too would read "Canvas — Business Model Canvas for Cafe".
  const text = job.status === "completed" ? "Completed while you were away" : "Failed while you were away";
  toast(text, {
    id: `away-${job.id}`,
    description: job.title,
    action: { label: "View", onClick: () => navigate(jobLink(job.id, job.status)) },
    duration: 8000,
  });
}

/** Announces unseen completions once, then marks them seen; a job whose page is open (`path`)
 * is left to that page's banner. Exported for tests. */
export async function announceAway(navigate: NavigateFunction, path = ""): Promise<JobRecord[]> {
  const unseen = await unwrap(commands.recentCompletions(Date.now() - AWAY_WINDOW_MS, 20));
  const finished = unseen.filter((j) => j.status === "completed" || j.status === "failed");
  if (finished.length === 0) return [];
  rememberAway(finished.map((j) => j.id));
  const shown = finished.filter((j) => !pageShows(path, j));
  if (shown.length === 0) {
    await unwrap(commands.markSeen(finished.map((j) => j.id)));
    return finished;
  }
  if (shown.length > MERGE_ABOVE) {
    toast(`${shown.length} jobs finished while you were away`, {
      id: "away-summary",
      action: { label: "View jobs", onClick: () => navigate("/jobs") },
      duration: 8000,
    });
  } else {
    for (const job of shown) toastAway(job, navigate);
  }
  await unwrap(commands.markSeen(finished.map((j) => j.id)));
  return finished;
}

/** Mount once inside the router. */
export function Announcements() {
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const path = useRef(pathname);
  path.current = pathname;
  // Opening the page a toast points to answers it.
  useEffect(() => {
    const id = jobOfPage(pathname);
    if (id) {
      toast.dismiss(id);
      toast.dismiss(`away-${id}`);
    }
  }, [pathname]);
  useEffect(() => {
    const stops: (() => void)[] = [];
    let closed = false;
    const keep = (p: Promise<() => void>) =>
      void p.then((stop) => (closed ? stop() : stops.push(stop))).catch(() => undefined);
    keep(
      events.jobFinishedToast.listen((e) => {
        toastFinished(e.payload, navigate, path.current);
        void commands.markSeen([e.payload.id]).catch(() => undefined);
      }),
    );
    keep(events.navigate.listen((e) => followNavigate(e.payload, navigate)));
    const announce = () => void announceAway(navigate, path.current).catch(() => undefined);
    announce();
    stops.push(onReturn(announce));
    return () => {
      closed = true;
      stops.forEach((s) => s());
    };
  }, [navigate]);
  return null;
}
