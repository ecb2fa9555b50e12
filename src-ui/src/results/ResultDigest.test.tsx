import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { harbourCanvas, harbourResearch, harbourWhys } from "./fixtures/research";
import { harbourProgram } from "./fixtures/program";
import { Digest } from "./ResultDigest";

describe("a result in brief", () => {
  it("a program: the four figures and its size, not a second Gantt", () => {
    const { container } = render(<Digest result={{ operation: "program", result: harbourProgram }} />);
    for (const card of ["Duration", "Budget", "Headcount", "Top risk"]) expect(screen.getByRole("region", { name: card })).toBeInTheDocument();
    expect(screen.getByTestId("result-digest")).toHaveTextContent(`${harbourProgram.tasks.length} tasks`);
    expect(container.querySelector("svg.gantt-svg")).toBeNull();
    expect(screen.queryByRole("tablist")).toBeNull();
  });

  it("a canvas: its value proposition and how much stands behind it", () => {
    render(<Digest result={{ operation: "canvas", result: harbourCanvas }} />);
    const digest = screen.getByTestId("result-digest");
    expect(digest).toHaveTextContent("Value propositions:");
    expect(digest).toHaveTextContent(`${harbourCanvas.blocks.length} blocks`);
    expect(digest).toHaveTextContent(`${harbourCanvas.evidence.length} pieces of evidence`);
    expect(screen.queryByRole("article")).toBeNull();
  });

  it("a why-chain: the root cause and the first countermeasure", () => {
    render(<Digest result={{ operation: "five_whys", result: harbourWhys }} />);
    const digest = screen.getByTestId("result-digest");
    expect(digest).toHaveTextContent(/Root cause/);
    expect(digest).toHaveTextContent("First countermeasure");
    expect(digest).toHaveTextContent(`${harbourWhys.levels.length} levels`);
  });

  it("research: the summary and the count of findings and sources", () => {
    render(<Digest result={{ operation: "research", result: harbourResearch }} />);
    expect(screen.getByTestId("result-digest")).toHaveTextContent(`${harbourResearch.findings.length} findings from ${harbourResearch.sources.length} sources`);
  });
});
