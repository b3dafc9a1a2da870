/**
 * A readable diff of two versions of a document, as HTML with the changes marked in place.
 *
 * Pure (no I/O, no DOM): usable on the server and in the browser.
 *
 * 1. Each document (Tiptap JSON) is flattened into blocks: paragraphs, headings, list items (with their marker
 *    and nesting depth), quotes and horizontal rules. Empty paragraphs are left out, as in the plain text.
 * 2. The two block lists are diffed (jsdiff's diffArrays). Inside each run of removed and added blocks, a removed
 *    block is paired with a similar added one (same kind, shared words); a pair is then diffed word by word,
 *    so a changed sentence shows the words that changed, not two whole paragraphs.
 * 3. Every change is numbered and focusable: `id="change-N"`, `tabindex="-1"`, `data-change="N"`. A change is a
 *    run of adjacent deleted/inserted words inside a block, a run of wholly deleted/inserted blocks, or a block
 *    whose text is the same but whose kind or formatting changed.
 * 4. Insertions are `<ins>`, deletions `<del>`; both start with visually hidden words ("inserted:", "deleted:")
 *    because screen readers do not announce ins/del by default, and every change starts with "Change N of M".
 *
 * All text is escaped here; the classes and tags come from constants. The caller may insert the HTML as is.
 */
import { diffArrays, diffWords, type ChangeObject } from "diff";

/** The part of Tiptap's JSONContent this module reads (structurally compatible with it). */
export interface DiffNode {
  type?: string;
  attrs?: Record<string, unknown>;
  content?: DiffNode[];
  text?: string;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
}

export type BlockKind = "paragraph" | "heading" | "rule";

export interface Block {
  kind: BlockKind;
  /** Heading level (1–6); 0 for other blocks. */
  level: number;
  /** List nesting (0 outside lists). */
  depth: number;
  /** Blockquote nesting (0 outside quotes). */
  quote: number;
  /** "•" or "3." on the first block of a list item; "" otherwise. Not compared (renumbering is not a change). */
  marker: string;
  /** Plain text; hard breaks are "\n". */
  text: string;
  /** Signature of the inline formatting (marks and their ranges); compared, never shown. */
  format: string;
}

export type ChangeKind = "inserted" | "deleted" | "replaced" | "formatting";

export interface ChangeSummary {
  number: number;
  kind: ChangeKind;
  /** Short excerpts (at most ~80 characters) of what was removed and what was added. */
  removed: string;
  added: string;
}

export interface TextDiff {
  /** The diff as HTML (escaped; safe to insert). */
  html: string;
  changes: ChangeSummary[];
  insertedWords: number;
  deletedWords: number;
  /** True when the two texts are identical (no change at all). */
  identical: boolean;
  /** True when the word-level diff was skipped somewhere because it took too long (blocks shown whole). */
  truncated: boolean;
}

export interface DiffOptions {
  /** Added to every heading level so the diff's headings nest under the page's own (default 1: h1 → h2). */
  headingOffset?: number;
  /** Time budget for the whole diff in milliseconds (default 1500); beyond it, changed blocks are shown whole. */
  budgetMs?: number;
}

/* ------------------------------------------------------------------------ */
/* Flattening                                                                */
/* ------------------------------------------------------------------------ */

const MAX_DEPTH = 64;

interface Context {
  depth: number;
  quote: number;
  /** Marker waiting for the first block of the current list item. */
  pending: { marker: string } | null;
}

function markSignature(marks: DiffNode["marks"]): string {
  if (!marks || marks.length === 0) return "";
  return marks
    .map((m) => `${m.type}${m.attrs && m.type === "link" ? `(${String(m.attrs.href ?? "")})` : ""}`)
    .sort()
    .join("+");
}

function inline(node: DiffNode): { text: string; format: string } {
  let text = "";
  const format: string[] = [];
  for (const child of node.content ?? []) {
    if (typeof child.text === "string") {
      const signature = markSignature(child.marks);
      if (signature) format.push(`${text.length}:${child.text.length}:${signature}`);
      text += child.text;
    } else if (child.type === "hardBreak") {
      text += "\n";
    } else if (child.content) {
      text += inline(child).text;
    }
  }
  return { text, format: format.join(",") };
}

