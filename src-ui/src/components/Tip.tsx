// The app's one tooltip: words shown on hover and keyboard focus of the control they explain,
// placed so they never cover it (Radix positions them and keeps them inside the window).
import type { ReactElement, ReactNode } from "react";
import * as Tooltip from "@radix-ui/react-tooltip";

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
  return (
    <Tooltip.Provider delayDuration={delay}>
      <Tooltip.Root>
        <Tooltip.Trigger asChild>{children}</Tooltip.Trigger>
        <Tooltip.Portal>
          <Tooltip.Content className={`tooltip ${className}`.trim()} side={side} sideOffset={side === "right" ? 6 : 4} collisionPadding={8}>
            {text}
            <Tooltip.Arrow className="tooltip-arrow" />
          </Tooltip.Content>
        </Tooltip.Portal>
      </Tooltip.Root>
    </Tooltip.Provider>
  );
}
