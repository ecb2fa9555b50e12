import { act, render as renderToaster, screen, waitFor, within } from "@testing-library/react";
import { Toaster } from "sonner";
import { fmtDate } from "../results/format";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import type { Initiative_Serialize as Initiative } from "../bindings";
import { resetAwayRegistry } from "../live/away";
import { job, snapshot } from "../test/fixtures";
import { FakeBackend, setPresence } from "../test/ipc";
import { renderAt } from "../test/render";
import { WorkspacePage } from "./WorkspacePage";

const initiative: Initiative = {
  id: "init-1",
  name: "Harbour Coffee",
  description: "A coffee bar by the ferry terminal.",
  industry: "Food & beverage",
  budget: 650000,
  currency: "EUR",
  horizon_months: 12,
  team_size: 7,
  start_date: "2027-01-04",
  constraints: [],
  team: [],
  created_at: 1,
  updated_at: 1,
};

function render() {
  return renderAt(<WorkspacePage />, { path: "/initiatives/init-1", pattern: "/initiatives/:id" });
}

describe("WorkspacePage", () => {
  beforeEach(() => {
    setPresence(true);
    resetAwayRegistry();
  });

  it("journey 1: starts the program, streams progress and steps live, then shows the result in place", async () => {
    const id = job().id;
    const backend = new FakeBackend({
      get_initiative: () => initiative,
      latest_job: () => null,
      start_operation: () => ({ id, joined: false }),
      watch_job: () => snapshot(job({ id, status: "pending", progress: 0, seq: 1, current_step: null, message: null })),
    });
    render();
    expect(await screen.findByRole("heading", { name: "Harbour Coffee" }, { timeout: 5000 })).toBeInTheDocument();
    // The start day in the app's one day format, as the plan's dates read.
    expect(screen.getByText(/· starts /)).toHaveTextContent(`starts ${fmtDate("2027-01-04")}`);
    await userEvent.click(await screen.findByRole("button", { name: /Generate program/ }));
    expect(backend.callsOf("start_operation")).toEqual([{ initiativeId: "init-1", operation: { type: "program" } }]);
    await waitFor(() => expect(backend.channels).toHaveLength(1));
    act(() => {
      backend.send(id, { type: "event", event: { job_id: id, seq: 2, at: 1000, change: { type: "started", attempt: 1 } } });
      backend.send(id, { type: "event", event: { job_id: id, seq: 3, at: 1000, change: { type: "step_started", index: 0, name: "Extracting workstreams" } } });
      backend.send(id, { type: "event", event: { job_id: id, seq: 4, at: 1100, change: { type: "progress", progress: 25, message: "Extracting workstreams… the model is writing — about 200 words so far" } } });
    });
    const bar = await screen.findByRole("progressbar", { name: "Program progress" });
    expect(bar).toHaveAttribute("aria-valuenow", "25");
    expect(screen.getByTestId("current-step")).toHaveTextContent("Extracting workstreams");
    expect(screen.getByTestId("progress-message")).toHaveTextContent("the model is writing — about 200 words so far");
    act(() => {
      backend.send(id, { type: "event", event: { job_id: id, seq: 5, at: 1500, change: { type: "step_completed", index: 0, name: "Extracting workstreams", duration_ms: 500, resumed: false } } });
      backend.send(id, { type: "event", event: { job_id: id, seq: 6, at: 1500, change: { type: "progress", progress: 50, message: "Scheduling" } } });
    });
    expect(bar).toHaveAttribute("aria-valuenow", "50");
    const steps = screen.getAllByTestId("step");
    expect(steps).toHaveLength(1);
    expect(steps[0]).toHaveTextContent("0.5 s");
    const final = snapshot(job({ id, status: "completed", progress: 100, seq: 9, finished_at: Date.now(), result: { not: "a program" } }));
    act(() => backend.send(id, { type: "event", event: { job_id: id, seq: 9, at: 2000, change: { type: "finished", snapshot: final } } }));
    const view = await screen.findByRole("link", { name: "View program" });
    expect(view).toHaveAttribute("href", `/results/${id}`);
    expect(screen.queryByRole("progressbar", { name: "Program progress" })).not.toBeInTheDocument();
    expect(backend.callsOf("mark_seen")).toContainEqual({ ids: [id] });
  });

  it("journey 2: after a reload the running job shows “still being generated” at its real progress", async () => {
    const running = job({ progress: 75, seq: 40 });
    new FakeBackend({
      get_initiative: () => initiative,
      latest_job: (args) => (args.kind === "epm_generation" ? running : null),
      watch_job: () => snapshot(running, { steps: [{ index: 0, name: "Analysing", status: "completed", output: null, attempt: 1, started_at: 1, finished_at: 401 }] }),
    });
    render();
    const banner = await screen.findByTestId("banner-resumed");
    expect(banner).toHaveTextContent("Your program is still being generated — 75%");
    await waitFor(() => expect(screen.getByRole("progressbar", { name: "Program progress" })).toHaveAttribute("aria-valuenow", "75"));
    expect(within(screen.getByTestId("op-panel")).getAllByTestId("step")).toHaveLength(1);
  });

  it("offers the start form only once it knows no program is running: no form that flashes and vanishes", async () => {
    const running = job({ progress: 40, seq: 12 });
    let answerLatest: (j: unknown) => void = () => undefined;
    let answerWatch: (s: unknown) => void = () => undefined;
    new FakeBackend({
      get_initiative: () => initiative,
      latest_job: (args) => (args.kind === "epm_generation" ? new Promise((r) => (answerLatest = r)) : null),
      watch_job: () => new Promise((r) => (answerWatch = r)),
    });
    render();
    expect(await screen.findByRole("heading", { name: "Harbour Coffee" }, { timeout: 5000 })).toBeInTheDocument();
    const panel = screen.getByTestId("op-panel");
    expect(within(panel).getByTestId("op-form-pending")).toHaveAccessibleName("Looking for your latest program");
    expect(within(panel).queryByRole("button", { name: /Generate program/ })).not.toBeInTheDocument();
    // The newest job is known but not yet watched: still no form.
    act(() => answerLatest(running));
    await waitFor(() => expect(screen.getByTestId("banner-resumed")).toBeInTheDocument());
    expect(within(panel).queryByRole("button", { name: /Generate program/ })).not.toBeInTheDocument();
    act(() => answerWatch(snapshot(running)));
    await waitFor(() => expect(screen.getByRole("progressbar", { name: "Program progress" })).toHaveAttribute("aria-valuenow", "40"));
    expect(within(panel).queryByRole("button", { name: /Generate program/ })).not.toBeInTheDocument();
    expect(within(panel).queryByTestId("op-form-pending")).not.toBeInTheDocument();
  });

  it("offers the start form once it knows no program has run yet", async () => {
    let answerLatest: (j: unknown) => void = () => undefined;
    new FakeBackend({
      get_initiative: () => initiative,
      latest_job: (args) => (args.kind === "epm_generation" ? new Promise((r) => (answerLatest = r)) : null),
    });
    render();
    const panel = await screen.findByTestId("op-panel", {}, { timeout: 5000 });
    expect(within(panel).queryByRole("button", { name: /Generate program/ })).not.toBeInTheDocument();
    act(() => answerLatest(null));
    expect(await within(panel).findByRole("button", { name: /Generate program/ })).toBeEnabled();
    expect(within(panel).getByTestId("op-intro")).toBeInTheDocument();
  });

  it("journey 2: a job that finished unseen says “Completed while you were away” with a link", async () => {
    const done = job({ kind: "bmc_research", status: "completed", progress: 100, seq: 20, seen_at: null, finished_at: Date.now() - 60_000, result: {} });
    const backend = new FakeBackend({
      get_initiative: () => initiative,
      latest_job: (args) => (args.kind === "bmc_research" ? done : null),
      watch_job: () => snapshot(done),
    });
    renderToaster(<Toaster />);
    render();
    const banner = await screen.findByTestId("banner-away");
    expect(banner).toHaveTextContent("Completed while you were away: Canvas");
    // One notice per event: the page's banner, no toast saying the same.
    await new Promise((r) => setTimeout(r, 300));
    expect(screen.queryByText("Completed while you were away: Canvas", { selector: "[data-title]" })).toBeNull();
    expect(within(banner).getByRole("link", { name: "View canvas" })).toHaveAttribute("href", `/results/${done.id}`);
    await waitFor(() => expect(backend.callsOf("mark_seen")).toContainEqual({ ids: [done.id] }));
  });

  it("a job waiting for its model server says why and when it tries again, and Resume now resumes it", async () => {
    const until = new Date(Date.now() + 20_000).toISOString();
    const waiting = job({
      status: "paused",
      progress: 20,
      seq: 8,
      pause: { reason: "offline", message: "cannot reach the model server", detail: "127.0.0.1:11434", until, since: new Date().toISOString() },
    });
    const backend = new FakeBackend({
      get_initiative: () => initiative,
      latest_job: (args) => (args.kind === "epm_generation" ? waiting : null),
      watch_job: () => snapshot(waiting),
      resume_job: () => null,
    });
    render();
    const words = await screen.findByTestId("pause-words");
    expect(words).toHaveTextContent(/Can't reach the model server at 127\.0\.0\.1:11434 — trying again in (19|20) s/);
    expect(screen.queryByRole("button", { name: "Pause" })).not.toBeInTheDocument();
    expect(screen.queryByText(/Retry/)).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Resume now" }));
    expect(backend.callsOf("resume_job")).toEqual([{ id: waiting.id }]);
  });

  it("asking again for a program already under way follows that job and says so", async () => {
    const id = job().id;
    const backend = new FakeBackend({
      get_initiative: () => initiative,
      latest_job: () => null,
      start_operation: () => ({ id, joined: true }),
      watch_job: () => snapshot(job({ id, progress: 40, seq: 7 })),
    });
    renderToaster(<Toaster />);
    render();
    await userEvent.click(await screen.findByRole("button", { name: /Generate program/ }));
    expect(await screen.findByText("Your program is already being generated — showing it.")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole("progressbar", { name: "Program progress" })).toHaveAttribute("aria-valuenow", "40"));
    expect(backend.callsOf("start_operation")).toHaveLength(1);
  });

  it("a running job can be paused from its panel", async () => {
    const running = job({ progress: 30, seq: 5 });
    const backend = new FakeBackend({
      get_initiative: () => initiative,
      latest_job: (args) => (args.kind === "epm_generation" ? running : null),
      watch_job: () => snapshot(running),
      pause_job: () => null,
    });
    render();
    await userEvent.click(await screen.findByRole("button", { name: "Pause" }));
    expect(backend.callsOf("pause_job")).toEqual([{ id: running.id }]);
    expect(screen.queryByTestId("pause-words")).not.toBeInTheDocument();
  });

  it("a failed job offers Retry from the step it stopped at", async () => {
    const failed = job({ status: "failed", progress: 40, seq: 12, error: { code: "timeout", message: "The model did not answer in time.", retryable: true }, finished_at: Date.now(), seen_at: Date.now() });
    const steps = [0, 1].map((index) => ({ index, name: `Step ${index + 1}`, status: "completed" as const, output: null, attempt: 1, started_at: 1, finished_at: 2 }));
    const backend = new FakeBackend({
      get_initiative: () => initiative,
      latest_job: (args) => (args.kind === "epm_generation" ? failed : null),
      watch_job: () => snapshot(failed, { steps: [...steps, { index: 2, name: "Step 3", status: "failed", output: null, attempt: 1, started_at: 3, finished_at: 4 }] }),
      retry_job: () => null,
    });
    render();
    expect(await screen.findByText("The model did not answer in time — retry; a slow model may need a second try")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Retry (resumes at step 3)" }));
    expect(backend.callsOf("retry_job")).toEqual([{ id: failed.id }]);
  });

  it("keeps the last result as the tile's headline when a re-run was cancelled, and flags it out of date after an edit", async () => {
    const madeOn = { ...initiative, updated_at: 1 };
    const edited = { ...initiative, updated_at: 5 };
    const good = job({ id: "0190a000-0000-7000-8000-0000000000aa", status: "completed", progress: 100, result: {}, finished_at: Date.now() - 60_000, seen_at: 1, input: { initiative: madeOn } });
    const cancelled = job({ id: "0190a000-0000-7000-8000-0000000000bb", status: "cancelled", finished_at: Date.now(), seen_at: 1, input: { initiative: edited } });
    const backend = new FakeBackend({
      get_initiative: () => edited,
      latest_job: (args) => (args.kind === "epm_generation" ? cancelled : null),
      list_jobs: (args) => ({ items: (args.query as { kind: string }).kind === "epm_generation" ? [good] : [], next: null }),
      watch_job: () => snapshot(cancelled),
      start_operation: () => ({ id: "new", joined: false }),
    });
    render();
    const card = await screen.findByRole("button", { name: /^Program/ });
    await waitFor(() => expect(within(card).getByText("Completed")).toBeInTheDocument());
    expect(within(card).getByTestId("latest-attempt")).toHaveTextContent("a re-run was cancelled");
    expect(within(card).getByTestId("out-of-date")).toHaveTextContent("Out of date");
    const last = await screen.findByTestId("last-result");
    expect(last).toHaveTextContent("Your last program is still here");
    expect(last).toHaveTextContent("out of date: made before you edited the initiative");
    expect(within(last).getByRole("link", { name: "View program" })).toHaveAttribute("href", `/results/${good.id}`);
    expect(backend.callsOf("list_jobs")[0]).toMatchObject({ query: { statuses: ["completed"], session_id: "init-1", limit: 1 } });
  });

  it("offers to run an out-of-date result again with the initiative's current details", async () => {
    const done = job({ status: "completed", progress: 100, result: null, finished_at: Date.now() - 60_000, seen_at: 1, input: { initiative: { ...initiative, updated_at: 1 } } });
    const backend = new FakeBackend({
      get_initiative: () => ({ ...initiative, updated_at: 9 }),
      latest_job: (args) => (args.kind === "epm_generation" ? done : null),
      list_jobs: () => ({ items: [done], next: null }),
      watch_job: () => snapshot(done),
      start_operation: () => ({ id: "new", joined: false }),
    });
    render();
    const banner = await screen.findByTestId("banner-out-of-date");
    await userEvent.click(within(banner).getByRole("button", { name: /Run again with the current details/ }));
    expect(backend.callsOf("start_operation")).toEqual([{ initiativeId: "init-1", operation: { type: "program" } }]);
  });

  it("says on each operation what it produces, about how long it takes and which to run first", async () => {
    new FakeBackend({ get_initiative: () => initiative, latest_job: () => null });
    render();
    const canvas = await screen.findByRole("button", { name: /^Canvas/ });
    await waitFor(() => expect(canvas).toHaveTextContent("The nine blocks of a Business Model Canvas"));
    await userEvent.click(canvas);
    const intro = await screen.findByTestId("op-intro");
    expect(intro).toHaveTextContent("Run Research first: the canvas cites its findings.");
    expect(intro).toHaveTextContent("About a minute with a model");
  });

  it("is usable from the keyboard: Tab reaches the operations and Enter starts one", async () => {
    const id = job().id;
    const backend = new FakeBackend({
      get_initiative: () => initiative,
      latest_job: () => null,
      start_operation: () => ({ id, joined: false }),
      watch_job: () => snapshot(job({ id, status: "pending", progress: 0, seq: 1 })),
    });
    render();
    await screen.findByRole("heading", { name: "Harbour Coffee" }, { timeout: 5000 });
    const user = userEvent.setup();
    const tabTo = async (target: HTMLElement) => {
      for (let n = 0; n < 30 && document.activeElement !== target; n++) await user.tab();
      expect(document.activeElement).toBe(target);
    };
    const canvasCard = screen.getByRole("button", { name: /Canvas/ });
    await tabTo(canvasCard);
    expect(canvasCard).toHaveAttribute("aria-pressed", "false");
    await user.keyboard("{Enter}");
    expect(canvasCard).toHaveAttribute("aria-pressed", "true");
    const start = await screen.findByRole("button", { name: /Build canvas/ });
    await tabTo(start);
    await user.keyboard("{Enter}");
    await waitFor(() => expect(backend.callsOf("start_operation")).toEqual([{ initiativeId: "init-1", operation: { type: "canvas" } }]));
  });
});
