import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { InitiativesLink } from "../App";
import { smallProgram } from "../results/fixtures/small";
import { harbourCanvas } from "../results/fixtures/research";
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

  it("offers a program's planning-tool exports beside Markdown and JSON", async () => {
    const user = userEvent.setup();
    const done = job({ status: "completed", kind: "epm_generation", session_id: null, result: {}, finished_at: Date.now() });
    const backend = new FakeBackend({
      get_job: () => snapshot(done),
      get_result: () => ({ operation: "program", result: smallProgram() }),
      save_export: () => "/home/me/Harbour Coffee.xml",
    });
    renderAt(<ResultPage />, { path: `/results/${done.id}`, pattern: "/results/:id" });
    expect(await screen.findByRole("button", { name: "Export Markdown" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Export JSON" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "More formats" }));
    const items = await screen.findAllByRole("menuitem");
    expect(items.map((i) => i.textContent)).toEqual(["MS Project XML", "CSV (issue trackers)", "iCalendar (stage gates)"]);
    await user.click(screen.getByRole("menuitem", { name: "MS Project XML" }));
    await waitFor(() => expect(backend.callsOf("save_export")).toEqual([{ id: done.id, format: "ms_project" }]));
    // Folded into one menu (small windows), every format is there.
    await user.click(screen.getByRole("button", { name: "Export" }));
    expect((await screen.findAllByRole("menuitem")).map((i) => i.textContent)).toEqual([
      "Markdown",
      "JSON",
      "MS Project XML",
      "CSV (issue trackers)",
      "iCalendar (stage gates)",
    ]);
    await user.click(screen.getByRole("menuitem", { name: "iCalendar (stage gates)" }));
    await user.click(screen.getByRole("button", { name: "More formats" }));
    await user.click(await screen.findByRole("menuitem", { name: "CSV (issue trackers)" }));
    await waitFor(() => expect(backend.callsOf("save_export").map((c) => c.format)).toEqual(["ms_project", "ical", "csv"]));
  });

  it("offers only Markdown and JSON for results that are not programs", async () => {
    const done = job({ status: "completed", kind: "bmc_research", session_id: null, result: {}, finished_at: Date.now() });
    new FakeBackend({ get_job: () => snapshot(done), get_result: () => ({ operation: "canvas", result: harbourCanvas }) });
    renderAt(<ResultPage />, { path: `/results/${done.id}`, pattern: "/results/:id" });
    expect(await screen.findByRole("button", { name: "Export Markdown" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "More formats" })).toBeNull();
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
