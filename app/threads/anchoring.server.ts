/**
 * The document side of threads (issue 13), pure over a Y.Doc: where the words of a quote or a range are, which words
 * each anchor mark covers, and the Yjs updates the server writes (an anchor mark; an accepted proposal's
 * replacement). Positions are ProseMirror positions of y-tiptap's view of the document, the one the editor has.
 */
import * as Y from "yjs";
import type { Node as PMNode, Mark } from "@tiptap/pm/model";
import { Transform } from "@tiptap/pm/transform";
import { relativePositionToAbsolutePosition, updateYFragment } from "@tiptap/y-tiptap";
import { getEditorSchema, YJS_FIELD } from "../editor/extensions";
import { ANCHOR_MARK } from "../editor/thread-anchor";
import { validateChangedParts } from "../editor/document-tools.server";
import { QUOTE_CONTEXT_CHARS, type AnchorState, type EncodedRange, type Quote, type QuoteSelector } from "./contract";
import { refusal, type RefusalCode } from "./refusals";
import { proseMirrorDocOf as proseMirrorDocView, proseMirrorViewOf } from "./prosemirror-view.server";

/** Transaction origin of the server's own changes (clients' undo managers never track it). */
export const SERVER_ORIGIN = "accord-server";

/**
 * The document's text as one string, blocks separated by "\n", and where its characters are: one run per text node
 * (a few hundred for a long document, not one entry per character — this is on the path of every new thread).
 */
export interface TextIndex {
  text: string;
  /** Runs of `text` in order: `length` characters from `start`, the first at ProseMirror position `pos`; -1 for a block separator or a hard break. */
  runs: TextRun[];
}

export interface TextRun {
  start: number;
  length: number;
  pos: number;
}

export function indexText(doc: PMNode): TextIndex {
  const parts: string[] = [];
  const runs: TextRun[] = [];
  let length = 0;
  let blocks = 0;
  const separator = () => {
    parts.push("\n");
    runs.push({ start: length, length: 1, pos: -1 });
    length += 1;
  };
  doc.descendants((node, pos) => {
    if (node.isTextblock) {
      if (blocks++ > 0) separator();
    } else if (node.isText) {
      const t = node.text ?? "";
      if (t.length > 0) {
        parts.push(t);
        runs.push({ start: length, length: t.length, pos });
        length += t.length;
      }
    } else if (node.isInline && node.isLeaf) {
      separator();
    }
    return true;
  });
  return { text: parts.join(""), runs };
}

/** The run holding character `i` of the text (binary search), or undefined. */
function runAt(index: TextIndex, i: number): TextRun | undefined {
  let lo = 0;
  let hi = index.runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const run = index.runs[mid]!;
    if (i < run.start) hi = mid - 1;
    else if (i >= run.start + run.length) lo = mid + 1;
    else return run;
  }
  return undefined;
}

/** The ProseMirror position of character `i` of the text; -1 for a separator; undefined outside the text. */
export function positionOf(index: TextIndex, i: number): number | undefined {
  const run = runAt(index, i);
  if (!run) return undefined;
  return run.pos < 0 ? -1 : run.pos + (i - run.start);
}

export type Located = { ok: true; from: number; to: number; quote: Quote } | { ok: false; error: string; code: RefusalCode };

function quoteAt(index: TextIndex, start: number, end: number): Located {
  const from = positionOf(index, start);
  const last = positionOf(index, end - 1);
  if (from === undefined || last === undefined || from < 0 || last < 0) {
    return { ok: false, ...refusal("wordsEdges") };
  }
  return {
    ok: true,
    from,
    to: last + 1,
    quote: {
      exact: index.text.slice(start, end),
      prefix: index.text.slice(Math.max(0, start - QUOTE_CONTEXT_CHARS), start),
      suffix: index.text.slice(end, end + QUOTE_CONTEXT_CHARS),
    },
  };
}

/** The one place of `selector` in the text (its prefix and suffix, when given, must surround it). */
export function locateQuote(index: TextIndex, selector: QuoteSelector): Located {
  const { exact, prefix, suffix } = selector;
  const found: number[] = [];
  for (let at = index.text.indexOf(exact); at >= 0; at = index.text.indexOf(exact, at + 1)) {
    if (prefix && !index.text.endsWith(prefix, at)) continue;
    if (suffix && !index.text.startsWith(suffix, at + exact.length)) continue;
    found.push(at);
    if (found.length > 1) break;
  }
  if (found.length === 0) return { ok: false, ...refusal("wordsNotFound") };
  if (found.length > 1) return { ok: false, ...refusal("wordsMoreThanOnce") };
  return quoteAt(index, found[0]!, found[0]! + exact.length);
}

