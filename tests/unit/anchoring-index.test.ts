/**
 * The text index threads are anchored with (app/threads/anchoring.server.ts): the document's words as one string and
 * where each character is in the document, kept as one run per text node. Every character maps back to itself, and a
 * quote or a Yjs range found in it covers exactly the words asked for, across marks, hard breaks, headings and lists.
 */
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { JSONContent } from "@tiptap/core";
import { Node } from "@tiptap/pm/model";
import { absolutePositionToRelativePosition } from "@tiptap/y-tiptap";
import { getEditorSchema, YJS_FIELD } from "../../app/editor/extensions";
import { tiptapJsonToYDoc } from "../../app/editor/document-tools.server";
import { indexText, locateInContext, locateQuote, locateRange, positionOf, proseMirrorOf } from "../../app/threads/anchoring.server";

const text = (t: string, marks: { type: string }[] = []): JSONContent => ({ type: "text", text: t, ...(marks.length ? { marks } : {}) });
const json: JSONContent = {
  type: "doc",
  content: [
    { type: "heading", attrs: { level: 1 }, content: [text("Call for harm reduction")] },
    { type: "paragraph", content: [text("We, "), text("serving", [{ type: "bold" }]), text(" and retired"), { type: "hardBreak" }, text("police officers,")] },
    { type: "bulletList", content: [{ type: "listItem", content: [{ type: "paragraph", content: [text("decriminalise "), text("possession", [{ type: "italic" }])] }] }] },
    { type: "paragraph" },
    { type: "paragraph", content: [text("save lives.")] },
  ],
};
const doc = Node.fromJSON(getEditorSchema(), json);

describe("the text index of a document", () => {
  const index = indexText(doc);

  it("reads the words with one line break between blocks and for a hard break", () => {
    expect(index.text).toBe("Call for harm reduction\nWe, serving and retired\npolice officers,\ndecriminalise possession\n\nsave lives.");
  });

  it("maps every character to its own place in the document, separators to -1, and nothing outside the text", () => {
    for (let i = 0; i < index.text.length; i++) {
      const pos = positionOf(index, i);
      if (index.text[i] === "\n") expect(pos, `character ${i}`).toBe(-1);
      else expect(doc.textBetween(pos!, pos! + 1), `character ${i}`).toBe(index.text[i]);
    }
    expect(positionOf(index, -1)).toBeUndefined();
    expect(positionOf(index, index.text.length)).toBeUndefined();
  });

  it("keeps one run per text node and separator, not one entry per character", () => {
    // 8 text nodes, 4 block separators, 1 hard break.
    expect(index.runs).toHaveLength(13);
  });

  it("locates a quote across marks and a hard break, with its context", () => {
    const found = locateQuote(index, { exact: "serving and retired\npolice" });
    expect(found.ok).toBe(true);
    if (!found.ok) return;
    expect(doc.textBetween(found.from, found.to, "\n", "\n")).toBe("serving and retired\npolice");
    expect(found.quote.prefix.endsWith("We, ")).toBe(true);
    expect(found.quote.suffix.startsWith(" officers,")).toBe(true);
  });

  it("chooses between repeated words by prefix or suffix, and refuses what is ambiguous, absent or starts on a separator", () => {
    const twice = indexText(Node.fromJSON(getEditorSchema(), { type: "doc", content: [{ type: "paragraph", content: [text("lives and lives")] }] }));
    expect(locateQuote(twice, { exact: "lives" })).toMatchObject({ ok: false, error: expect.stringMatching(/more than once/) });
    expect(locateQuote(twice, { exact: "lives", prefix: "and " })).toMatchObject({ ok: true, from: 11, to: 16 });
    expect(locateQuote(twice, { exact: "lives", suffix: " and" })).toMatchObject({ ok: true, from: 1, to: 6 });
    expect(locateQuote(index, { exact: "absent words" })).toMatchObject({ ok: false });
    expect(locateQuote(index, { exact: "\nWe" })).toMatchObject({ ok: false, error: "The words must start and end with text." });
  });

  it("locates the words between two Yjs relative positions", () => {
    const ydoc = tiptapJsonToYDoc(json);
    const { doc: live, mapping } = proseMirrorOf(ydoc);
    const liveIndex = indexText(live);
    const start = locateQuote(liveIndex, { exact: "retired" });
    const end = locateQuote(liveIndex, { exact: "decriminalise" });
    if (!start.ok || !end.ok) throw new Error("quotes not found");
    const encode = (pos: number) =>
      Buffer.from(Y.encodeRelativePosition(absolutePositionToRelativePosition(pos, ydoc.getXmlFragment(YJS_FIELD), mapping as never))).toString("base64");
    const found = locateRange(ydoc, mapping, liveIndex, { from: encode(start.from), to: encode(end.to) });
    expect(found).toMatchObject({ ok: true, from: start.from, to: end.to, quote: { exact: "retired\npolice officers,\ndecriminalise" } });
    expect(locateRange(ydoc, mapping, liveIndex, { from: encode(end.to), to: encode(start.from) })).toMatchObject({ ok: false });
    expect(locateRange(ydoc, mapping, liveIndex, { from: "", to: "@@" })).toMatchObject({ ok: false, error: "The selection could not be read." });
  });

  it("finds lost words again only in their own context, line breaks next to them ignored", () => {
    const quote = { exact: "retired", prefix: "We, serving and ", suffix: "\npolice officers," };
    expect(locateInContext(index, quote)).toMatchObject({ ok: true, quote: { exact: "retired" } });
    // An Enter inside the prefix (a paragraph split before the words) changes nothing.
    expect(locateInContext(index, { ...quote, prefix: "We,\n serving and " })).toMatchObject({ ok: true });
    // Moved elsewhere (another context), rewritten context, or absent: not found.
    expect(locateInContext(index, { ...quote, prefix: "They, serving and " })).toMatchObject({ ok: false });
    expect(locateInContext(index, { ...quote, suffix: " firefighters" })).toMatchObject({ ok: false });
    expect(locateInContext(index, { exact: "", prefix: "", suffix: "" })).toMatchObject({ ok: false });
    const twice = indexText(Node.fromJSON(getEditorSchema(), { type: "doc", content: [{ type: "paragraph", content: [text("save lives, save lives")] }] }));
    expect(locateInContext(twice, { exact: "save lives", prefix: "", suffix: "" })).toMatchObject({ ok: false });
  });
});
