import { render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { canvasBlocks, programSteps, researchPartials, whyLevels } from "./fixtures/partials";
import { harbourProgram } from "./fixtures/program";
import { harbourCanvas, harbourResearch, harbourWhys } from "./fixtures/research";
import { smallProgram } from "./fixtures/small";
import { PartialsView, ResultView } from "./ResultView";

const KINDS = ["epm_generation", "bmc_research", "five_whys", "web_research"];
const GARBAGE: unknown[] = [null, undefined, 42, "a string", [], {}, { tasks: "nope" }, { blocks: [{ block: 3 }] }, { levels: [{}] }];

describe("ResultView", () => {
  it.each(KINDS)("shows the unreadable message for garbage %s results", (kind) => {
    for (const g of GARBAGE) {
      const { unmount } = render(<ResultView kind={kind} result={g} />);
      expect(screen.getByRole("alert")).toHaveTextContent("This result could not be read");
      unmount();
    }
  });

  it("does not accept one kind's result as another's", () => {
    render(<ResultView kind="five_whys" result={harbourCanvas} />);
    expect(screen.getByRole("alert")).toHaveTextContent("This result could not be read");
  });

  it("dispatches each kind to its view", () => {
    const cases: [string, unknown, string][] = [
      ["epm_generation", harbourProgram, "Program"],
      ["bmc_research", harbourCanvas, "Business Model Canvas"],
      ["five_whys", harbourWhys, "Five whys"],
      ["web_research", harbourResearch, "Research report"],
    ];
    for (const [kind, result, name] of cases) {
      const { unmount } = render(<ResultView kind={kind} result={JSON.parse(JSON.stringify(result))} />);
      expect(screen.getByRole("article", { name })).toBeInTheDocument();
      expect(screen.queryByRole("alert")).toBeNull();
      unmount();
    }
  });

  it("shows a message for an unknown kind", () => {
    render(<ResultView kind="tea_leaves" result={{}} />);
    expect(screen.getByRole("status")).toHaveTextContent("no view for “tea_leaves” results");
  });

  it("shows the unreadable message instead of crashing when a view throws", () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    // Passes the light shape check, but a field the view renders directly is an object.
    const p = smallProgram() as unknown as { analysis: { industry: unknown } };
    p.analysis.industry = { oops: true };
    render(<ResultView kind="epm_generation" result={p} />);
    expect(screen.getByRole("alert")).toHaveTextContent("This result could not be read");
    expect(screen.queryByRole("article", { name: "Program" })).toBeNull();
    spy.mockRestore();
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
    expect(screen.getAllByRole("heading", { level: 3 }).map((h) => h.textContent)).toEqual(["Customer segments", "Value propositions"]);
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
