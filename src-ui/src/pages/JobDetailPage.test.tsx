import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Snapshot_Serialize as Snapshot, StepRecord_Serialize as StepRecord } from "../bindings";
import { job, snapshot } from "../test/fixtures";
import { recordIpc } from "../test/ipc";
import { renderAt } from "../test/render";
import { resumeStep } from "../components/StepTimeline";
import { JobDetailPage } from "./JobDetailPage";

function ipc(handlers: Parameters<typeof recordIpc>[0]) {
  return recordIpc(handlers, { mark_seen: 0 });
}

const ID = "0190a000-0000-7000-8000-000000000001";
const T0 = Date.now() - 120_000;

function step(index: number, name: string, status: StepRecord["status"], ms: number | null): StepRecord {
  const started = T0 + index * 20_000;
  return { index, name, status, output: null, attempt: 1, started_at: started, finished_at: ms == null ? null : started + ms };
}

function renderDetail(path = `/jobs/${ID}`) {
  return renderAt(<JobDetailPage />, {
    path,
    pattern: "/jobs/:id",
    routes: [{ path: "/jobs", element: <p>jobs list</p> }],
  });
}

const failedSnapshot: Snapshot = snapshot(
  job({
    id: ID,
    status: "failed",
    progress: 40,
    attempt: 2,
    started_at: T0,
    finished_at: T0 + 70_000,
    error: { code: "timeout", message: "The model did not answer in time.", retryable: true },
    eta_ms: null,
  }),
  {
    steps: [
      step(0, "Analysing the initiative", "completed", 400),
      step(1, "Extracting workstreams and tasks", "completed", 12_000),
      step(2, "Generating resources", "failed", 3_000),
    ],
    partials: [
      { seq: 3, step_index: 0, value: { index: 0, step: "Analysing the initiative", summary: "Food & beverage retail" }, created_at: T0 + 400 },
    ],
  },
);

describe("resumeStep", () => {
  it("is the first step that has not completed, counted from 1", () => {
    expect(resumeStep([])).toBe(1);
    expect(resumeStep(failedSnapshot.steps)).toBe(3);
    expect(resumeStep([step(0, "a", "completed", 1), step(1, "b", "completed", 1)])).toBe(3);
    expect(resumeStep([step(0, "a", "failed", 1)])).toBe(1);
  });
});

