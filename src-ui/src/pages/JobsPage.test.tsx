import { describe, expect, it, vi } from "vitest";
import { toast } from "sonner";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { JobQuery_Deserialize as JobQuery, JobRecord_Serialize as JobRecord, StatusCounts } from "../bindings";
import { job } from "../test/fixtures";
import { recordIpc } from "../test/ipc";
import { renderAt } from "../test/render";
import { JobsPage } from "./JobsPage";
import { useFakeLayout } from "./jobs/fakeLayout";

// The list is windowed: give its rows a height and the window a scroll position.
useFakeLayout(52);

function counts(more: Partial<StatusCounts> = {}): StatusCounts {
  return { pending: 0, running: 0, completed: 0, failed: 0, cancelled: 0, interrupted: 0, ...more };
}

function page(items: JobRecord[], next: string | null = null, c: StatusCounts = counts()) {
  return { items, next, counts: c };
}

/** Mocks the IPC with `handlers`; returns every call made, in order, and the list queries. */
function ipc(handlers: Parameters<typeof recordIpc>[0]) {
  const mock = recordIpc(handlers, { running_jobs: [] });
  return { ...mock, queries: () => mock.of("list_jobs").map((args) => args.query as JobQuery) };
}

function renderJobs(path = "/jobs") {
  return renderAt(<JobsPage />, { path, pattern: "/jobs" });
}

const running = job({ id: "job-run", title: "Harbour Coffee — program", status: "running", progress: 25 });
const failed = job({
  id: "job-fail",
  title: "Gym — five whys",
  kind: "five_whys",
  status: "failed",
  progress: 40,
  finished_at: Date.now() - 3_600_000,
  error: { code: "timeout", message: "the model did not answer (timeout)", retryable: true },
  eta_ms: null,
});
const done = job({
  id: "job-done",
  title: "Bakery — canvas",
  kind: "bmc_research",
  status: "completed",
  progress: 100,
  started_at: Date.now() - 320_000,
  finished_at: Date.now() - 300_000,
  eta_ms: null,
});

