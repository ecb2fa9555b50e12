import { describe, expect, it, vi, afterEach } from "vitest";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { InitiativesLink } from "./App";
import { renderAt } from "./test/render";

function windowIsSmall(small: boolean) {
  vi.stubGlobal("matchMedia", (query: string) => ({ matches: small, media: query, addEventListener: () => {}, removeEventListener: () => {} }));
}

describe("the sidebar in a small window", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("names each icon: an accessible name, and the name in a tooltip on focus", async () => {
    windowIsSmall(true);
    const user = userEvent.setup();
    renderAt(<InitiativesLink />, { path: "/jobs", pattern: "/jobs" });
    const link = screen.getByRole("link", { name: "Initiatives" });
    // Still styled as a sidebar item (the tooltip's trigger must not mangle its class).
    expect(link).toHaveClass("nav-link");
    await user.tab();
    expect(link).toHaveFocus();
    expect(await screen.findByRole("tooltip")).toHaveTextContent("Initiatives");
  });

  it("keeps Initiatives current on a result page in a small window too", () => {
    windowIsSmall(true);
    renderAt(<InitiativesLink />, { path: "/results/j1", pattern: "/results/:id" });
    expect(screen.getByRole("link", { name: "Initiatives" })).toHaveClass("nav-link", "active");
  });

  it("shows no tooltip beside a sidebar that already shows the words", async () => {
    windowIsSmall(false);
    const user = userEvent.setup();
    renderAt(<InitiativesLink />, { path: "/jobs", pattern: "/jobs" });
    await user.tab();
    expect(screen.queryByRole("tooltip")).toBeNull();
  });
});
