import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { InitiativesLink } from "../App";
import { job, snapshot } from "../test/fixtures";
import { FakeBackend } from "../test/ipc";
import { renderAt } from "../test/render";
import { ResultPage } from "./ResultPage";

describe("ResultPage", () => {
  it("has a breadcrumb back to its initiative", async () => {
    const done = job({ status: "completed", session_id: "init-1", result: null, finished_at: Date.now() });
    new FakeBackend({
      get_job: () => snapshot(done),
      get_initiative: () => ({ id: "init-1", name: "Harbour Coffee", description: "", industry: null, budget: null, currency: "EUR", horizon_months: 12, team_size: 3, start_date: "2027-01-04", constraints: [], created_at: 1, updated_at: 1 }),
    });
    renderAt(<ResultPage />, { path: `/results/${done.id}`, pattern: "/results/:id" });
    const trail = await screen.findByRole("navigation", { name: "Breadcrumb" });
    expect(within(trail).getByRole("link", { name: "Initiatives" })).toHaveAttribute("href", "/initiatives");
    expect(await within(trail).findByRole("link", { name: "Harbour Coffee" })).toHaveAttribute("href", "/initiatives/init-1");
    expect(within(trail).getByText("Program")).toHaveAttribute("aria-current", "page");
  });

  it("keeps Initiatives current in the sidebar on a result page, and only there besides its own pages", () => {
    renderAt(<InitiativesLink />, { path: "/results/j1", pattern: "/results/:id" });
    expect(screen.getByRole("link", { name: "Initiatives" })).toHaveClass("active");
  });

  it("leaves Initiatives alone elsewhere", () => {
    renderAt(<InitiativesLink />, { path: "/jobs", pattern: "/jobs" });
    expect(screen.getByRole("link", { name: "Initiatives" })).not.toHaveClass("active");
  });
});
