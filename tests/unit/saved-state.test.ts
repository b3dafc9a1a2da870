/**
 * When the editor may say "All changes saved": the author's local updates against the snapshot of a `saved` message,
 * with real Y.Docs standing in for the browser and the server.
 */
import { describe, it, expect } from "vitest";
import * as Y from "yjs";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { MESSAGE_SAVED, readSaved, writeSaved } from "../../app/collab/protocol";
import { UnconfirmedEdits, keptOnDeviceText, saveStatus as statusIn, type SaveStatusInput } from "../../app/collab/saved-state";
import { tFor } from "../../app/i18n/strings.server";

const en = tFor("en");
const saveStatus = (input: SaveStatusInput) => statusIn(input, en);

/** A browser doc and a server doc that receives every browser update (as the server commits them). */
function authorAndServer() {
  const author = new Y.Doc();
  const server = new Y.Doc();
  author.on("update", (update: Uint8Array) => Y.applyUpdate(server, update, "author"));
  return { author, server, text: author.getText("t") };
}

const snap = (doc: Y.Doc) => Y.encodeSnapshot(Y.snapshot(doc));

describe("UnconfirmedEdits", () => {
  it("treats an author who never wrote as saved, even by the snapshot of an empty document", () => {
    const edits = new UnconfirmedEdits();
    expect(edits.empty).toBe(true);
    expect(edits.confirm(snap(new Y.Doc()))).toBe(true);
  });

  it("is not confirmed by a snapshot committed before the author's latest edit, and is once it includes it", () => {
    const { author, server, text } = authorAndServer();
    const edits = new UnconfirmedEdits();
    author.on("update", (u: Uint8Array) => edits.add(u));
    text.insert(0, "Hello");
    const committedBefore = snap(server);
    text.insert(5, " world");
    expect(edits.confirm(committedBefore)).toBe(false);
    expect(edits.empty).toBe(false);
    expect(edits.confirm(snap(server))).toBe(true);
    expect(edits.empty).toBe(true);
  });

  it("is not confirmed by other people's edits", () => {
    const { author, text } = authorAndServer();
    const edits = new UnconfirmedEdits();
    author.on("update", (u: Uint8Array) => edits.add(u));
    text.insert(0, "mine");
    const other = new Y.Doc();
    other.getText("t").insert(0, "theirs");
    expect(edits.confirm(snap(other))).toBe(false);
  });

  it("waits for a deletion to be committed too, not only insertions", () => {
    const { author, text } = authorAndServer();
    const edits = new UnconfirmedEdits();
    text.insert(0, "Hello");
    const committed = snap(author); // everything so far is committed
    author.on("update", (u: Uint8Array) => edits.add(u));
    text.delete(0, 2);
    expect(edits.confirm(committed)).toBe(false);
    expect(edits.confirm(snap(author))).toBe(true);
  });

  it("counts the changes not yet confirmed and forgets each one a snapshot contains, keeping the later ones", () => {
    const { author, server, text } = authorAndServer();
    const edits = new UnconfirmedEdits();
    author.on("update", (u: Uint8Array) => edits.add(u));
    text.insert(0, "a");
    text.insert(1, "b");
    const committedTwo = snap(server);
    text.insert(2, "c");
    expect(edits.count).toBe(3);
    expect(edits.confirm(committedTwo)).toBe(false);
    expect(edits.count).toBe(1);
    expect(edits.confirm(snap(server))).toBe(true);
    expect(edits.count).toBe(0);
  });

  it("kept on the device as one update with its count, is confirmed in a new tab only once the server has it all", () => {
    const author = new Y.Doc();
    const server = new Y.Doc();
    const edits = new UnconfirmedEdits();
    author.on("update", (u: Uint8Array) => edits.add(u));
    const text = author.getText("t");
    text.insert(0, "offline");
    text.delete(0, 3);
    const kept = edits.merged()!;
    expect(kept.changes).toBe(2);

    const reloaded = new UnconfirmedEdits();
    reloaded.add(kept.update, kept.changes);
    expect(reloaded.count).toBe(2);
    Y.applyUpdate(server, Y.encodeStateAsUpdate(author));
    const partial = new Y.Doc();
    partial.getText("t").insert(0, "offline"); // another client's text: not the author's
    expect(reloaded.confirm(snap(partial))).toBe(false);
    expect(reloaded.count).toBe(2);
    expect(reloaded.confirm(snap(server))).toBe(true);
    expect(new UnconfirmedEdits().merged()).toBeNull();
  });

  it("reads the snapshot out of a saved message as the server writes it", () => {
    const { author, server, text } = authorAndServer();
    const edits = new UnconfirmedEdits();
    author.on("update", (u: Uint8Array) => edits.add(u));
    text.insert(0, "Hello");
    const encoder = encoding.createEncoder();
    writeSaved(encoder, { seq: 7, snapshot: snap(server) });
    const decoder = decoding.createDecoder(encoding.toUint8Array(encoder));
    expect(decoding.readVarUint(decoder)).toBe(MESSAGE_SAVED);
    const saved = readSaved(decoder);
    expect(saved.seq).toBe(7);
    expect(edits.confirm(saved.snapshot)).toBe(true);
  });
});

