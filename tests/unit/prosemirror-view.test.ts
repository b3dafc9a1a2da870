/**
 * The server's ProseMirror view of a live Y.Doc (app/threads/prosemirror-view.server.ts) is rebuilt only where the
 * document changed: after every kind of change it must read exactly as a fresh conversion of the whole document, and
 * the server's own anchor marks written through it must land on the right words.
 */
import { describe, it, expect } from "vitest";
import * as Y from "yjs";
import { initProseMirrorDoc, updateYFragment } from "@tiptap/y-tiptap";
import { Fragment, type Node as PMNode } from "@tiptap/pm/model";
import { getEditorSchema, YJS_FIELD } from "../../app/editor/extensions";
import { tiptapJsonToYDocUpdate } from "../../app/editor/document-tools.server";
import { proseMirrorDocOf, proseMirrorViewOf } from "../../app/threads/prosemirror-view.server";
import {
  anchorSpans,
  indexText,
  locateQuote,
  proseMirrorOf,
  withAnchor,
  withoutAnchor,
  withReplacement,
  writeAsServer,
} from "../../app/threads/anchoring.server";

function fresh(ydoc: Y.Doc) {
  return initProseMirrorDoc(ydoc.getXmlFragment(YJS_FIELD), getEditorSchema()).doc;
}

function seeded(paragraphs: number): Y.Doc {
  const content = Array.from({ length: paragraphs }, (_, i) => ({ type: "paragraph", content: [{ type: "text", text: `Clause ${i}: police support harm reduction.` }] }));
  const ydoc = new Y.Doc();
  Y.applyUpdate(ydoc, tiptapJsonToYDocUpdate({ type: "doc", content }));
  return ydoc;
}

