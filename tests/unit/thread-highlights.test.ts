/**
 * How the editor draws threads (app/threads/thread-highlights.ts, draft-highlight.ts, word-diff.ts, panel-model.ts):
 * where each thread's words are, which are highlighted (open ones, nested where they overlap), a pending proposal's
 * wording beside its words with only the changed words marked, the words of a comment being written followed
 * through local and remote edits, and the panel's order, filter, counts and quotes.
 */
import { describe, expect, it } from "vitest";
import type * as Y from "yjs";
import { Node, Slice } from "@tiptap/pm/model";
import { EditorState } from "@tiptap/pm/state";
import { initProseMirrorDoc, ySyncPlugin, ySyncPluginKey } from "@tiptap/y-tiptap";
import { getEditorSchema, YJS_FIELD } from "../../app/editor/extensions";
import { ANCHOR_MARK } from "../../app/editor/thread-anchor";
import { anchorRanges, setThreadHighlights, threadHighlightsKey, threadHighlightsPlugin } from "../../app/threads/thread-highlights";
import { draftHighlightKey, draftHighlightPlugin, setDraftHighlight } from "../../app/threads/draft-highlight";
import { diffWords } from "../../app/threads/word-diff";
import { tiptapJsonToYDoc } from "../../app/editor/document-tools.server";
import { canDeleteComment, canEditComment, canResolve, countThreads, eventStep, highlighted, quoteExcerpt, visibleThreads } from "../../app/threads/panel-model";
import type { Thread } from "../../app/threads/contract";

const A = "0b6c2d3e-1f20-4a5b-8c9d-0e1f2a3b4c5d";
const B = "1c7d3e4f-2031-4b6c-9dae-1f2a3b4c5d6e";
const anchor = (threadId: string) => ({ type: ANCHOR_MARK, attrs: { threadId } });
const text = (t: string, ...ids: string[]) => ({ type: "text", text: t, ...(ids.length ? { marks: ids.map(anchor) } : {}) });
const doc = (...paragraphs: ReturnType<typeof text>[][]) =>
  Node.fromJSON(getEditorSchema(), { type: "doc", content: paragraphs.map((content) => ({ type: "paragraph", content })) });

function thread(id: string, over: Partial<Thread> = {}): Thread {
  return {
    id,
    kind: "comment",
    status: "open",
    anchorState: "active",
    quote: { exact: "", prefix: "", suffix: "" },
    author: { name: "Ana" },
    mine: false,
    createdAt: "2026-12-05T10:00:00.000Z",
    comments: [],
    ...over,
  };
}

describe("the words of threads in the text", () => {
  it("are found per thread in document order, overlapping ones included, across paragraphs", () => {
    const ranges = anchorRanges(doc([text("We "), text("hold these", B), text(" truths", A, B)], [text("to be", A), text(" evident.")]));
    expect([...ranges.keys()]).toEqual([B, A]);
    expect(ranges.get(B)?.text).toBe("hold these truths");
    expect(ranges.get(A)?.text).toBe(" truths\nto be");
    expect(ranges.get(A)?.segments).toHaveLength(2);
  });

  it("are highlighted for open threads only, one wrapper per thread so overlaps nest, and a pending proposal adds its wording", () => {
    let state = EditorState.create({ doc: doc([text("We "), text("hold", A, B), text(" these truths.")]), plugins: [threadHighlightsPlugin(() => {})] });
    state = state.apply(setThreadHighlights(state, { threads: highlighted([thread(A), thread(B, { kind: "proposal", proposal: { original: "hold", proposed: "keep", status: "pending" } })]), focused: A }));
    const decorations = threadHighlightsKey.getState(state)!.decorations.find();
    const inline = decorations.filter((d) => (d.spec as { key?: string }).key === undefined);
    expect(inline).toHaveLength(2);
    expect(decorations.filter((d) => String((d.spec as { key?: string }).key).startsWith(`proposal-${B}`))).toHaveLength(1);

    state = state.apply(setThreadHighlights(state, { threads: highlighted([thread(A, { status: "resolved" }), thread(B)]) }));
    expect(threadHighlightsKey.getState(state)!.decorations.find()).toHaveLength(1);
  });
});

