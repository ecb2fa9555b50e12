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
    const headings = within(grid as HTMLElement).getAllByRole("heading", { level: 2 }).map((h) => h.textContent);
    expect(headings).toEqual(NINE);
    // Each block carries its grid-area class, whatever order the engine sent them in.
    for (const b of harbourCanvas.blocks) {
      const block = screen.getByRole("region", { name: new RegExp(`^${NINE.find((n) => n.toLowerCase() === b.block.replace(/_/g, " "))}$`) });
      expect(block).toHaveClass(`canvas-${b.block}`);
      expect(within(block).getAllByRole("listitem")).toHaveLength(b.entries.length);
    }
  });

  it("cites evidence with numbers in reading order that name the fact and lead to it", async () => {
    const user = userEvent.setup();
    render(<CanvasView canvas={harbourCanvas} />);
    // The example: the value proposition rests on fb_throughput, shown as a number.
    const value = screen.getByRole("region", { name: "Value propositions" });
    const cite = within(value).getByRole("link", { name: /^Evidence 4: At a coffee counter, the espresso machine/ });
    expect(cite).toHaveTextContent("[4]");
    const target = document.getElementById((cite.getAttribute("href") ?? "").slice(1));
    expect(target).not.toBeNull();
    expect(target).toHaveTextContent(/^\[4\] At a coffee counter.*— Charter playbook: Food & beverage retail$/);
    await user.click(cite);
    expect(target).toHaveFocus();
    expect(target).toHaveClass("results-flash");
    // Every citation leads to an element that exists.
    for (const link of document.querySelectorAll<HTMLAnchorElement>("a.cite")) {
      expect(document.getElementById((link.getAttribute("href") ?? "").slice(1))).not.toBeNull();
    }
  });

  it("shows the fact and its source in a tooltip on hover", async () => {
    const user = userEvent.setup();
    render(<CanvasView canvas={harbourCanvas} />);
    const segments = screen.getByRole("region", { name: "Customer segments" });
    await user.hover(within(segments).getByRole("link", { name: /^Evidence 6:/ }));
    const tip = await screen.findByRole("tooltip");
    expect(tip).toHaveTextContent(/^Cafes typically take 40-60% of daily sales before noon.*concept\.Charter playbook: Food & beverage retail \(customers\); Charter playbook: Food & beverage retail$/);
  });

  it("shows the fact in a tooltip on keyboard focus", async () => {
    render(<CanvasView canvas={harbourCanvas} />);
    const costs = screen.getByRole("region", { name: "Cost structure" });
    within(costs).getByRole("link", { name: /^Evidence 7:/ }).focus();
    expect(await screen.findByRole("tooltip")).toHaveTextContent(/Food cost typically runs 28-35%/);
  });

  it("numbers the evidence list as cited, one number per fact, and never shows an evidence id", () => {
    const { container } = render(<CanvasView canvas={harbourCanvas} />);
    const list = screen.getByRole("region", { name: "Evidence" });
    const items = within(list).getAllByRole("listitem");
    // 15 records, but six are a finding and the playbook fact it came from: nine facts.
    expect(items.map((li) => li.textContent?.slice(0, 4))).toEqual(["[1] ", "[2] ", "[3] ", "[4] ", "[5] ", "[6] ", "[7] ", "[8] ", "[9] "]);
    expect(items[0]).toHaveTextContent(/^\[1\] Third-party delivery platforms.*— Charter playbook: Food & beverage retail \(economics\); Charter playbook: Food & beverage retail$/);
    // "Delivery platforms" cites F9 and fb_delivery_fees — one fact, one number.
    const partners = screen.getByRole("region", { name: "Key partnerships" });
    expect(within(partners).getAllByRole("link").map((l) => l.textContent)).toEqual(["[1]"]);
    const text = container.textContent ?? "";
    for (const e of harbourCanvas.evidence) expect(text).not.toMatch(new RegExp(`\\b${e.id}\\b`));
    expect(screen.queryByText("Also gathered")).toBeNull();
  });

  it("lists facts no entry cites apart, unnumbered, and links a source that is an address", () => {
    const canvas: Canvas_Serialize = {
      ...harbourCanvas,
      blocks: [{ block: "channels", entries: [{ text: "Street-front store", evidence: ["web_1"] }] }],
      evidence: [
        { id: "kb_unused", text: "An uncited fact.", source: "Playbook" },
        { id: "web_1", text: "A cited fact.", source: "https://example.com/study" },
      ],
    };
    render(<CanvasView canvas={canvas} />);
    const list = screen.getByRole("region", { name: "Evidence" });
    const [cited, also] = within(list).getAllByRole("list");
    expect(within(cited as HTMLElement).getByRole("listitem")).toHaveTextContent("[1] A cited fact. — https://example.com/study");
    expect(within(cited as HTMLElement).getByRole("link", { name: "https://example.com/study" })).toHaveClass("md-link-open");
    expect(also).toHaveAccessibleName("Also gathered");
    expect(within(also as HTMLElement).getByRole("listitem")).toHaveTextContent(/^An uncited fact\. — Playbook$/);
    expect(screen.queryByText(/kb_unused|web_1/)).toBeNull();
  });

  it("marks a citation of evidence the result does not hold as [?], saying so instead of showing the id", async () => {
    const user = userEvent.setup();
    const canvas: Canvas_Serialize = {
      ...harbourCanvas,
      blocks: [{ block: "channels", entries: [{ text: "Street-front store", evidence: ["fb_gone", "fb_turnover"] }] }],
    };
    const { container } = render(<CanvasView canvas={canvas} />);
    const channels = screen.getByRole("region", { name: "Channels" });
    expect(within(channels).getByRole("link", { name: /^Evidence 1: Hospitality has some of the highest staff turnover/ })).toHaveTextContent("[1]");
    const missing = within(channels).getByRole("img", { name: "Source not found in this result" });
    expect(missing).toHaveTextContent("[?]");
    expect(missing).toHaveClass("is-missing");
    await user.hover(missing);
    expect(await screen.findByRole("tooltip")).toHaveTextContent("Source not found in this result");
    expect(container.textContent).not.toContain("fb_gone");
  });

  it("says so when a block is missing and shows the offline label", () => {
    const canvas: Canvas_Serialize = { ...harbourCanvas, blocks: harbourCanvas.blocks.filter((b) => b.block !== "channels"), evidence: [] };
    render(<CanvasView canvas={canvas} />);
    expect(within(screen.getByRole("region", { name: "Channels" })).getByText("Nothing found for this block.")).toBeInTheDocument();
    expect(screen.getByText(/Made by Charter's built-in playbooks \(no AI model\)/)).toBeInTheDocument();
    // Without evidence records nothing is linked; each citing entry says its source is missing.
    expect(document.querySelectorAll("a.cite")).toHaveLength(0);
    expect(screen.getAllByRole("img", { name: "Source not found in this result" }).length).toBeGreaterThan(0);
    expect(screen.queryByRole("region", { name: "Evidence" })).toBeNull();
  });
});

