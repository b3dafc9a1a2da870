import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import WebSocket from "ws";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import { getSql } from "../../db/client";
import { seed } from "../../app/models/seed.server";
import { CloseCode, MESSAGE_SYNC } from "../../app/collab/protocol";
import { loadDocument } from "../../app/models/document-content.server";
import { validateYDocAgainstSchema } from "../../app/editor/document-tools.server";
import { addMember, createUser } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http-server";
import { connectClient, sessionCookie, socketClass, typeParagraph, waitFor, type TestClient } from "../support/collab-client";

let server: TestServer;
let documentId: string;
let otherDocumentId: string;
let workshopId: string;
const editors: { id: string; cookie: string }[] = [];
let viewer: { id: string; cookie: string };
let outsider: { id: string; cookie: string };
const clients: TestClient[] = [];

function client(cookie: string, doc = documentId, origin?: string): TestClient {
  const c = connectClient(server.url, doc, cookie, origin);
  clients.push(c);
  return c;
}

async function storedText(id = documentId): Promise<string> {
  const { doc } = await loadDocument(id);
  return doc.getXmlFragment("default").toString();
}

/** Open a raw socket as `cookie` and resolve with the HTTP status of a refused upgrade, or "open". */
function rawUpgrade(path: string, headers: Record<string, string>): Promise<number | "open"> {
  return new Promise((resolve) => {
    const ws = new WebSocket(server.url.replace(/^http/, "ws") + path, { headers });
    ws.on("open", () => {
      ws.close();
      resolve("open");
    });
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("error", () => {});
  });
}

