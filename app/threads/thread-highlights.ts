/**
 * How threads show in the text. The anchor mark (`anchor{threadId}`, written only by the server) says which words
 * a thread is about; this extension draws them, without writing the document:
 *
 * - every open thread's words get a highlight: one `<span class="thread-highlight">` per thread, nested where
 *   threads overlap, so overlapping threads read darker; resolved threads are not drawn;
 * - the focused thread's words are outlined (`is-focused`);
 * - a pending proposal strikes its words through and shows the proposed wording beside them, only its changed words
 *   marked (a widget: never part of the document, never sent anywhere);
 * - a click on highlighted words tells `onActivate` which thread (the innermost) they belong to;
 * - the words of a comment or proposal being written stay marked while its composer has the focus (draft-highlight.ts).
 *
 * The panel hands the threads in with `setThreadHighlights`; `anchorRanges` reads where each thread's words are.
 */
import { Extension } from "@tiptap/core";
import { Plugin, PluginKey, type EditorState } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import type { Node as PmNode } from "@tiptap/pm/model";
import { ANCHOR_MARK } from "../editor/thread-anchor";
import { diffWords } from "./word-diff";
import { draftHighlightPlugin } from "./draft-highlight";

const ANCHOR_ATTR = "threadId";

export interface AnchorRange {
  from: number;
  to: number;
  /** The marked words as they are now (blocks joined by a newline). */
  text: string;
  segments: [number, number][];
}

/** Where each thread's words are in `doc`, in document order (a Map keeps insertion order). */
export function anchorRanges(doc: PmNode): Map<string, AnchorRange> {
  const ranges = new Map<string, AnchorRange>();
  doc.descendants((node, pos) => {
    if (!node.isText) return true;
    for (const mark of node.marks) {
      if (mark.type.name !== ANCHOR_MARK) continue;
      const id = mark.attrs[ANCHOR_ATTR];
      if (typeof id !== "string" || id === "") continue;
      const end = pos + node.nodeSize;
      const range = ranges.get(id);
      if (!range) {
        ranges.set(id, { from: pos, to: end, text: node.text ?? "", segments: [[pos, end]] });
        continue;
      }
      const last = range.segments[range.segments.length - 1]!;
      if (last[1] === pos) last[1] = end;
      else range.segments.push([pos, end]);
      range.text += (range.to === pos ? "" : "\n") + (node.text ?? "");
      range.to = end;
    }
    return false;
  });
  return ranges;
}

export interface HighlightThread {
  id: string;
  /** A pending proposal's wording, drawn beside the struck-through words. */
  proposed?: string | null;
}

interface HighlightState {
  threads: HighlightThread[];
  focused: string | null;
  decorations: DecorationSet;
}

interface HighlightMeta {
  threads?: HighlightThread[];
  focused?: string | null;
}

export const threadHighlightsKey = new PluginKey<HighlightState>("threadHighlights");

function proposalWidget(id: string, original: string, proposed: string): HTMLElement {
  const box = document.createElement("span");
  box.className = "thread-proposal";
  box.dataset.threadId = id;
  const label = document.createElement("span");
  label.className = "visually-hidden";
  label.textContent = proposed === "" ? " (proposed: delete these words) " : " proposed: ";
  box.append(label);
  for (const part of diffWords(original, proposed)) {
    if (part.kind === "removed") continue;
    const piece = document.createElement(part.kind === "added" ? "ins" : "span");
    piece.textContent = part.text;
    box.append(piece);
  }
  if (proposed === "") {
    const gone = document.createElement("span");
    gone.className = "thread-proposal__deletion";
    gone.setAttribute("aria-hidden", "true");
    gone.textContent = "delete";
    box.append(gone);
  }
  return box;
}

function buildDecorations(doc: PmNode, threads: HighlightThread[], focused: string | null): DecorationSet {
  if (threads.length === 0) return DecorationSet.empty;
  const ranges = anchorRanges(doc);
  const decorations: Decoration[] = [];
  for (const thread of threads) {
    const range = ranges.get(thread.id);
    if (!range) continue;
    const proposing = typeof thread.proposed === "string";
    const className = ["thread-highlight", proposing ? "thread-highlight--proposal" : "", thread.id === focused ? "is-focused" : ""].filter(Boolean).join(" ");
    for (const [from, to] of range.segments) {
      decorations.push(Decoration.inline(from, to, { nodeName: "span", class: className, "data-thread-id": thread.id }, { threadId: thread.id }));
    }
    if (proposing) {
      const proposed = thread.proposed ?? "";
      decorations.push(
        Decoration.widget(range.to, () => proposalWidget(thread.id, range.text, proposed), {
          side: 1,
          key: `proposal-${thread.id}-${proposed.length}-${proposed.slice(0, 40)}-${range.text.length}`,
          ignoreSelection: true,
        }),
      );
    }
  }
  return DecorationSet.create(doc, decorations);
}

/** Whether the text draws thread `id`'s words now: its mark has arrived and the panel has handed the thread in. */
export function threadDrawn(state: EditorState, id: string): boolean {
  const decorations = threadHighlightsKey.getState(state)?.decorations;
  return decorations !== undefined && decorations.find(undefined, undefined, (spec) => spec.threadId === id).length > 0;
}

/** Give the text the threads to draw and which one is focused (either may be left out to keep it). */
export function setThreadHighlights(state: EditorState, meta: HighlightMeta) {
  return state.tr.setMeta(threadHighlightsKey, meta).setMeta("addToHistory", false);
}

export interface ThreadHighlightsOptions {
  onActivate: (threadId: string) => void;
}

/** The plugin that draws the threads; `onActivate` hears which thread's words were clicked. */
export function threadHighlightsPlugin(onActivate: (threadId: string) => void): Plugin<HighlightState> {
  return new Plugin<HighlightState>({
    key: threadHighlightsKey,
    state: {
      init: () => ({ threads: [], focused: null, decorations: DecorationSet.empty }),
      apply(tr, value, _old, newState) {
        const meta = tr.getMeta(threadHighlightsKey) as HighlightMeta | undefined;
        if (!meta && !tr.docChanged) return value;
        const threads = meta?.threads ?? value.threads;
        const focused = meta && "focused" in meta ? (meta.focused ?? null) : value.focused;
        return { threads, focused, decorations: buildDecorations(newState.doc, threads, focused) };
      },
    },
    props: {
      decorations: (state) => threadHighlightsKey.getState(state)?.decorations ?? DecorationSet.empty,
      handleClick(_view, _pos, event) {
        const target = event.target instanceof Element ? event.target.closest<HTMLElement>(".thread-highlight, .thread-proposal") : null;
        const id = target?.dataset.threadId;
        if (id) onActivate(id);
        return false;
      },
    },
  });
}

export const ThreadHighlights = Extension.create<ThreadHighlightsOptions>({
  name: "threadHighlights",
  addOptions() {
    return { onActivate: () => {} };
  },
  addProseMirrorPlugins() {
    return [threadHighlightsPlugin(this.options.onActivate), draftHighlightPlugin()];
  },
});
