import { render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { canvasBlocks, programSteps, researchPartials, whyLevels } from "./fixtures/partials";
import { harbourProgram } from "./fixtures/program";
import { harbourCanvas, harbourResearch, harbourWhys } from "./fixtures/research";
import { smallProgram } from "./fixtures/small";
import { JobResult, PartialsView, ResultView } from "./ResultView";
import type { OperationResult_Serialize as OperationResult } from "../bindings";
import { recordIpc } from "../test/ipc";
import { renderAt } from "../test/render";

describe("ResultView", () => {
  it("dispatches each operation to its view", () => {
    const cases: [OperationResult, string][] = [
      [{ operation: "program", result: harbourProgram }, "Program"],
      [{ operation: "canvas", result: harbourCanvas }, "Business Model Canvas"],
      [{ operation: "five_whys", result: harbourWhys }, "Five whys"],
      [{ operation: "research", result: harbourResearch }, "Research report"],
    ];
    for (const [result, name] of cases) {
      const { unmount } = render(<ResultView result={JSON.parse(JSON.stringify(result)) as OperationResult} />);
      expect(screen.getByRole("article", { name })).toBeInTheDocument();
      expect(screen.queryByRole("alert")).toBeNull();
      unmount();
    }
  });

  it("shows the unreadable message instead of crashing when a view throws", () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    // A field the view renders directly is an object (a result from a newer version, say).
    const p = smallProgram() as unknown as { analysis: { industry: unknown } };
    p.analysis.industry = { oops: true };
    render(<ResultView result={{ operation: "program", result: p } as unknown as OperationResult} />);
    expect(screen.getByRole("alert")).toHaveTextContent("This result could not be read");
    expect(screen.queryByRole("article", { name: "Program" })).toBeNull();
    spy.mockRestore();
  });
});

describe("JobResult", () => {
  it("asks the backend for the typed result and shows it", async () => {
    const ipc = recordIpc({ get_result: () => ({ operation: "five_whys", result: harbourWhys }) });
    renderAt(<JobResult id="job-1" />);
    expect(await screen.findByRole("article", { name: "Five whys" })).toBeInTheDocument();
    expect(ipc.of("get_result")).toEqual([{ id: "job-1" }]);
  });

  it("says why a result cannot be read, in the backend's words", async () => {
    recordIpc({
      get_result: () => {
        throw { code: "corrupt", message: "the stored result of job job-1 is not a why-chain" };
      },
    });
    renderAt(<JobResult id="job-1" />);
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("This result could not be read");
    expect(alert).toHaveTextContent("the stored result of job job-1 is not a why-chain.");
  });
});

describe("PartialsView", () => {
  it("renders program step results as a compact list, a re-sent step once", () => {
    const first = programSteps[0];
    if (!first) throw new Error("fixture");
    render(<PartialsView kind="epm_generation" partials={[...programSteps.slice(0, 3), first, "junk", { index: "x" }]} />);
    const items = screen.getAllByRole("listitem");
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent("Analysing the initiative");
    expect(items[1]).toHaveTextContent("6 workstreams, 40 tasks");
  });

  it("accepts stored partial records as well as bare values", () => {
    const records = canvasBlocks.slice(0, 2).map((value, i) => ({ seq: i + 1, step_index: 0, value, created_at: 0 }));
    render(<PartialsView kind="bmc_research" partials={records} />);
    expect(screen.getAllByRole("heading", { level: 2 }).map((h) => h.textContent)).toEqual(["Customer segments", "Value propositions"]);
  });

  it("dispatches why levels and research partials, skipping unreadable values", () => {
    const { container, unmount } = render(<PartialsView kind="five_whys" partials={[...whyLevels, { level: "2" }, null]} />);
    expect(container.querySelectorAll("li.why-level")).toHaveLength(whyLevels.length);
    unmount();
    const r = render(<PartialsView kind="web_research" partials={[researchPartials[0], { type: "finding" }, 7]} />);
    expect(r.container.querySelectorAll("li")).toHaveLength(1);
  });

  it("renders nothing for an unknown kind or no partials", () => {
    const a = render(<PartialsView kind="tea_leaves" partials={[1, 2]} />);
    expect(a.container).toBeEmptyDOMElement();
    a.unmount();
    const b = render(<PartialsView kind="epm_generation" partials={[]} />);
    expect(b.container).toBeEmptyDOMElement();
  });
});