/**
 * Where a thread's words stand now after an edit took their mark away (a concurrent structural change): the one place
 * where the exact words stand with the quote's own prefix and suffix around them, line breaks between blocks ignored
 * (an Enter or a join next to the words leaves them in place). Anywhere else — moved by a cut and paste, the context
 * rewritten, the words twice — is not found: the thread stays orphaned.
 */
export function locateInContext(index: TextIndex, quote: Quote): Located {
  const flat = (s: string) => s.replace(/\n/g, "");
  const prefix = flat(quote.prefix);
  const suffix = flat(quote.suffix);
  const slack = 64; // line breaks tolerated inside the context
  const found: number[] = [];
  if (quote.exact === "") return { ok: false, ...refusal("wordsNotFound") };
  for (let at = index.text.indexOf(quote.exact); at >= 0; at = index.text.indexOf(quote.exact, at + 1)) {
    const end = at + quote.exact.length;
    if (!flat(index.text.slice(Math.max(0, at - quote.prefix.length - slack), at)).endsWith(prefix)) continue;
    if (!flat(index.text.slice(end, end + quote.suffix.length + slack)).startsWith(suffix)) continue;
    found.push(at);
    if (found.length > 1) break;
  }
  if (found.length !== 1) return { ok: false, ...refusal("wordsNotFound") };
  return quoteAt(index, found[0]!, found[0]! + quote.exact.length);
}

function decodePosition(encoded: string): Y.RelativePosition | null {
  try {
    const bytes = Buffer.from(encoded, "base64");
    if (bytes.length === 0 || bytes.length > 256) return null;
    return Y.decodeRelativePosition(new Uint8Array(bytes));
  } catch {
    return null;
  }
}

/** The words between two encoded relative positions, resolved on the committed document. */
export function locateRange(ydoc: Y.Doc, mapping: Map<unknown, unknown>, index: TextIndex, range: EncodedRange): Located {
  const fragment = ydoc.getXmlFragment(YJS_FIELD);
  const a = decodePosition(range.from);
  const b = decodePosition(range.to);
  if (!a || !b) return { ok: false, ...refusal("selectionUnreadable") };
  let from: number | null;
  let to: number | null;
  try {
    from = relativePositionToAbsolutePosition(ydoc, fragment, a, mapping as never);
    to = relativePositionToAbsolutePosition(ydoc, fragment, b, mapping as never);
  } catch {
    return { ok: false, ...refusal("selectionUnreadable") };
  }
  if (from === null || to === null || to <= from) return { ok: false, ...refusal("selectionGone") };
  // The characters whose positions are in [from, to): text positions grow with the text, so the first and last runs
  // overlapping it bound them.
  let start = -1;
  let end = -1;
  for (const run of index.runs) {
    if (run.pos < 0 || run.pos + run.length <= from || run.pos >= to) continue;
    if (start < 0) start = run.start + Math.max(0, from - run.pos);
    end = run.start + Math.min(run.length, to - run.pos);
  }
  if (start < 0) return { ok: false, ...refusal("selectionGone") };
  return quoteAt(index, start, end);
}

/** What one thread's anchor covers now. */
export interface AnchorSpan {
  /** The marked characters, "\n" between blocks. */
  text: string;
  from: number;
  to: number;
}

/**
 * Every anchor in the document, by thread id; with `within`, only the text between those positions is read (the
 * anchors found are then those wholly inside it, as the whole document would give them: a mark just put on exactly
 * that range, say).
 */
export function anchorSpans(doc: PMNode, within?: { from: number; to: number }): Map<string, AnchorSpan> {
  const spans = new Map<string, AnchorSpan & { block: number }>();
  let block = -1;
  const visit = (node: PMNode, pos: number) => {
    if (node.isTextblock) block++;
    if (!node.isText) return true;
    for (const mark of node.marks) {
      if (mark.type.name !== ANCHOR_MARK) continue;
      const id = String(mark.attrs.threadId);
      const span = spans.get(id);
      const t = node.text ?? "";
      if (!span) spans.set(id, { text: t, from: pos, to: pos + t.length, block });
      else {
        span.text += (span.block !== block ? "\n" : "") + t;
        span.to = pos + t.length;
        span.block = block;
      }
    }
    return true;
  };
  if (within) doc.nodesBetween(within.from, within.to, visit);
  else doc.descendants(visit);
  return new Map([...spans].map(([id, { text, from, to }]) => [id, { text, from, to }]));
}

/**
 * Do the marked words read as the quote? Block boundaries do not count: Enter inside the words, or joining their
 * paragraphs, leaves the same words.
 */
export function sameWords(a: string, b: string): boolean {
  return a.replace(/\n/g, "") === b.replace(/\n/g, "");
}

export function anchorStateOf(span: AnchorSpan | undefined, exact: string): AnchorState {
  if (!span || span.text === "") return "orphaned";
  return sameWords(span.text, exact) ? "active" : "edited";
}

