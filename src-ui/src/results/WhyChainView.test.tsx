import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { whyLevels } from "./fixtures/partials";
import { harbourWhys } from "./fixtures/research";
import { smallChain } from "./fixtures/small";
import { WhyChainView, WhyLevels, basisWords } from "./WhyChainView";

describe("WhyChainView", () => {
  it("shows each level with its confidence as text and a bar", () => {
    const { container } = render(<WhyChainView chain={smallChain()} />);
    const levels = container.querySelectorAll("li.why-level");
    expect(levels).toHaveLength(2);
    expect(levels[0]).toHaveTextContent("Why are morning sales low?");
    expect(levels[0]).toHaveTextContent("The queue is too long");
    expect(levels[0]).toHaveTextContent("confidence 60 %");
    expect(levels[1]).toHaveTextContent("confidence 55 %");
    const bar = levels[0]?.querySelector<HTMLElement>(".why-conf-bar > span");
    expect(bar?.style.width).toBe("60%");
  });

  it("marks the root cause level — and only it — with an icon and the word", () => {
    const { container } = render(<WhyChainView chain={smallChain()} />);
    const [first, root] = [...container.querySelectorAll("li.why-level")];
    expect(first).not.toHaveTextContent("Root cause");
    expect(root).toHaveClass("is-root");
    const mark = within(root as HTMLElement).getByText("Root cause");
    expect(mark.querySelector("svg")).not.toBeNull();
    const end = screen.getByRole("region", { name: "Root cause" });
    expect(end).toHaveTextContent("One espresso machine");
    expect(within(end).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["Buy a second machine — for the root cause", "Time the queue"]);
    expect(screen.getByText(/Made by llama3/)).toBeInTheDocument();
  });

  it("says the depth limit was reached instead of claiming a root cause", () => {
    const { container } = render(<WhyChainView chain={smallChain("depth_limit")} />);
    expect(container.querySelectorAll("li.why-level.is-root")).toHaveLength(0);
    expect(screen.queryByRole("region", { name: "Root cause" })).toBeNull();
    expect(screen.getByRole("region", { name: "Deepest answer" })).toHaveTextContent(/Depth limit reached/);
  });

  it("says what a link rests on in words, never the knowledge base's id", () => {
    const chain = smallChain();
    const { container } = render(<WhyChainView chain={chain} />);
    const [first, second] = [...container.querySelectorAll("li.why-level")];
    expect(first).toHaveTextContent("From Charter's built-in knowledge");
    expect(second).not.toHaveTextContent(/From|Basis/);
    expect(container.textContent).not.toContain("fb_c8");
  });

  it("shows a basis written in words as it is", () => {
    expect(basisWords("  a survey of 40 regulars ")).toBe("Basis: a survey of 40 regulars");
    expect(basisWords("fb_c8")).toBe("From Charter's built-in knowledge");
  });

  it("renders the offline engine's real chain", () => {
    const { container } = render(<WhyChainView chain={harbourWhys} />);
    expect(container.textContent).not.toMatch(/fb_c\d/);
    expect(screen.getByText(/Made by Charter's built-in playbooks \(no AI model\)/)).toBeInTheDocument();
    expect(screen.getByRole("region", { name: "Root cause" })).toHaveTextContent(harbourWhys.root_cause);
  });
});

describe("WhyLevels (streaming)", () => {
  it("orders levels by depth and keeps the latest copy of a re-sent level", () => {
    const [one, two] = whyLevels;
    if (!one || !two) throw new Error("fixture");
    const { container } = render(<WhyLevels levels={[two, one, { ...two, answer: "Revised answer" }]} />);
    const items = container.querySelectorAll("li.why-level");
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent(one.answer);
    expect(items[1]).toHaveTextContent("Revised answer");
    expect(items[1]).toHaveTextContent("Root cause");
  });

  it("renders nothing before the first level", () => {
    const { container } = render(<WhyLevels levels={[]} />);
    expect(container).toBeEmptyDOMElement();
  });
});
