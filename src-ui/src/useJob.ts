// Live view of one job: the snapshot from `watch_job`, then every later event from its
// channel, deduplicated by sequence number; re-attaches when the job id changes.
import { useEffect, useState } from "react";
import { Channel } from "@tauri-apps/api/core";
import {
  commands,
  type JobRecord_Serialize as JobRecord,
  type LiveMessage_Deserialize,
  type LiveMessage_Serialize as LiveMessage,
  type Snapshot_Serialize as Snapshot,
} from "./bindings";
import { unwrap } from "./ipc";

export interface JobView {
  job: JobRecord;
  partials: unknown[];
}

function fromSnapshot(s: Snapshot): JobView {
  return { job: s.job, partials: s.partials.map((p) => p.value) };
}

export function useJob(jobId: string | null): { view: JobView | null; error: string | null } {
  const [view, setView] = useState<JobView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!jobId) {
      setView(null);
      return;
    }
    let live = true;
    let lastSeq = -1;
    const channel = new Channel<LiveMessage_Deserialize>();
    // The channel carries what Rust serialises (the generated parameter type names the
    // deserialising side of the same shape).
    channel.onmessage = (raw) => {
      const message = raw as unknown as LiveMessage;
      if (!live) return;
      if (message.type === "snapshot") {
        lastSeq = message.snapshot.job.seq;
        setView(fromSnapshot(message.snapshot));
        return;
      }
      const { event } = message;
      if (event.seq <= lastSeq) return;
      lastSeq = event.seq;
      setView((current) => {
        if (!current) return current;
        const change = event.change;
        switch (change.type) {
          case "progress":
            return { ...current, job: { ...current.job, progress: change.progress, message: change.message ?? current.job.message, seq: event.seq } };
          case "step_started":
            return { ...current, job: { ...current.job, current_step: change.name, seq: event.seq } };
          case "partial":
            return { ...current, partials: [...current.partials, change.value] };
          case "finished":
            return fromSnapshot(change.snapshot);
          default:
            return { ...current, job: { ...current.job, seq: event.seq } };
        }
      });
    };
    unwrap(commands.watchJob(jobId, channel))
      .then((snapshot) => {
        if (!live) return;
        if (snapshot.job.seq > lastSeq) {
          lastSeq = snapshot.job.seq;
          setView(fromSnapshot(snapshot));
        }
      })
      .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
      // Dropping the channel ends the subscription in Rust on its next send.
      channel.onmessage = () => {};
    };
  }, [jobId]);

  return { view, error };
}
