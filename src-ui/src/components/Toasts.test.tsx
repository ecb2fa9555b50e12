import { act, render, waitFor } from "@testing-library/react";
import { toast } from "sonner";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Toasts } from "./Toasts";

function windowIsSmall(small: boolean) {
  vi.stubGlobal("matchMedia", (query: string) => ({ matches: small, media: query, addEventListener: () => {}, removeEventListener: () => {} }));
}

describe("where toasts appear", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    toast.dismiss();
  });

  it.each([
    { small: false, side: "left", width: "172px", where: "in the sidebar's lower part, as wide as the sidebar, when the window is wide" },
    { small: true, side: "right", width: "280px", where: "at the bottom right, narrow, in a small window" },
  ])("$where", async ({ small, side, width }) => {
    windowIsSmall(small);
    render(<Toasts />);
    act(() => void toast("Program ready"));
    const list = await waitFor(() => {
      const el = document.querySelector<HTMLElement>("[data-sonner-toaster]");
      expect(el).not.toBeNull();
      return el!;
    });
    expect(list.dataset.xPosition).toBe(side);
    expect(list.style.getPropertyValue("--width")).toBe(width);
  });
});
