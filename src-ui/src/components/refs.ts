// Refs that more than one owner needs on the same element.
import type { Ref, RefCallback } from "react";

/** Points `ref` at `node`, and returns what undoes it (a callback ref's own cleanup when it
 * returns one, as React 19 allows). */
export function assignRef<T>(ref: Ref<T> | undefined, node: T): () => void {
  if (typeof ref === "function") {
    const cleanup = ref(node);
    return typeof cleanup === "function" ? cleanup : () => ref(null);
  }
  if (ref) {
    ref.current = node;
    return () => {
      ref.current = null;
    };
  }
  return () => {};
}

/** One callback ref that points every one of `refs` at the element. */
export function mergeRefs<T>(...refs: (Ref<T> | undefined)[]): RefCallback<T> {
  return (node) => {
    if (node === null) return;
    const undo = refs.map((ref) => assignRef(ref, node));
    return () => undo.forEach((detach) => detach());
  };
}
