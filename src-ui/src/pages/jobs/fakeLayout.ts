// For tests of the windowed list: jsdom lays nothing out (every height is 0, so every row would
// count as visible), and cannot scroll. This gives measured rows a height, places the document
// at the top of the window, and lets a test scroll the window.
import { afterEach, beforeEach } from "vitest";

/** Scrolls the (fake) window to `top` and tells listeners, after the current task as the
 * browser would (never inside a React commit). */
export function scrollWindowTo(top: number): void {
  Object.defineProperty(window, "scrollY", { configurable: true, value: top });
  setTimeout(() => window.dispatchEvent(new Event("scroll")), 0);
}

/** For every test in the calling file: rows the virtualiser measures (`data-index`) are
 * `rowHeight` px tall, rects are relative to the scrolled document, and `scrollTo` scrolls. */
export function useFakeLayout(rowHeight: number): void {
  const offsetHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, "offsetHeight");
  const rect = Object.getOwnPropertyDescriptor(Element.prototype, "getBoundingClientRect");
  const scrollTo = Object.getOwnPropertyDescriptor(window, "scrollTo");
  const scrollY = Object.getOwnPropertyDescriptor(window, "scrollY");

  beforeEach(() => {
    Object.defineProperty(HTMLElement.prototype, "offsetHeight", {
      configurable: true,
      get(this: HTMLElement) {
        return this.hasAttribute("data-index") ? rowHeight : 0;
      },
    });
    // Everything at the document's top: what matters is that a rect moves with the scroll.
    Object.defineProperty(Element.prototype, "getBoundingClientRect", {
      configurable: true,
      value: () => new DOMRect(0, -window.scrollY, 0, 0),
    });
    Object.defineProperty(window, "scrollTo", {
      configurable: true,
      value: (options: ScrollToOptions) => scrollWindowTo(options.top ?? window.scrollY),
    });
    scrollWindowTo(0);
  });

  afterEach(() => {
    if (offsetHeight) Object.defineProperty(HTMLElement.prototype, "offsetHeight", offsetHeight);
    if (rect) Object.defineProperty(Element.prototype, "getBoundingClientRect", rect);
    for (const [name, was] of [["scrollTo", scrollTo], ["scrollY", scrollY]] as const) {
      if (was) Object.defineProperty(window, name, was);
      else Reflect.deleteProperty(window, name);
    }
  });
}
