// Where the windowed list starts in the document is read when it mounts and when what is above
// it changes, never on the renders a scroll makes (each read there would force a layout).
import { act, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { scrollWindowTo, useFakeLayout } from "./fakeLayout";
import { ROW_ESTIMATE_PX, useWindowList } from "./useWindowList";

/** Rows as tall as estimated, so a scroll of N rows lands on row N. */
const ROW_PX = ROW_ESTIMATE_PX;
useFakeLayout(ROW_PX);

/** A ResizeObserver whose reports the test sends. */
class RecordingResizeObserver {
  static all: RecordingResizeObserver[] = [];
  readonly observed = new Set<Element>();
  constructor(private readonly report: ResizeObserverCallback) {
    RecordingResizeObserver.all.push(this);
  }
  observe(el: Element): void {
    this.observed.add(el);
  }
  unobserve(el: Element): void {
    this.observed.delete(el);
  }
  disconnect(): void {
    this.observed.clear();
  }
  static resize(el: Element): void {
    for (const observer of RecordingResizeObserver.all) {
      if (observer.observed.has(el)) observer.report([], observer as unknown as ResizeObserver);
    }
  }
  static observing(el: Element): boolean {
    return RecordingResizeObserver.all.some((observer) => observer.observed.has(el));
  }
}

/** Where the list starts in the (fake) document, and how often its rect has been read. */
let listTop = 0;
let listReads = 0;

beforeEach(() => {
  listTop = 120;
  listReads = 0;
  RecordingResizeObserver.all = [];
  vi.stubGlobal("ResizeObserver", RecordingResizeObserver);
  // Rects relative to the scrolled window; the list's top is `listTop` in the document.
  Object.defineProperty(Element.prototype, "getBoundingClientRect", {
    configurable: true,
    value(this: Element) {
      const isList = this.getAttribute("aria-label") === "Rows";
      if (isList) listReads += 1;
      return new DOMRect(0, (isList ? listTop : 0) - window.scrollY, 0, 0);
    },
  });
});

afterEach(() => vi.unstubAllGlobals());

function Rows() {
  const { listRef, virtualizer } = useWindowList<HTMLUListElement>(1000, String);
  return (
    <ul ref={listRef} aria-label="Rows" data-offset={virtualizer.options.scrollMargin}>
      {virtualizer.getVirtualItems().map((row) => (
        <li key={row.key} data-index={row.index} ref={virtualizer.measureElement}>
          Row {row.index}
        </li>
      ))}
    </ul>
  );
}

function renderPage() {
  return render(
    <main>
      <header>Head</header>
      <section>
        <Rows />
      </section>
    </main>,
  );
}

const list = () => screen.getByRole("list", { name: "Rows" });

describe("where the windowed list starts", () => {
  it("is read when the list mounts", () => {
    renderPage();
    expect(list()).toHaveAttribute("data-offset", "120");
  });

  it("is not read again on the renders a scroll makes", async () => {
    renderPage();
    expect(screen.getByText("Row 0")).toBeInTheDocument();
    listReads = 0;

    scrollWindowTo(200 * ROW_PX);
    await waitFor(() => expect(screen.getByText("Row 205")).toBeInTheDocument());
    scrollWindowTo(400 * ROW_PX);
    await waitFor(() => expect(screen.getByText("Row 405")).toBeInTheDocument());
    expect(listReads).toBe(0);
  });

  it("is read again when something above the list changes size", () => {
    renderPage();
    const head = screen.getByRole("banner");
    expect(RecordingResizeObserver.observing(head)).toBe(true);

    listTop = 180;
    act(() => RecordingResizeObserver.resize(head));
    expect(list()).toHaveAttribute("data-offset", "180");
  });

  it("is read again when an element is added above the list, which is then followed too", async () => {
    const { container } = renderPage();
    const notice = document.createElement("p");
    listTop = 200;
    act(() => container.querySelector("section")!.before(notice));
    await waitFor(() => expect(list()).toHaveAttribute("data-offset", "200"));
    expect(RecordingResizeObserver.observing(notice)).toBe(true);

    listTop = 230;
    act(() => RecordingResizeObserver.resize(notice));
    expect(list()).toHaveAttribute("data-offset", "230");
  });

  it("is read again when the window resizes", () => {
    renderPage();
    listTop = 90;
    act(() => void window.dispatchEvent(new Event("resize")));
    expect(list()).toHaveAttribute("data-offset", "90");
  });
});
