/**
 * The thread anchor mark (app/editor/thread-anchor.ts) in the shared schema: it carries only a thread id, threads may
 * overlap, it survives the trip through Yjs, it is never copied or pasted, and it never changes what is published.
 */
import { describe, it, expect } from "vitest";
import * as Y from "yjs";
import type { JSONContent } from "@tiptap/core";
import { Slice } from "@tiptap/pm/model";
import { EditorState } from "@tiptap/pm/state";
import type { EditorView } from "@tiptap/pm/view";
import { getEditorSchema, YJS_FIELD } from "../../app/editor/extensions";
import { ANCHOR_MARK, anchorsNeverCopiedPlugin, stripAnchorsFromFragment } from "../../app/editor/thread-anchor";
import {
  documentPlainText,
  renderDocumentHtml,
  tiptapJsonToProseMirror,
  tiptapJsonToYDoc,
  validateYDocAgainstSchema,
  yDocToProseMirror,
  yDocToTiptapJson,
} from "../../app/editor/document-tools.server";
import { sealFor } from "../../app/models/publishing.server";

const T1 = "0b6c2d3e-1f20-4a5b-8c9d-0e1f2a3b4c5d";
const T2 = "1c7d3e4f-2031-4b6c-9dae-1f2a3b4c5d6e";

const anchor = (threadId: string) => ({ type: ANCHOR_MARK, attrs: { threadId } });

function paragraphs(...content: JSONContent[][]): JSONContent {
  return { type: "doc", content: content.map((c) => ({ type: "paragraph", content: c })) };
}

const plain = paragraphs([{ type: "text", text: "We, the participants, declare that water is a common good." }]);
const withThreads = paragraphs([
  { type: "text", text: "We, the participants, declare that " },
  { type: "text", text: "water", marks: [anchor(T1), anchor(T2), { type: "bold" }] },
  { type: "text", text: " is a common good.", marks: [anchor(T2)] },
]);

describe("the thread anchor mark", () => {
  it("is in the shared schema, not inclusive at its edges, and allows overlapping threads", () => {
    const type = getEditorSchema().marks[ANCHOR_MARK]!;
    expect(type).toBeDefined();
    expect(type.spec.inclusive).toBe(false);
    expect(type.excludes(type)).toBe(false);
    expect(Object.keys(type.spec.attrs ?? {})).toEqual(["threadId"]);
  });

  it("keeps two overlapping threads through a Yjs document and back", () => {
    const doc = tiptapJsonToYDoc(withThreads);
    expect(validateYDocAgainstSchema(doc)).toEqual({ ok: true });
    const water = yDocToTiptapJson(doc).content![0]!.content![1]!;
    expect(water.text).toBe("water");
    expect(water.marks!.filter((m) => m.type === ANCHOR_MARK).map((m) => m.attrs!.threadId).sort()).toEqual([T1, T2].sort());
  });

  it("refuses an anchor whose thread id is not a thread id", () => {
    const bad = paragraphs([{ type: "text", text: "x", marks: [{ type: ANCHOR_MARK, attrs: { threadId: "<script>" } }] }]);
    expect(() => tiptapJsonToProseMirror(bad)).toThrow(/threadId/);
    const empty = paragraphs([{ type: "text", text: "x", marks: [{ type: ANCHOR_MARK }] }]);
    expect(() => tiptapJsonToProseMirror(empty)).toThrow(/threadId/);
  });

  it("publishes the same canonical text and SHA-256 with and without threads, and no thread id in the HTML", () => {
    const bare = sealFor({ plainText: documentPlainText(tiptapJsonToProseMirror(plain)), tiptapJson: plain }, null);
    const annotated = sealFor({ plainText: documentPlainText(tiptapJsonToProseMirror(withThreads)), tiptapJson: withThreads }, null);
    expect(annotated.text).toBe(bare.text);
    expect(annotated.hash).toBe(bare.hash);
    expect(annotated.html).not.toContain(T1);
    expect(annotated.html).not.toContain("data-thread-id");
    expect(renderDocumentHtml(tiptapJsonToYDoc(withThreads))).not.toContain(T2);
  });

  it("is stripped from pasted and copied content, so pasting never copies an anchor", () => {
    const schema = getEditorSchema();
    const node = tiptapJsonToProseMirror(withThreads);
    const stripped = stripAnchorsFromFragment(node.content, schema);
    let anchors = 0;
    stripped.descendants((n) => {
      anchors += n.marks.filter((m) => m.type.name === ANCHOR_MARK).length;
    });
    expect(anchors).toBe(0);
    expect(stripped.textBetween(0, stripped.size)).toBe(node.content.textBetween(0, node.content.size));
    // Other marks stay.
    let bold = 0;
    stripped.descendants((n) => {
      bold += n.marks.filter((m) => m.type.name === "bold").length;
    });
    expect(bold).toBe(1);
    // The editor's plugin does it on paste and on copy.
    const plugin = anchorsNeverCopiedPlugin();
    const view = { state: EditorState.create({ doc: node }) } as unknown as EditorView;
    for (const transform of [plugin.props.transformPasted, plugin.props.transformCopied]) {
      const out = transform!.call(plugin, new Slice(node.content, 0, 0), view, false);
      expect(JSON.stringify(out.content.toJSON())).not.toContain(ANCHOR_MARK);
      expect(out.content.textBetween(0, out.content.size)).toBe(node.content.textBetween(0, node.content.size));
    }
  });

  it("has no HTML parse rule: HTML carrying data-thread-id makes no anchor", () => {
    const type = getEditorSchema().marks[ANCHOR_MARK]!;
    expect(type.spec.parseDOM ?? []).toEqual([]);
  });

  it("a Y.Doc written by the browser with the anchor reads back on the server", () => {
    const doc = new Y.Doc();
    const source = tiptapJsonToYDoc(withThreads);
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(source));
    expect(doc.getXmlFragment(YJS_FIELD).length).toBe(1);
    expect(documentPlainText(yDocToProseMirror(doc))).toBe(documentPlainText(tiptapJsonToProseMirror(plain)));
  });
});

describe("a live update carrying anchors", () => {
  it("passes the socket's inspection when threads overlap (y-tiptap keys them anchor--<hash>)", async () => {
    const { inspectUpdate } = await import("../../server/collab/inspect-update");
    const update = Y.encodeStateAsUpdate(tiptapJsonToYDoc(withThreads));
    const text = JSON.stringify(yDocToTiptapJson(tiptapJsonToYDoc(withThreads)));
    expect(text).toContain(T1);
    expect(inspectUpdate(update)).toMatchObject({ ok: true });
  });

  it("is refused by the socket's inspection when an anchor carries no thread id", async () => {
    const { inspectUpdate } = await import("../../server/collab/inspect-update");
    const doc = new Y.Doc();
    const text = new Y.XmlText();
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [text]);
    doc.getXmlFragment(YJS_FIELD).insert(0, [paragraph]);
    text.insert(0, "water", { "anchor--AAAAAAAA": { threadId: "javascript:alert(1)" } });
    expect(inspectUpdate(Y.encodeStateAsUpdate(doc))).toMatchObject({ ok: false });
  });
});