describe("the words of a comment being written", () => {
  const drafted = (state: EditorState) => {
    const draft = draftHighlightKey.getState(state)?.draft;
    return draft ? state.doc.textBetween(draft.from, draft.to) : null;
  };
  const drawn = (state: EditorState) => draftHighlightKey.getState(state)!.decorations.find().map((d) => state.doc.textBetween(d.from, d.to));
  const at = (state: EditorState, words: string) => {
    let found = -1;
    state.doc.descendants((node, pos) => {
      if (node.isText && found < 0 && node.text!.includes(words)) found = pos + node.text!.indexOf(words);
    });
    return { from: found, to: found + words.length };
  };

  it("stay on the same words through local edits before and after them, until they are deleted or the draft is done", () => {
    let state = EditorState.create({ doc: doc([text("We hold these truths to be self-evident.")]), plugins: [draftHighlightPlugin()] });
    state = state.apply(setDraftHighlight(state, at(state, "these truths")));
    expect(drawn(state)).toEqual(["these truths"]);
    state = state.apply(state.tr.insertText("Today ", 1));
    state = state.apply(state.tr.insertText(", all of them,", at(state, "these truths").to));
    expect(drafted(state)).toBe("these truths");
    expect(drawn(state)).toEqual(["these truths"]);
    state = state.apply(setDraftHighlight(state, null));
    expect(drawn(state)).toEqual([]);

    state = state.apply(setDraftHighlight(state, at(state, "these truths")));
    const words = at(state, "these truths");
    state = state.apply(state.tr.delete(words.from - 1, words.to + 1));
    expect(drafted(state)).toBeNull();
    // Gone for good: text typed where they were is not highlighted.
    state = state.apply(state.tr.insertText("new words", words.from - 1));
    expect(drawn(state)).toEqual([]);
  });

  it("stay on the same words when a remote edit replaces the whole document (y-tiptap), and go when it deletes them", () => {
    const ydoc = tiptapJsonToYDoc({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "We hold these truths to be self-evident." }] }] });
    const fragment = ydoc.getXmlFragment(YJS_FIELD);
    const first = initProseMirrorDoc(fragment, getEditorSchema());
    const mapping = first.mapping as Map<unknown, unknown>;
    let state = EditorState.create({ doc: first.doc, plugins: [ySyncPlugin(fragment, { mapping: mapping as never }), draftHighlightPlugin()] });
    // As y-tiptap's binding does on a remote change: the mapping drawn anew, one step replacing the whole document.
    const remote = (edit: (text: Y.XmlText) => void) => {
      edit((fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText);
      const next = initProseMirrorDoc(fragment, getEditorSchema());
      mapping.clear();
      for (const [type, node] of next.mapping) mapping.set(type, node);
      const tr = state.tr.replace(0, state.doc.content.size, new Slice(next.doc.content, 0, 0)).setMeta(ySyncPluginKey, { isChangeOrigin: true });
      state = state.apply(tr);
    };

    state = state.apply(setDraftHighlight(state, at(state, "these truths")));
    remote((t) => t.insert(0, "Today, "));
    remote((t) => t.insert(t.toString().indexOf(" to be"), ", all of them,"));
    expect(state.doc.textContent).toBe("Today, We hold these truths, all of them, to be self-evident.");
    expect(drafted(state)).toBe("these truths");
    expect(drawn(state)).toEqual(["these truths"]);

    remote((t) => t.delete(t.toString().indexOf("these"), "these truths".length));
    expect(drafted(state)).toBeNull();
    expect(drawn(state)).toEqual([]);
  });
});