describe("saveStatus", () => {
  const online: SaveStatusInput = { canEdit: true, everSynced: true, online: true, dropped: false, unsaved: false, closedCode: null };

  it("says Connecting… before the first sync, and Offline once a connection attempt failed", () => {
    const first = { ...online, everSynced: false, online: false };
    expect(saveStatus(first)).toEqual({ state: "connecting", text: "Connecting…" });
    expect(saveStatus({ ...first, dropped: true })).toEqual({ state: "offline", text: "Offline — reconnecting…" });
  });

  it("says Saving… until confirmed, then All changes saved", () => {
    expect(saveStatus({ ...online, unsaved: true })).toEqual({ state: "saving", text: "Saving…" });
    expect(saveStatus(online)).toEqual({ state: "saved", text: "All changes saved" });
  });

  it("promises to keep unsaved changes while offline", () => {
    const offline = { ...online, online: false, dropped: true };
    expect(saveStatus({ ...offline, unsaved: true }).text).toBe(
      "Offline — your changes are kept and will be saved when you reconnect",
    );
    expect(saveStatus(offline).text).toBe("Offline — reconnecting…");
  });

  it("says in words that changes are not saved yet and will be retried when Saving… lasts, as while PostgreSQL is away", () => {
    expect(saveStatus({ ...online, unsaved: true, slow: true })).toEqual({ state: "saving", text: "Not saved yet — will retry" });
    expect(saveStatus({ ...online, slow: true })).toEqual({ state: "saved", text: "All changes saved" });
  });

  it("says how many changes this device keeps while offline, when it keeps them", () => {
    const offline = { ...online, online: false, dropped: true, unsaved: true };
    expect(saveStatus({ ...offline, unsavedCount: 3, keptOnDevice: true })).toEqual({ state: "offline", text: "Offline — 3 changes kept on this device" });
    expect(keptOnDeviceText(en, 1)).toBe("Offline — 1 change kept on this device");
    expect(saveStatus({ ...offline, unsavedCount: 3, keptOnDevice: false }).text).toBe("Offline — your changes are kept and will be saved when you reconnect");
    expect(saveStatus({ ...online, unsaved: true, unsavedCount: 3, keptOnDevice: true }).text).toBe("Saving…");
  });

  it("never says changes are kept on this device before the device copy confirmed writing them: it says they are being saved there", () => {
    const offline = { ...online, online: false, dropped: true, unsaved: true, keptOnDevice: true, unsavedCount: 3 };
    expect(saveStatus({ ...offline, deviceBehind: true })).toEqual({ state: "offline", text: "Offline — saving 3 changes on this device…" });
    expect(saveStatus({ ...offline, unsavedCount: 1, deviceBehind: true }).text).toBe("Offline — saving 1 change on this device…");
    expect(saveStatus({ ...offline, deviceBehind: false }).text).toBe("Offline — 3 changes kept on this device");
    expect(statusIn({ ...offline, deviceBehind: true }, tFor("fr")).text).toBe("Hors ligne — enregistrement de 3 modifications sur cet appareil…");
    expect(statusIn({ ...offline, unsavedCount: 1, deviceBehind: true }, tFor("sv")).text).toBe("Offline — sparar 1 ändring på den här enheten…");
  });

  it("says read-only with the connection state, and closed above everything", () => {
    expect(saveStatus({ ...online, canEdit: false })).toEqual({
      state: "readonly",
      text: "Read-only — you can read along live · Connected",
    });
    expect(saveStatus({ ...online, canEdit: false, online: false, dropped: true }).text).toBe(
      "Read-only — you can read along live · Offline — reconnecting…",
    );
    expect(saveStatus({ ...online, unsaved: true, closedCode: 4403 }).state).toBe("closed");
  });

  it("speaks the page's language, with its plural forms", () => {
    const offline = { ...online, online: false, dropped: true, unsaved: true, keptOnDevice: true };
    expect(statusIn(online, tFor("fr")).text).toBe("Toutes les modifications sont enregistrées");
    expect(statusIn({ ...offline, unsavedCount: 1 }, tFor("fr")).text).toBe("Hors ligne — 1 modification conservée sur cet appareil");
    expect(statusIn({ ...offline, unsavedCount: 2 }, tFor("sv")).text).toBe("Offline — 2 ändringar sparade på den här enheten");
    expect(statusIn({ ...online, unsaved: true, slow: true }, tFor("es")).text).toBe("Aún sin guardar — se volverá a intentar");
  });
});
