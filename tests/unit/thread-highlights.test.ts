/**
 * How the editor draws threads (app/threads/thread-highlights.ts, word-diff.ts, panel-model.ts): where each thread's
 * words are, which are highlighted (open ones, nested where they overlap), a pending proposal's wording beside its
 * words with only the changed words marked, and the panel's order, filter and counts.
 */
import { describe, expect, it } from "vitest";
import { Node } from "@tiptap/pm/model";
import { EditorState } from "@tiptap/pm/state";
import { getEditorSchema } from "../../app/editor/extensions";
import { ANCHOR_MARK } from "../../app/editor/thread-anchor";
import { anchorRanges, setThreadHighlights, threadHighlightsKey, threadHighlightsPlugin } from "../../app/threads/thread-highlights";
import { diffWords } from "../../app/threads/word-diff";
import { canDeleteComment, canEditComment, canResolve, countThreads, eventStep, highlighted, visibleThreads } from "../../app/threads/panel-model";
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
});
