// Relative times share one ticking clock: one interval however many are shown, each fresh when
// it mounts, and none left running once they are gone.
import { act, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RelativeTime } from "./Time";

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("RelativeTime", () => {
  it("runs one interval for many, and updates them all on its tick", () => {
    const setInterval = vi.spyOn(window, "setInterval");
    const at = Date.now() - 10_000;
    const { unmount } = render(
      <>
        {Array.from({ length: 40 }, (_, i) => (
          <RelativeTime key={i} at={at} />
        ))}
      </>,
    );
    expect(screen.getAllByText("just now")).toHaveLength(40);
    expect(setInterval).toHaveBeenCalledOnce();

    act(() => vi.advanceTimersByTime(60_000));
    expect(screen.getAllByText("1 min ago")).toHaveLength(40);
    expect(setInterval).toHaveBeenCalledOnce();

    unmount();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("is current when it mounts between two ticks of the shared clock", () => {
    render(<RelativeTime at={Date.now()} />);
    act(() => vi.advanceTimersByTime(30_000 + 29_000));
    // 50 s ago now; when the shared clock last ticked, 29 s ago, it was 21 s.
    render(<RelativeTime at={Date.now() - 50_000} />);
    expect(screen.getByText("1 min ago")).toBeInTheDocument();
    expect(screen.getByText("just now")).toBeInTheDocument();
  });
});
