// Where toasts appear: in the empty lower part of the sidebar when it is wide enough, so they
// never cover the page the user is reading; in a small window (icon-only sidebar) at the
// bottom right, narrow, with the page given room below its end to scroll clear of them.
import type { CSSProperties } from "react";
import { Toaster } from "sonner";
import { useCompactWindow } from "../lib/compactWindow";

/** Toast placement for a window: the sidebar column (188 px, see app.css) or a narrow corner. */
export function toastPlacement(compact: boolean): { position: "bottom-left" | "bottom-right"; style: CSSProperties } {
  return compact
    ? { position: "bottom-right", style: { "--width": "280px" } as CSSProperties }
    : { position: "bottom-left", style: { "--width": "172px" } as CSSProperties };
}

export function Toasts() {
  const { position, style } = toastPlacement(useCompactWindow());
  return <Toaster position={position} offset={8} style={style} closeButton richColors theme="system" />;
}
