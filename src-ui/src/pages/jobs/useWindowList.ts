// Windowing for a list that scrolls with the document: only the rows near the viewport are
// rendered, however many are loaded, and each is measured as it renders (rows are one or two
// lines, groups open).
import { useLayoutEffect, useRef, useState } from "react";
import { useWindowVirtualizer } from "@tanstack/react-virtual";

/** A one-line row: its min-height and border. Measured rows replace it. */
export const ROW_ESTIMATE_PX = 53;
/** Rows rendered past each edge of the viewport: a short fling, or Tab onto the next row,
 * finds them already there. */
export const OVERSCAN_ROWS = 8;

/** The elements above the list in the document: the earlier siblings of the list and of each
 * of its ancestors. Their sizes add up to where the list starts. */
function elementsAbove(list: HTMLElement): Set<Element> {
  const found = new Set<Element>();
  for (let node: Element | null = list; node; node = node.parentElement) {
    for (let above = node.previousElementSibling; above; above = above.previousElementSibling) found.add(above);
  }
  return found;
}

/** Where the list's first row starts in the document: above it are the page head, tabs and
 * banners, whose height changes with the window's width and what they show. Read when the list
 * mounts, when the window resizes, and when something above the list changes size or comes or
 * goes; never on the renders a scroll makes, where reading a rect after the DOM changed would
 * force a layout (a whole frame's worth on a slow renderer). */
function useOffsetInDocument<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [offset, setOffset] = useState(0);
  useLayoutEffect(() => {
    const list = ref.current;
    if (!list) return;
    const measure = () => {
      // clientTop: the rows start inside the list's top border.
      const top = Math.round(list.getBoundingClientRect().top + list.clientTop + window.scrollY);
      setOffset((was) => (was === top ? was : top));
    };
    // Reports after layout, so the read in `measure` costs no layout of its own.
    const resized = new ResizeObserver(measure);
    let observed = new Set<Element>();
    const followElementsAbove = () => {
      const above = elementsAbove(list);
      for (const el of observed) if (!above.has(el)) resized.unobserve(el);
      for (const el of above) if (!observed.has(el)) resized.observe(el);
      observed = above;
      measure();
    };
    // Children added to or removed from the list's ancestors: a banner shown above it, say.
    // Not the list's own children, which change as it scrolls.
    const arrived = new MutationObserver(followElementsAbove);
    for (let ancestor = list.parentElement; ancestor; ancestor = ancestor.parentElement) arrived.observe(ancestor, { childList: true });
    followElementsAbove();
    window.addEventListener("resize", measure);
    return () => {
      resized.disconnect();
      arrived.disconnect();
      window.removeEventListener("resize", measure);
    };
  }, []);
  return [ref, offset] as const;
}

/** The virtualiser over `count` rows keyed by `keyOf`, and a ref for the list element. */
export function useWindowList<T extends HTMLElement>(count: number, keyOf: (index: number) => string) {
  const [listRef, scrollMargin] = useOffsetInDocument<T>();
  const virtualizer = useWindowVirtualizer({
    count,
    estimateSize: () => ROW_ESTIMATE_PX,
    overscan: OVERSCAN_ROWS,
    scrollMargin,
    getItemKey: keyOf,
    // The whole window on the first render, not a zero-height one (the rect is read after).
    initialRect: { width: window.innerWidth, height: window.innerHeight },
  });
  return { listRef, virtualizer };
}
