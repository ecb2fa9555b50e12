// "Completed while you were away": finished jobs the user has not seen are announced once
// when they come back (or when the app starts), then marked seen. The ids announced in this
// session are kept so a page can still say so after the engine records them as seen.
import { useSyncExternalStore } from "react";

const announced = new Set<string>();
const listeners = new Set<() => void>();
let version = 0;

/** Records jobs announced as completed while the user was away. */
export function rememberAway(ids: string[]): void {
  let changed = false;
  for (const id of ids) {
    if (!announced.has(id)) {
      announced.add(id);
      changed = true;
    }
  }
  if (changed) {
    version += 1;
    listeners.forEach((l) => l());
  }
}

/** Whether `id` was announced as completed while away in this session. */
export function wasAway(id: string): boolean {
  return announced.has(id);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Re-renders when the set of announced jobs grows; returns a membership test. */
export function useAwayRegistry(): (id: string) => boolean {
  useSyncExternalStore(subscribe, () => version);
  return wasAway;
}

/** Forgets everything (tests). */
export function resetAwayRegistry(): void {
  announced.clear();
  version += 1;
  listeners.forEach((l) => l());
}
