// Lets a Radix trigger drive a control rendered outside it. Radix's `Trigger asChild` puts its
// behaviour on its one child: event handlers, attributes (aria-describedby, data-state) and a
// ref. Here that child is a stand-in that renders nothing and lends them to the control, which
// is rendered beside the tooltip: mounting the tooltip later therefore never remounts the
// control, which would lose its focus, or a click under way.
import { useCallback, useLayoutEffect, useMemo, useState, type ReactElement, type Ref, type SyntheticEvent } from "react";
import { assignRef } from "./refs";

type Handler = (event: SyntheticEvent) => void;

/** What a trigger lends the control besides its ref. */
export type LentProps = Record<string, unknown>;

interface Lent {
  /** The names of the lent handlers ("onFocus"), sorted and joined: they change only when the
   * trigger first connects, and the control's handlers follow them. */
  handlerNames: string;
  attributes: LentProps;
}

const NOTHING_LENT: Lent = { handlerNames: "", attributes: {} };

/** What the stand-in and the control share; mutable, so the latest handlers are called without
 * rendering the control again each time Radix makes new ones. */
interface Link {
  control: HTMLElement | null;
  handlers: Record<string, Handler>;
  /** The trigger's ref, while it is connected. */
  triggerRef: Ref<HTMLElement> | undefined;
  detachTrigger: () => void;
  /** Events the trigger missed because it was not yet mounted. */
  missed: [handler: string, event: SyntheticEvent][];
}

function isHandler(name: string, value: unknown): value is Handler {
  return /^on[A-Z]/.test(name) && typeof value === "function";
}

/** Points the trigger's ref at the control, whichever of the two came last. */
function reattach(link: Link): void {
  link.detachTrigger();
  link.detachTrigger = link.control && link.triggerRef ? assignRef(link.triggerRef, link.control) : () => {};
}

function sameLent(a: Lent, b: Lent): boolean {
  if (a.handlerNames !== b.handlerNames) return false;
  const keys = Object.keys(a.attributes);
  return keys.length === Object.keys(b.attributes).length && keys.every((key) => Object.is(a.attributes[key], b.attributes[key]));
}

function StandIn({ link, onLent, ref, ...lent }: { link: Link; onLent: (lent: Lent) => void; ref?: Ref<HTMLElement> } & LentProps) {
  useLayoutEffect(() => {
    link.triggerRef = ref;
    reattach(link);
    return () => {
      link.triggerRef = undefined;
      reattach(link);
    };
  }, [link, ref]);
  // After every render: Radix makes new handlers, and new attributes as it opens and closes.
  useLayoutEffect(() => {
    const handlers: Record<string, Handler> = {};
    const attributes: LentProps = {};
    for (const [name, value] of Object.entries(lent)) {
      if (isHandler(name, value)) handlers[name] = value;
      else attributes[name] = value;
    }
    link.handlers = handlers;
    onLent({ handlerNames: Object.keys(handlers).sort().join(" "), attributes });
    for (const [handler, event] of link.missed.splice(0)) link.handlers[handler]?.(event);
  });
  return null;
}

/** The bridge for one control: `standIn` goes inside Radix's `Trigger asChild`, and `controlRef`
 * and `controlProps` on the control. `handOver` gives the trigger an event that came before it
 * was mounted. */
export function useTriggerBridge() {
  const [link] = useState<Link>(() => ({ control: null, handlers: {}, triggerRef: undefined, detachTrigger: () => {}, missed: [] }));
  const [lent, setLent] = useState(NOTHING_LENT);
  const onLent = useCallback((next: Lent) => setLent((was) => (sameLent(was, next) ? was : next)), []);

  const controlRef = useCallback(
    (node: HTMLElement | null) => {
      link.control = node;
      reattach(link);
    },
    [link],
  );
  const { handlerNames, attributes } = lent;
  const controlProps = useMemo<LentProps>(() => {
    const delegates: Record<string, Handler> = {};
    for (const name of handlerNames.split(" ").filter(Boolean)) delegates[name] = (event) => link.handlers[name]?.(event);
    return { ...attributes, ...delegates };
  }, [handlerNames, attributes, link]);
  const handOver = useCallback(
    (handler: string, event: SyntheticEvent) => {
      const connected = link.handlers[handler];
      if (connected) connected(event);
      else link.missed.push([handler, event]);
    },
    [link],
  );
  const standIn: ReactElement = <StandIn link={link} onLent={onLent} />;
  return { standIn, controlRef, controlProps, handOver };
}

function joinWords(parts: unknown[]): string | undefined {
  return parts.filter((part) => typeof part === "string" && part !== "").join(" ") || undefined;
}

/** The control's own props with lent ones added the way Radix's Slot adds them: handlers run
 * the control's first, descriptions are joined, and otherwise the control's own value wins. */
export function withLentProps(own: LentProps, lent: LentProps): LentProps {
  const merged: LentProps = { ...lent, ...own };
  for (const [name, value] of Object.entries(lent)) {
    const mine = own[name];
    if (isHandler(name, value) && isHandler(name, mine)) {
      merged[name] = (event: SyntheticEvent) => {
        mine(event);
        value(event);
      };
    } else if (name === "aria-describedby" || name === "className") {
      merged[name] = joinWords(name === "className" ? [value, mine] : [mine, value]);
    } else if (name === "style" && typeof mine === "object" && typeof value === "object") {
      merged[name] = { ...value, ...mine };
    }
  }
  return merged;
}
