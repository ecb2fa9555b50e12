import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { researchPartials } from "./fixtures/partials";
import { harbourResearch } from "./fixtures/research";
import { smallReport } from "./fixtures/small";
import { FindingsStream, ResearchView } from "./ResearchView";

function targetOf(a: Element): HTMLElement | null {
  const href = a.getAttribute("href") ?? "";
  expect(href.startsWith("#")).toBe(true);
  return document.getElementById(href.slice(1));
}

describe("ResearchView", () => {
  it("groups findings by query, in query order", () => {
    render(<ResearchView report={smallReport()} />);
    const groups = screen.getAllByRole("heading", { level: 4 }).map((h) => h.textContent);
    expect(groups).toEqual(["Query bakery footfall", "Query bakery margins", "Query other query"]);
    const footfall = screen.getByRole("region", { name: "Findings for bakery footfall" });
    expect(within(footfall).getAllByRole("listitem")).toHaveLength(2);
    expect(screen.getByText(/No findings for: “bakery licensing”/)).toBeInTheDocument();
  });

  it("numbers citations [S1] that link to existing entries of the source list", async () => {
    const user = userEvent.setup();
    render(<ResearchView report={smallReport()} />);
    const sources = screen.getByRole("region", { name: "Sources" });
    const cites = screen.getByRole("region", { name: "Findings" }).querySelectorAll("a.research-cite");
    expect([...cites].map((c) => c.textContent)).toEqual(["[S1]", "[S1]", "[S3]"]);
    for (const c of cites) {
      const target = targetOf(c);
      expect(target).not.toBeNull();
      expect(sources).toContainElement(target);
      expect(target).toHaveTextContent(`[${c.textContent?.slice(1, -1)}]`);
    }
    await user.click(cites[2] as HTMLElement);
    expect(targetOf(cites[2] as HTMLElement)).toHaveFocus();
  });

  it("does not link a citation whose source is not in the list", () => {
    render(<ResearchView report={smallReport()} />);
    const orphan = screen.getByText("[S9]");
    expect(orphan.tagName).toBe("SPAN");
    expect(orphan).toHaveClass("is-missing");
  });

  it("shows the quote verbatim, never as Markdown or HTML", () => {
    const { container } = render(<ResearchView report={smallReport()} />);
    const quote = container.querySelector(".research-quote");
    expect(quote).toHaveTextContent("About **4,000** commuters pass <b>daily</b>.");
    expect(quote?.querySelector("strong, b")).toBeNull();
  });

  it("links summary references to the findings that exist", () => {
    render(<ResearchView report={smallReport()} />);
    const summary = screen.getByRole("region", { name: "Summary" });
    const links = within(summary).getAllByRole("link");
    expect(links.map((l) => l.textContent)).toEqual(["[F1]", "[F2]"]);
    for (const l of links) expect(targetOf(l)).toHaveClass("research-finding");
    expect(summary).toHaveTextContent("[F7]"); // unknown reference stays as text
    expect(summary.textContent).toBe("Footfall is strong [F1] and margins are fine [F2]; see also [F7].");
  });

  it("lists sources with kind, truncation and a safe link, and skipped sources with the reason", () => {
    render(<ResearchView report={smallReport()} />);
    const sources = screen.getByRole("region", { name: "Sources" });
    expect(sources).toHaveTextContent("only the first part was read");
    const url = within(sources).getByRole("link", { name: "https://example.com/footfall" });
    expect(url).toHaveAttribute("title", "https://example.com/footfall");
    const skipped = screen.getByRole("region", { name: "Skipped sources" });
    expect(skipped).toHaveTextContent("Paywalled report");
    expect(skipped).toHaveTextContent("Skipped: HTTP 403");
    expect(screen.getByText(/Made by llama3/)).toBeInTheDocument();
  });

  it("renders the offline engine's real report with every citation resolving", () => {
    render(<ResearchView report={harbourResearch} />);
    const cites = document.querySelectorAll("a.research-cite");
    expect(cites.length).toBeGreaterThanOrEqual(harbourResearch.findings.length);
    for (const c of cites) expect(targetOf(c)).not.toBeNull();
    expect(screen.getByText(/Made by Charter's built-in playbooks \(no AI model\)/)).toBeInTheDocument();
  });
});

describe("FindingsStream", () => {
  it("renders findings with their source and skipped sources with the reason, in order", () => {
    const partials = [
      ...researchPartials.slice(0, 2),
      { type: "skipped" as const, title: "Slow site", query: "q", reason: "took longer than 10 s" },
    ];
    const { container } = render(<FindingsStream partials={partials} />);
    const items = container.querySelectorAll("ol > li");
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent("[S1] Ferry terminal visit (part 1)");
    expect(items[2]).toHaveTextContent("Skipped Slow site: took longer than 10 s");
  });

  it("renders nothing before the first partial", () => {
    const { container } = render(<FindingsStream partials={[]} />);
    expect(container).toBeEmptyDOMElement();
  });
});
