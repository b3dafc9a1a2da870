/**
 * The collaboration socket's caps (server/collab/limits.ts) against the security review's finding M4: a viewer's
 * script floods presence, asks for the document from partial states, queries presence and opens many sockets,
 * against a real server, real websockets and PostgreSQL. The server's heap stays bounded, the attacker's sockets
 * are closed with the documented codes, editors here and on another document keep editing, and people using a few
 * tabs with ordinary presence are never touched.
 */
import v8 from "node:v8";
import vm from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import * as encoding from "lib0/encoding";
import * as syncProtocol from "y-protocols/sync";
import { getSql } from "../../db/client";
import { seed } from "../../app/models/seed.server";
import { CloseCode, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC } from "../../app/collab/protocol";
import { MAX_SOCKETS_PER_USER_PER_DOCUMENT } from "../../server/collab/limits";
import { addMember, createUser } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http-server";
import { connectClient, sessionCookie, typeParagraph, waitFor, type TestClient } from "../support/collab-client";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

let server: TestServer;
let documentId: string;
let otherDocumentId: string;
let editor: string;
let viewer: string;
const clients: TestClient[] = [];

function client(cookie: string, doc = documentId): TestClient {
  const c = connectClient(server.url, doc, cookie);
  clients.push(c);
  return c;
}

