// An icon-only button that still says what it does: its accessible name, and the same words
// (or a longer hint) in a tooltip on hover and keyboard focus.
import type { ButtonHTMLAttributes, ReactNode } from "react";
import { Tip } from "./Tip";

type Props = Omit<ButtonHTMLAttributes<HTMLButtonElement>, "aria-label" | "title"> & {
  /** The accessible name ("Delete Research for Cafe"). */
  label: string;
  /** What the tooltip says ("Delete"). */
  tip: string;
  children: ReactNode;
};

export function IconButton({ label, tip, children, className = "", ...rest }: Props) {
  return (
    <Tip text={tip}>
      <button type="button" aria-label={label} className={`btn small icon ${className}`} {...rest}>
        {children}
      </button>
    </Tip>
  );
}
