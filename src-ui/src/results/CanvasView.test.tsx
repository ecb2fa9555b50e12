import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { Canvas_Serialize } from "../bindings";
import { CanvasBlocks, CanvasView } from "./CanvasView";
import { canvasBlocks } from "./fixtures/partials";
import { harbourCanvas } from "./fixtures/research";

const NINE = [
  "Key partnerships",
  "Key activities",
  "Key resources",
  "Value propositions",
  "Customer relationships",
  "Channels",
  "Customer segments",
  "Cost structure",
  "Revenue streams",
];

describe("CanvasView", () => {
  it("renders the nine blocks with their headings in the classic grid order", () => {
    const { container } = render(<CanvasView canvas={harbourCanvas} />);
    const grid = container.querySelector(".canvas-grid");
    expect(grid).not.toBeNull();
    const headings = within(grid as HTMLElement).getAllByRole("heading", { level: 3 }).map((h) => h.textContent);
    expect(headings).toEqual(NINE);
    // Each block carries its grid-area class, whatever order the engine sent them in.
    for (const b of harbourCanvas.blocks) {
      const block = screen.getByRole("region", { name: new RegExp(`^${NINE.find((n) => n.toLowerCase() === b.block.replace(/_/g, " "))}$`) });
      expect(block).toHaveClass(`canvas-${b.block}`);
      expect(within(block).getAllByRole("listitem")).toHaveLength(b.entries.length);
    }
  });

  it("shows evidence ids as chips that link to the evidence list", async () => {
    const user = userEvent.setup();
    render(<CanvasView canvas={harbourCanvas} />);
    const segments = screen.getByRole("region", { name: "Customer segments" });
    const chip = within(segments).getByRole("link", { name: "F7" });
    const target = document.getElementById((chip.getAttribute("href") ?? "").slice(1));
    expect(target).not.toBeNull();
    expect(target).toHaveTextContent(/Cafes typically take 40-60% of daily sales/);
    await user.click(chip);
    expect(target).toHaveFocus();
    // Every linked chip points at an element that exists.
    for (const link of document.querySelectorAll<HTMLAnchorElement>("a.canvas-chip")) {
      expect(document.getElementById((link.getAttribute("href") ?? "").slice(1))).not.toBeNull();
    }
  });

  it("says so when a block is missing and shows the offline label", () => {
    const canvas: Canvas_Serialize = { ...harbourCanvas, blocks: harbourCanvas.blocks.filter((b) => b.block !== "channels"), evidence: [] };
    render(<CanvasView canvas={canvas} />);
    expect(within(screen.getByRole("region", { name: "Channels" })).getByText("Nothing found for this block.")).toBeInTheDocument();
    expect(screen.getByText(/Made by Charter's built-in playbooks \(no AI model\)/)).toBeInTheDocument();
    // Without evidence records, chips are plain text, not links.
    expect(document.querySelectorAll("a.canvas-chip")).toHaveLength(0);
    expect(document.querySelectorAll("span.canvas-chip").length).toBeGreaterThan(0);
  });
});

describe("CanvasBlocks (streaming)", () => {
  it("renders the blocks that have arrived, in arrival order, with their chips", () => {
    render(<CanvasBlocks blocks={canvasBlocks.slice(0, 3)} />);
    const headings = screen.getAllByRole("heading", { level: 3 }).map((h) => h.textContent);
    expect(headings).toEqual(["Customer segments", "Value propositions", "Channels"]);
    expect(within(screen.getByRole("region", { name: "Customer segments" })).getByText("fb_dayparts")).toHaveClass("canvas-chip");
  });

  it("replaces a block sent again instead of showing it twice", () => {
    const first = canvasBlocks[0];
    if (!first) throw new Error("fixture");
    const again = { ...first, entries: [{ text: "Revised segment", evidence: [] }] };
    render(<CanvasBlocks blocks={[first, canvasBlocks[1] ?? first, again]} />);
    expect(screen.getAllByRole("heading", { name: "Customer segments" })).toHaveLength(1);
    expect(screen.getByText("Revised segment")).toBeInTheDocument();
    expect(screen.getAllByRole("heading", { level: 3 })[0]).toHaveTextContent("Customer segments");
  });

  it("renders nothing before the first block", () => {
    const { container } = render(<CanvasBlocks blocks={[]} />);
    expect(container).toBeEmptyDOMElement();
  });
});
