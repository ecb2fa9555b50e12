// The Jobs list windowed: however many jobs are loaded, only the rows near the viewport are in
// the DOM, and each says where it sits in the whole list.
import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { JobQuery_Deserialize as JobQuery, JobRecord_Serialize as JobRecord, StatusCounts } from "../../bindings";
import { job } from "../../test/fixtures";
import { recordIpc } from "../../test/ipc";
import { renderAt } from "../../test/render";
import { JobsPage } from "../JobsPage";
import { scrollWindowTo, useFakeLayout } from "./fakeLayout";

const ROW_PX = 52;
/** jsdom's window is 768 px tall: about 15 rows, plus the overscan on each side. */
const WINDOW_WORTH = 60;

useFakeLayout(ROW_PX);

const counts = (more: Partial<StatusCounts>): StatusCounts => ({ pending: 0, running: 0, completed: 0, failed: 0, cancelled: 0, interrupted: 0, ...more });

function finished(from: number, n: number): JobRecord[] {
  return Array.from({ length: n }, (_, i) => job({ id: `job-${from + i}`, title: `Job ${from + i}`, status: "completed", eta_ms: null }));
}

function renderJobs(pages: { items: JobRecord[]; next: string | null }[], total: number) {
  recordIpc(
    {
      list_jobs: (a) => {
        const after = (a.query as JobQuery).after;
        const at = after == null ? 0 : Number(after);
        return { ...pages[at]!, counts: counts({ completed: total }) };
      },
    },
    { running_jobs: [] },
  );
  return renderAt(<JobsPage />, { path: "/jobs", pattern: "/jobs" });
}

const list = () => screen.getByRole("list", { name: "All jobs" });
const rowIds = () => screen.getAllByTestId("job-row").map((r) => r.getAttribute("data-job-id"));

describe("the windowed Jobs list", () => {
  it("renders a window's worth of 500 loaded jobs, each row saying its place among all 500", async () => {
    renderJobs([{ items: finished(0, 500), next: null }], 500);
    await screen.findAllByTestId("job-row");

    const rows = screen.getAllByTestId("job-row");
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(WINDOW_WORTH);
    expect(list()).toHaveAttribute("data-loaded", "500");
    expect(screen.getByText("Showing 500")).toBeInTheDocument();
    rows.forEach((row, i) => {
      expect(row).toHaveAttribute("aria-setsize", "500");
      expect(row).toHaveAttribute("aria-posinset", String(i + 1));
    });
    // The rows not rendered still take their room, so the page scrolls as far as the whole list.
    expect(Number.parseFloat(list().style.paddingBottom)).toBeGreaterThan((500 - WINDOW_WORTH) * ROW_PX);
  });

  it("renders the rows further down once the window scrolls to them", async () => {
    renderJobs([{ items: finished(0, 500), next: null }], 500);
    await screen.findAllByTestId("job-row");
    expect(rowIds()).toContain("job-0");

    scrollWindowTo(300 * ROW_PX);
    await waitFor(() => expect(rowIds()).toContain("job-305"));
    expect(rowIds()).not.toContain("job-0");
    expect(screen.getAllByTestId("job-row").length).toBeLessThan(WINDOW_WORTH);
    const first = screen.getAllByTestId("job-row")[0]!;
    expect(Number(first.getAttribute("aria-posinset"))).toBeGreaterThan(280);
    // The rows above the window take their room too (measured or estimated).
    expect(Number.parseFloat(list().style.paddingTop)).toBeGreaterThan(280 * ROW_PX);
  });

  it("adds a loaded page to the count, not to the rows rendered", async () => {
    renderJobs(
      [
        { items: finished(0, 300), next: "1" },
        { items: finished(300, 300), next: null },
      ],
      600,
    );
    const user = userEvent.setup();
    await screen.findAllByTestId("job-row");
    const before = screen.getAllByTestId("job-row").length;

    await user.click(screen.getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(list()).toHaveAttribute("data-loaded", "600"));
    expect(screen.getAllByTestId("job-row")).toHaveLength(before);
    expect(screen.getAllByTestId("job-row")[0]).toHaveAttribute("aria-setsize", "600");
  });

  it("renders only the visible jobs of an open group of 200 identical failures", async () => {
    const error = { code: "timeout", message: "the model did not answer (timeout)", retryable: true };
    const failures = Array.from({ length: 200 }, (_, i) => job({ id: `fail-${i}`, title: `Failure ${i}`, status: "failed", error, eta_ms: null }));
    renderJobs([{ items: [...finished(0, 2), ...failures], next: null }], 202);
    const user = userEvent.setup();
    const group = await screen.findByTestId("failure-group");
    expect(group).toHaveAttribute("aria-posinset", "3");
    expect(group).toHaveAttribute("aria-setsize", "3");

    await user.click(within(group).getByRole("button", { name: /^200 jobs failed/ }));
    const members = within(group).getByRole("list", { name: "The 200 jobs" });
    const shown = within(members).getAllByTestId("job-row");
    expect(shown.length).toBeGreaterThan(5);
    expect(shown.length).toBeLessThan(WINDOW_WORTH);
    expect(shown[0]).toHaveAttribute("aria-posinset", "1");
    expect(shown[0]).toHaveAttribute("aria-setsize", "200");
    expect(list()).toHaveAttribute("data-loaded", "202");
  });
});