function takeMarker(ctx: Context): string {
  const marker = ctx.pending?.marker ?? "";
  ctx.pending = null;
  return marker;
}

function walk(nodes: readonly DiffNode[] | undefined, ctx: Context, out: Block[], nesting: number): void {
  if (!nodes || nesting > MAX_DEPTH) return;
  for (const node of nodes) {
    switch (node.type) {
      case "paragraph":
      case "heading": {
        const { text, format } = inline(node);
        const marker = takeMarker(ctx);
        const level = node.type === "heading" ? clampLevel(node.attrs?.level) : 0;
        // Empty paragraphs (spacing) are not content: left out, as in the plain text.
        if (node.type === "paragraph" && text.trim() === "" && marker === "") break;
        out.push({ kind: node.type, level, depth: ctx.depth, quote: ctx.quote, marker, text, format });
        break;
      }
      case "horizontalRule":
        takeMarker(ctx);
        out.push({ kind: "rule", level: 0, depth: ctx.depth, quote: ctx.quote, marker: "", text: "", format: "" });
        break;
      case "bulletList":
      case "orderedList": {
        const start = typeof node.attrs?.start === "number" && Number.isSafeInteger(node.attrs.start) ? node.attrs.start : 1;
        (node.content ?? []).forEach((item, index) => {
          const inner: Context = {
            depth: ctx.depth + 1,
            quote: ctx.quote,
            pending: { marker: node.type === "orderedList" ? `${start + index}.` : "•" },
          };
          walk(item.type === "listItem" ? item.content : [item], inner, out, nesting + 1);
        });
        break;
      }
      case "blockquote":
        walk(node.content, { depth: ctx.depth, quote: ctx.quote + 1, pending: ctx.pending }, out, nesting + 1);
        ctx.pending = null;
        break;
      default:
        if (typeof node.text === "string") {
          // Stray inline text at block level: shown as a paragraph.
          if (node.text.trim() !== "") {
            out.push({ kind: "paragraph", level: 0, depth: ctx.depth, quote: ctx.quote, marker: takeMarker(ctx), text: node.text, format: "" });
          }
        } else {
          walk(node.content, ctx, out, nesting + 1);
        }
    }
  }
}

function clampLevel(level: unknown): number {
  return typeof level === "number" && Number.isInteger(level) ? Math.min(6, Math.max(1, level)) : 1;
}

/** The blocks of a document (Tiptap / ProseMirror JSON). */
export function documentBlocks(doc: DiffNode | null | undefined): Block[] {
  const out: Block[] = [];
  if (doc) walk(doc.type === "doc" || doc.content ? doc.content : [doc], { depth: 0, quote: 0, pending: null }, out, 0);
  return out;
}

/** The blocks of a plain text: paragraphs separated by blank lines. */
export function plainTextBlocks(text: string): Block[] {
  return text
    .replace(/\r\n?/g, "\n")
    .split(/\n[ \t]*\n/)
    .map((p) => p.replace(/^\n+|\n+$/g, ""))
    .filter((p) => p.trim() !== "")
    .map((p) => ({ kind: "paragraph" as const, level: 0, depth: 0, quote: 0, marker: "", text: p, format: "" }));
}

/* ------------------------------------------------------------------------ */
/* Aligning blocks                                                           */
/* ------------------------------------------------------------------------ */

type BlockOp =
  | { op: "equal"; block: Block }
  | { op: "removed"; block: Block }
  | { op: "added"; block: Block }
  | { op: "modified"; from: Block; to: Block };

const blockKey = (b: Block): string => `${b.kind}\u0001${b.level}\u0001${b.depth}\u0001${b.quote}\u0001${b.text}\u0001${b.format}`;

const WORD = /[\p{L}\p{N}]+/gu;

