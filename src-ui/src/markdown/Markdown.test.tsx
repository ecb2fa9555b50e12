import { fireEvent, render, waitFor } from "@testing-library/react";
import { mockIPC } from "@tauri-apps/api/mocks";
import { describe, expect, it, vi } from "vitest";
import { Markdown, plainText, safeUrl } from "./Markdown";

describe("Markdown", () => {
  it("never creates a script element from raw HTML", () => {
    const { container } = render(<Markdown text={'Hello <script>window.__pwned = 1</script> world\n\n<script src="https://evil/x.js"></script>'} />);
    expect(container.querySelector("script")).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
    expect(container.textContent).toContain("Hello");
  });

  it("drops raw <img> with event handlers: no img, no onerror attribute anywhere", () => {
    const onerror = vi.fn();
    (window as unknown as { hit: () => void }).hit = onerror;
    const { container } = render(<Markdown text={'before <img src=x onerror="hit()"> after\n\n<div onclick="hit()">block</div>'} />);
    expect(container.querySelector("img")).toBeNull();
    expect(container.querySelector("[onerror]")).toBeNull();
    expect(container.querySelector("[onclick]")).toBeNull();
    expect(container.innerHTML).not.toMatch(/onerror|onclick/i);
    expect(onerror).not.toHaveBeenCalled();
  });

  it("renders a Markdown image as its alt text, never loading it", () => {
    const { container } = render(<Markdown text="Look: ![a chart](https://remote.example/x.png)" />);
    expect(container.querySelector("img")).toBeNull();
    expect(container.innerHTML).not.toContain("remote.example");
    expect(container.textContent).toContain("[a chart]");
  });

  it("turns javascript: and data: links into plain text", () => {
    const { container } = render(<Markdown text={"[x](javascript:alert(1)) and [y](data:text/html,<b>hi</b>) and [z](JaVaScRiPt:alert(2))"} />);
    expect(container.querySelector('[href^="javascript"]')).toBeNull();
    expect(container.querySelector('[href^="data"]')).toBeNull();
    expect(container.querySelectorAll("a")).toHaveLength(0);
    expect(container.innerHTML.toLowerCase()).not.toContain("javascript:");
    expect(container.textContent).toContain("x and y and z");
  });

  it("keeps http(s) and mailto links, shows the address and prevents navigation", () => {
    const onOpen = vi.fn();
    const { getByRole } = render(<Markdown text="See [the report](https://example.com/r?a=1) or [mail](mailto:a@b.c)" onOpenLink={onOpen} />);
    const link = getByRole("link", { name: "the report" });
    expect(link).toHaveAttribute("href", "https://example.com/r?a=1");
    expect(link).toHaveAttribute("title", "https://example.com/r?a=1");
    const click = new MouseEvent("click", { bubbles: true, cancelable: true });
    link.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    expect(onOpen).toHaveBeenCalledWith("https://example.com/r?a=1");
    expect(getByRole("link", { name: "mail" })).toHaveAttribute("href", "mailto:a@b.c");
  });

  it("without a handler, a click opens the address in the browser (through Rust), never in the window", async () => {
    const opened: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "open_url") opened.push(args);
      return null;
    });
    const { getByRole } = render(<Markdown text="[site](http://example.org)" />);
    const link = getByRole("link", { name: "site" });
    expect(fireEvent.click(link)).toBe(false); // false: default prevented
    await waitFor(() => expect(opened).toEqual([{ url: "http://example.org" }]));
  });

  it("drops relative and protocol-less links", () => {
    const { container } = render(<Markdown text="[a](/etc/passwd) [b](#top) [c](file:///etc/hosts)" />);
    expect(container.querySelectorAll("a")).toHaveLength(0);
  });

  it("renders bold text and lists", () => {
    const { container, getByText } = render(<Markdown text={"Some **bold** words\n\n- one\n- two\n\n1. first"} />);
    expect(getByText("bold").tagName).toBe("STRONG");
    expect(container.querySelectorAll("ul > li")).toHaveLength(2);
    expect(container.querySelector("ol > li")).toHaveTextContent("first");
  });

  it("inline mode renders phrasing only, inside a span", () => {
    const { container } = render(<Markdown inline text={"# Title\n\n**Fit-out** overrun\n\n- item"} />);
    const root = container.firstElementChild;
    expect(root?.tagName).toBe("SPAN");
    expect(container.querySelector("p, ul, li, h1, div")).toBeNull();
    expect(container.querySelector("strong")).toHaveTextContent("Fit-out");
    expect(root).toHaveTextContent(/Title.*Fit-out overrun.*item/);
  });

  it("renders plain text the same way with or without Markdown syntax around it", () => {
    const a = render(<Markdown text="Plain words, 60 % - nothing special" />);
    expect(a.container.querySelector("div.md-block > p")).toHaveTextContent("Plain words, 60 % - nothing special");
    a.unmount();
    const b = render(<Markdown inline text="  Plain inline  " />);
    expect(b.container.innerHTML).toBe('<span class="md md-inline">Plain inline</span>');
    b.unmount();
    const c = render(<Markdown text={"1. first\n2. second"} />);
    expect(c.container.querySelectorAll("ol > li")).toHaveLength(2);
    c.unmount();
    const d = render(<Markdown text="Fish &amp; chips" />);
    expect(d.container).toHaveTextContent("Fish & chips");
  });

  it("tolerates a non-string text", () => {
    const { container } = render(<Markdown text={undefined as unknown as string} />);
    expect(container.textContent).toBe("");
  });
});

describe("safeUrl and plainText", () => {
  it("accepts only absolute http(s) and mailto addresses", () => {
    expect(safeUrl("https://a.b/c")).toBe("https://a.b/c");
    expect(safeUrl("mailto:x@y.z")).toBe("mailto:x@y.z");
    expect(safeUrl("javascript:alert(1)")).toBe("");
    expect(safeUrl(" java\tscript:alert(1)")).toBe("");
    expect(safeUrl("data:text/html,hi")).toBe("");
    expect(safeUrl("//evil.com")).toBe("");
  });

  it("strips Markdown syntax", () => {
    expect(plainText("**Hire** the [crew](https://x.y) for `concept_brief` ![i](x.png)")).toBe("Hire the crew for concept_brief [i]");
    expect(plainText("keep snake_case_names")).toBe("keep snake_case_names");
  });
});
