// Model output as sanitized Markdown. Nothing a model writes can run code, load a remote
// resource or navigate the webview: raw HTML is dropped, images become their alt text in
// brackets, and only http(s)/mailto links survive — as anchors whose clicks never navigate
// the window; an http(s) link opens in the user's browser instead.
import type { MouseEvent, ReactNode } from "react";
import ReactMarkdown, { type Components, type UrlTransform } from "react-markdown";
import { openExternal } from "../lib/openExternal";
import "./markdown.css";

const SAFE_SCHEME = /^(https?|mailto):/i;

/** `url` when it is an absolute http(s) or mailto address; otherwise "". */
export function safeUrl(url: string): string {
  const trimmed = url.trim();
  // Control characters and whitespace inside a scheme are a classic way to smuggle
  // `java\nscript:`; an address containing them is refused outright.
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return "";
  if (!SAFE_SCHEME.test(trimmed)) return "";
  try {
    const parsed = new URL(trimmed);
    return parsed.protocol === "http:" || parsed.protocol === "https:" || parsed.protocol === "mailto:" ? trimmed : "";
  } catch {
    return "";
  }
}

const urlTransform: UrlTransform = (url, key) => (key === "href" ? safeUrl(url) : "");

function stop(e: MouseEvent) {
  e.preventDefault();
}

/** An external link that shows its address but never navigates the webview. */
export function SafeLink({
  href,
  children,
  onOpen = openExternal,
}: {
  href: string | null | undefined;
  children: ReactNode;
  /** What a click does with the address (default: the user's browser). */
  onOpen?: (url: string) => void;
}) {
  const url = href ? safeUrl(href) : "";
  if (!url) return <span className="md-link-text">{children}</span>;
  const open = (e: MouseEvent) => {
    e.preventDefault();
    onOpen?.(url);
  };
  return (
    <a className="md-link md-link-open" href={url} title={url} rel="noopener noreferrer" onClick={open} onAuxClick={stop} draggable={false}>
      {children}
    </a>
  );
}

function components(onOpenLink: ((url: string) => void) | undefined, inline: boolean): Components {
  const heading = ({ children }: { children?: ReactNode }) => <p className="md-heading">{children}</p>;
  return {
    a: ({ href, children }) => (
      <SafeLink href={href} onOpen={onOpenLink}>
        {children}
      </SafeLink>
    ),
    img: ({ alt }) => <span className="md-img">[{alt || "image"}]</span>,
    // Model headings would shout inside a card and break the page outline.
    h1: heading,
    h2: heading,
    h3: heading,
    h4: heading,
    h5: heading,
    h6: heading,
    ...(inline ? { p: ({ children }: { children?: ReactNode }) => <>{children}</> } : {}),
  };
}

// Phrasing content only: everything else is unwrapped to its text.
const INLINE_ELEMENTS = ["p", "em", "strong", "code", "a", "img", "del", "br"];

export interface MarkdownProps {
  /** Markdown from the model (or anything else untrusted). */
  text: string;
  /** Render as phrasing content inside a span (no paragraphs, lists or headings). */
  inline?: boolean;
  /** Called with the address when a safe link is clicked (e.g. to open it in the browser). */
  onOpenLink?: (url: string) => void;
  className?: string;
}

/** Untrusted Markdown, rendered safely. */
// Text without any of these needs no parsing: React escapes it as it is.
const NEEDS_PARSING = /[\\*_`[\]!<>#~|&\n\r]|^\s*([-+=]|\d+[.)])|^\s{4}/;

export function Markdown({ text, inline = false, onOpenLink, className }: MarkdownProps) {
  const source = typeof text === "string" ? text : "";
  const cls = `md ${inline ? "md-inline" : "md-block"}${className ? ` ${className}` : ""}`;
  if (!NEEDS_PARSING.test(source)) {
    const plain = source.trim();
    return inline ? <span className={cls}>{plain}</span> : <div className={cls}>{plain && <p>{plain}</p>}</div>;
  }
  const md = (
    <ReactMarkdown
      skipHtml
      urlTransform={urlTransform}
      components={components(onOpenLink, inline)}
      allowedElements={inline ? INLINE_ELEMENTS : undefined}
      unwrapDisallowed={inline}
    >
      {source}
    </ReactMarkdown>
  );
  return inline ? <span className={cls}>{md}</span> : <div className={cls}>{md}</div>;
}

/** Markdown reduced to plain text, for SVG labels and tooltips. */
export function plainText(text: string): string {
  if (typeof text !== "string") return "";
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "[$1]")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]*>/g, "")
    .replace(/(\*\*|__)(\S(?:.*?\S)?)\1/g, "$2")
    .replace(/(^|[^\w*])\*(\S(?:.*?\S)?)\*(?!\w)/g, "$1$2")
    .replace(/(^|\W)_(\S(?:.*?\S)?)_(?!\w)/g, "$1$2")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+/gm, "")
    .replace(/\s+/g, " ")
    .trim();
}
