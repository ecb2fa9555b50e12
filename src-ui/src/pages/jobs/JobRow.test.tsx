import { act, fireEvent, render, screen } from "@testing-library/react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { describe, expect, it, vi } from "vitest";
import { CANCEL_TIP } from "../../components/CancelJobButton";
import { job } from "../../test/fixtures";
import { JobRow, type RowActions } from "./JobRow";

function actions(): RowActions {
  return { onCancel: vi.fn(), onResume: vi.fn(), onRetry: vi.fn(), onPin: vi.fn(), onDelete: vi.fn(), isBusy: () => false };
}

function renderRow(record: ReturnType<typeof job>, row: RowActions, currency?: string) {
  const router = createMemoryRouter([{ path: "/", element: <ul><JobRow job={record} actions={row} currency={currency} /></ul> }]);
  return render(<RouterProvider router={router} />);
}

describe("JobRow", () => {
  it("names its icon buttons and explains them in a tooltip on keyboard focus", async () => {
    const done = job({ status: "completed" });
    const row = actions();
    renderRow(done, row);
    const del = screen.getByRole("button", { name: `Delete ${done.title}` });
    del.focus();
    expect(await screen.findByRole("tooltip")).toHaveTextContent("Delete this job and its result");
    fireEvent.click(del);
    expect(row.onDelete).toHaveBeenCalledWith(done);
    expect(screen.getByRole("button", { name: `Pin ${done.title}` })).toBeInTheDocument();
  });

  it("mounts no tooltip until one of its buttons is hovered or focused (a list renders many rows)", () => {
    const done = job({ status: "completed" });
    renderRow(done, actions());
    const row = screen.getByTestId("job-row");
    // Radix's tooltip trigger marks its control with data-state.
    expect(row.querySelectorAll("[data-state]")).toHaveLength(0);
    const pin = screen.getByRole("button", { name: `Pin ${done.title}` });
    act(() => pin.focus());
    expect(pin).toHaveAttribute("data-state");
    expect(screen.getByRole("button", { name: `Delete ${done.title}` })).not.toHaveAttribute("data-state");
  });

  it("shows a paused job's reason and next try in words, with Resume instead of Cancel", () => {
    const until = new Date(Date.now() + 20_000).toISOString();
    const paused = job({
      status: "paused",
      pause: { reason: "offline", message: "cannot reach", detail: "localhost:11434", until, since: new Date().toISOString() },
    });
    const row = actions();
    renderRow(paused, row);
    expect(screen.getByText(/Can't reach the model server at localhost:11434 — trying again in (19|20) s/)).toBeInTheDocument();
    expect(screen.getByText("Paused")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Cancel/ })).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: `Resume ${paused.title}` }));
    expect(row.onResume).toHaveBeenCalledWith(paused);
  });

  it("offers the shared Cancel on a running row, named for the job", async () => {
    const live = job({ status: "running" });
    const row = actions();
    renderRow(live, row);
    const cancel = screen.getByRole("button", { name: `Cancel ${live.title}` });
    expect(cancel).toHaveClass("cancel-job");
    cancel.focus();
    expect(await screen.findByRole("tooltip")).toHaveTextContent(CANCEL_TIP);
    fireEvent.click(cancel);
    expect(row.onCancel).toHaveBeenCalledWith(live);
  });

  it("shows what a run's model calls cost and their tokens", () => {
    const priced = job({ status: "completed", cost_micros: 42_000, tokens: 12_345 });
    renderRow(priced, actions(), "EUR");
    const use = screen.getByTestId("job-use");
    expect(use).toHaveTextContent("0.042 EUR");
    expect(use).toHaveTextContent("12k tokens");
  });

  it("builds no number formatter per row (one costs about a millisecond in WebKit)", () => {
    const toLocaleString = vi.spyOn(Number.prototype, "toLocaleString");
    renderRow(job({ status: "completed", cost_micros: 42_000, tokens: 12_345 }), actions());
    expect(screen.getByTestId("job-use")).toHaveAttribute("title", expect.stringMatching(/^12,?345 tokens · /));
    expect(toLocaleString).not.toHaveBeenCalled();
  });

  it("leaves the cell empty for a run without model calls", () => {
    renderRow(job({ status: "completed", cost_micros: 0, tokens: 0 }), actions());
    expect(screen.getByTestId("job-use-none")).toBeEmptyDOMElement();
    expect(screen.queryByTestId("job-use")).toBeNull();
  });
});
