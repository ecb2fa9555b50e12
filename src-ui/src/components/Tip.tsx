// The app's one tooltip: words shown on hover and keyboard focus of the control they explain,
// placed so they never cover it (Radix positions them and keeps them inside the window).
// Mounted lazily: until the control is first hovered or focused it is rendered alone, since
// lists render many controls (two in every Jobs row) that are never pointed at, and a Radix
// tooltip costs several components and renders to mount.
import { cloneElement, useMemo, useState, type ReactElement, type ReactNode, type Ref, type SyntheticEvent } from "react";
import { flushSync } from "react-dom";
import * as Tooltip from "@radix-ui/react-tooltip";
import { mergeRefs } from "./refs";
import { useTriggerBridge, withLentProps, type LentProps } from "./triggerBridge";

export interface TipProps {
  /** What the tooltip says. */
  text: ReactNode;
  /** The control it explains (one element that can take a ref). */
  children: ReactElement;
  side?: "top" | "right" | "bottom" | "left";
  /** Milliseconds of hover before it shows. */
  delay?: number;
  /** Extra class for the tooltip box (e.g. a wider one for a cited fact). */
  className?: string;
}

export function Tip({ text, children, side = "top", delay = 300, className = "" }: TipProps) {
  const [mounted, setMounted] = useState(false);
  const { standIn, controlRef, controlProps, handOver } = useTriggerBridge();
  const own = children.props as LentProps;
  const ownRef = own.ref as Ref<HTMLElement> | undefined;
  const ref = useMemo(() => mergeRefs(ownRef, controlRef), [ownRef, controlRef]);

  const untilMounted: LentProps = {
    // At once, so the pointermove that follows (what opens a tooltip on hover) reaches it.
    onPointerEnter: () => flushSync(() => setMounted(true)),
    // The tooltip was not there to see this focus (nor a blur right after), so it is handed
    // them once mounted: keyboard focus shows it at once, as it always has.
    onFocus: (event: SyntheticEvent) => {
      handOver("onFocus", event);
      setMounted(true);
    },
    onBlur: (event: SyntheticEvent) => handOver("onBlur", event),
  };
  const control = cloneElement(children as ReactElement<LentProps>, { ...withLentProps(own, mounted ? controlProps : untilMounted), ref });

  // The control stays first, so mounting the tooltip beside it keeps the same element.
  return (
    <>
      {control}
      {mounted && (
        <Tooltip.Provider delayDuration={delay}>
          <Tooltip.Root>
            <Tooltip.Trigger asChild>{standIn}</Tooltip.Trigger>
            <Tooltip.Portal>
              <Tooltip.Content className={`tooltip ${className}`.trim()} side={side} sideOffset={side === "right" ? 6 : 4} collisionPadding={8}>
                {text}
                <Tooltip.Arrow className="tooltip-arrow" />
              </Tooltip.Content>
            </Tooltip.Portal>
          </Tooltip.Root>
        </Tooltip.Provider>
      )}
    </>
  );
}
