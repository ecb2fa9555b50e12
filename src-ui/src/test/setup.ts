// Shared test set-up: DOM matchers, a clean DOM and a fresh IPC mock after every test.
import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { clearMocks } from "@tauri-apps/api/mocks";
import { afterEach } from "vitest";

afterEach(() => {
  cleanup();
  clearMocks();
});

// jsdom has no ResizeObserver; Radix's positioned popups (tooltips) observe their trigger's
// size. A no-op one is enough: nothing in the tests depends on a size.
if (!("ResizeObserver" in globalThis)) {
  class NoResizeObserver {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  }
  Object.assign(globalThis, { ResizeObserver: NoResizeObserver });
}
