/**
 * The words a comment or proposal being written is about. Once the composer's text box has the focus, the browser's
 * selection has left the text; this plugin keeps those words marked (`<span class="draft-highlight">`) until the
 * draft is cancelled, or sent and its thread's own highlight drawn (closing the panel keeps it; discussion.tsx
 * unmarks). A decoration only: nothing is written to the document or seen by anyone else.
 *
 * The words are followed as Yjs relative positions, the ones the threads API is sent (selection.ts), so the highlight
 * covers what the server will anchor. A remote edit reaches ProseMirror as one step replacing the whole document
 * (y-tiptap), through which ProseMirror's mapping would lose the words: those are read again from the relative
 * positions. Local edits are mapped step by step (the Y.Doc only catches up after them), each end staying before
 * text inserted at it, as the relative positions do. Once all the words are gone, so is the highlight, for good.
 */
import { Plugin, PluginKey, type EditorState, type Transaction } from "@tiptap/pm/state";
import { Decoration, DecorationSet } from "@tiptap/pm/view";
import { ySyncPluginKey } from "@tiptap/y-tiptap";
import { absoluteRange, relativeRange, type RelativeRange } from "./selection";

export interface DraftWords {
  from: number;
  to: number;
}

export interface DraftHighlight extends DraftWords {
  /** The words as Yjs relative positions; null when the editor is not bound to a Y.Doc. */
  relative: RelativeRange | null;
}

interface PluginState {
  draft: DraftHighlight | null;
  decorations: DecorationSet;
}

export const draftHighlightKey = new PluginKey<PluginState>("draftHighlight");

/** Mark the words of a draft (`null`: the draft is done, unmark them). */
export function setDraftHighlight(state: EditorState, words: DraftWords | null): Transaction {
  return state.tr.setMeta(draftHighlightKey, words).setMeta("addToHistory", false);
}

/**
 * Where the draft's words are after `tr` (`before`: the state `tr` applies to), or null once none is left. A remote
 * edit (y-tiptap's `isChangeOrigin`) is read from the relative positions, which `before`'s binding now resolves
 * against the document `tr` makes.
 */
export function followDraft(draft: DraftHighlight, tr: Transaction, before: EditorState): DraftHighlight | null {
  const remote = (tr.getMeta(ySyncPluginKey) as { isChangeOrigin?: boolean } | undefined)?.isChangeOrigin === true;
  const words = remote && draft.relative ? absoluteRange(before, draft.relative) : { from: tr.mapping.map(draft.from, -1), to: tr.mapping.map(draft.to, -1) };
  if (!words || words.from >= words.to || words.to > tr.doc.content.size) return null;
  return { ...draft, ...words };
}

function decorate(state: EditorState, draft: DraftHighlight | null): PluginState {
  const decorations = draft ? DecorationSet.create(state.doc, [Decoration.inline(draft.from, draft.to, { nodeName: "span", class: "draft-highlight" })]) : DecorationSet.empty;
  return { draft, decorations };
}

/** The plugin that draws the draft's words. */
export function draftHighlightPlugin(): Plugin<PluginState> {
  return new Plugin<PluginState>({
    key: draftHighlightKey,
    state: {
      init: () => ({ draft: null, decorations: DecorationSet.empty }),
      apply(tr, value, oldState, newState) {
        const meta = tr.getMeta(draftHighlightKey) as DraftWords | null | undefined;
        if (meta !== undefined) return decorate(newState, meta && { ...meta, relative: relativeRange(oldState, meta.from, meta.to) });
        if (!value.draft || !tr.docChanged) return value;
        return decorate(newState, followDraft(value.draft, tr, oldState));
      },
    },
    props: {
      decorations: (state) => draftHighlightKey.getState(state)?.decorations ?? DecorationSet.empty,
    },
  });
}