describe("JobDetailPage", () => {
  it("watches the job and shows its steps with statuses and durations", async () => {
    const mock = ipc({ watch_job: () => failedSnapshot });
    renderDetail();
    expect(await screen.findByRole("heading", { level: 1, name: "Harbour Coffee — program" })).toBeInTheDocument();
    expect(mock.of("watch_job")[0]).toMatchObject({ id: ID });

    const steps = within(screen.getByRole("list", { name: "Steps" })).getAllByTestId("step");
    expect(steps).toHaveLength(3);
    expect(steps[0]).toHaveTextContent("Done");
    expect(steps[0]).toHaveTextContent("Analysing the initiative");
    expect(steps[0]).toHaveTextContent("0.4 s");
    expect(steps[1]).toHaveTextContent("12 s");
    expect(steps[2]).toHaveAttribute("data-step-status", "failed");
    expect(steps[2]).toHaveTextContent("Failed");
    expect(steps[2]).toHaveTextContent("The model did not answer in time.");

    // Header facts: kind, attempts, duration.
    expect(screen.getByText("Program")).toBeInTheDocument();
    expect(screen.getByText("1 min 10 s")).toBeInTheDocument();
    // What a program produced so far is each step's note, in the timeline.
    expect(steps[0]).toHaveTextContent("— Food & beverage retail");
    expect(screen.queryByRole("heading", { name: "What it produced so far" })).not.toBeInTheDocument();
    expect(screen.getByText("Input")).toBeInTheDocument();
  });

  it("retries a failed job from the first step not completed, then watches it again", async () => {
    let retried = false;
    const mock = ipc({
      watch_job: () =>
        retried ? snapshot({ ...failedSnapshot.job, status: "running", error: null, finished_at: null }, { steps: failedSnapshot.steps }) : failedSnapshot,
      retry_job: () => {
        retried = true;
        return null;
      },
    });
    const user = userEvent.setup();
    renderDetail();
    expect(await screen.findByRole("heading", { name: "Why it failed" })).toBeInTheDocument();
    expect(screen.getAllByText("The model did not answer in time.").length).toBeGreaterThan(0);

    await user.click(screen.getByRole("button", { name: "Retry (resumes at step 3)" }));
    await waitFor(() => expect(mock.of("retry_job")).toEqual([{ id: ID }]));
    await waitFor(() => expect(mock.of("watch_job").length).toBe(2));
    expect(await screen.findByRole("button", { name: "Cancel" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Retry/ })).not.toBeInTheDocument();
  });

  it("runs a failed job again from a chosen step as a new job, saying first what it reuses", async () => {
    const withProvider: Snapshot = { ...failedSnapshot, job: { ...failedSnapshot.job, input: { provider: { type: "offline" } } } };
    const mock = ipc({
      watch_job: () => withProvider,
      preview_run_again: (args) =>
        args.fromStep === 0
          ? { restored: [], will_run_from: 0, dropped: [] }
          : { restored: [{ index: 0, name: "Analysing the initiative" }], will_run_from: 1, dropped: [] },
      run_again: () => "0190a000-0000-7000-8000-000000000002",
    });
    const user = userEvent.setup();
    renderDetail();
    expect(await screen.findByRole("heading", { name: "Run again" })).toBeInTheDocument();
    // By default from the step the failure stopped at.
    expect(screen.getByRole("combobox", { name: "Run again from" })).toHaveValue("2");
    await user.selectOptions(screen.getByRole("combobox", { name: "Run again from" }), "1");
    await waitFor(() =>
      expect(screen.getByTestId("run-again-preview")).toHaveTextContent("Reuses step 1 (Analysing the initiative) from this run; runs step 2 onwards."),
    );
    await user.selectOptions(screen.getByRole("combobox", { name: "Run again from" }), "0");
    await waitFor(() => expect(screen.getByTestId("run-again-preview")).toHaveTextContent("Runs every step from scratch."));
    await user.click(screen.getByRole("checkbox"));
    await user.click(screen.getByRole("button", { name: "Run again" }));
    await waitFor(() => expect(mock.of("run_again")).toEqual([{ id: ID, fromStep: 0, currentProvider: true }]));
    expect(mock.of("preview_run_again").map((a) => a.fromStep)).toEqual(expect.arrayContaining([2, 1, 0]));
  });

  it("shows a running job's live bar, step, ETA and a Cancel", async () => {
    const running = snapshot(job({ id: ID, progress: 45, current_step: "Generating resources", message: "8 roles", eta_ms: 40_000 }), {
      steps: [step(0, "Analysing the initiative", "completed", 400), { ...step(1, "Generating resources", "running", null) }],
    });
    const mock = ipc({ watch_job: () => running });
    const user = userEvent.setup();
    renderDetail();
    const bar = await screen.findByRole("progressbar", { name: "Progress" });
    expect(bar).toHaveAttribute("aria-valuenow", "45");
    expect(screen.getByText("ETA 40 s")).toBeInTheDocument();
    expect(screen.getByText("— 8 roles")).toBeInTheDocument();
    const current = screen.getAllByTestId("step")[1]!;
    expect(current).toHaveAttribute("aria-current", "step");
    expect(screen.queryByRole("button", { name: /Delete/ })).not.toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(mock.of("cancel_job")).toEqual([{ id: ID }]));
  });

  it("links a completed job to its result", async () => {
    const done = snapshot(job({ id: ID, status: "completed", progress: 100, finished_at: Date.now() - 5_000, seen_at: Date.now() }));
    ipc({ watch_job: () => done });
    renderDetail();
    const links = await screen.findAllByRole("link", { name: "View result" });
    expect(links[0]).toHaveAttribute("href", `/results/${ID}`);
    expect(screen.queryByRole("heading", { name: "What it produced so far" })).not.toBeInTheDocument();
  });

  it("deletes after confirming, then goes back to the jobs list", async () => {
    const done = snapshot(job({ id: ID, status: "completed", progress: 100, finished_at: Date.now() - 5_000, seen_at: Date.now() }));
    const mock = ipc({ watch_job: () => done, delete_jobs: () => 1 });
    const user = userEvent.setup();
    const { router } = renderDetail();
    await user.click(await screen.findByRole("button", { name: "Delete" }));
    const dialog = await screen.findByRole("alertdialog");
    expect(mock.of("delete_jobs")).toHaveLength(0);
    await user.click(within(dialog).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(mock.of("delete_jobs")).toEqual([{ ids: [ID] }]));
    await waitFor(() => expect(router.state.location.pathname).toBe("/jobs"));
  });

  it("pins the job", async () => {
    const done = snapshot(job({ id: ID, status: "completed", progress: 100, finished_at: Date.now() - 5_000, seen_at: Date.now() }));
    const mock = ipc({ watch_job: () => done });
    const user = userEvent.setup();
    renderDetail();
    await user.click(await screen.findByRole("button", { name: "Pin" }));
    await waitFor(() => expect(mock.of("pin_job")).toEqual([{ id: ID, pinned: true }]));
  });

  it("says clearly when the job does not exist", async () => {
    const gone = { code: "not_found", message: `job ${ID} not found` };
    ipc({
      watch_job: () => {
        throw gone;
      },
      get_job: () => {
        throw gone;
      },
    });
    renderDetail();
    expect(await screen.findByRole("heading", { name: "Job not found" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Back to Jobs" })).toHaveAttribute("href", "/jobs");
  });

  it("shows another load failure with its message and a way to try again", async () => {
    let fail = true;
    const locked = { code: "storage", message: "the job database is locked by another process" };
    ipc({
      watch_job: () => {
        if (fail) throw locked;
        return failedSnapshot;
      },
      get_job: () => {
        throw locked;
      },
    });
    const user = userEvent.setup();
    renderDetail();
    expect(await screen.findByRole("alert")).toHaveTextContent("the job database is locked by another process");
    fail = false;
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Harbour Coffee — program" })).toBeInTheDocument();
  });

  it("offers Continue (+ amount) on a job paused at its spending cap, instead of Resume", async () => {
    const overBudget = snapshot(
      job({
        id: ID,
        status: "paused",
        pause: { reason: "over_budget", message: "This run reached its spending limit.", detail: null, until: null, since: new Date().toISOString() },
        spend_limit: 500_000,
        cost_micros: 420_000,
        tokens: 9_000,
      }),
      { steps: [step(0, "Analysing the initiative", "completed", 400)] },
    );
    const mock = ipc({ watch_job: () => overBudget, get_settings: () => ({ spending: { currency: "USD", prices: {}, run_limit_micros: 500_000 } }) });
    const user = userEvent.setup();
    renderDetail();
    expect(await screen.findByText("It reached its spending cap")).toBeInTheDocument();
    const panel = screen.getByTestId("continue-spending");
    expect(panel).toHaveTextContent("Spent 0.42 USD of its 0.50 USD limit.");
    expect(screen.queryByRole("button", { name: /Resume now/ })).not.toBeInTheDocument();
    const amount = within(panel).getByRole("textbox", { name: /Amount to add/ });
    await user.clear(amount);
    await user.type(amount, "2");
    await user.click(within(panel).getByRole("button", { name: "Continue (+ 2.00 USD)" }));
    await waitFor(() => expect(mock.of("raise_spend_limit")).toEqual([{ id: ID, extraMicros: 2_000_000 }]));
  });

  it("shows each step's model calls, tokens and cost, marking estimates", async () => {
    const done = snapshot(job({ id: ID, status: "completed", finished_at: T0 + 9_000, cost_micros: 3_500, tokens: 1_500 }), {
      steps: [step(0, "Analysing the initiative", "completed", 400), step(1, "Extracting workstreams and tasks", "completed", 900)],
    });
    const totals = (calls: number, prompt: number, completion: number, cost: number, estimated: boolean) => ({
      calls,
      prompt_tokens: prompt,
      completion_tokens: completion,
      cost_micros: cost,
      latency_ms: 1_200,
      estimated,
    });
    ipc({
      watch_job: () => done,
      job_usage: () => ({
        calls: [],
        steps: [
          { step_index: 0, totals: totals(1, 600, 200, 1_000, false) },
          { step_index: 1, totals: totals(2, 500, 200, 2_500, true) },
        ],
        total: totals(3, 1_100, 400, 3_500, true),
      }),
    });
    renderDetail();
    const table = await screen.findByTestId("model-use");
    const rows = within(table).getAllByRole("row");
    expect(rows[1]).toHaveTextContent("Analysing the initiative");
    expect(rows[1]).toHaveTextContent("600 / 200");
    expect(rows[1]).toHaveTextContent("0.001 USD");
    expect(rows[2]).toHaveTextContent("≈ 500 / 200");
    expect(rows[3]).toHaveTextContent("This run");
    expect(rows[3]).toHaveTextContent("≈ 1,100 / 400");
    expect(rows[3]).toHaveTextContent("0.0035 USD");
    expect(screen.getByText(/estimated from the text/)).toBeInTheDocument();
  });

  it("offers an update-interrupted job a continue from its last reusable step or a run from scratch", async () => {
    const updated = snapshot(
      job({
        id: ID,
        status: "interrupted",
        finished_at: T0 + 9_000,
        error: { code: "updated", message: "Charter was updated and can no longer resume this job from where it stopped.", retryable: true },
      }),
      {
        steps: [
          step(0, "Analysing the initiative", "completed", 400),
          step(1, "Extracting workstreams and tasks", "completed", 900),
          step(2, "Generating resources", "completed", 900),
        ],
      },
    );
    const mock = ipc({
      watch_job: () => updated,
      preview_run_again: () => ({ restored: [{ index: 0, name: "Analysing the initiative" }], will_run_from: 1, dropped: [{ index: 1, name: "Extracting workstreams and tasks" }] }),
      run_again: () => "0190a000-0000-7000-8000-000000000002",
    });
    const user = userEvent.setup();
    renderDetail();
    const offer = await screen.findByTestId("updated-offer");
    expect(await within(offer).findByRole("button", { name: "Continue from step 2" })).toBeInTheDocument();
    expect(offer).toHaveTextContent("Continuing reuses Analysing the initiative");
    expect(screen.queryByRole("button", { name: /Retry \(resumes/ })).not.toBeInTheDocument();
    await user.click(within(offer).getByRole("button", { name: "Run again from scratch" }));
    await waitFor(() => expect(mock.of("run_again")).toEqual([{ id: ID, fromStep: 0, currentProvider: false }]));
    expect(mock.of("preview_run_again")).toContainEqual({ id: ID, fromStep: null });
  });
});