function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** Dice coefficient of the two blocks' words (multiset); rules only match rules. */
export function similarity(a: Block, b: Block): number {
  if ((a.kind === "rule") !== (b.kind === "rule")) return 0;
  if (a.kind === "rule") return 1;
  const wa = words(a.text);
  const wb = words(b.text);
  if (wa.length === 0 && wb.length === 0) return a.text.trim() === b.text.trim() ? 1 : 0.5;
  const counts = new Map<string, number>();
  for (const w of wa) counts.set(w, (counts.get(w) ?? 0) + 1);
  let common = 0;
  for (const w of wb) {
    const n = counts.get(w) ?? 0;
    if (n > 0) {
      common += 1;
      counts.set(w, n - 1);
    }
  }
  return (2 * common) / (wa.length + wb.length);
}

const PAIR_THRESHOLD = 0.4;
const PAIR_WINDOW = 4;

/** Pair removed blocks with similar added blocks, keeping both sides' order. */
function alignHunk(removed: Block[], added: Block[], out: BlockOp[]): void {
  let next = 0;
  for (const r of removed) {
    let best = -1;
    let bestScore = PAIR_THRESHOLD;
    for (let k = next; k < Math.min(added.length, next + PAIR_WINDOW); k++) {
      const score = similarity(r, added[k]!);
      if (score >= bestScore && (best < 0 || score > bestScore)) {
        best = k;
        bestScore = score;
      }
    }
    if (best < 0) {
      out.push({ op: "removed", block: r });
      continue;
    }
    for (; next < best; next++) out.push({ op: "added", block: added[next]! });
    out.push({ op: "modified", from: r, to: added[best]! });
    next = best + 1;
  }
  for (; next < added.length; next++) out.push({ op: "added", block: added[next]! });
}

function alignBlocks(before: Block[], after: Block[], deadline: number): BlockOp[] {
  const out: BlockOp[] = [];
  const keysBefore = before.map(blockKey);
  const keysAfter = after.map(blockKey);
  const timeout = Math.max(50, deadline - Date.now());
  const changes: ChangeObject<string[]>[] = diffArrays(keysBefore, keysAfter, { timeout }) ?? [
    { value: keysBefore, removed: true, added: false, count: keysBefore.length },
    { value: keysAfter, removed: false, added: true, count: keysAfter.length },
  ];
  let i = 0;
  let j = 0;
  let removed: Block[] = [];
  let added: Block[] = [];
  const flush = () => {
    if (removed.length || added.length) alignHunk(removed, added, out);
    removed = [];
    added = [];
  };
  for (const change of changes) {
    if (change.removed) {
      for (let n = 0; n < change.count; n++) removed.push(before[i++]!);
    } else if (change.added) {
      for (let n = 0; n < change.count; n++) added.push(after[j++]!);
    } else {
      flush();
      for (let n = 0; n < change.count; n++) {
        out.push({ op: "equal", block: after[j]! });
        i++;
        j++;
      }
    }
  }
  flush();
  return out;
}

/* ------------------------------------------------------------------------ */
/* Rendering                                                                 */
/* ------------------------------------------------------------------------ */

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Escaped text with hard breaks as <br>. */
function textHtml(text: string): string {
  return escapeHtml(text).replace(/\n/g, "<br>");
}

const hidden = (text: string) => `<span class="visually-hidden">${escapeHtml(text)}</span>`;

function blockTag(b: Block, headingOffset: number): string {
  return b.kind === "heading" ? `h${Math.min(6, b.level + headingOffset)}` : "p";
}

function blockClasses(b: Block, extra: string[]): string {
  const classes = ["diff-block", ...extra];
  if (b.depth > 0) classes.push("diff-list", `diff-depth-${Math.min(b.depth, 6)}`);
  if (b.quote > 0) classes.push("diff-quote", `diff-quote-${Math.min(b.quote, 3)}`);
  if (b.kind === "rule") classes.push("diff-rule");
  return classes.join(" ");
}

function markerHtml(b: Block): string {
  return b.marker ? `<span class="diff-marker">${escapeHtml(b.marker)}</span> ` : "";
}

function blockWrap(b: Block, headingOffset: number, inner: string, extra: string[] = []): string {
  const tag = blockTag(b, headingOffset);
  return `<${tag} class="${blockClasses(b, extra)}">${markerHtml(b)}${inner}</${tag}>`;
}