describe("JobsPage", () => {
  it("lists jobs with counts on the tabs, and each tab asks for its statuses", async () => {
    const c = counts({ running: 1, pending: 1, completed: 148, failed: 2, interrupted: 1, cancelled: 1 });
    const mock = ipc({ list_jobs: () => page([running, failed, done], null, c) });
    const user = userEvent.setup();
    const { router } = renderJobs();

    expect(await screen.findAllByTestId("job-row")).toHaveLength(3);
    expect(mock.queries()[0]).toMatchObject({ statuses: [], limit: 50, after: null });
    expect(screen.getByRole("tab", { name: "Running 2" })).toBeInTheDocument();
    expect(screen.getByRole("tab", { name: "Completed 148" })).toBeInTheDocument();
    expect(screen.getByRole("tab", { name: "Failed 3" })).toBeInTheDocument();
    expect(screen.getByRole("tab", { name: "All 154" })).toHaveAttribute("aria-selected", "true");

    await user.click(screen.getByRole("tab", { name: /Running/ }));
    await waitFor(() => expect(mock.queries().at(-1)?.statuses).toEqual(["running", "pending", "paused"]));
    expect(router.state.location.search).toContain("tab=running");

    await user.click(screen.getByRole("tab", { name: /Failed/ }));
    await waitFor(() => expect(mock.queries().at(-1)?.statuses).toEqual(["failed", "interrupted"]));

    await user.click(screen.getByRole("tab", { name: /Completed/ }));
    await waitFor(() => expect(mock.queries().at(-1)?.statuses).toEqual(["completed"]));
    expect(router.state.location.search).toContain("tab=completed");
  });

  it("reads the tab and filters from the URL", async () => {
    const mock = ipc({ list_jobs: () => page([failed]) });
    renderJobs("/jobs?tab=failed&kind=five_whys&date=7d&q=gym");
    await screen.findByTestId("job-row");
    const q = mock.queries()[0]!;
    expect(q).toMatchObject({ statuses: ["failed", "interrupted"], kind: "five_whys", text: "gym" });
    expect(q.created_from).toBeGreaterThan(Date.now() - 7 * 86_400_000 - 60_000);
    expect(q.created_from).toBeLessThan(Date.now() - 7 * 86_400_000 + 60_000);
    expect(screen.getByRole("tab", { name: /Failed/ })).toHaveAttribute("aria-selected", "true");
    expect(screen.getByRole("searchbox", { name: "Search job titles" })).toHaveValue("gym");
  });

  it("sends the search text once typing pauses", async () => {
    const mock = ipc({ list_jobs: () => page([running]) });
    const user = userEvent.setup();
    const { router } = renderJobs();
    await screen.findByTestId("job-row");

    await user.type(screen.getByRole("searchbox", { name: "Search job titles" }), "harb");
    await waitFor(() => expect(mock.queries().at(-1)?.text).toBe("harb"));
    // Debounced: no query per keystroke.
    expect(mock.queries().filter((q) => q.text === "h" || q.text === "ha")).toHaveLength(0);
    expect(router.state.location.search).toContain("q=harb");
  });

  it("filters by kind and status within All", async () => {
    const mock = ipc({ list_jobs: () => page([running]) });
    const user = userEvent.setup();
    renderJobs();
    await screen.findByTestId("job-row");

    await user.selectOptions(screen.getByRole("combobox", { name: "Kind" }), "Canvas");
    await waitFor(() => expect(mock.queries().at(-1)?.kind).toBe("bmc_research"));
    await user.selectOptions(screen.getByRole("combobox", { name: "Status" }), "Cancelled");
    await waitFor(() => expect(mock.queries().at(-1)?.statuses).toEqual(["cancelled"]));
  });

  it("loads the next page with the previous page's `next` as `after`", async () => {
    const first = Array.from({ length: 3 }, (_, i) => job({ id: `job-${i}`, title: `Job ${i}`, status: "completed" }));
    const second = [job({ id: "job-9", title: "Job 9", status: "completed" })];
    const mock = ipc({
      list_jobs: (a) => ((a.query as JobQuery).after === "job-2" ? page(second) : page(first, "job-2", counts({ completed: 4 }))),
    });
    const user = userEvent.setup();
    renderJobs();
    expect(await screen.findAllByTestId("job-row")).toHaveLength(3);
    expect(screen.getByText("Showing 3 of 4")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(screen.getAllByTestId("job-row")).toHaveLength(4));
    expect(mock.queries().at(-1)).toMatchObject({ after: "job-2", limit: 50 });
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
  });

  it("shows a running row's live progress as an accessible progress bar, overlaid from running_jobs", async () => {
    ipc({
      list_jobs: () => page([running]),
      running_jobs: () => [{ ...running, progress: 60, current_step: "Generating resources", eta_ms: 60_000 }],
    });
    renderJobs();
    const bar = await screen.findByRole("progressbar", { name: "Progress of Harbour Coffee — program" });
    await waitFor(() => expect(bar).toHaveAttribute("aria-valuenow", "60"));
    const row = screen.getByTestId("job-row");
    expect(row).toHaveAttribute("data-status", "running");
    expect(row).toHaveAttribute("data-job-id", "job-run");
    expect(within(row).getByText(/Generating resources/)).toBeInTheDocument();
    expect(within(row).getByText("ETA 1 min")).toBeInTheDocument();
    expect(within(row).getByRole("link", { name: "Harbour Coffee — program" })).toHaveAttribute("href", "/jobs/job-run");
  });

  it("says when a running job has stalled", async () => {
    const stalled = { ...running, stalled: true, updated_at: Date.now() - 3 * 60_000 };
    ipc({ list_jobs: () => page([stalled]), running_jobs: () => [stalled] });
    renderJobs();
    expect(await screen.findByText("Stalled 3 min")).toHaveAttribute("title", "No activity for 3 min");
    expect(screen.getByText("Stalled")).toBeInTheDocument();
  });

  it("shows a failed row's error in plain words and a finished row's time taken", async () => {
    ipc({ list_jobs: () => page([failed, done]) });
    renderJobs();
    const rows = await screen.findAllByTestId("job-row");
    expect(within(rows[0]!).getByText(/the model did not answer \(timeout\)/)).toBeInTheDocument();
    expect(within(rows[1]!).getByText(/took/).textContent).toMatch(/Completed 5 min ago · took 20 s/);
    expect(within(rows[1]!).getByRole("link", { name: "View Bakery — canvas" })).toHaveAttribute("href", "/results/job-done");
  });

  it("cancels a running job", async () => {
    const mock = ipc({ list_jobs: () => page([running]) });
    const user = userEvent.setup();
    renderJobs();
    await user.click(await screen.findByRole("button", { name: "Cancel Harbour Coffee — program" }));
    await waitFor(() => expect(mock.of("cancel_job")).toEqual([{ id: "job-run" }]));
    // Finished-only and retry-only actions are absent for a running job.
    expect(screen.queryByRole("button", { name: "Delete Harbour Coffee — program" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Retry Harbour Coffee — program" })).not.toBeInTheDocument();
  });

  it("retries a failed job and re-reads the list", async () => {
    const mock = ipc({ list_jobs: () => page([failed]) });
    const user = userEvent.setup();
    renderJobs();
    await user.click(await screen.findByRole("button", { name: "Retry Gym — five whys" }));
    await waitFor(() => expect(mock.of("retry_job")).toEqual([{ id: "job-fail" }]));
    await waitFor(() => expect(mock.queries().length).toBeGreaterThan(1));
  });

  it("pins a job", async () => {
    const mock = ipc({ list_jobs: () => page([done]) });
    const user = userEvent.setup();
    renderJobs();
    await user.click(await screen.findByRole("button", { name: "Pin Bakery — canvas" }));
    await waitFor(() => expect(mock.of("pin_job")).toEqual([{ id: "job-done", pinned: true }]));
  });

  it("deletes a finished job only after confirming", async () => {
    const mock = ipc({ list_jobs: () => page([done]), delete_jobs: () => 1 });
    const user = userEvent.setup();
    renderJobs();
    await user.click(await screen.findByRole("button", { name: "Delete Bakery — canvas" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Delete Bakery — canvas?" });
    expect(mock.of("delete_jobs")).toHaveLength(0);
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(mock.of("delete_jobs")).toEqual([{ ids: ["job-done"] }]));
  });

  it("shows a failed action's message as a toast", async () => {
    const error = vi.spyOn(toast, "error");
    ipc({
      list_jobs: () => page([running]),
      cancel_job: () => {
        throw { code: "not_found", message: "job job-run not found" };
      },
    });
    const user = userEvent.setup();
    renderJobs();
    await user.click(await screen.findByRole("button", { name: "Cancel Harbour Coffee — program" }));
    await waitFor(() =>
      expect(error).toHaveBeenCalledWith("Could not cancel Harbour Coffee — program", { description: "job job-run not found" }),
    );
    expect(screen.getByTestId("job-row")).toBeInTheDocument();
  });

  it("retries every failed job matching the filters after confirming the count", async () => {
    const failed2 = { ...failed, id: "job-fail-2", title: "Gym — five whys again" };
    const mock = ipc({
      list_jobs: () => page([failed, failed2], null, counts({ failed: 5, interrupted: 1 })),
      retry_matching_jobs: () => 2,
    });
    const user = userEvent.setup();
    renderJobs("/jobs?tab=failed&kind=five_whys&q=gym");
    // The two identical failures are one closed group: its jobs are not rows until it opens.
    await screen.findByTestId("failure-group");

    await user.click(screen.getByRole("button", { name: "Retry all failed" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Retry all failed jobs?" });
    expect(dialog).toHaveTextContent("2 jobs that failed or were interrupted");
    expect(mock.of("retry_matching_jobs")).toHaveLength(0);
    await user.click(within(dialog).getByRole("button", { name: "Retry 2 jobs" }));
    await waitFor(() => expect(mock.of("retry_matching_jobs")).toHaveLength(1));
    expect(mock.of("retry_matching_jobs")[0]!.query).toMatchObject({
      statuses: ["failed", "interrupted"],
      kind: "five_whys",
      text: "gym",
      created_from: null,
    });
  });

  it("deletes everything shown after confirming, with the count from the engine", async () => {
    const mock = ipc({
      list_jobs: () => page([done], "job-done", counts({ completed: 148, running: 2 })),
      delete_matching_jobs: () => 148,
    });
    const user = userEvent.setup();
    renderJobs("/jobs?tab=completed");
    await screen.findByTestId("job-row");
    await user.click(screen.getByRole("button", { name: "Delete all shown" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Delete 148 jobs?" });
    expect(dialog).toHaveTextContent("Their records, steps and results are removed. This cannot be undone.");
    await user.click(within(dialog).getByRole("button", { name: "Delete 148 jobs" }));
    await waitFor(() => expect(mock.of("delete_matching_jobs")).toHaveLength(1));
    expect(mock.of("delete_matching_jobs")[0]!.query).toMatchObject({ statuses: ["completed"], kind: null, text: null });
  });

  it("with a title search, asks the engine how many match before asking the user", async () => {
    // The tab counts ignore the search: 148 completed in all, 37 of them match "bakery".
    const mock = ipc({
      list_jobs: () => page([done], "job-done", counts({ completed: 148 })),
      count_matching_jobs: () => 37,
      delete_matching_jobs: () => 37,
    });
    const user = userEvent.setup();
    renderJobs("/jobs?tab=completed&q=bakery");
    await screen.findByTestId("job-row");
    await user.click(screen.getByRole("button", { name: "Delete all shown" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Delete 37 jobs?" });
    expect(mock.of("count_matching_jobs")[0]!.query).toMatchObject({ statuses: ["completed"], text: "bakery" });
    await user.click(within(dialog).getByRole("button", { name: "Delete 37 jobs" }));
    await waitFor(() => expect(mock.of("delete_matching_jobs")).toHaveLength(1));
    expect(mock.of("delete_matching_jobs")[0]!.query).toMatchObject({ statuses: ["completed"], text: "bakery" });
  });

  it("says there is nothing to delete when the engine counts no match, and falls back to a ceiling when it cannot count", async () => {
    const info = vi.spyOn(toast, "info");
    let answer: () => number = () => 0;
    const mock = ipc({
      list_jobs: () => page([done], "job-done", counts({ completed: 148 })),
      count_matching_jobs: () => answer(),
    });
    const user = userEvent.setup();
    renderJobs("/jobs?tab=completed&q=bakery");
    await screen.findByTestId("job-row");
    await user.click(screen.getByRole("button", { name: "Delete all shown" }));
    await waitFor(() => expect(info).toHaveBeenCalledWith("Nothing to delete: no finished job matches"));
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();

    answer = () => {
      throw { code: "storage", message: "the job database is locked by another process" };
    };
    await user.click(screen.getByRole("button", { name: "Delete all shown" }));
    expect(await screen.findByRole("alertdialog", { name: "Delete up to 148 jobs?" })).toBeInTheDocument();
    expect(mock.of("count_matching_jobs")).toHaveLength(2);
    expect(mock.of("delete_matching_jobs")).toHaveLength(0);
    info.mockRestore();
  });

  it("asks before a bulk delete with Cancel focused, and Escape deletes nothing", async () => {
    const mock = ipc({ list_jobs: () => page([done, failed], null, counts({ completed: 1, failed: 1 })), delete_matching_jobs: () => 2 });
    const user = userEvent.setup();
    renderJobs();
    await screen.findAllByTestId("job-row");
    await user.click(screen.getByRole("button", { name: "Delete all shown" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Delete 2 jobs?" });
    expect(within(dialog).getByRole("button", { name: "Delete 2 jobs" })).toBeInTheDocument();
    await waitFor(() => expect(within(dialog).getByRole("button", { name: "Cancel" })).toHaveFocus());
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument());
    expect(mock.of("delete_matching_jobs")).toHaveLength(0);
  });

  it("sets the destructive bulk action apart: last, past a divider, in danger style", async () => {
    ipc({ list_jobs: () => page([done, failed], "job-fail", counts({ completed: 5, failed: 5 })) });
    renderJobs();
    await screen.findAllByTestId("job-row");
    const del = screen.getByRole("button", { name: "Delete all shown" });
    const foot = del.parentElement!;
    const controls = [...foot.children];
    expect(del).toHaveClass("danger");
    expect(controls.at(-1)).toBe(del);
    expect(controls.at(-2)).toHaveAttribute("role", "separator");
    // The harmless ones come before the divider.
    const before = controls.slice(0, -2);
    expect(before).toContain(screen.getByRole("button", { name: "Retry all failed" }));
    expect(before).toContain(screen.getByRole("button", { name: "Load more" }));
  });

  it("lists running jobs first, then waiting and paused ones, then finished ones in the engine's order", async () => {
    const waiting = job({ id: "job-wait", title: "Cafe — canvas", status: "pending", progress: 0 });
    const paused = job({ id: "job-pause", title: "Deli — research", status: "paused", progress: 10 });
    ipc({ list_jobs: () => page([done, waiting, failed, running, paused]) });
    renderJobs();
    await waitFor(() => expect(screen.getAllByTestId("job-row")).toHaveLength(5));
    const order = screen.getAllByTestId("job-row").map((r) => r.getAttribute("data-job-id"));
    expect(order).toEqual(["job-run", "job-wait", "job-pause", "job-done", "job-fail"]);
  });

  it("gathers failures with the same cause into one row that opens to show them and retries them all", async () => {
    const success = vi.spyOn(toast, "success");
    const twin = { ...failed, id: "job-fail-2", title: "Cafe — five whys" };
    const other = { ...failed, id: "job-fail-3", title: "Deli — five whys", error: { code: "unauthorized", message: "the key was refused", retryable: false } };
    const mock = ipc({ list_jobs: () => page([failed, other, twin], null, counts({ failed: 3 })), retry_job: () => null });
    const user = userEvent.setup();
    renderJobs("/jobs?tab=failed");

    const group = await screen.findByTestId("failure-group");
    const toggle = within(group).getByRole("button", { name: /^2 jobs failed: the model did not answer \(timeout\) — retry/ });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    // Closed: its jobs are not shown; the lone failure with another cause stays a row.
    expect(screen.queryByRole("link", { name: "Gym — five whys" })).toBeNull();
    expect(screen.getByRole("link", { name: "Deli — five whys" })).toBeInTheDocument();
    expect(screen.getAllByTestId("failure-group")).toHaveLength(1);

    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    const members = within(group).getByRole("list", { name: "The 2 jobs" });
    expect(within(members).getAllByRole("link").map((a) => a.textContent)).toEqual(["Gym — five whys", "Cafe — five whys"]);

    await user.click(within(group).getByRole("button", { name: "Retry all 2" }));
    await waitFor(() => expect(mock.of("retry_job")).toEqual([{ id: "job-fail" }, { id: "job-fail-2" }]));
    await waitFor(() => expect(success).toHaveBeenCalledWith("Retrying 2 jobs"));
  });

  it("says how many of a group's retries the engine refused", async () => {
    const error = vi.spyOn(toast, "error");
    const twin = { ...failed, id: "job-fail-2", title: "Cafe — five whys" };
    const mock = ipc({
      list_jobs: () => page([failed, twin]),
      retry_job: (a) => {
        if (a.id === "job-fail") throw { code: "not_found", message: "job job-fail not found" };
        return null;
      },
    });
    const user = userEvent.setup();
    renderJobs();
    await user.click(await screen.findByRole("button", { name: "Retry all 2" }));
    await waitFor(() => expect(error).toHaveBeenCalledWith("Could not retry 1 of 2 jobs", { description: "job job-fail not found" }));
    expect(mock.of("retry_job")).toHaveLength(2);
  });

  it("keeps the bulk buttons away when nothing could be acted on", async () => {
    ipc({ list_jobs: () => page([running], null, counts({ running: 1 })) });
    renderJobs("/jobs?tab=running");
    await screen.findByTestId("job-row");
    expect(screen.queryByRole("button", { name: "Retry all failed" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Delete all shown" })).not.toBeInTheDocument();
  });

  it("says what to do when there are no jobs at all", async () => {
    ipc({ list_jobs: () => page([]) });
    renderJobs();
    expect(await screen.findByText("No jobs yet — start one from an initiative.")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Go to initiatives" })).toHaveAttribute("href", "/initiatives");
  });

  it("offers to clear filters that match nothing", async () => {
    const mock = ipc({
      list_jobs: (a) => ((a.query as JobQuery).text ? page([], null, counts({ completed: 3 })) : page([done], null, counts({ completed: 3 }))),
    });
    const user = userEvent.setup();
    const { router } = renderJobs("/jobs?q=nothing&kind=bmc_research");
    expect(await screen.findByText("No jobs match these filters.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Clear filters" }));
    expect(await screen.findByTestId("job-row")).toBeInTheDocument();
    expect(mock.queries().at(-1)).toMatchObject({ text: null, kind: null });
    expect(router.state.location.search).toBe("");
    expect(screen.getByRole("searchbox", { name: "Search job titles" })).toHaveValue("");
  });

  it("marks the list busy until a new search has answered, so an empty result is never the skeleton", async () => {
    let release: () => void = () => {};
    ipc({
      list_jobs: async (a) => {
        if (!(a.query as JobQuery).text) return page([done]);
        await new Promise<void>((r) => (release = r));
        return page([]);
      },
    });
    const user = userEvent.setup();
    renderJobs();
    await screen.findByTestId("job-row");
    const panel = screen.getByRole("tabpanel");
    await waitFor(() => expect(panel).toHaveAttribute("aria-busy", "false"));
    await user.type(screen.getByRole("searchbox", { name: "Search job titles" }), "zzz");
    await waitFor(() => expect(screen.queryByTestId("job-row")).toBeNull());
    // No rows, but the answer is not in yet: busy, and no empty state to mistake for one.
    expect(panel).toHaveAttribute("aria-busy", "true");
    expect(screen.queryByText("No jobs match these filters.")).toBeNull();
    release();
    expect(await screen.findByText("No jobs match these filters.")).toBeInTheDocument();
    expect(panel).toHaveAttribute("aria-busy", "false");
  });

  it("shows skeletons while loading, then an error with a way to retry", async () => {
    let fail = true;
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const mock = ipc({
      list_jobs: async () => {
        await gate;
        if (fail) throw { code: "storage", message: "the job database is locked by another process" };
        return page([done]);
      },
    });
    const user = userEvent.setup();
    renderJobs();
    expect(await screen.findByRole("list", { name: "Loading jobs" })).toHaveAttribute("aria-busy", "true");
    release();
    expect(await screen.findByRole("alert")).toHaveTextContent("the job database is locked by another process");
    fail = false;
    await user.click(screen.getByRole("button", { name: "Retry" }));
    expect(await screen.findByTestId("job-row")).toBeInTheDocument();
    expect(mock.queries().length).toBe(2);
  });
});
