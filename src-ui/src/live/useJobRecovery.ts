// An initiative page's view of one operation: finds the newest job of that kind, keeps it
// live, and says what happened while the user was elsewhere — "still being generated" when
// it is running, "completed while you were away" when it finished unseen.
import { useCallback, useEffect, useRef, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, type JobRecord_Serialize as JobRecord } from "../bindings";
import { unwrap } from "../ipc";
import { keys } from "../lib/queries";
import { isActive } from "../lib/status";
import { useAwayRegistry } from "./away";
import { onReturn, usePresence } from "./presence";
import { useJob, type LiveJob } from "./useJob";

/** What the page tells the user about a job it did not see run. */
export type RecoveryBanner = { type: "resumed" } | { type: "away"; jobId: string } | null;

/** The newest job of one kind for one initiative, live. */
export interface JobRecovery {
  /** The newest job record as listed (before the live view arrives). */
  latest: JobRecord | null;
  /** True until the newest job is known. */
  loading: boolean;
  /** The live view of the newest job. */
  live: LiveJob;
  banner: RecoveryBanner;
  /** Call after starting a job from this page: it is watched, with no banner. */
  started: (jobId: string) => void;
  dismiss: () => void;
}

/** Recovers and watches the newest `kind` job of initiative `sessionId`. */
export function useJobRecovery(sessionId: string, kind: string): JobRecovery {
  const queryClient = useQueryClient();
  const latestQuery = useQuery({
    queryKey: keys.latest(sessionId, kind),
    queryFn: () => unwrap(commands.latestJob(sessionId, kind)),
  });
  const latest = latestQuery.data ?? null;
  const [jobId, setJobId] = useState<string | null>(null);
  const [banner, setBanner] = useState<RecoveryBanner>(null);
  const startedHere = useRef(new Set<string>());
  const judged = useRef(new Set<string>());
  const wasAway = useAwayRegistry();
  const present = usePresence();
  const live = useJob(jobId);

  // First sight of a job this page did not start: say what happened to it.
  useEffect(() => {
    if (!latest) return;
    setJobId(latest.id);
    if (startedHere.current.has(latest.id) || judged.current.has(latest.id)) return;
    judged.current.add(latest.id);
    if (isActive(latest.status)) setBanner({ type: "resumed" });
    else if (latest.status === "completed" && (latest.seen_at == null || wasAway(latest.id))) {
      setBanner({ type: "away", jobId: latest.id });
    }
  }, [latest, wasAway]);

  // A job announced as away by the app after this page loaded it.
  useEffect(() => {
    if (latest && latest.status === "completed" && wasAway(latest.id) && !startedHere.current.has(latest.id)) {
      setBanner((b) => b ?? { type: "away", jobId: latest.id });
    }
  }, [latest, wasAway]);

  const status = live.view?.job.status;
  const liveId = live.view?.job.id;
  // The watched job finished: in place if the user saw it, a banner if they were away.
  useEffect(() => {
    if (!liveId || isActive(status) || status == null) return;
    if (live.finishedWhileAway && status === "completed") setBanner({ type: "away", jobId: liveId });
    else setBanner((b) => (b?.type === "resumed" ? null : b));
  }, [liveId, status, live.finishedWhileAway]);

  // Back from the tray or another app: say it is still running, and look for newer jobs.
  useEffect(
    () =>
      onReturn(() => {
        void queryClient.invalidateQueries({ queryKey: keys.latest(sessionId, kind) });
        setBanner((b) => (b == null && isActive(live.view?.job.status) ? { type: "resumed" } : b));
      }),
    [queryClient, sessionId, kind, live.view?.job.status],
  );

  // Shown: the outcome counts as seen.
  const awayId = banner?.type === "away" ? banner.jobId : null;
  useEffect(() => {
    if (awayId && present) void commands.markSeen([awayId]).catch(() => undefined);
  }, [awayId, present]);

  const started = useCallback(
    (id: string) => {
      startedHere.current.add(id);
      setBanner(null);
      setJobId(id);
      void queryClient.invalidateQueries({ queryKey: keys.latest(sessionId, kind) });
    },
    [queryClient, sessionId, kind],
  );
  const dismiss = useCallback(() => setBanner(null), []);

  return { latest, loading: latestQuery.isPending, live, banner, started, dismiss };
}
