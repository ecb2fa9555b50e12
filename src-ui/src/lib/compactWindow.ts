// Whether the window is small enough that the sidebar shows icons only (app.css), kept current.
import { useSyncExternalStore } from "react";

/** The window width at and under which the sidebar shows icons only (app.css). */
export const COMPACT_QUERY = "(max-width: 900px)";

function subscribe(onChange: () => void): () => void {
  if (typeof window.matchMedia !== "function") return () => {};
  const query = window.matchMedia(COMPACT_QUERY);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

/** Whether the window is small (the sidebar shows icons only). */
export function useCompactWindow(): boolean {
  return useSyncExternalStore(subscribe, () => typeof window.matchMedia === "function" && window.matchMedia(COMPACT_QUERY).matches);
}
