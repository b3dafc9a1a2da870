/**
 * Plain text with its http(s) URLs as links, built as React nodes (never as HTML): a hostile text cannot
 * inject markup, and only http: and https: URLs become links (no javascript:, data:, …).
 */
import type { ReactNode } from "react";

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;

export function linkify(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    // Sentence punctuation after a URL stays text.
    const trailing = /[.,;:!?)\]]+$/.exec(match[0])?.[0] ?? "";
    const url = match[0].slice(0, match[0].length - trailing.length);
    let href: string | null = null;
    try {
      const parsed = new URL(url);
      if (parsed.protocol === "http:" || parsed.protocol === "https:") href = parsed.href;
    } catch {
      href = null;
    }
    out.push(text.slice(last, start));
    out.push(href ? <a key={start} href={href}>{url}</a> : url);
    last = start + url.length;
  }
  out.push(text.slice(last));
  return out.filter((node) => node !== "");
}