/** A small deterministic PRNG, so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("the server's ProseMirror view of a document", () => {
  it("reads as a fresh conversion after typing, formatting, new, deleted, moved and nested blocks from another client", () => {
    const server = seeded(12);
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    const next = random(7);
    const pick = (n: number) => Math.floor(next() * n);
    expect(proseMirrorViewOf(server).doc.eq(fresh(server))).toBe(true);
    for (let step = 0; step < 300; step++) {
      const fragment = client.getXmlFragment(YJS_FIELD);
      const before = Y.encodeStateVector(server);
      client.transact(() => {
        const roll = next();
        const block = fragment.get(pick(fragment.length)) as Y.XmlElement;
        const text = block.nodeName === "paragraph" || block.nodeName === "heading" ? (block.get(0) as Y.XmlText | undefined) : undefined;
        if (roll < 0.35 && text) text.insert(pick(text.length + 1), "word ");
        else if (roll < 0.45 && text && text.length > 4) text.format(pick(text.length - 3), 3, { bold: {} });
        else if (roll < 0.55 && text && text.length > 4) text.delete(pick(text.length - 3), 2);
        else if (roll < 0.65) {
          const p = new Y.XmlElement("paragraph");
          p.insert(0, [new Y.XmlText(`New ${step}.`)]);
          fragment.insert(pick(fragment.length + 1), [p]);
        } else if (roll < 0.72 && fragment.length > 3) fragment.delete(pick(fragment.length), 1);
        else if (roll < 0.8) {
          const h = new Y.XmlElement("heading");
          h.setAttribute("level", 2 as unknown as string);
          h.insert(0, [new Y.XmlText(`Heading ${step}`)]);
          fragment.insert(pick(fragment.length + 1), [h]);
        } else if (roll < 0.88) {
          const list = new Y.XmlElement("bulletList");
          const item = new Y.XmlElement("listItem");
          const p = new Y.XmlElement("paragraph");
          p.insert(0, [new Y.XmlText(`Item ${step}`)]);
          item.insert(0, [p]);
          list.insert(0, [item]);
          fragment.insert(pick(fragment.length + 1), [list]);
        } else {
          // Inside a nested block: the list item's paragraph, if there is a list.
          const list = fragment.toArray().find((b) => b instanceof Y.XmlElement && b.nodeName === "bulletList") as Y.XmlElement | undefined;
          const inner = ((list?.get(0) as Y.XmlElement | undefined)?.get(0) as Y.XmlElement | undefined)?.get(0) as Y.XmlText | undefined;
          inner?.insert(0, "nested ");
        }
      });
      Y.applyUpdate(server, Y.encodeStateAsUpdate(client, before));
      if (step % 3 === 0) expect(proseMirrorViewOf(server).doc.eq(fresh(server)), `after step ${step}`).toBe(true);
      else if (step % 3 === 1) expect(proseMirrorDocOf(server).eq(fresh(server)), `the read-only document after step ${step}`).toBe(true);
    }
    expect(proseMirrorViewOf(server).doc.eq(fresh(server))).toBe(true);
  });

  it("gives the same nodes again for blocks that did not change, and new ones only where a block changed", () => {
    const server = seeded(5);
    const first = proseMirrorViewOf(server).doc;
    const text = (server.getXmlFragment(YJS_FIELD).get(3) as Y.XmlElement).get(0) as Y.XmlText;
    text.insert(0, "Edited: ");
    const second = proseMirrorViewOf(server).doc;
    expect(second.child(0)).toBe(first.child(0));
    expect(second.child(3)).not.toBe(first.child(3));
    expect(second.child(3).textContent).toBe("Edited: Clause 3: police support harm reduction.");
  });

  it("gives readers the very same document until the Y.Doc changes, then the changed one", () => {
    const server = seeded(5);
    const first = proseMirrorDocOf(server);
    expect(proseMirrorDocOf(server)).toBe(first);
    expect(proseMirrorViewOf(server).doc).toBe(first);
    const text = (server.getXmlFragment(YJS_FIELD).get(1) as Y.XmlElement).get(0) as Y.XmlText;
    text.insert(0, "Changed: ");
    const second = proseMirrorDocOf(server);
    expect(second).not.toBe(first);
    expect(second.eq(fresh(server))).toBe(true);
    expect(second.child(1).textContent).toBe("Changed: Clause 1: police support harm reduction.");
  });

  it("lets the server mark words many times in a row, each anchor where its quote is, as a fresh reading shows", () => {
    const server = seeded(40);
    const ids: string[] = [];
    for (let i = 0; i < 40; i += 3) {
      const { doc, meta } = proseMirrorOf(server);
      const located = locateQuote(indexText(doc), { exact: `Clause ${i}: police` });
      if (!located.ok) throw new Error(`Clause ${i} not found`);
      const id = crypto.randomUUID();
      ids.push(id);
      expect(writeAsServer(server, doc, withAnchor(doc, located.from, located.to, id), meta)).not.toBeNull();
    }
    const spans = anchorSpans(fresh(server));
    ids.forEach((id, n) => expect(spans.get(id)?.text).toBe(`Clause ${n * 3}: police`));
    expect(proseMirrorOf(server).doc.eq(fresh(server))).toBe(true);
  });

  describe("a server change written block by block", () => {
    /** Two copies of one document with the same client id: the same change must give the same bytes in both. */
    function twins(paragraphs: number): [Y.Doc, Y.Doc] {
      const a = seeded(paragraphs);
      const b = new Y.Doc();
      Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
      b.clientID = a.clientID;
      return [a, b];
    }

    /** What the change gives through y-tiptap's own walk of the whole document. */
    function wholeWalk(ydoc: Y.Doc, change: (doc: PMNode) => PMNode): Uint8Array {
      const { doc, mapping } = initProseMirrorDoc(ydoc.getXmlFragment(YJS_FIELD), getEditorSchema());
      const updates: Uint8Array[] = [];
      ydoc.on("update", (u: Uint8Array) => updates.push(u));
      ydoc.transact(() => updateYFragment(ydoc, ydoc.getXmlFragment(YJS_FIELD), change(doc), { mapping, isOMark: new Map() }));
      return updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates);
    }

    const located = (doc: PMNode, exact: string) => {
      const found = locateQuote(indexText(doc), { exact });
      if (!found.ok) throw new Error(`${exact} not found`);
      return found;
    };
    const threadA = "7d1c5a8e-0000-4000-8000-000000000001";
    const threadB = "7d1c5a8e-0000-4000-8000-000000000002";
    const changes: [string, (doc: PMNode) => PMNode][] = [
      ["a mark on words of one paragraph", (doc) => { const l = located(doc, "Clause 5: police support"); return withAnchor(doc, l.from, l.to, threadA); }],
      ["a mark across three paragraphs", (doc) => { const l = located(doc, "reduction.\nClause 4: police support harm reduction.\nClause 5"); return withAnchor(doc, l.from, l.to, threadA); }],
      ["words replaced inside a paragraph", (doc) => { const l = located(doc, "Clause 7: police support"); return withReplacement(doc, l.from, l.to, "Clause 7: officers endorse"); }],
      ["words deleted across two paragraphs", (doc) => { const l = located(doc, "harm reduction.\nClause 9: police"); return withReplacement(doc, l.from, l.to, ""); }],
      [
        "a second, overlapping mark taken off again",
        (doc) => {
          const one = located(doc, "Clause 2: police support");
          // "police support harm": over the first mark's end.
          const marked = withAnchor(withAnchor(doc, one.from, one.to, threadA), one.from + 10, one.to + 5, threadB);
          return withoutAnchor(marked, threadA);
        },
      ],
    ];

    for (const [what, change] of changes) {
      it(`gives the same Yjs update as y-tiptap's walk of the whole document: ${what}`, () => {
        const [mine, reference] = twins(12);
        const { doc, meta } = proseMirrorOf(mine);
        const update = writeAsServer(mine, doc, change(doc), meta);
        const expected = wholeWalk(reference, change);
        expect(update).not.toBeNull();
        expect(Buffer.from(update!).equals(Buffer.from(expected))).toBe(true);
        expect(Buffer.from(Y.encodeStateAsUpdate(mine)).equals(Buffer.from(Y.encodeStateAsUpdate(reference)))).toBe(true);
        expect(proseMirrorOf(mine).doc.eq(fresh(mine))).toBe(true);
      });
    }

    it("still writes a change of the blocks themselves (a paragraph split in two) through the whole walk", () => {
      const [mine, reference] = twins(6);
      const split = (doc: PMNode) => {
        const l = located(doc, "Clause 3: police");
        return doc.type.schema.nodes.doc!.create(null, [doc.child(0), doc.child(1), doc.child(2), doc.child(3).cut(0, l.to - l.from), doc.child(3).cut(l.to - l.from), doc.child(4), doc.child(5)]);
      };
      const { doc, meta } = proseMirrorOf(mine);
      const update = writeAsServer(mine, doc, split(doc), meta);
      expect(Buffer.from(update!).equals(Buffer.from(wholeWalk(reference, split)))).toBe(true);
      expect(fresh(mine).childCount).toBe(7);
      expect(fresh(mine).child(4).textContent).toBe(" support harm reduction.");
    });

    it("refuses a change that leaves a block invalid, writing nothing", () => {
      const [mine] = twins(4);
      const before = Y.encodeStateAsUpdate(mine);
      const { doc, meta } = proseMirrorOf(mine);
      const schema = doc.type.schema;
      // A heading inside the second paragraph: not what the schema allows (copy() does not check).
      const badParagraph = doc.child(1).copy(Fragment.from(schema.nodes.heading!.create({ level: 2 }, schema.text("x"))));
      const bad = doc.copy(doc.content.replaceChild(1, badParagraph));
      expect(() => writeAsServer(mine, doc, bad, meta)).toThrow();
      expect(Buffer.from(Y.encodeStateAsUpdate(mine)).equals(Buffer.from(before))).toBe(true);
    });

    it("reads a new mark's words from its range alone as from the whole document", () => {
      const ydoc = seeded(12);
      const { doc } = proseMirrorOf(ydoc);
      const l = located(doc, "reduction.\nClause 4: police");
      const marked = withAnchor(withAnchor(doc, l.from, l.to, threadA), l.from + 3, l.to + 12, threadB);
      expect(anchorSpans(marked, { from: l.from, to: l.to }).get(threadA)).toEqual(anchorSpans(marked).get(threadA));
      expect(anchorSpans(marked, { from: l.from, to: l.to }).get(threadA)?.text).toBe("reduction.\nClause 4: police");
    });
  });
});
