import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { applyUpdatesInOrder } from "../../app/collab/apply-updates";

/** A 40-paragraph document and the log rows of 4 people typing and deleting in it, each seeing the others' rows. */
function typedLog(): { base: Uint8Array; rows: Uint8Array[] } {
  const start = new Y.Doc();
  const fragment = start.getXmlFragment("default");
  for (let n = 0; n < 40; n++) {
    const p = new Y.XmlElement("paragraph");
    p.insert(0, [new Y.XmlText(`Clause ${n}. Police refer people to services.`)]);
    fragment.push([p]);
  }
  const base = Y.encodeStateAsUpdate(start);
  const people = Array.from({ length: 4 }, () => {
    const d = new Y.Doc();
    Y.applyUpdate(d, base);
    return d;
  });
  const rows: Uint8Array[] = [];
  for (let round = 0; round < 60; round++) {
    people.forEach((d, i) => {
      const before = Y.encodeStateVector(d);
      const text = (d.getXmlFragment("default").get((i * 7 + round) % 40) as Y.XmlElement).get(0) as Y.XmlText;
      if (round % 5 === 4) text.delete(0, 3);
      else text.insert(text.length, ` w${round}`);
      const row = Y.encodeStateAsUpdate(d, before);
      rows.push(row);
      people.forEach((other) => other !== d && Y.applyUpdate(other, row));
    });
  }
  return { base, rows };
}

describe("applying a document's logged updates in order", () => {
  it("gives the same document as applying their merge", () => {
    const { base, rows } = typedLog();
    const merged = new Y.Doc();
    Y.applyUpdate(merged, base);
    Y.applyUpdate(merged, Y.mergeUpdates(rows));
    const inOrder = new Y.Doc();
    Y.applyUpdate(inOrder, base);
    applyUpdatesInOrder(inOrder, rows);
    expect(inOrder.getXmlFragment("default").toString()).toBe(merged.getXmlFragment("default").toString());
    expect(Y.encodeStateVector(inOrder)).toEqual(Y.encodeStateVector(merged));
    expect(Y.encodeStateAsUpdate(inOrder)).toEqual(Y.encodeStateAsUpdate(merged));
  });

  it("applies a single row, and nothing for no rows", () => {
    const { base, rows } = typedLog();
    const one = new Y.Doc();
    Y.applyUpdate(one, base);
    const before = one.getXmlFragment("default").toString();
    applyUpdatesInOrder(one, []);
    expect(one.getXmlFragment("default").toString()).toBe(before);
    applyUpdatesInOrder(one, [rows[0]!]);
    expect(one.getXmlFragment("default").toString()).not.toBe(before);
  });
});
