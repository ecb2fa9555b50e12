import { render, screen, waitFor } from "@testing-library/react";
import { Toaster } from "sonner";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { job } from "../test/fixtures";
import { FakeBackend, setPresence } from "../test/ipc";
import { resetAwayRegistry, wasAway } from "./away";
import { announceAway, followNavigate, jobOfPage, navigateRoute, pageShows } from "./Announcements";

describe("navigateRoute", () => {
  it("sends the tray's Jobs… to the Jobs page and a job's item to that job", () => {
    expect(navigateRoute({ to: "jobs" })).toBe("/jobs");
    expect(navigateRoute({ to: "job", id: "j1" })).toBe("/jobs/j1");
  });

  it("sends a finished job's notification to its result", () => {
    expect(navigateRoute({ to: "result", id: "j1" })).toBe("/results/j1");
  });

  it("says why the Jobs page shows when the notification's job is gone", async () => {
    render(<Toaster />);
    const navigate = vi.fn();
    followNavigate({ to: "jobs_explained", message: "The job that notification was about has been deleted." }, navigate);
    expect(navigate).toHaveBeenCalledWith("/jobs");
    expect(await screen.findByText("The job that notification was about has been deleted.")).toBeInTheDocument();
  });
});

describe("one notice per event", () => {
  const job1 = { id: "j1", session_id: "i1" };
  it("leaves the announcing to a page that shows the job itself", () => {
    for (const path of ["/initiatives/i1", "/jobs/j1", "/results/j1"]) expect(pageShows(path, job1), path).toBe(true);
    for (const path of ["/initiatives", "/initiatives/i2", "/jobs", "/results/j2", "/settings"]) expect(pageShows(path, job1), path).toBe(false);
    expect(pageShows("/initiatives/i1", { id: "j1", session_id: null })).toBe(false);
  });
  it("knows which job a page is about, to dismiss its toasts", () => {
    expect(jobOfPage("/results/j1")).toBe("j1");
    expect(jobOfPage("/jobs/j1")).toBe("j1");
    expect(jobOfPage("/jobs")).toBeNull();
    expect(jobOfPage("/initiatives/i1")).toBeNull();
  });
});

describe("announceAway", () => {
  beforeEach(() => {
    setPresence(true);
    resetAwayRegistry();
  });

  it("toasts each unseen completion, remembers it and marks it seen", async () => {
    const done = job({ status: "completed", finished_at: Date.now() - 60_000, title: "Harbour Coffee — program" });
    const backend = new FakeBackend({ recent_completions: () => [done] });
    render(<Toaster />);
    const navigate = vi.fn();
    const shown = await announceAway(navigate);
    expect(shown.map((j) => j.id)).toEqual([done.id]);
    expect(await screen.findByText("Completed while you were away")).toBeInTheDocument();
    expect(screen.getByText("Harbour Coffee — program")).toBeInTheDocument();
    expect(backend.callsOf("mark_seen")).toEqual([{ ids: [done.id] }]);
    expect(wasAway(done.id)).toBe(true);
    screen.getByRole("button", { name: "View" }).click();
    expect(navigate).toHaveBeenCalledWith(`/results/${done.id}`);
  });

  it("leaves a job whose initiative page is open to that page's banner, but still marks it seen", async () => {
    const done = job({ id: "0190a000-0000-7000-8000-0000000000c1", status: "completed", finished_at: Date.now() - 60_000, session_id: "i1", title: "Open page job" });
    const backend = new FakeBackend({ recent_completions: () => [done] });
    render(<Toaster />);
    const shown = await announceAway(vi.fn(), "/initiatives/i1");
    expect(shown.map((j) => j.id)).toEqual([done.id]);
    await new Promise((r) => setTimeout(r, 200));
    expect(screen.queryByText("Open page job")).toBeNull();
    expect(wasAway(done.id)).toBe(true);
    expect(backend.callsOf("mark_seen")).toEqual([{ ids: [done.id] }]);
  });

  it("merges many into one summary and does nothing when all were seen", async () => {
    const many = [1, 2, 3].map((n) => job({ id: `0190a000-0000-7000-8000-00000000000${n}`, status: "completed", finished_at: Date.now() }));
    const backend = new FakeBackend({ recent_completions: () => many });
    render(<Toaster />);
    await announceAway(vi.fn());
    expect(await screen.findByText("3 jobs finished while you were away")).toBeInTheDocument();
    expect(backend.callsOf("mark_seen")).toEqual([{ ids: many.map((j) => j.id) }]);

    backend.on("recent_completions", () => []);
    expect(await announceAway(vi.fn())).toEqual([]);
    await waitFor(() => expect(backend.callsOf("mark_seen")).toHaveLength(1));
  });
});
