// An icon-only button that still says what it does: its accessible name, and the same words
// (or a longer hint) in a tooltip on hover and keyboard focus.
import type { ButtonHTMLAttributes, ReactNode } from "react";
import * as Tooltip from "@radix-ui/react-tooltip";

type Props = Omit<ButtonHTMLAttributes<HTMLButtonElement>, "aria-label" | "title"> & {
  /** The accessible name ("Delete Research for Cafe"). */
  label: string;
  /** What the tooltip says ("Delete"). */
  tip: string;
  children: ReactNode;
};

export function IconButton({ label, tip, children, className = "", ...rest }: Props) {
  return (
    <Tooltip.Provider delayDuration={300}>
      <Tooltip.Root>
        <Tooltip.Trigger asChild>
          <button type="button" aria-label={label} className={`btn small icon ${className}`} {...rest}>
            {children}
          </button>
        </Tooltip.Trigger>
        <Tooltip.Portal>
          <Tooltip.Content className="tooltip" side="top" sideOffset={4} collisionPadding={8}>
            {tip}
            <Tooltip.Arrow className="tooltip-arrow" />
          </Tooltip.Content>
        </Tooltip.Portal>
      </Tooltip.Root>
    </Tooltip.Provider>
  );
}
