/**
 * What the outline and the word count read from the editor's document: its headings (level, text, position) and
 * its number of words. Pure functions of a ProseMirror document (immutable), cached per document so that a
 * selection change or a remote caret costs nothing.
 */
import type { Node } from "@tiptap/pm/model";

export interface OutlineHeading {
  level: number;
  text: string;
  /** Position of the heading node in the document. */
  pos: number;
}

export interface DocumentFacts {
  headings: OutlineHeading[];
  words: number;
}

/** A word: letters or digits, joined by an apostrophe or a hyphen ("don't", "well-known"). */
const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

export function countWords(text: string): number {
  return text.match(WORD)?.length ?? 0;
}

const cache = new WeakMap<Node, DocumentFacts>();

export function documentFacts(doc: Node): DocumentFacts {
  const cached = cache.get(doc);
  if (cached) return cached;
  const headings: OutlineHeading[] = [];
  doc.descendants((node, pos) => {
    if (node.type.name === "heading") headings.push({ level: Number(node.attrs.level) || 1, text: node.textContent.trim(), pos });
    return !node.isTextblock;
  });
  // Blocks are separated by a space so that "end.<p>Start" counts two words.
  const facts = { headings, words: countWords(doc.textBetween(0, doc.content.size, " ", " ")) };
  cache.set(doc, facts);
  return facts;
}

/** "1 word", "1,234 words". */
export function formatWordCount(words: number): string {
  return `${words.toLocaleString("en-GB")} ${words === 1 ? "word" : "words"}`;
}