function kindName(b: Block): string {
  if (b.kind === "heading") return `a heading (level ${b.level})`;
  if (b.kind === "rule") return "a horizontal line";
  if (b.marker) return "a list item";
  if (b.depth > 0) return "a paragraph in a list";
  if (b.quote > 0) return "a quotation";
  return "a paragraph";
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 80 ? `${flat.slice(0, 77).trimEnd()}…` : flat;
}

function countWords(text: string): number {
  return words(text).length;
}

function changeStart(n: number, total: number): string {
  return `<span class="diff-num" aria-hidden="true">${n}</span>${hidden(`Change ${n} of ${total}: `)}`;
}

function changeEnd(n: number): string {
  return hidden(` (end of change ${n})`);
}

const changeAttrs = (n: number, className: string) => `class="${className}" id="change-${n}" tabindex="-1" data-change="${n}"`;

function delHtml(text: string): string {
  return `<del>${hidden("deleted: ")}${textHtml(text)}</del>`;
}

function insHtml(text: string): string {
  return `<ins>${hidden("inserted: ")}${textHtml(text)}</ins>`;
}

/** One rendered piece of the diff: either finished HTML, or a change waiting for its number. */
type Piece = string | ((total: number) => string);

interface State {
  pieces: Piece[];
  changes: ChangeSummary[];
  inserted: number;
  deleted: number;
  truncated: boolean;
  headingOffset: number;
  deadline: number;
}

function newChange(state: State, kind: ChangeKind, removed: string, added: string): number {
  const number = state.changes.length + 1;
  state.changes.push({ number, kind, removed: excerpt(removed), added: excerpt(added) });
  return number;
}

/** A run of wholly deleted or inserted blocks: one change. */
function renderBlockRun(state: State, run: { op: "removed" | "added"; block: Block }[]): void {
  const removedText = run.filter((r) => r.op === "removed").map((r) => r.block.text || "(horizontal line)").join(" ");
  const addedText = run.filter((r) => r.op === "added").map((r) => r.block.text || "(horizontal line)").join(" ");
  const kind: ChangeKind = removedText && addedText ? "replaced" : addedText ? "inserted" : "deleted";
  const n = newChange(state, kind, removedText, addedText);
  for (const r of run) {
    if (r.op === "removed") state.deleted += countWords(r.block.text);
    else state.inserted += countWords(r.block.text);
  }
  state.pieces.push((total) => {
    const blocks = run
      .map(({ op, block }) => {
        const text = block.kind === "rule" ? "(horizontal line)" : block.text;
        const what = op === "removed" ? `deleted ${kindName(block)}: ` : `inserted ${kindName(block)}: `;
        const inner = `${hidden(what)}${textHtml(text)}`;
        const wrapper = op === "removed" ? "del" : "ins";
        return `<${wrapper} class="diff-whole">${blockWrap(block, state.headingOffset, inner)}</${wrapper}>`;
      })
      .join("");
    return `<div ${changeAttrs(n, "diff-change diff-blocks")}>${changeStart(n, total)}${blocks}${changeEnd(n)}</div>`;
  });
}

let segmenter: Intl.Segmenter | undefined;

/** Words in every script (jsdiff's own tokenizer knows only Latin letters; Greek or Cyrillic would diff by letter). */
function wordSegmenter(): Intl.Segmenter {
  segmenter ??= new Intl.Segmenter("en", { granularity: "word" });
  return segmenter;
}

