// Whether the user can see the window right now: visible and focused. Hiding to the tray,
// minimising or switching away makes the user "away".
import { useSyncExternalStore } from "react";

/** True when the document is visible and has focus. */
export function isPresent(): boolean {
  return document.visibilityState === "visible" && document.hasFocus();
}

function subscribe(onChange: () => void): () => void {
  document.addEventListener("visibilitychange", onChange);
  window.addEventListener("focus", onChange);
  window.addEventListener("blur", onChange);
  return () => {
    document.removeEventListener("visibilitychange", onChange);
    window.removeEventListener("focus", onChange);
    window.removeEventListener("blur", onChange);
  };
}

/** Re-renders when presence changes. */
export function usePresence(): boolean {
  return useSyncExternalStore(subscribe, isPresent);
}

/** Calls `onReturn` each time the user comes back (hidden or unfocused → visible and focused). */
export function onReturn(onReturnCallback: () => void): () => void {
  let present = isPresent();
  return subscribe(() => {
    const now = isPresent();
    if (now && !present) onReturnCallback();
    present = now;
  });
}

/** Calls `onVisible` each time the document becomes visible again. */
export function onVisible(onVisibleCallback: () => void): () => void {
  const handler = () => {
    if (document.visibilityState === "visible") onVisibleCallback();
  };
  document.addEventListener("visibilitychange", handler);
  return () => document.removeEventListener("visibilitychange", handler);
}
