/**
 * Sections with nothing in them: a heading followed by no content before the next heading of the same or a higher
 * level (or the end of the text). "1. Principles" followed only by "1.1 Scope" and its paragraphs is not empty;
 * its subsection decides. Empty paragraphs are spacing, not content. Pure: the publish preview warns with it.
 */
import { documentBlocks, type DiffNode } from "../diff/text-diff";

/** The text of every heading whose section is empty, in document order. */
export function emptySections(doc: DiffNode | null | undefined): string[] {
  const blocks = documentBlocks(doc);
  const empty: string[] = [];
  blocks.forEach((block, index) => {
    if (block.kind !== "heading") return;
    const next = blocks[index + 1];
    if (!next || (next.kind === "heading" && next.level <= block.level)) empty.push(block.text.trim() || "(a heading without words)");
  });
  return empty;
}
