// One place that keeps a page's view of a job live: it attaches with `watch_job`, applies
// the channel's messages in sequence order (dropping duplicates), re-attaches when the
// window becomes visible again or a paused job may have resumed, and detaches on unmount.
import { useEffect, useRef, useState } from "react";
import { Channel } from "@tauri-apps/api/core";
import { useQueryClient } from "@tanstack/react-query";
import {
  commands,
  events,
  type LiveMessage_Deserialize,
  type LiveMessage_Serialize as LiveMessage,
} from "../bindings";
import { unwrap } from "../ipc";
import { isActive } from "../lib/status";
import { applyMessage, type JobView } from "./jobView";
import { isPresent, onVisible } from "./presence";

/** A job kept live, or the error that stopped it loading. */
export interface LiveJob {
  view: JobView | null;
  error: string | null;
  /** The job finished while this view watched it and the user was away. */
  finishedWhileAway: boolean;
}

interface Attachment {
  channel: Channel<LiveMessage_Deserialize>;
  detach: () => void;
}

/** Opens one subscription; messages go to `onMessage` until `detach`. */
function attach(jobId: string, onMessage: (m: LiveMessage) => void, onError: (e: unknown) => void): Attachment {
  let open = true;
  // Messages can arrive before `watch_job` answers: they are held until the snapshot is in.
  let pending: LiveMessage[] | null = [];
  const channel = new Channel<LiveMessage_Deserialize>();
  // The channel carries what Rust serialises; the generated parameter type names the
  // deserialising side of the same shape.
  channel.onmessage = (raw) => {
    if (!open) return;
    const message = raw as unknown as LiveMessage;
    if (pending) pending.push(message);
    else onMessage(message);
  };
  unwrap(commands.watchJob(jobId, channel))
    .then((snapshot) => {
      if (!open) return;
      onMessage({ type: "snapshot", snapshot });
      const held = pending ?? [];
      pending = null;
      held.forEach(onMessage);
    })
    .catch((e: unknown) => open && onError(e));
  return {
    channel,
    detach: () => {
      open = false;
      channel.onmessage = () => {};
      void commands.unwatchJob(channel.id).catch(() => undefined);
    },
  };
}

/** Live view of `jobId` (null: nothing to watch). */
export function useJob(jobId: string | null): LiveJob {
  const [view, setView] = useState<JobView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [finishedWhileAway, setFinishedWhileAway] = useState(false);
  const viewRef = useRef<JobView | null>(null);
  const queryClient = useQueryClient();

  useEffect(() => {
    viewRef.current = null;
    setView(null);
    setError(null);
    setFinishedWhileAway(false);
    if (!jobId) return;
    let current: Attachment | null = null;

    const onMessage = (message: LiveMessage) => {
      const before = viewRef.current;
      const next = applyMessage(before, message);
      if (next === before) return;
      viewRef.current = next;
      setView(next);
      if (next && isActive(before?.job.status) && !isActive(next.job.status)) {
        // Seen now if the user watched it finish; otherwise the page says so on return.
        if (isPresent()) void commands.markSeen([next.job.id]).catch(() => undefined);
        else setFinishedWhileAway(true);
        void queryClient.invalidateQueries({ queryKey: ["jobs"] });
      }
    };
    const onError = (e: unknown) => setError(e instanceof Error ? e.message : String(e));
    const start = () => {
      current?.detach();
      current = attach(jobId, onMessage, onError);
    };
    start();
    // Coming back from the tray: re-attach so the view is exactly the engine's state.
    const stopVisible = onVisible(() => {
      if (viewRef.current == null || isActive(viewRef.current.job.status)) start();
    });
    // A paused job's watch ends with the pause; when jobs change it may have resumed
    // (by itself or from another page), so attach again to follow it.
    let stopChanged: (() => void) | null = null;
    let unmounted = false;
    void events.jobsChanged
      .listen(() => {
        if (viewRef.current?.job.status === "paused") start();
      })
      .then((unlisten) => {
        if (typeof unlisten !== "function") return;
        // Unlistening is asynchronous and may fail once the app is gone: nothing to do then.
        const stop = () => void Promise.resolve(unlisten()).catch(() => undefined);
        if (unmounted) stop();
        else stopChanged = stop;
      })
      .catch(() => undefined);
    return () => {
      unmounted = true;
      stopVisible();
      stopChanged?.();
      current?.detach();
    };
  }, [jobId, queryClient]);

  return { view, error, finishedWhileAway };
}
