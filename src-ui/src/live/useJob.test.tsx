import type { ReactNode } from "react";
import { act, renderHook, waitFor } from "@testing-library/react";
import { QueryClientProvider } from "@tanstack/react-query";
import { beforeEach, describe, expect, it } from "vitest";
import { job, snapshot } from "../test/fixtures";
import { FakeBackend, setPresence } from "../test/ipc";
import { testQueryClient } from "../test/render";
import { useJob } from "./useJob";

const ID = job().id;

function wrapper({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={testQueryClient()}>{children}</QueryClientProvider>;
}

function progress(seq: number, value: number) {
  return { type: "event" as const, event: { job_id: ID, seq, at: Date.now(), change: { type: "progress" as const, progress: value, message: `at ${value}` } } };
}

describe("useJob", () => {
  beforeEach(() => setPresence(true));

  it("shows the snapshot, then applies each event once, in sequence order", async () => {
    const backend = new FakeBackend({ watch_job: () => snapshot(job({ seq: 10, progress: 25 })) });
    const { result } = renderHook(() => useJob(ID), { wrapper });
    await waitFor(() => expect(result.current.view?.job.progress).toBe(25));
    act(() => {
      backend.send(ID, progress(9, 5)); // older than the snapshot
      backend.send(ID, progress(11, 40));
      backend.send(ID, progress(11, 99)); // duplicate
      backend.send(ID, { type: "event", event: { job_id: ID, seq: 12, at: 1, change: { type: "partial", step_index: 0, value: "block" } } });
    });
    expect(result.current.view?.job.progress).toBe(40);
    expect(result.current.view?.job.message).toBe("at 40");
    expect(result.current.view?.partials.map((p) => p.value)).toEqual(["block"]);
  });

  it("holds events that arrive before the snapshot and applies the newer ones after it", async () => {
    let answer: (v: unknown) => void = () => {};
    const backend = new FakeBackend({ watch_job: () => new Promise((resolve) => (answer = resolve)) });
    const { result } = renderHook(() => useJob(ID), { wrapper });
    await waitFor(() => expect(backend.channels).toHaveLength(1));
    act(() => {
      backend.send(ID, progress(10, 20)); // already in the snapshot
      backend.send(ID, progress(11, 45));
    });
    expect(result.current.view).toBeNull();
    await act(async () => answer(snapshot(job({ seq: 10, progress: 20 }))));
    expect(result.current.view?.job.progress).toBe(45);
    expect(result.current.view?.job.seq).toBe(11);
  });

  it("resyncs from a snapshot after a gap and ignores events from before it", async () => {
    const backend = new FakeBackend({ watch_job: () => snapshot(job({ seq: 10, progress: 25 })) });
    const { result } = renderHook(() => useJob(ID), { wrapper });
    await waitFor(() => expect(result.current.view?.job.seq).toBe(10));
    act(() => {
      backend.send(ID, progress(11, 30));
      // The engine says the watcher fell behind: here is the state at seq 40.
      backend.send(ID, { type: "snapshot", snapshot: snapshot(job({ seq: 40, progress: 70, current_step: "Budgeting" }), { partials: [{ seq: 33, step_index: 5, value: "p", created_at: 1 }] }) });
      backend.send(ID, progress(35, 50)); // from before the resync
      backend.send(ID, progress(41, 72));
    });
    expect(result.current.view?.job.progress).toBe(72);
    expect(result.current.view?.job.current_step).toBe("Budgeting");
    expect(result.current.view?.partials).toHaveLength(1);
  });

  it("detaches on unmount and re-attaches where the job is on remount", async () => {
    let seq = 10;
    const backend = new FakeBackend({ watch_job: () => snapshot(job({ seq, progress: seq * 2 })) });
    const first = renderHook(() => useJob(ID), { wrapper });
    await waitFor(() => expect(first.result.current.view?.job.progress).toBe(20));
    const channelId = backend.channels[0]!.id;
    first.unmount();
    expect(backend.callsOf("unwatch_job")).toEqual([{ channel: channelId }]);
    seq = 30; // the job moved on while nobody watched
    const second = renderHook(() => useJob(ID), { wrapper });
    await waitFor(() => expect(second.result.current.view?.job.progress).toBe(60));
    expect(backend.callsOf("watch_job")).toHaveLength(2);
  });

  it("re-attaches when the window becomes visible again, without going back to 0", async () => {
    let seq = 10;
    const backend = new FakeBackend({ watch_job: () => snapshot(job({ seq, progress: seq * 2 })) });
    const { result } = renderHook(() => useJob(ID), { wrapper });
    await waitFor(() => expect(result.current.view?.job.progress).toBe(20));
    act(() => setPresence(false));
    seq = 35;
    act(() => setPresence(true));
    expect(result.current.view?.job.progress).toBe(20); // the old view stays until the new one is in
    await waitFor(() => expect(result.current.view?.job.progress).toBe(70));
    expect(backend.callsOf("watch_job")).toHaveLength(2);
    expect(backend.callsOf("unwatch_job")).toHaveLength(1);
  });

  it("marks a job seen when the user watched it finish, and flags it when they were away", async () => {
    const done = snapshot(job({ seq: 12, status: "completed", progress: 100, finished_at: Date.now() }));
    const backend = new FakeBackend({ watch_job: () => snapshot(job({ seq: 10 })) });
    const { result } = renderHook(() => useJob(ID), { wrapper });
    await waitFor(() => expect(result.current.view?.job.seq).toBe(10));
    act(() => backend.send(ID, { type: "event", event: { job_id: ID, seq: 12, at: 1, change: { type: "finished", snapshot: done } } }));
    expect(result.current.finishedWhileAway).toBe(false);
    expect(backend.callsOf("mark_seen")).toEqual([{ ids: [ID] }]);

    const other = new FakeBackend({ watch_job: () => snapshot(job({ seq: 10 })) });
    const away = renderHook(() => useJob(ID), { wrapper });
    await waitFor(() => expect(away.result.current.view?.job.seq).toBe(10));
    act(() => {
      setPresence(false);
      other.send(ID, { type: "event", event: { job_id: ID, seq: 12, at: 1, change: { type: "finished", snapshot: done } } });
    });
    expect(away.result.current.finishedWhileAway).toBe(true);
    expect(other.callsOf("mark_seen")).toEqual([]);
  });
});
