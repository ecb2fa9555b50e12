import type { ReactNode } from "react";
import { act, renderHook, waitFor } from "@testing-library/react";
import { QueryClientProvider } from "@tanstack/react-query";
import { beforeEach, describe, expect, it } from "vitest";
import { job, snapshot } from "../test/fixtures";
import { FakeBackend, setPresence } from "../test/ipc";
import { testQueryClient } from "../test/render";
import { rememberAway, resetAwayRegistry } from "./away";
import { useJobRecovery } from "./useJobRecovery";

const SESSION = "init-1";
const KIND = "epm_generation";

function wrapper({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={testQueryClient()}>{children}</QueryClientProvider>;
}

describe("useJobRecovery", () => {
  beforeEach(() => {
    setPresence(true);
    resetAwayRegistry();
  });

  it("finds a running job after a reload and says it is still going, at its real progress", async () => {
    const running = job({ progress: 75, seq: 30 });
    const backend = new FakeBackend({ latest_job: () => running, watch_job: () => snapshot(running) });
    const { result } = renderHook(() => useJobRecovery(SESSION, KIND), { wrapper });
    await waitFor(() => expect(result.current.live.view?.job.progress).toBe(75));
    expect(result.current.banner).toEqual({ type: "resumed" });
    expect(backend.callsOf("latest_job")).toEqual([{ sessionId: SESSION, kind: KIND }]);
    expect(backend.callsOf("watch_job")).toEqual([expect.objectContaining({ id: running.id })]);
  });

  it("says a job completed while the user was away, and marks it seen once shown", async () => {
    const done = job({ status: "completed", progress: 100, seen_at: null, finished_at: Date.now() - 5000, result: {} });
    const backend = new FakeBackend({ latest_job: () => done, watch_job: () => snapshot(done) });
    const { result } = renderHook(() => useJobRecovery(SESSION, KIND), { wrapper });
    await waitFor(() => expect(result.current.banner).toEqual({ type: "away", jobId: done.id }));
    await waitFor(() => expect(backend.callsOf("mark_seen")).toContainEqual({ ids: [done.id] }));
  });

  it("says nothing about a completed job the user has already seen", async () => {
    const seen = job({ status: "completed", progress: 100, seen_at: Date.now() - 1000, finished_at: Date.now() - 5000 });
    new FakeBackend({ latest_job: () => seen, watch_job: () => snapshot(seen) });
    const { result } = renderHook(() => useJobRecovery(SESSION, KIND), { wrapper });
    await waitFor(() => expect(result.current.live.view?.job.status).toBe("completed"));
    expect(result.current.banner).toBeNull();
  });

  it("still says so when the app announced the job (and marked it seen) before the page looked", async () => {
    const seen = job({ status: "completed", progress: 100, seen_at: Date.now(), finished_at: Date.now() - 5000 });
    rememberAway([seen.id]);
    new FakeBackend({ latest_job: () => seen, watch_job: () => snapshot(seen) });
    const { result } = renderHook(() => useJobRecovery(SESSION, KIND), { wrapper });
    await waitFor(() => expect(result.current.banner).toEqual({ type: "away", jobId: seen.id }));
  });

  it("shows a job started here without a banner, then 'away' when it finished while hidden", async () => {
    const started = job({ id: "0190a000-0000-7000-8000-000000000002", progress: 0, seq: 1 });
    const backend = new FakeBackend({ latest_job: () => null, watch_job: () => snapshot(started) });
    const { result } = renderHook(() => useJobRecovery(SESSION, KIND), { wrapper });
    await waitFor(() => expect(result.current.loading).toBe(false));
    backend.on("latest_job", () => started);
    act(() => result.current.started(started.id));
    await waitFor(() => expect(result.current.live.view?.job.id).toBe(started.id));
    expect(result.current.banner).toBeNull();
    const final = snapshot(job({ ...started, status: "completed", progress: 100, seq: 9, finished_at: Date.now() }));
    act(() => {
      setPresence(false);
      backend.send(started.id, { type: "event", event: { job_id: started.id, seq: 9, at: 1, change: { type: "finished", snapshot: final } } });
    });
    await waitFor(() => expect(result.current.banner).toEqual({ type: "away", jobId: started.id }));
    expect(backend.callsOf("mark_seen")).toEqual([]); // not shown yet
    act(() => setPresence(true));
    await waitFor(() => expect(backend.callsOf("mark_seen")).toContainEqual({ ids: [started.id] }));
  });

  it("on return, a job that is still running gets the 'still being generated' banner", async () => {
    const started = job({ progress: 10, seq: 1 });
    const backend = new FakeBackend({ latest_job: () => null, watch_job: () => snapshot(started) });
    const { result } = renderHook(() => useJobRecovery(SESSION, KIND), { wrapper });
    await waitFor(() => expect(result.current.loading).toBe(false));
    backend.on("latest_job", () => started);
    act(() => result.current.started(started.id));
    await waitFor(() => expect(result.current.live.view?.job.progress).toBe(10));
    act(() => setPresence(false));
    act(() => setPresence(true));
    expect(result.current.banner).toEqual({ type: "resumed" });
  });
});