function renderModified(state: State, from: Block, to: Block): void {
  const timeout = state.deadline - Date.now();
  const parts =
    timeout > 0 ? diffWords(from.text, to.text, { timeout, intlSegmenter: wordSegmenter() }) : undefined;
  if (!parts) {
    state.truncated = true;
    renderBlockRun(state, [
      { op: "removed", block: from },
      { op: "added", block: to },
    ]);
    return;
  }
  if (!parts.some((p) => p.added || p.removed)) {
    // Same words; the kind of block or its formatting changed.
    const note = from.kind !== to.kind || from.level !== to.level || from.depth !== to.depth || from.quote !== to.quote
      ? `Formatting changed: this was ${kindName(from)}.`
      : "Formatting changed (bold, italic, links or line breaks).";
    const n = newChange(state, "formatting", "", note);
    state.pieces.push((total) => {
      const inner = `${textHtml(to.text)} <span class="diff-note">${escapeHtml(note)}</span>`;
      return `<div ${changeAttrs(n, "diff-change diff-format")}>${changeStart(n, total)}${blockWrap(to, state.headingOffset, inner, ["diff-modified"])}${changeEnd(n)}</div>`;
    });
    return;
  }
  // Group adjacent removed/added parts into changes.
  const segments: (string | Piece)[] = [];
  let k = 0;
  while (k < parts.length) {
    const part = parts[k]!;
    if (!part.added && !part.removed) {
      segments.push(textHtml(part.value));
      k++;
      continue;
    }
    let removed = "";
    let added = "";
    while (k < parts.length && (parts[k]!.added || parts[k]!.removed)) {
      if (parts[k]!.removed) removed += parts[k]!.value;
      else added += parts[k]!.value;
      k++;
    }
    state.deleted += countWords(removed);
    state.inserted += countWords(added);
    const kind: ChangeKind = removed && added ? "replaced" : added ? "inserted" : "deleted";
    const n = newChange(state, kind, removed, added);
    segments.push(
      (total: number) =>
        `<span ${changeAttrs(n, "diff-change diff-inline")}>${changeStart(n, total)}${removed ? delHtml(removed) : ""}${added ? insHtml(added) : ""}${changeEnd(n)}</span>`,
    );
  }
  const extra = from.kind !== to.kind || from.level !== to.level ? ` <span class="diff-note">${escapeHtml(`(was ${kindName(from)})`)}</span>` : "";
  state.pieces.push((total) =>
    blockWrap(to, state.headingOffset, segments.map((s) => (typeof s === "string" ? s : s(total))).join("") + extra, ["diff-modified"]),
  );
}

function renderEqual(state: State, b: Block): void {
  state.pieces.push(b.kind === "rule" ? `<hr class="diff-hr">` : blockWrap(b, state.headingOffset, textHtml(b.text)));
}

function render(ops: BlockOp[], options: DiffOptions, deadline: number): TextDiff {
  const state: State = {
    pieces: [],
    changes: [],
    inserted: 0,
    deleted: 0,
    truncated: false,
    headingOffset: options.headingOffset ?? 1,
    deadline,
  };
  let run: { op: "removed" | "added"; block: Block }[] = [];
  const flushRun = () => {
    if (run.length) renderBlockRun(state, run);
    run = [];
  };
  for (const op of ops) {
    if (op.op === "removed" || op.op === "added") {
      run.push(op);
      continue;
    }
    flushRun();
    if (op.op === "equal") renderEqual(state, op.block);
    else renderModified(state, op.from, op.to);
  }
  flushRun();
  const total = state.changes.length;
  return {
    html: state.pieces.map((p) => (typeof p === "string" ? p : p(total))).join(""),
    changes: state.changes,
    insertedWords: state.inserted,
    deletedWords: state.deleted,
    identical: total === 0,
    truncated: state.truncated,
  };
}

/* ------------------------------------------------------------------------ */
/* Entry points                                                              */
/* ------------------------------------------------------------------------ */

/** Diff two block lists. */
export function diffBlocks(before: Block[], after: Block[], options: DiffOptions = {}): TextDiff {
  const deadline = Date.now() + (options.budgetMs ?? 1500);
  return render(alignBlocks(before, after, deadline), options, deadline);
}

/** Diff two documents given as Tiptap / ProseMirror JSON. */
export function diffDocuments(before: DiffNode | null | undefined, after: DiffNode | null | undefined, options: DiffOptions = {}): TextDiff {
  return diffBlocks(documentBlocks(before), documentBlocks(after), options);
}

/** Diff two plain texts (paragraphs separated by blank lines), e.g. the canonical texts of published versions. */
export function diffPlainTexts(before: string, after: string, options: DiffOptions = {}): TextDiff {
  return diffBlocks(plainTextBlocks(before), plainTextBlocks(after), options);
}
