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

  it("in the sidebar's lower part, as wide as the sidebar, when the window is wide", async () => {
    windowIsSmall(false);
    render(<Toasts />);
    act(() => void toast("Program ready"));
    const list = await waitFor(() => {
      const el = document.querySelector<HTMLElement>("[data-sonner-toaster]");
      expect(el).not.toBeNull();
      return el!;
    });
    expect(list.dataset.xPosition).toBe("left");
    expect(list.style.getPropertyValue("--width")).toBe("172px");
  });

  it("at the bottom right, narrow, in a small window", async () => {
    windowIsSmall(true);
    render(<Toasts />);
    act(() => void toast("Program ready"));
    const list = await waitFor(() => {
      const el = document.querySelector<HTMLElement>("[data-sonner-toaster]");
      expect(el).not.toBeNull();
      return el!;
    });
    expect(list.dataset.xPosition).toBe("right");
    expect(list.style.getPropertyValue("--width")).toBe("280px");
  });
});