type Meta = Parameters<typeof updateYFragment>[3];

/** The committed document as y-tiptap reads it (the mapping resolves relative positions). */
export function proseMirrorOf(ydoc: Y.Doc): { doc: PMNode; mapping: Map<unknown, unknown>; meta: Meta } {
  return proseMirrorViewOf(ydoc);
}

/** The committed document as y-tiptap reads it, for reading only (no mapping; the same node until the Y.Doc changes). */
export function proseMirrorDocOf(ydoc: Y.Doc): PMNode {
  return proseMirrorDocView(ydoc);
}

/**
 * The top-level blocks `next` changed from `current` (ProseMirror's transforms share the nodes they leave alone), each
 * with the Y element `meta` maps to it; null when the change is not only within blocks (blocks added, removed,
 * retyped) or the view does not map them one to one (y-tiptap left out a block it could not read).
 */
function changedBlocks(fragment: Y.XmlFragment, current: PMNode, next: PMNode, meta: Meta): { y: Y.XmlElement; node: PMNode }[] | null {
  const count = current.childCount;
  if (count === 0 || next.childCount !== count || fragment.length !== count) return null;
  const changed: { y: Y.XmlElement; node: PMNode }[] = [];
  let index = 0;
  for (const y of fragment.toArray()) {
    const before = current.child(index);
    const after = next.child(index++);
    if (before === after) continue;
    if (!(y instanceof Y.XmlElement) || meta.mapping.get(y) !== before || after.type !== before.type) return null;
    changed.push({ y, node: after });
  }
  return changed;
}

/**
 * Apply `next` (a changed copy of `current`, the document `meta` maps) to `ydoc` as the server; the Yjs update it
 * made, or null. A change within blocks (a mark, a replaced word) is checked and written block by block, as y-tiptap's
 * walk of the whole document would reach them, without walking the others (a new thread's path: see bench/comments.ts).
 */
export function writeAsServer(ydoc: Y.Doc, current: PMNode, next: PMNode, meta: Meta): Uint8Array | null {
  const fragment = ydoc.getXmlFragment(YJS_FIELD);
  const blocks = changedBlocks(fragment, current, next, meta);
  if (blocks) for (const { node } of blocks) node.check();
  else next.check();
  const updates: Uint8Array[] = [];
  const collect = (update: Uint8Array) => updates.push(update);
  const changed = new Set<Y.AbstractType<unknown>>();
  let before: Map<number, number> | null = null;
  const changes = (transaction: Y.Transaction) => {
    before ??= transaction.beforeState;
    for (const type of transaction.changed.keys()) changed.add(type as Y.AbstractType<unknown>);
  };
  ydoc.on("update", collect);
  ydoc.on("afterTransaction", changes);
  try {
    ydoc.transact(() => {
      if (blocks) {
        meta.mapping.set(fragment, next);
        for (const { y, node } of blocks) updateYFragment(ydoc, y, node, meta);
      } else updateYFragment(ydoc, fragment, next, meta);
    }, SERVER_ORIGIN);
  } finally {
    ydoc.off("update", collect);
    ydoc.off("afterTransaction", changes);
  }
  // Only what the change touched is checked (the rest was valid: every committed change was checked the same way).
  const valid = before ? validateChangedParts(ydoc, changed, before) : ({ ok: true } as const);
  if (!valid.ok) throw new Error(`server change left an invalid document: ${valid.reason}`);
  return updates.length === 0 ? null : updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
}

/** The document with `threadId`'s anchor on [from, to). */
export function withAnchor(doc: PMNode, from: number, to: number, threadId: string): PMNode {
  const type = getEditorSchema().marks[ANCHOR_MARK]!;
  return new Transform(doc).addMark(from, to, type.create({ threadId })).doc;
}

/** The document without any of `threadId`'s anchor (the words stay; other threads' anchors stay). */
export function withoutAnchor(doc: PMNode, threadId: string): PMNode {
  const type = getEditorSchema().marks[ANCHOR_MARK]!;
  return new Transform(doc).removeMark(0, doc.content.size, type.create({ threadId })).doc;
}

/**
 * The document with [from, to) replaced by `text`, carrying the marks of the first replaced character (so the
 * thread's own anchor, and any other thread's anchor that covered those words, now cover the new words).
 */
export function withReplacement(doc: PMNode, from: number, to: number, text: string): PMNode {
  const schema = getEditorSchema();
  const marks: readonly Mark[] = doc.nodeAt(from)?.marks ?? [];
  const tr = new Transform(doc);
  if (text === "") tr.delete(from, to);
  else tr.replaceWith(from, to, schema.text(text, marks));
  return tr.doc;
}