function rawSocket(cookie: string, doc = documentId): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/collab/${doc}`, { headers: { cookie, origin: server.url } });
    ws.on("open", () => resolve(ws));
    ws.on("error", reject);
  });
}

function closeCode(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.on("close", (code) => resolve(code)));
}

function updateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

beforeAll(async () => {
  await seed();
  const [doc] = await getSql()`select d.id, d.workshop_id from documents d where d.slug = 'call-for-harm-reduction-policing'`;
  const [other] = await getSql()`select id from documents where slug = 'statement-of-support'`;
  documentId = doc!.id;
  workshopId = doc!.workshop_id;
  otherDocumentId = other!.id;
  for (let i = 0; i < 4; i++) {
    const u = await createUser({ name: `Editor ${i}` });
    await addMember(workshopId, u.id, "editor");
    editors.push({ id: u.id, cookie: await sessionCookie(u.id) });
  }
  const v = await createUser({ name: "Viewer" });
  await addMember(workshopId, v.id, "viewer");
  viewer = { id: v.id, cookie: await sessionCookie(v.id) };
  const o = await createUser({ name: "Outsider" });
  outsider = { id: o.id, cookie: await sessionCookie(o.id) };
  server = await startTestServer({ accessCheckMs: 300, unloadAfterMs: 200 });
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server.close();
});

describe("real-time co-editing", () => {
  it("two editors typing at once converge, and a late joiner receives everything", async () => {
    const a = client(editors[0]!.cookie);
    const b = client(editors[1]!.cookie);
    await waitFor(() => a.provider.synced && b.provider.synced, "sync");
    expect(a.text()).toContain("Call by police");
    for (let i = 0; i < 20; i++) {
      typeParagraph(a, `alpha ${i}`);
      typeParagraph(b, `beta ${i}`);
    }
    await waitFor(() => a.text() === b.text() && a.text().includes("alpha 19") && a.text().includes("beta 19"), "convergence");
    await waitFor(() => a.isSaved() && b.isSaved(), "saved");
    const late = client(editors[2]!.cookie);
    await waitFor(() => late.provider.synced && late.text() === a.text(), "late joiner");
    expect(await storedText()).toBe(a.text());
  });

  it("reports saved only for what PostgreSQL holds", async () => {
    const a = client(editors[0]!.cookie);
    await waitFor(() => a.provider.synced, "sync");
    typeParagraph(a, "durable sentence");
    await waitFor(() => a.isSaved(), "saved");
    expect(await storedText()).toContain("durable sentence");
    const [row] = await getSql()`select user_id from document_updates where document_id = ${documentId} order by seq desc limit 1`;
    expect(row!.user_id).toBe(editors[0]!.id);
  });

  it("tells a reader nothing on a plain visit: no permission error for the empty answer every provider sends on joining", async () => {
    const e = client(editors[2]!.cookie);
    await waitFor(() => e.provider.synced, "sync");
    typeParagraph(e, "written before the reader came");
    await waitFor(() => e.isSaved(), "saved");
    const v = client(viewer.cookie);
    await waitFor(() => v.provider.synced && v.text().includes("written before the reader came"), "reader synced");
    typeParagraph(e, "written while the reader reads");
    await waitFor(() => v.text().includes("written while the reader reads"), "relayed to the reader");
    await new Promise((r) => setTimeout(r, 300));
    expect(v.denied).toEqual([]);
    expect(v.closes).toEqual([]);
  });

  it("refuses a viewer's writes: told permission denied, nothing stored or relayed", async () => {
    const v = client(viewer.cookie);
    const e = client(editors[3]!.cookie);
    await waitFor(() => v.provider.synced && e.provider.synced, "sync");
    const before = await storedText();
    typeParagraph(v, "viewer vandalism");
    await waitFor(() => v.denied.length > 0, "permission denied");
    await new Promise((r) => setTimeout(r, 300));
    expect(e.text()).not.toContain("viewer vandalism");
    expect(await storedText()).toBe(before);
  });

  it("opens no socket without a session, from another origin, with a forged token, or for a non-member", async () => {
    const path = `/collab/${documentId}`;
    expect(await rawUpgrade(path, { origin: server.url })).toBe(401);
    expect(await rawUpgrade(path, { origin: "http://evil.example", cookie: editors[0]!.cookie })).toBe(403);
    expect(await rawUpgrade(path, { origin: server.url, cookie: `accord_session=${"a".repeat(24)}.${"b".repeat(24)}` })).toBe(401);
    expect(await rawUpgrade(path, { origin: server.url, cookie: outsider.cookie })).toBe(404);
    expect(await rawUpgrade(`/collab/not-a-uuid`, { origin: server.url, cookie: editors[0]!.cookie })).toBe(404);
    expect(await rawUpgrade(path, { origin: server.url, cookie: editors[0]!.cookie })).toBe("open");
  });

  it("closes a member's socket within seconds when their access is removed", async () => {
    const u = await createUser({ name: "Soon removed" });
    await addMember(workshopId, u.id, "editor");
    const c = client(await sessionCookie(u.id));
    await waitFor(() => c.provider.synced, "sync");
    await getSql()`delete from memberships where workshop_id = ${workshopId} and user_id = ${u.id}`;
    await waitFor(() => c.closes.some((x) => x.code === CloseCode.AccessChanged), "access-changed close", 5000);
  });
});

describe("sessions ending while connected", () => {
  it("closes the socket within seconds when the user signs out everywhere", async () => {
    const u = await createUser({ name: "Signs out" });
    await addMember(workshopId, u.id, "editor");
    const c = client(await sessionCookie(u.id));
    await waitFor(() => c.provider.synced, "sync");
    await getSql()`delete from sessions where user_id = ${u.id}`;
    await waitFor(() => c.closes.some((x) => x.code === CloseCode.Unauthenticated), "unauthenticated close", 5000);
  });
});

describe("hostile input", () => {
  it("random bytes, truncated and unknown messages close only that connection", async () => {
    const witness = client(editors[0]!.cookie);
    await waitFor(() => witness.provider.synced, "sync");
    const before = await storedText();
    for (const payload of [
      new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]),
      new Uint8Array([0, 2, 50, 1, 2]), // update claiming 50 bytes, 2 present
      new Uint8Array([9]),
      new Uint8Array([0, 7]),
      new Uint8Array([1, 5, 1, 2]),
    ]) {
      const ws = await rawSocket(editors[1]!.cookie);
      const closed = closeCode(ws);
      ws.send(payload);
      expect(await closed).toBe(CloseCode.BadMessage);
    }
    const text = await rawSocket(editors[1]!.cookie);
    const closedText = closeCode(text);
    text.send("hello");
    expect(await closedText).toBe(CloseCode.BadMessage);
    typeParagraph(witness, "still alive");
    await waitFor(() => witness.isSaved(), "witness saved");
    const after = await storedText();
    expect(after).toContain("still alive");
    expect(after.startsWith(before.slice(0, -"</default>".length).slice(0, 200))).toBe(true);
    const { doc } = await loadDocument(documentId);
    expect(validateYDocAgainstSchema(doc)).toEqual({ ok: true });
  });

  it("an oversized message closes the connection with 1009 and stores nothing", async () => {
    const small = await startTestServer({ maxMessageBytes: 64 * 1024 });
    try {
      const ws = await new Promise<WebSocket>((resolve, reject) => {
        const s = new WebSocket(`${small.url.replace(/^http/, "ws")}/collab/${otherDocumentId}`, { headers: { cookie: editors[0]!.cookie, origin: small.url } });
        s.on("open", () => resolve(s));
        s.on("error", reject);
      });
      const closed = closeCode(ws);
      const doc = new Y.Doc();
      const p = new Y.XmlElement("paragraph");
      p.insert(0, [new Y.XmlText("x".repeat(200_000))]);
      doc.getXmlFragment("default").push([p]);
      ws.send(updateMessage(Y.encodeStateAsUpdate(doc)));
      expect(await closed).toBe(CloseCode.MessageTooLarge);
      expect(await storedText(otherDocumentId)).not.toContain("xxxxxxxxxx");
    } finally {
      await small.close();
    }
  });

  it("a flood of messages is cut off by the rate cap while others keep working", async () => {
    const witness = client(editors[0]!.cookie);
    await waitFor(() => witness.provider.synced, "sync");
    const ws = await rawSocket(editors[1]!.cookie);
    const closed = closeCode(ws);
    const query = new Uint8Array([3]);
    for (let i = 0; i < 2000 && ws.readyState === ws.OPEN; i++) ws.send(query);
    expect(await closed).toBe(CloseCode.RateLimited);
    typeParagraph(witness, "after the flood");
    await waitFor(() => witness.isSaved(), "saved after flood");
  });

  it("refuses an update written with another connection's client ID", async () => {
    const victim = client(editors[0]!.cookie);
    await waitFor(() => victim.provider.synced, "sync");
    typeParagraph(victim, "victim text");
    await waitFor(() => victim.isSaved(), "victim saved");
    const forged = new Y.Doc();
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(victim.doc));
    forged.clientID = victim.doc.clientID; // after applying, so Yjs does not pick a fresh one
    const sv = Y.encodeStateVector(forged);
    const p = new Y.XmlElement("paragraph");
    p.insert(0, [new Y.XmlText("forged attribution")]);
    forged.getXmlFragment("default").push([p]);
    const ws = await rawSocket(editors[1]!.cookie);
    const closed = closeCode(ws);
    ws.send(updateMessage(Y.encodeStateAsUpdate(forged, sv)));
    expect(await closed).toBe(CloseCode.BadMessage);
    expect(await storedText()).not.toContain("forged attribution");
  });

  it("refuses javascript: links and nodes outside the schema before they reach the document", async () => {
    for (const build of [
      (f: Y.XmlFragment) => {
        const p = new Y.XmlElement("paragraph");
        const t = new Y.XmlText();
        t.insert(0, "click me", { link: { href: "javascript:alert(1)" } });
        p.insert(0, [t]);
        f.push([p]);
      },
      (f: Y.XmlFragment) => f.push([new Y.XmlElement("script")]),
      (f: Y.XmlFragment) => {
        const p = new Y.XmlElement("paragraph");
        const t = new Y.XmlText();
        t.insert(0, "styled", { fontFamily: "evil" });
        p.insert(0, [t]);
        f.push([p]);
      },
    ]) {
      const doc = new Y.Doc();
      build(doc.getXmlFragment("default"));
      const ws = await rawSocket(editors[2]!.cookie);
      const closed = closeCode(ws);
      ws.send(updateMessage(Y.encodeStateAsUpdate(doc)));
      expect(await closed).toBe(CloseCode.BadMessage);
    }
    const stored = await storedText();
    expect(stored).not.toContain("javascript:");
    expect(stored).not.toContain("<script");
    const { doc } = await loadDocument(documentId);
    expect(validateYDocAgainstSchema(doc)).toEqual({ ok: true });
  });

  it("drops presence that claims another connection's client ID and stamps names from the server", async () => {
    const a = client(editors[0]!.cookie);
    const b = client(editors[1]!.cookie);
    await waitFor(() => a.provider.synced && b.provider.synced, "sync");
    a.provider.awareness.setLocalStateField("user", { name: "I am the Chief Constable", color: "#000" });
    await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID) !== undefined, "presence relayed");
    const state = b.provider.awareness.getStates().get(a.doc.clientID) as { user: { name: string; role: string } };
    expect(state.user.name).toBe("Editor 0");
    expect(state.user.role).toBe("editor");
    // b now claims a's awareness client ID: dropped, a's entry stays a's.
    const { encodeAwareness } = await import("../../server/collab/awareness-filter");
    const ws = await rawSocket(editors[1]!.cookie);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, encodeAwareness([{ clientID: a.doc.clientID, clock: 999, state: { user: { name: "Impostor" } } }]));
    ws.send(encoding.toUint8Array(e));
    await new Promise((r) => setTimeout(r, 300));
    const after = b.provider.awareness.getStates().get(a.doc.clientID) as { user: { name: string } };
    expect(after.user.name).toBe("Editor 0");
    ws.close();
  });

  it("other documents and a fresh socket keep working after all of the above", async () => {
    const c = client(editors[3]!.cookie, otherDocumentId);
    await waitFor(() => c.provider.synced, "sync");
    typeParagraph(c, "other document fine");
    await waitFor(() => c.isSaved(), "saved");
    expect(await storedText(otherDocumentId)).toContain("other document fine");
    void socketClass;
  });
});

describe("reconnecting", () => {
  it("answers an update that carries nothing new with saved, and stores no row for it", async () => {
    const ws = await rawSocket(editors[0]!.cookie, otherDocumentId);
    const [{ n: before }] = await getSql()`select count(*)::int as n from document_updates where document_id = ${otherDocumentId}`;
    const messages: Uint8Array[] = [];
    ws.on("message", (data: Buffer) => messages.push(new Uint8Array(data)));
    ws.send(updateMessage(Y.encodeStateAsUpdate(new Y.Doc())));
    await waitFor(() => messages.some((m) => m[0] === 100), "saved message");
    const [{ n: after }] = await getSql()`select count(*)::int as n from document_updates where document_id = ${otherDocumentId}`;
    expect(after).toBe(before);
    ws.close();
  });

  it("takes a tab's changes that carry the same account's other tab's unsent words (one device copy), while that tab is connected", async () => {
    const me = editors[3]!.cookie;
    const tabA = client(me);
    await waitFor(() => tabA.provider.synced, "tab A synced");
    typeParagraph(tabA, "tab A online words");
    await waitFor(() => tabA.isSaved(), "tab A saved");
    // Tab A types while its network is gone but its connection is still open on the server (it has not noticed): the
    // words reach the device copy (IndexedDB), not the server. (Made with the provider as origin, so it sends nothing.)
    const p = new Y.XmlElement("paragraph");
    p.insert(0, [new Y.XmlText("tab A offline words")]);
    tabA.doc.transact(() => tabA.doc.getXmlFragment("default").push([p]), tabA.provider);
    const deviceCopy = Y.encodeStateAsUpdate(tabA.doc);
    const [{ seq: before }] = await getSql()`select max(seq)::int as seq from document_updates where document_id = ${documentId}`;
    // Tab B opens from the device copy, types, and connects while tab A's connection is still open.
    const tabB = client(me);
    Y.applyUpdate(tabB.doc, deviceCopy);
    typeParagraph(tabB, "tab B words");
    await waitFor(() => tabB.provider.synced && tabB.isSaved(), "tab B saved");
    expect(tabB.closes).toEqual([]);
    expect(tabA.closes).toEqual([]);
    await waitFor(() => tabA.text().includes("tab B words"), "tab A receives tab B's words");
    const stored = await storedText();
    expect(stored).toContain("tab A offline words");
    expect(stored).toContain("tab B words");
    expect(stored.split("tab A offline words").length).toBe(2); // once
    const authors = await getSql()`select distinct user_id from document_updates where document_id = ${documentId} and seq > ${before}`;
    expect(authors.map((r) => r.user_id)).toEqual([editors[3]!.id]);
  });

  it("takes a tab's reconnection while the server still holds its earlier connection (the network dropped without a close)", async () => {
    const me = editors[3]!.cookie;
    const tab = new Y.Doc();
    const first = await rawSocket(me, otherDocumentId);
    const p1 = new Y.XmlElement("paragraph");
    p1.insert(0, [new Y.XmlText("before the drop")]);
    tab.getXmlFragment("default").push([p1]);
    first.send(updateMessage(Y.encodeStateAsUpdate(tab)));
    await waitFor(async () => (await storedText(otherDocumentId)).includes("before the drop"), "first words stored");
    // The same tab (same Y.Doc, same client ID) on a new connection; the first one is still open on the server.
    const sv = Y.encodeStateVector(tab);
    const p2 = new Y.XmlElement("paragraph");
    p2.insert(0, [new Y.XmlText("after the drop")]);
    tab.getXmlFragment("default").push([p2]);
    const second = await rawSocket(me, otherDocumentId);
    const closes: number[] = [];
    second.on("close", (code) => closes.push(code));
    second.send(updateMessage(Y.encodeStateAsUpdate(tab, sv)));
    await waitFor(async () => (await storedText(otherDocumentId)).includes("after the drop"), "words after the drop stored");
    expect(closes).toEqual([]);
    first.close();
    second.close();
  });
});