function openSocket(cookie: string, doc = documentId, url = server.url): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/collab/${doc}`, { headers: { cookie, origin: url } });
    ws.on("open", () => resolve(ws));
    ws.on("error", reject);
  });
}

function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve({ code: 1006, reason: "" });
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
  });
}

function message(type: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** An awareness message with `states` states (client IDs from `firstId`), each a JSON object of about `bytes`. */
function presence(firstId: number, states: number, bytes: number, clock = 1): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, states);
  const pad = "x".repeat(Math.max(0, bytes - 12));
  for (let i = 0; i < states; i++) {
    encoding.writeVarUint(inner, firstId + i);
    encoding.writeVarUint(inner, clock);
    encoding.writeVarString(inner, JSON.stringify({ pad }));
  }
  return message(MESSAGE_AWARENESS, (e) => encoding.writeVarUint8Array(e, encoding.toUint8Array(inner)));
}

function syncStep1(stateVector: Uint8Array): Uint8Array {
  return message(MESSAGE_SYNC, (e) => {
    encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1);
    encoding.writeVarUint8Array(e, stateVector);
  });
}

/** A random state vector of someone who has part of a document (a few clients, each some way in). */
function partialStateVector(): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 3);
  for (let i = 0; i < 3; i++) {
    encoding.writeVarUint(encoder, Math.floor(Math.random() * 2 ** 31));
    encoding.writeVarUint(encoder, Math.floor(Math.random() * 1000));
  }
  return encoding.toUint8Array(encoder);
}

/**
 * One attacking socket: opens, sends `next()` as fast as the socket drains until the server closes it, opens again,
 * until `until`. Returns the close codes the server used.
 */
async function attack(next: (i: number) => Uint8Array, until: number): Promise<{ codes: number[]; reasons: string[] }> {
  const codes: number[] = [];
  const reasons: string[] = [];
  while (Date.now() < until) {
    const ws = await openSocket(viewer);
    const end = closed(ws);
    let open = true;
    void end.then(() => (open = false));
    for (let i = 0; open && Date.now() < until; i++) {
      if (ws.bufferedAmount > 4 * 1024 * 1024) await new Promise((r) => setTimeout(r, 5));
      else ws.send(next(i));
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    if (open) ws.close();
    const { code, reason } = await end;
    if (code !== 1005 && code !== 1000) {
      codes.push(code);
      reasons.push(reason);
    }
  }
  return { codes, reasons };
}

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

beforeAll(async () => {
  await seed();
  const [doc] = await getSql()<{ id: string; workshop_id: string }[]>`select id, workshop_id from documents where slug = 'call-for-harm-reduction-policing'`;
  const [other] = await getSql()<{ id: string }[]>`select id from documents where slug = 'statement-of-support'`;
  documentId = doc!.id;
  otherDocumentId = other!.id;
  const [otherWorkshop] = await getSql()<{ workshop_id: string }[]>`select workshop_id from documents where id = ${otherDocumentId}`;
  const e = await createUser({ name: "Limits Editor" });
  await addMember(doc!.workshop_id, e.id, "editor");
  if (otherWorkshop!.workshop_id !== doc!.workshop_id) await addMember(otherWorkshop!.workshop_id, e.id, "editor");
  editor = await sessionCookie(e.id);
  const v = await createUser({ name: "Limits Viewer" });
  await addMember(doc!.workshop_id, v.id, "viewer");
  viewer = await sessionCookie(v.id);
  server = await startTestServer({ accessCheckMs: 500, unloadAfterMs: 500 });
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.close();
});

describe("a viewer's attack on the collaboration server (review M4)", () => {
  it("keeps the server's heap bounded and editing going while a viewer floods presence, sync requests, presence queries and sockets", async () => {
    const here = client(editor);
    const there = client(editor, otherDocumentId);
    await waitFor(() => here.provider.synced && there.provider.synced, "editors synced");
    const before = heapUsed();

    const until = Date.now() + 4000;
    const reviewPad = "x".repeat(15_000);
    let nextId = 1_000_000;
    const attacks = Promise.all([
      // The review's script: 130 states of 15 kB in each message.
      attack(() => {
        const inner = encoding.createEncoder();
        encoding.writeVarUint(inner, 130);
        for (let i = 0; i < 130; i++) {
          encoding.writeVarUint(inner, nextId++);
          encoding.writeVarUint(inner, 1);
          encoding.writeVarString(inner, JSON.stringify({ pad: reviewPad }));
        }
        return message(MESSAGE_AWARENESS, (e) => encoding.writeVarUint8Array(e, encoding.toUint8Array(inner)));
      }, until),
      // One state per message, but a new client ID each time.
      attack(() => presence(nextId++, 1, 1500), until),
      // One client ID, its largest state, as fast as possible.
      attack((i) => presence(7, 1, 2000, i + 1), until),
      // The whole document's difference from random partial states.
      attack(() => syncStep1(partialStateVector()), until),
      // Everyone's presence, again and again.
      attack(() => message(MESSAGE_QUERY_AWARENESS, () => {}), until),
    ]);
    // Meanwhile both editors type, and each paragraph is saved.
    let typed = 0;
    while (Date.now() < until) {
      typeParagraph(here, `typed here during the attack ${typed}`);
      typeParagraph(there, `typed there during the attack ${typed}`);
      typed += 1;
      await waitFor(() => here.isSaved() && there.isSaved(), "saved during the attack", 3000);
    }
    const results = await attacks;
    expect(typed, "editing went on").toBeGreaterThan(3);

    const [review, newIds, fastPresence, syncRequests, queries] = results;
    expect(new Set(review!.codes)).toEqual(new Set([CloseCode.BadMessage]));
    expect(review!.reasons[0]).toMatch(/a presence state over 2048 bytes/);
    expect(new Set(newIds!.codes)).toEqual(new Set([CloseCode.BadMessage]));
    expect(newIds!.reasons[0]).toMatch(/more than 2 client IDs/);
    expect(fastPresence!.codes.every((c) => c === CloseCode.RateLimited)).toBe(true);
    expect(new Set(syncRequests!.codes)).toEqual(new Set([CloseCode.RateLimited]));
    expect(syncRequests!.reasons[0]).toMatch(/too many sync requests/);
    expect(new Set(queries!.codes)).toEqual(new Set([CloseCode.RateLimited]));

    // Then many idle sockets of the same viewer on the same document.
    const idle: WebSocket[] = [];
    const idleCloses: Promise<{ code: number; reason: string }>[] = [];
    for (let i = 0; i < MAX_SOCKETS_PER_USER_PER_DOCUMENT + 4; i++) {
      const ws = await openSocket(viewer);
      idle.push(ws);
      idleCloses.push(closed(ws));
    }
    // The oldest idle sockets made way: 4429 "too many connections", the newest stay open.
    const tooMany = await Promise.race([Promise.all(idleCloses.slice(0, 4)), new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
    expect(tooMany?.map((c) => c.code)).toEqual(Array(4).fill(CloseCode.TooManyConnections));
    expect(idle.slice(4).every((ws) => ws.readyState === WebSocket.OPEN)).toBe(true);
    for (const ws of idle) ws.close();

    await waitFor(() => here.isSaved() && there.isSaved(), "saved after the attack");
    expect(here.closes).toEqual([]);
    expect(there.closes).toEqual([]);
    const grown = heapUsed() - before;
    if (process.env.ACCORD_PRINT_HEAP) process.stdout.write(`heap grew by ${(grown / 1048576).toFixed(1)} MB during the attack\n`);
    expect(grown, "the server's heap stays bounded (it runs in this process)").toBeLessThan(24 * 1024 * 1024);

    // The attacker's presence is gone with its sockets: nothing of it is kept.
    const room = await server.server.collab.loadedRoom(documentId);
    await waitFor(() => room!.members.size === 1, "only the editor left in the room");
    expect(room!.presence.bookkeeping).toBeLessThanOrEqual(1);
    expect(room!.presence.bytes).toBeLessThan(1024);
    expect(server.server.collab.openSockets).toBe(2);
  }, 60_000);

  it("never touches people in a few tabs with ordinary presence: nobody is closed, and each sees the others' latest caret", async () => {
    const tabs = [client(viewer), client(viewer), client(viewer), client(editor)];
    await waitFor(() => tabs.every((t) => t.provider.synced), "tabs synced");
    for (const [i, t] of tabs.entries()) t.provider.awareness.setLocalStateField("user", { name: `tab ${i}`, color: "#000" });
    // A caret dragged across the text for two seconds: 60 updates a second from one tab.
    const moving = tabs[3]!;
    for (let i = 0; i < 120; i++) {
      moving.provider.awareness.setLocalStateField("cursor", { anchor: i, head: i + 1 });
      await new Promise((r) => setTimeout(r, 16));
    }
    const last = { anchor: 119, head: 120 };
    await waitFor(
      () => tabs.slice(0, 3).every((t) => JSON.stringify(t.provider.awareness.getStates().get(moving.doc.clientID)?.cursor) === JSON.stringify(last)),
      "every tab sees the caret's last position",
    );
    for (const t of tabs) {
      expect(t.closes).toEqual([]);
      expect(t.provider.awareness.getStates().size).toBeGreaterThanOrEqual(4);
      // The server stamped the account's name, whatever the tab claimed.
      if (t !== tabs[0]) expect((t.provider.awareness.getStates().get(tabs[0]!.doc.clientID)?.user as { name?: string } | undefined)?.name).toBe("Limits Viewer");
    }
    for (const t of tabs) t.destroy();
  });

  it("refuses upgrades with 503 once the instance holds its cap of sockets", async () => {
    const small = await startTestServer({ sockets: { perUserPerDocument: 8, perUser: 32, total: 2 } });
    try {
      const a = await openSocket(viewer, documentId, small.url);
      const b = await openSocket(editor, documentId, small.url);
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(`${small.url.replace(/^http/, "ws")}/collab/${documentId}`, { headers: { cookie: viewer, origin: small.url } });
        ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
        ws.on("open", () => resolve(101));
        ws.on("error", () => {});
      });
      expect(status).toBe(503);
      a.close();
      await closed(a);
      await waitFor(() => small.server.collab.openSockets === 1, "a socket closed");
      const c = await openSocket(viewer, documentId, small.url);
      expect(c.readyState).toBe(WebSocket.OPEN);
      c.close();
      b.close();
    } finally {
      await small.close();
    }
  });

  it("closes a viewer's oldest socket with 4429 when it opens more than its cap across documents on this instance", async () => {
    const small = await startTestServer({ sockets: { perUserPerDocument: 8, perUser: 3, total: 100 } });
    try {
      const first = await openSocket(viewer, documentId, small.url);
      const firstClosed = closed(first);
      const rest = [await openSocket(viewer, documentId, small.url), await openSocket(viewer, otherDocumentId, small.url).catch(() => null), await openSocket(viewer, documentId, small.url)];
      const { code, reason } = await firstClosed;
      expect(code).toBe(CloseCode.TooManyConnections);
      expect(reason).toMatch(/more than 3 connections of one account/);
      for (const ws of rest) ws?.close();
    } finally {
      await small.close();
    }
  });
});