describe("a proposal's changed words", () => {
  it("are only the words that differ, in any script", () => {
    expect(diffWords("all people are born free", "all humans are born free and equal")).toEqual([
      { kind: "same", text: "all " },
      { kind: "removed", text: "people" },
      { kind: "added", text: "humans" },
      { kind: "same", text: " are born free" },
      { kind: "added", text: " and equal" },
    ]);
    expect(diffWords("Все люди рождаются", "Все люди свободны").filter((p) => p.kind !== "same").map((p) => p.text)).toEqual(["рождаются", "свободны"]);
    expect(diffWords("delete me", "")).toEqual([{ kind: "removed", text: "delete me" }]);
  });

  it("fall back to the whole middle when the texts are long and entirely different", () => {
    const before = Array.from({ length: 1000 }, (_, i) => `a${i}`).join(" ");
    const after = Array.from({ length: 1000 }, (_, i) => `b${i}`).join(" ");
    const parts = diffWords(before, after);
    expect(parts.map((p) => p.kind)).toEqual(["removed", "added"]);
  });
});

describe("the discussion panel", () => {
  it("lists anchored threads in the text's order, then orphaned ones oldest first, and counts each filter", () => {
    const order = anchorRanges(doc([text("one", B), text(" two", A)]));
    const threads = [
      thread("orphan-new", { createdAt: "2026-12-05T12:00:00.000Z" }),
      thread(A),
      thread("orphan-old", { createdAt: "2026-12-05T09:00:00.000Z" }),
      thread(B),
      thread("done", { status: "resolved" }),
    ];
    expect(visibleThreads(threads, "open", order).map((t) => t.id)).toEqual([B, A, "orphan-old", "orphan-new"]);
    expect(visibleThreads(threads, "resolved", order).map((t) => t.id)).toEqual(["done"]);
    expect(countThreads(threads)).toEqual({ open: 4, resolved: 1, all: 5 });
  });

  it("offers resolving to a commenter on their own threads only (as the server marks them), and to editors and organisers on any", () => {
    const mine = thread(A, { author: { name: "Ana" }, mine: true });
    const namesake = thread(B, { author: { name: "Ana" }, mine: false });
    expect(canResolve("commenter", mine)).toBe(true);
    expect(canResolve("commenter", namesake)).toBe(false);
    expect(canResolve("editor", namesake)).toBe(true);
    expect(canResolve("viewer", mine)).toBe(false);
  });

  it("after a reload takes socket events from the list's X-Thread-Seq on: skips older ones, applies the next, reloads on a gap", () => {
    expect(eventStep(5, { seq: 4 }, false)).toBe("skip");
    expect(eventStep(5, { seq: 5 }, false)).toBe("skip");
    expect(eventStep(5, { seq: 6 }, false)).toBe("apply");
    expect(eventStep(5, { seq: 8 }, false)).toBe("reload");
    expect(eventStep(null, { seq: 8 }, false)).toBe("apply");
    expect(eventStep(5, { seq: 6 }, true)).toBe("reload");
    expect(eventStep(5, null, false)).toBe("reload");
  });

  it("offers editing a comment to its writer only, and deleting also to editors and organisers, whatever the names", () => {
    expect(canEditComment({ mine: true })).toBe(true);
    expect(canEditComment({ mine: false })).toBe(false);
    expect(canDeleteComment("commenter", { mine: false })).toBe(false);
    expect(canDeleteComment("commenter", { mine: true })).toBe(true);
    expect(canDeleteComment("editor", { mine: false })).toBe(true);
  });

  it("quotes the words of a new comment whole when short, else shortened in the middle, keeping both ends", () => {
    expect(quoteExcerpt("hold these truths")).toBe("hold these truths");
    const long = Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ");
    const short = quoteExcerpt(long, 60);
    expect(short).toMatch(/^word0 word1 .* … .* word59$/);
    expect(short.length).toBeLessThanOrEqual(62);
    expect(short.split(/\s+/).every((w) => w === "…" || long.split(" ").includes(w)), "no word cut").toBe(true);
    // No spaces (Chinese), and characters outside the BMP: cut between characters, never inside one.
    const han = "人人生而自由，在尊严和权利上一律平等。𠀋".repeat(10);
    expect(quoteExcerpt(han, 21)).toBe("人人生而自由，在尊严 … 和权利上一律平等。𠀋");
    expect(quoteExcerpt(han, 20)).toBe("人人生而自由，在尊 … 权利上一律平等。𠀋");
  });
});
