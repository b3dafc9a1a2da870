import * as Y from "yjs";
import { describe, expect, it } from "vitest";
import { applyInSlices } from "../../app/threads/apply-in-slices.server";

/** The updates of `writers` people typing `words` words each into their own paragraph, as the log keeps them. */
function typing(writers: number, words: number): Uint8Array[] {
  const updates: Uint8Array[] = [];
  const docs = Array.from({ length: writers }, () => new Y.Doc());
  for (const d of docs) d.on("update", (u: Uint8Array) => updates.push(u));
  docs.forEach((d, i) => d.getText("t").insert(0, `Writer ${i}:`));
  for (let w = 0; w < words; w++) docs.forEach((d) => d.getText("t").insert(d.getText("t").length, ` word${w}`));
  return updates;
}

describe("applying a document's logged updates in slices", () => {
  it("gives the same document as applying them all at once", async () => {
    const updates = typing(5, 200);
    const whole = new Y.Doc();
    Y.applyUpdate(whole, Y.mergeUpdates(updates));
    const sliced = new Y.Doc();
    await applyInSlices(sliced, updates, 64);
    expect(sliced.getText("t").toString()).toBe(whole.getText("t").toString());
    expect(Y.encodeStateVector(sliced)).toEqual(Y.encodeStateVector(whole));
    const none = new Y.Doc();
    await applyInSlices(none, []);
    expect(none.getText("t").toString()).toBe("");
  });

  it("lets the event loop serve others before each slice, not only at the end", async () => {
    const updates = typing(2, 300);
    const doc = new Y.Doc();
    const seen: number[] = [];
    let watching = true;
    const watch = () => {
      seen.push(doc.getText("t").length);
      if (watching) setImmediate(watch);
    };
    setImmediate(watch);
    await applyInSlices(doc, updates, 100);
    watching = false;
    const full = doc.getText("t").length;
    // Something queued before the load ran before its first slice, and again while the document was partly applied.
    expect(seen[0]).toBe(0);
    expect(seen.some((length) => length > 0 && length < full)).toBe(true);
  });
});
