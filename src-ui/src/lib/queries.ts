// Everything fetched from the backend goes through TanStack Query with these keys; engine
// change events invalidate what they affect.
import { useEffect } from "react";
import { useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import { commands, events } from "../bindings";
import { unwrap } from "../ipc";

/** Query keys, in one place so invalidation matches. */
export const keys = {
  initiatives: ["initiatives"] as const,
  initiative: (id: string) => ["initiatives", id] as const,
  documents: (id: string) => ["initiatives", id, "documents"] as const,
  jobs: ["jobs"] as const,
  running: ["jobs", "running"] as const,
  latest: (sessionId: string, kind: string) => ["jobs", "latest", sessionId, kind] as const,
  lastResult: (sessionId: string, kind: string) => ["jobs", "last-result", sessionId, kind] as const,
  job: (id: string) => ["jobs", "one", id] as const,
  result: (id: string) => ["results", id] as const,
  settings: ["settings"] as const,
};

/** All initiatives. */
export function useInitiatives() {
  return useQuery({ queryKey: keys.initiatives, queryFn: () => unwrap(commands.listInitiatives()) });
}

/** One initiative. */
export function useInitiative(id: string) {
  return useQuery({ queryKey: keys.initiative(id), queryFn: () => unwrap(commands.getInitiative(id)) });
}

/** A completed job's typed result; a result never changes once written, so it is not re-read. */
export function useResult(id: string, enabled = true) {
  return useQuery({
    queryKey: keys.result(id),
    queryFn: () => unwrap(commands.getResult(id)),
    enabled,
    staleTime: Infinity,
  });
}

/** The newest completed job of one kind for one initiative (its last good result), or null. */
export function useLastResult(sessionId: string, kind: string) {
  return useQuery({
    queryKey: keys.lastResult(sessionId, kind),
    queryFn: async () => (await unwrap(commands.listJobs({ statuses: ["completed"], kind, session_id: sessionId, limit: 1 }))).items[0] ?? null,
  });
}

/** Jobs running or waiting now, with live progress. */
export function useRunningJobs() {
  return useQuery({ queryKey: keys.running, queryFn: () => commands.runningJobs() });
}

/** The settings. */
export function useSettings() {
  return useQuery({ queryKey: keys.settings, queryFn: () => commands.getSettings() });
}

/** Re-reads job lists when the engine says jobs changed (the event is already throttled),
 * and the initiatives list beside them: a job may belong to an initiative made elsewhere (another
 * window, a sample), and the list must never say "No initiatives yet" while one runs. */
export function invalidateJobs(client: QueryClient): void {
  void client.invalidateQueries({ queryKey: keys.jobs });
  void client.invalidateQueries({ queryKey: keys.initiatives, exact: true });
}

/** Subscribes the query cache to the engine's `jobs-changed` events for the app's lifetime. */
export function useJobsChangedInvalidation(): void {
  const client = useQueryClient();
  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    void events.jobsChanged
      .listen(() => invalidateJobs(client))
      .then((unlisten) => {
        if (cancelled) unlisten();
        else stop = unlisten;
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [client]);
}