describe("CanvasBlocks (streaming)", () => {
  it("renders the blocks that have arrived, in arrival order, with numbered citations and no ids", async () => {
    const user = userEvent.setup();
    const { container } = render(<CanvasBlocks blocks={canvasBlocks.slice(0, 3)} />);
    const headings = screen.getAllByRole("heading", { level: 2 }).map((h) => h.textContent);
    expect(headings).toEqual(["Customer segments", "Value propositions", "Channels"]);
    // F7 and fb_dayparts, then fb_throughput: numbered as they arrive.
    const segments = screen.getByRole("region", { name: "Customer segments" });
    expect(within(segments).getAllByRole("img").map((c) => c.textContent)).toEqual(["[1]", "[2]"]);
    const value = screen.getByRole("region", { name: "Value propositions" });
    const first = within(value).getAllByRole("img", { name: /^Evidence \d+$/ })[0] as HTMLElement;
    expect(first).toHaveAccessibleName("Evidence 3");
    await user.hover(first);
    expect(await screen.findByRole("tooltip")).toHaveTextContent("The evidence is listed when the canvas is finished.");
    expect(container.textContent).not.toMatch(/fb_|F7/);
  });

  it("replaces a block sent again instead of showing it twice", () => {
    const first = canvasBlocks[0];
    if (!first) throw new Error("fixture");
    const again = { ...first, entries: [{ text: "Revised segment", evidence: [] }] };
    render(<CanvasBlocks blocks={[first, canvasBlocks[1] ?? first, again]} />);
    expect(screen.getAllByRole("heading", { name: "Customer segments" })).toHaveLength(1);
    expect(screen.getByText("Revised segment")).toBeInTheDocument();
    expect(screen.getAllByRole("heading", { level: 2 })[0]).toHaveTextContent("Customer segments");
  });

  it("renders nothing before the first block", () => {
    const { container } = render(<CanvasBlocks blocks={[]} />);
    expect(container).toBeEmptyDOMElement();
  });
});
