/**
 * The words someone selected, as the threads API wants them: the W3C TextQuoteSelector quote (exact words and up
 * to 32 characters either side) and, for comments, the range as encoded Yjs relative positions taken just before
 * sending (the server resolves them on its own copy, so an edit elsewhere in flight does not move the words).
 * Commenters' text is read-only, so the browser's selection is read first, then ProseMirror's.
 */
import type { Editor } from "@tiptap/core";
import type { EditorState } from "@tiptap/pm/state";
import * as Y from "yjs";
import { toBase64 } from "lib0/buffer";
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from "@tiptap/y-tiptap";
import type { EncodedRange, Quote } from "./types";
import { QUOTE_CONTEXT_CHARS as QUOTE_CONTEXT } from "./contract";

export interface SelectedWords {
  from: number;
  to: number;
  quote: Quote;
}

function domSelection(editor: Editor): { from: number; to: number } | null {
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  const root = editor.view.dom;
  if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return null;
  try {
    const from = editor.view.posAtDOM(range.startContainer, range.startOffset);
    const to = editor.view.posAtDOM(range.endContainer, range.endOffset);
    return from < to ? { from, to } : null;
  } catch {
    return null;
  }
}

/** The selected words, or null when nothing (or only spaces) is selected. */
export function selectedWords(editor: Editor): SelectedWords | null {
  // The browser's selection first (a toolbar button took focus, or the text is read-only), else the editor's.
  let { from, to } = domSelection(editor) ?? editor.state.selection;
  if (from === to) return null;
  const doc = editor.state.doc;
  // Leading and trailing spaces are not part of the words (a double-click often takes the space after a word).
  const raw = doc.textBetween(from, to, "\n");
  const lead = raw.length - raw.trimStart().length;
  const trail = raw.length - raw.trimEnd().length;
  if (raw.trim() === "") return null;
  if (lead > 0 && doc.textBetween(from, from + lead, "\n").length === lead) from += lead;
  if (trail > 0 && doc.textBetween(to - trail, to, "\n").length === trail) to -= trail;
  const exact = doc.textBetween(from, to, "\n");
  const prefix = doc.textBetween(0, from, "\n").slice(-QUOTE_CONTEXT);
  const suffix = doc.textBetween(to, doc.content.size, "\n").slice(0, QUOTE_CONTEXT);
  return { from, to, quote: { exact, prefix, suffix } };
}

interface YBinding {
  doc: Y.Doc;
  type: Y.XmlFragment;
  mapping: Parameters<typeof absolutePositionToRelativePosition>[2];
}

function yBinding(state: EditorState): YBinding | null {
  const sync = ySyncPluginKey.getState(state) as { type?: Y.XmlFragment; binding?: { mapping: unknown } } | undefined;
  if (!sync?.type?.doc || !sync.binding) return null;
  return { doc: sync.type.doc, type: sync.type, mapping: sync.binding.mapping as YBinding["mapping"] };
}

export interface RelativeRange {
  from: Y.RelativePosition;
  to: Y.RelativePosition;
}

/** The range as Yjs relative positions, or null when the editor is not bound to a Y.Doc. */
export function relativeRange(state: EditorState, from: number, to: number): RelativeRange | null {
  const y = yBinding(state);
  if (!y) return null;
  return {
    from: absolutePositionToRelativePosition(from, y.type, y.mapping) as Y.RelativePosition,
    to: absolutePositionToRelativePosition(to, y.type, y.mapping) as Y.RelativePosition,
  };
}

/** Where a relative range is in the document the binding last drew, or null when either end is gone. */
export function absoluteRange(state: EditorState, range: RelativeRange): { from: number; to: number } | null {
  const y = yBinding(state);
  if (!y) return null;
  const from = relativePositionToAbsolutePosition(y.doc, y.type, range.from, y.mapping);
  const to = relativePositionToAbsolutePosition(y.doc, y.type, range.to, y.mapping);
  return from === null || to === null ? null : { from, to };
}

/** The range as encoded Yjs relative positions (base64), or null when the editor is not bound to a Y.Doc. */
export function encodeRange(editor: Editor, from: number, to: number): EncodedRange | null {
  const range = relativeRange(editor.state, from, to);
  if (!range) return null;
  return { from: toBase64(Y.encodeRelativePosition(range.from)), to: toBase64(Y.encodeRelativePosition(range.to)) };
}
