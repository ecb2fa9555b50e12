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
    const groups = screen.getAllByRole("heading", { level: 3 }).map((h) => h.textContent);
    expect(groups).toEqual(["Query bakery footfall", "Query bakery margins", "Query other query"]);
    const footfall = screen.getByRole("region", { name: "Findings for bakery footfall" });
    expect(within(footfall).getAllByRole("listitem")).toHaveLength(2);
    expect(screen.getByText(/No findings for: “bakery licensing”/)).toBeInTheDocument();
  });

  it("numbers findings as they are listed and names each one's source, linking to the source list", async () => {
    const user = userEvent.setup();
    render(<ResearchView report={smallReport()} />);
    const footfall = screen.getByRole("region", { name: "Findings for bakery footfall" });
    expect(within(footfall).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "1. About 4,000 people pass daily. — Footfall studyAbout **4,000** commuters pass <b>daily</b>.",
      "2. Evenings are quiet. — Footfall studyEvenings are quiet.",
    ]);
    const margins = screen.getByRole("region", { name: "Findings for bakery margins" });
    expect(within(margins).getByRole("listitem")).toHaveTextContent(/^3\. Margins run near 60 %\. — Margins guide/);
    const sources = screen.getByRole("region", { name: "Sources" });
    const link = within(margins).getByRole("link", { name: "Margins guide" });
    const target = targetOf(link);
    expect(sources).toContainElement(target);
    expect(target).toHaveTextContent(/^Margins guide/);
    await user.click(link);
    expect(target).toHaveFocus();
  });

  it("marks a finding whose source is not in the list with [?], never the source's id", () => {
    const { container } = render(<ResearchView report={smallReport()} />);
    const other = screen.getByRole("region", { name: "Findings for other query" });
    const missing = within(other).getByRole("img", { name: "Source not found in this result" });
    expect(missing).toHaveTextContent("[?]");
    expect(container.textContent).not.toContain("S9");
  });

  it("shows the quote verbatim, never as Markdown or HTML", () => {
    const { container } = render(<ResearchView report={smallReport()} />);
    const quote = container.querySelector(".research-quote");
    expect(quote).toHaveTextContent("About **4,000** commuters pass <b>daily</b>.");
    expect(quote?.querySelector("strong, b")).toBeNull();
  });

  it("turns the summary's references into numbered citations of the findings, the finding on focus", async () => {
    render(<ResearchView report={smallReport()} />);
    const summary = screen.getByRole("region", { name: "Summary" });
    expect(summary.textContent).toBe("Footfall is strong [1] and margins are fine [3]; see also [?].");
    const links = within(summary).getAllByRole("link");
    expect(links.map((l) => l.getAttribute("aria-label"))).toEqual(["Finding 1: About 4,000 people pass daily.", "Finding 3: Margins run near 60 %."]);
    for (const l of links) expect(targetOf(l)).toHaveClass("research-finding");
    expect(targetOf(links[1] as HTMLElement)).toHaveTextContent(/^3\. Margins run near 60 %/);
    // [F7] is not in the report.
    expect(within(summary).getByRole("img", { name: "Finding not found in this result" })).toHaveTextContent("[?]");
    (links[1] as HTMLElement).focus();
    expect(await screen.findByRole("tooltip")).toHaveTextContent("Margins run near 60 %.Margins guide");
  });

  it("lists sources by title with kind, truncation, a safe link and the findings that quote them", async () => {
    const user = userEvent.setup();
    render(<ResearchView report={smallReport()} />);
    const sources = screen.getByRole("region", { name: "Sources" });
    expect(sources).toHaveTextContent("only the first part was read");
    const url = within(sources).getByRole("link", { name: "https://example.com/footfall" });
    expect(url).toHaveAttribute("title", "https://example.com/footfall");
    const [footfall, guide] = within(sources).getAllByRole("listitem");
    expect(footfall).toHaveTextContent(/^Footfall study https:\/\/example\.com\/footfall\s*web page · .* · quoted in findings 1, 2$/);
    expect(guide).toHaveTextContent(/^Margins guide\s*knowledge base · .* · quoted in finding 3$/);
    const back = within(footfall as HTMLElement).getByRole("link", { name: "Finding 2" });
    await user.click(back);
    expect(targetOf(back)).toHaveFocus();
    expect(targetOf(back)).toHaveTextContent(/^2\. Evenings are quiet/);
    const skipped = screen.getByRole("region", { name: "Skipped sources" });
    expect(skipped).toHaveTextContent("Paywalled report");
    expect(skipped).toHaveTextContent("Skipped: HTTP 403");
    expect(screen.getByText(/Made by llama3/)).toBeInTheDocument();
  });

  it("renders the offline engine's real report with every citation resolving and no ids on screen", () => {
    const { container } = render(<ResearchView report={harbourResearch} />);
    const links = container.querySelectorAll("a[href^='#']");
    expect(container.querySelectorAll("a.cite").length).toBeGreaterThanOrEqual(6);
    expect(container.querySelectorAll(".research-source-link")).toHaveLength(harbourResearch.findings.length);
    for (const l of links) expect(targetOf(l)).not.toBeNull();
    expect(container.querySelectorAll(".is-missing")).toHaveLength(0);
    expect(container.textContent).not.toMatch(/\b[FS]\d+\b/);
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
    expect(items[0]).toHaveTextContent(/^About 4,000 commuters .* weekdays\. — Ferry terminal visit \(part 1\)/);
    expect(container.textContent).not.toContain("S1");
    expect(items[2]).toHaveTextContent("Skipped Slow site: took longer than 10 s");
  });

  it("renders nothing before the first partial", () => {
    const { container } = render(<FindingsStream partials={[]} />);
    expect(container).toBeEmptyDOMElement();
  });
});
