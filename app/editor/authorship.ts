/**
 * "Who wrote what": the answer of GET /api/documents/:id/authorship, shared by the server that computes it
 * (app/models/authorship.server.ts) and the editor's view that draws it (app/components/authorship-view.tsx).
 *
 * Paragraphs are the document's textblocks (paragraphs and headings, in lists and quotes too) in document order;
 * `from`/`to` count positions inside one as ProseMirror does (a character of text is one, so is a line break).
 * Authors are named by their display name only, and referred to by their place in `authors` (no account ids).
 */

export interface AuthorshipAuthor {
  /** Display name, or UNKNOWN_AUTHOR for text from the seed, the system or a removed account. */
  name: string;
  /** How many characters of the current text they wrote. */
  characters: number;
}

export interface AuthorshipRun {
  /** Index into `authors`. */
  author: number;
  from: number;
  to: number;
  /** When the newest piece of this run was committed (ISO 8601; null when the log does not say). */
  at: string | null;
}

export interface ParagraphAuthor {
  author: number;
  /** Their earliest and latest piece still in the paragraph (ISO 8601; null when the log does not say). */
  first: string | null;
  last: string | null;
}

export interface AuthorshipParagraph {
  /** Size of the paragraph's content: the view skips one whose size has changed since. */
  size: number;
  runs: AuthorshipRun[];
  /** Who wrote this paragraph, the earliest writer first. */
  authors: ParagraphAuthor[];
}

export interface Authorship {
  /** The log's last seq this answer reflects. */
  seq: number;
  /** The legend: most text first. */
  authors: AuthorshipAuthor[];
  paragraphs: AuthorshipParagraph[];
}

export const UNKNOWN_AUTHOR = "Imported or removed account";

/** The smallest part of a ProseMirror document this module needs (so it stays free of editor imports). */
interface BlockNode {
  isTextblock: boolean;
  content: { size: number };
  descendants(f: (node: BlockNode, pos: number) => boolean | void): void;
}

/** Where each textblock's content starts, in document order: the answer's paragraphs, in the editor's document. */
export function textblockStarts(doc: BlockNode): { start: number; size: number }[] {
  const blocks: { start: number; size: number }[] = [];
  doc.descendants((node, pos) => {
    if (!node.isTextblock) return true;
    blocks.push({ start: pos + 1, size: node.content.size });
    return false;
  });
  return blocks;
}

/**
 * The answer's runs as document ranges. A paragraph whose size differs from the answer's (edited since) is left out
 * until the next answer, rather than coloured at the wrong places.
 */
export function authorshipRanges(doc: BlockNode, answer: Authorship): { from: number; to: number; author: number; at: string | null }[] {
  const blocks = textblockStarts(doc);
  const ranges: { from: number; to: number; author: number; at: string | null }[] = [];
  answer.paragraphs.forEach((paragraph, i) => {
    const block = blocks[i];
    if (!block || block.size !== paragraph.size) return;
    for (const run of paragraph.runs) ranges.push({ from: block.start + run.from, to: block.start + run.to, author: run.author, at: run.at });
  });
  return ranges;
}

/** The index of the textblock whose content starts at `start` (-1 if none). */
export function paragraphIndexOf(doc: BlockNode, start: number): number {
  return textblockStarts(doc).findIndex((b) => b.start === start);
}

/** The colour (one of 8) and underline style (one of 5) that mark an author: colour is never the only difference. */
export function authorStyle(author: number): string {
  return `authorship-mark authorship-mark--c${author % 8} authorship-mark--s${author % 5}`;
}
