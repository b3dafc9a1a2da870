/**
 * The side-by-side view of a translation (issue 14): the source's blocks beside the translation's, paragraph beside
 * paragraph, and which rows no longer have the same structure (a heading beside a paragraph, a list of 3 items
 * beside one of 2, a block with nothing beside it). Pure: the browser reads the blocks from the HTML.
 */

export interface BlockShape {
  /** "h1"…"h6", "p", "ul:3" (a list and its item count), "ol:2", "blockquote", "hr", "pre"… */
  kind: string;
  text: string;
}

export interface ParallelRow {
  source: BlockShape | null;
  translation: BlockShape | null;
  /** The two sides differ in structure (kind, list length, or a missing side). */
  mismatch: boolean;
}

export function pairBlocks(source: readonly BlockShape[], translation: readonly BlockShape[]): ParallelRow[] {
  const rows: ParallelRow[] = [];
  for (let i = 0; i < Math.max(source.length, translation.length); i++) {
    const s = source[i] ?? null;
    const t = translation[i] ?? null;
    rows.push({ source: s, translation: t, mismatch: !s || !t || s.kind !== t.kind });
  }
  return rows;
}

/** The shape of one top-level block element (works on any DOM: the browser's, or a parsed one). */
export function shapeOf(element: { tagName: string; textContent: string | null; children: ArrayLike<{ tagName: string }> }): BlockShape {
  const tag = element.tagName.toLowerCase();
  const text = (element.textContent ?? "").replace(/\s+/g, " ").trim();
  if (tag === "ul" || tag === "ol") {
    const items = Array.from(element.children).filter((c) => c.tagName.toLowerCase() === "li").length;
    return { kind: `${tag}:${items}`, text };
  }
  return { kind: tag, text };
}
