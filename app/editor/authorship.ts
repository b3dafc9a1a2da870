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
