import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import WebSocket from "ws";
import { getSql } from "../../db/client";
import { appendUpdates } from "../../db/document-log";
import { seed } from "../../app/models/seed.server";
import { loadDocument } from "../../app/models/document-content.server";
import { CloseCode } from "../../app/collab/protocol";
import { addMember, createUser, createWorkshop } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http-server";
import { connectClient, sessionCookie, typeParagraph, waitFor, type TestClient } from "../support/collab-client";

let server: TestServer;
let documentId: string;
let workshopId: string;
let cookie: string;
let cookie2: string;
const clients: TestClient[] = [];

function client(doc = documentId, who = cookie): TestClient {
  const c = connectClient(server.url, doc, who);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  await seed();
  const [doc] = await getSql()`select id, workshop_id from documents where slug = 'guidance-policing-young-drug-users'`;
  documentId = doc!.id;
  workshopId = doc!.workshop_id;
  const u = await createUser({ name: "Lifecycle Editor" });
  await addMember(workshopId, u.id, "editor");
  cookie = await sessionCookie(u.id);
  const u2 = await createUser({ name: "Second Editor" });
  await addMember(workshopId, u2.id, "editor");
  cookie2 = await sessionCookie(u2.id);
  server = await startTestServer({
    unloadAfterMs: 150,
    limits: { maxDocumentBytes: 16 * 1024 * 1024, maxBufferedBytes: 64 * 1024, maxBatch: 500, snapshotEvery: 5 },
  });
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server.close();
});

describe("document lifecycle on the server", () => {
  it("unloads a document after its last client leaves, and a reconnect loads the committed state", async () => {
    const a = client();
    await waitFor(() => a.provider.synced, "sync");
    typeParagraph(a, "before unload");
    await waitFor(() => a.isSaved(), "saved");
    a.destroy();
    await waitFor(() => !server.server.collab.loadedDocumentIds().includes(documentId), "unload", 5000);
    const b = client();
    await waitFor(() => b.provider.synced && b.text().includes("before unload"), "reload from PostgreSQL");
  });

  it("writes snapshots as the log grows and loads the same document from snapshot plus tail", async () => {
    const a = client();
    await waitFor(() => a.provider.synced, "sync");
    for (let i = 0; i < 12; i++) {
      typeParagraph(a, `snap ${i}`);
      await waitFor(() => a.isSaved(), "saved");
    }
    const [{ n }] = await getSql()`select count(*)::int as n from document_snapshots where document_id = ${documentId}`;
    expect(n).toBeGreaterThan(0);
    const [{ m }] = await getSql()`select count(*)::int as m from document_updates where document_id = ${documentId}`;
    expect(m).toBeGreaterThan(12); // the log is kept: snapshots never replace it
    const { doc } = await loadDocument(documentId);
    expect(doc.getXmlFragment("default").toString()).toBe(a.text());
  });

  it("closes a reader that falls too far behind with 1013, and it resyncs on reconnect", async () => {
    const writer = client(documentId, cookie2);
    await waitFor(() => writer.provider.synced, "writer sync");
    const slow = new WebSocket(`${server.url.replace(/^http/, "ws")}/collab/${documentId}`, { headers: { cookie, origin: server.url } });
    await new Promise((resolve) => slow.once("open", resolve));
    const closed = new Promise<number>((resolve) => slow.once("close", (code) => resolve(code)));
    // Stop reading, then keep asking for the whole document: the server's buffer for this socket grows.
    (slow as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    typeParagraph(writer, "x".repeat(200_000));
    await waitFor(() => writer.isSaved(), "writer saved", 20_000);
    const askForEverything = new Uint8Array([0, 0, 1, 0]); // sync step 1 with an empty state vector
    for (let i = 0; i < 300 && slow.readyState === slow.OPEN; i++) {
      slow.send(askForEverything);
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 300));
    }
    (slow as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toBe(CloseCode.TryAgainLater);
    const again = client();
    await waitFor(() => again.provider.synced && again.text() === writer.text(), "resync after 1013", 15_000);
  });

  it("refuses to open a document whose stored log cannot be read, and writes nothing in its place", async () => {
    const workshop = await createWorkshop();
    const u = await createUser();
    await addMember(workshop.id, u.id, "editor");
    const [doc] = await getSql()`insert into documents (workshop_id, slug, title, kind) values (${workshop.id}, 'broken', 'Broken', 'guidance') returning id`;
    await getSql().begin((tx) => appendUpdates(tx, doc!.id, [{ update: new Uint8Array([0, 5, 9, 9, 9, 9, 9, 255]), userId: null }]));
    const before = await getSql()`select seq, encode(update, 'hex') as u from document_updates where document_id = ${doc!.id} order by seq`;
    const c = connectClient(server.url, doc!.id, await sessionCookie(u.id));
    clients.push(c);
    await waitFor(() => c.closes.some((x) => x.code === CloseCode.LoadFailed), "load-failed close", 10_000);
    c.provider.disconnect();
    const after = await getSql()`select seq, encode(update, 'hex') as u from document_updates where document_id = ${doc!.id} order by seq`;
    expect(after).toEqual(before);
    void Y;
  });
});
