// One ticking clock per period, shared by everything that shows a time that moves ("5 min ago",
// "Stalled 3 min"): one interval however many rows show one, and one render for all of them.
interface Clock {
  /** When it last ticked; 0 before its first tick since it started. */
  now: number;
  listeners: Set<() => void>;
  timer: number | undefined;
}

const clocks = new Map<number, Clock>();

function clockFor(everyMs: number): Clock {
  let clock = clocks.get(everyMs);
  if (!clock) {
    clock = { now: 0, listeners: new Set(), timer: undefined };
    clocks.set(everyMs, clock);
  }
  return clock;
}

/** Calls `onTick` every `everyMs` while subscribed; the interval runs only while someone is. */
export function subscribeToClock(everyMs: number, onTick: () => void): () => void {
  const clock = clockFor(everyMs);
  clock.listeners.add(onTick);
  clock.timer ??= window.setInterval(() => {
    clock.now = Date.now();
    clock.listeners.forEach((listener) => listener());
  }, everyMs);
  return () => {
    clock.listeners.delete(onTick);
    if (clock.listeners.size === 0) {
      window.clearInterval(clock.timer);
      clock.timer = undefined;
      // Stale by the time anyone subscribes again; nobody reads it meanwhile.
      clock.now = 0;
    }
  };
}

/** When the clock of `everyMs` last ticked (0 if it never has): the same value between ticks,
 * as useSyncExternalStore needs. */
export function lastTick(everyMs: number): number {
  return clocks.get(everyMs)?.now ?? 0;
}
