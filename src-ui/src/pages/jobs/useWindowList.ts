// Windowing for a list that scrolls with the document: only the rows near the viewport are
// rendered, however many are loaded, and each is measured as it renders (rows are one or two
// lines, groups open).
import { useCallback, useLayoutEffect, useRef, useState } from "react";
import { useWindowVirtualizer } from "@tanstack/react-virtual";

/** A one-line row: its min-height and border. Measured rows replace it. */
export const ROW_ESTIMATE_PX = 53;
/** Rows rendered past each edge of the viewport: a short fling, or Tab onto the next row,
 * finds them already there. */
export const OVERSCAN_ROWS = 8;

/** Where the list's first row starts in the document: above it are the page head, tabs and
 * banners, whose height changes with the window's width and what they show. */
function useOffsetInDocument<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [offset, setOffset] = useState(0);
  const measure = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    // clientTop: the rows start inside the list's top border.
    const top = Math.round(el.getBoundingClientRect().top + el.clientTop + window.scrollY);
    setOffset((was) => (was === top ? was : top));
  }, []);
  // After every render (cheap: one rect read), since what sits above the list may have changed.
  useLayoutEffect(measure);
  useLayoutEffect(() => {
    window.addEventListener("resize", measure);
    return () => window.removeEventListener("resize", measure);
  }, [measure]);
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
