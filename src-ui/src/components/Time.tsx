// Relative times that stay current, with the exact time on hover.
import { useCallback, useState, useSyncExternalStore } from "react";
import { exactTime, relativeTime } from "../lib/format";
import { lastTick, subscribeToClock } from "./clock";

/** The current time, re-read every `everyMs` (on a clock shared with every other user of it). */
export function useNow(everyMs = 30_000): number {
  // The shared clock may have last ticked up to a period before this mounted.
  const [mountedAt] = useState(Date.now);
  const subscribe = useCallback((onTick: () => void) => subscribeToClock(everyMs, onTick), [everyMs]);
  const ticked = useSyncExternalStore(subscribe, () => lastTick(everyMs));
  return Math.max(mountedAt, ticked);
}

/** "5 min ago" in a <time> element whose title is the exact time. */
export function RelativeTime({ at }: { at: number }) {
  const now = useNow();
  return (
    <time dateTime={new Date(at).toISOString()} title={exactTime(at)}>
      {relativeTime(at, now)}
    </time>
  );
}
