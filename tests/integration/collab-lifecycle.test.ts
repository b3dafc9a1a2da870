import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import WebSocket from "ws";
import { getSql } from "../../db/client";
import { appendServerUpdate } from "../../app/models/document-writes.server";
import { announceInstance, appendAfterTail, appendUpdates, DOCUMENT_UPDATES_CHANNEL } from "../../db/document-log";
import { seed } from "../../app/models/seed.server";
import { loadDocument } from "../../app/models/document-content.server";
import { CloseCode } from "../../app/collab/protocol";
import { addMember, createUser, createWorkshop } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http-server";
import { connectClient, serverAnswerTo, serverStateVector, sessionCookie, typeParagraph, waitFor, type TestClient } from "../support/collab-client";
import { commitsWaitingForLock, expectIntactChain, holdDocumentRow, paragraphUpdate, storedLog } from "../support/document-log";
import { holdLock, untilStatementWaitsForLock } from "../support/locks";

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
    limits: { maxDocumentBytes: 16 * 1024 * 1024, maxBufferedBytes: 64 * 1024, maxBatch: 500, snapshotEvery: 5, sleepAfterMs: 100 },
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

  it("keeps a document nobody writes to encoded, wakes it for a write and lets it sleep again, the same for every client", async () => {
    const room = async () => (await server.server.collab.loadedRoom(documentId))!;
    const a = client();
    await waitFor(() => a.provider.synced && a.isSaved(), "sync");
    expect((await room()).asleep).toBe(true); // loaded, joined, nobody wrote: kept as one encoded update
    const b = client(documentId, cookie2);
    await waitFor(() => b.provider.synced && b.text() === a.text(), "second client syncs from the encoded state");

    const earlier = Y.encodeStateAsUpdate(a.doc); // what a client that goes offline now will have
    typeParagraph(a, "wakes the document");
    await waitFor(() => a.isSaved() && b.text().includes("wakes the document"), "write relayed");
    expect((await room()).asleep).toBe(false);
    await waitFor(async () => (await room()).asleep, "asleep again after a quiet spell", 3000);
    // Asleep, a join is offered the state vector kept with the encoded state: the committed document's, written included.
    const stored = (await loadDocument(documentId)).doc;
    expect(await serverStateVector(server.url, documentId, cookie)).toEqual(Y.decodeStateVector(Y.encodeStateVector(stored)));
    // Clients coming back with part of the document get what they lack; after a few, the room wakes to answer the rest
    // (a decoding of the encoded state each would cost every one of a crowd reconnecting after a restart). Each
    // comes back with a state vector of its own (the same one twice is answered from the room's cache of answers).
    const earlierVector = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(earlier));
    for (let i = 1; i <= 4; i++) {
      const back = new Y.Doc();
      Y.applyUpdate(back, earlier);
      const own = Y.encodeStateVector(new Map([...earlierVector, [900_000 + i, 0]]));
      Y.applyUpdate(back, await serverAnswerTo(server.url, documentId, cookie, own));
      expect(back.getXmlFragment("default").toString()).toBe(a.text());
      expect((await room()).asleep).toBe(i <= 3);
    }
    await waitFor(async () => (await room()).asleep, "asleep again", 3000);

    const c = client();
    await waitFor(() => c.provider.synced && c.isSaved() && c.text() === a.text(), "a late joiner gets the committed text and its confirmation");
    // Another writer (a restore, another instance) while it sleeps: the catch-up wakes it and relays the change.
    const [author] = await getSql()<{ id: string }[]>`select id from users order by created_at limit 1`;
    const server2 = new Y.Doc();
    const p = new Y.XmlElement("paragraph");
    p.insert(0, [new Y.XmlText("written elsewhere")]);
    server2.getXmlFragment("default").push([p]);
    await appendServerUpdate(documentId, Y.encodeStateAsUpdate(server2), author!.id);
    await waitFor(() => [a, b, c].every((x) => x.text().includes("written elsewhere")), "catch-up relayed to everyone");

    typeParagraph(b, "and once more");
    await waitFor(() => [a, c].every((x) => x.text().includes("and once more")) && b.isSaved(), "second wake relayed");
    expect(a.text()).toBe(c.text());
    const { doc } = await loadDocument(documentId);
    expect(doc.getXmlFragment("default").toString()).toBe(a.text());
    for (const x of [a, b, c]) x.destroy();
  });

  it("announces nothing while it is the only instance, and each commit right after it once another instance says it is there", async () => {
    const heard: string[] = [];
    const listener = await getSql().listen(DOCUMENT_UPDATES_CHANNEL, (payload) => heard.push(payload));
    const ours = server.server.collab.instanceId;
    const lastSeq = async () => {
      const [tail] = await getSql()<{ seq: number }[]>`
        select seq::int as seq from document_updates where document_id = ${documentId} order by seq desc limit 1`;
      return tail!.seq;
    };
    try {
      const a = client();
      await waitFor(() => a.provider.synced && a.isSaved(), "sync");
      typeParagraph(a, "written while alone");
      await waitFor(() => a.isSaved(), "saved");
      await new Promise((r) => setTimeout(r, 300));
      expect(heard.filter((p) => p.startsWith(documentId))).toEqual([]);

      // Another instance starts and says so: this one answers at once, and from now on announces its commits.
      await announceInstance(getSql(), "another-instance");
      await waitFor(() => heard.includes(`instance ${ours}`), "this instance's answer", 1000);
      typeParagraph(a, "announced to the other");
      await waitFor(() => a.isSaved(), "saved");
      // Well before the 2-second comparison of log positions could have told anyone.
      const seq = await lastSeq();
      // "<document> <seq> <instance> <sent at, ms>": the last part feeds the NOTIFY lag metric.
      await waitFor(() => heard.some((p) => new RegExp(`^${documentId} ${seq} ${ours} \\d+$`).test(p)), "the NOTIFY after the commit", 1000);
      a.destroy();
    } finally {
      await listener.unlisten();
    }
  });

  it("brings rows another instance committed but never announced (its NOTIFY lost) to every client at the next comparison of log positions", async () => {
    const a = client();
    const b = client(documentId, cookie2);
    await waitFor(() => a.provider.synced && b.provider.synced && a.isSaved(), "sync");
    typeParagraph(a, "before the silent write");
    await waitFor(() => a.isSaved() && b.text().includes("before the silent write"), "relayed");
    // Another instance that stopped between its commit and its NOTIFY: the row is in the log, and nobody was told.
    const [tail] = await getSql()<{ seq: number; hash: Buffer }[]>`
      select seq::int as seq, hash from document_updates where document_id = ${documentId} order by seq desc limit 1`;
    const [author] = await getSql()<{ id: string }[]>`select id from users order by created_at limit 1`;
    const silent = await appendAfterTail(documentId, tail!, [{ update: paragraphUpdate("committed in silence"), userId: author!.id }]);
    expect(silent.ok).toBe(true);
    await waitFor(() => [a, b].every((x) => x.text().includes("committed in silence")), "caught up without a NOTIFY", 8000);
    typeParagraph(b, "and after it");
    await waitFor(() => b.isSaved() && a.text().includes("and after it"), "writing goes on after the catch-up");
    expect(await expectIntactChain(documentId)).toBeGreaterThan(2);
    for (const x of [a, b]) x.destroy();
  });

  it("confirms an author with what the author deleted, not the whole document's deletions, also across held commits", async () => {
    // A draft many people have edited: 400 separate deletions in its history.
    const [doc] = await getSql()<{ id: string }[]>`
      insert into documents (workshop_id, slug, title, kind) values (${workshopId}, 'much-edited', 'Much edited', 'guidance') returning id`;
    const history = new Y.Doc();
    const p = new Y.XmlElement("paragraph");
    const old = new Y.XmlText("x".repeat(2000));
    p.insert(0, [old]);
    history.getXmlFragment("default").push([p]);
    for (let i = 0; i < 400; i++) old.delete(i + 1, 1);
    await getSql().begin((tx) => appendUpdates(tx, doc!.id, [{ update: Y.encodeStateAsUpdate(history), userId: null }]));
    const wholeDocument = Y.encodeSnapshot(Y.snapshot(history)).byteLength;

    const a = client(doc!.id);
    await waitFor(() => a.provider.synced && a.saved.length > 0, "sync and the connection's confirmation");
    // Its sync step 2 carried the document's 400 deletions back and nothing new: confirmed, not stored again.
    expect(await storedLog(doc!.id)).toHaveLength(1);
    const atConnect = a.saved.length;
    typeParagraph(a, "Police support harm reduction.");
    await waitFor(() => a.isSaved(), "saved");
    const mine = (a.doc.getXmlFragment("default").get(1) as Y.XmlElement).get(0) as Y.XmlText;
    // Two deletions in two commits, the second made while the first is held inside PostgreSQL.
    const row = await holdDocumentRow(doc!.id);
    mine.delete(0, 7); // "Police "
    await waitFor(async () => (await commitsWaitingForLock()) > 0, "the first deletion's commit waiting");
    mine.delete(mine.length - 1, 1); // the full stop
    expect(a.isSaved()).toBe(false);
    await row.release();
    await waitFor(() => a.isSaved(), "both deletions confirmed");
    expect(a.text()).toContain("support harm reduction</paragraph>");
    const stored = (await loadDocument(doc!.id)).doc.getXmlFragment("default").toString();
    expect(stored).toBe(a.text());
    expect(wholeDocument).toBeGreaterThan(1000); // 400 deleted ranges, each in every confirmation before
    const commits = a.saved.slice(atConnect);
    expect(commits.length).toBeGreaterThanOrEqual(2);
    for (const saved of commits) expect(saved.bytes, "a confirmation the size of the author's own changes").toBeLessThan(100);
    a.destroy();
  });

  it("sends commits again when their connections are cut in flight: nothing lost or doubled, nobody disconnected", async () => {
    const a = client();
    const b = client(documentId, cookie2);
    await waitFor(() => a.provider.synced && b.provider.synced && a.isSaved(), "sync");
    // Hold the document's row so commits wait inside PostgreSQL, pipelined on their connection.
    const row = await holdDocumentRow(documentId);
    const typed: string[] = [];
    for (let i = 0; i < 12; i++) {
      typed.push(`in flight ${i}`);
      typeParagraph(a, typed[i]!);
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(async () => (await commitsWaitingForLock()) > 0, "a commit waiting for the row");
    expect(a.isSaved(), "nothing is confirmed while the commit waits").toBe(false);
    expect(b.text()).not.toContain("in flight 0");
    await getSql()`
      select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'accord-collab-commit' and datname = current_database()`;
    await row.release();
    for (let i = 12; i < 20; i++) {
      typed.push(`after the cut ${i}`);
      typeParagraph(a, typed[i]!);
    }
    await waitFor(() => a.isSaved(), "everything confirmed", 15_000);
    expect(a.closes, "the typist stays connected").toEqual([]);
    await waitFor(() => typed.every((t) => b.text().includes(t)), "the other tab receives everything", 15_000);
    const stored = (await loadDocument(documentId)).doc.getXmlFragment("default").toString();
    for (const t of typed) expect(stored).toContain(t);
    expect(stored.split("in flight 3").length, "nothing stored twice").toBe(2);
    expect(await expectIntactChain(documentId), "the log has no gap and no break").toBeGreaterThan(20);
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

describe("an instance that closes (SIGTERM, a rolling restart)", () => {
  it("tells its open sockets 'server restarting' (1012), ends though a client does not answer, and answers 503, never an open socket, to an upgrade it was still checking", async () => {
    const closing = await startTestServer();
    const open = connectClient(closing.url, documentId, cookie);
    clients.push(open);
    await waitFor(() => open.provider.synced, "the first client synced");
    // The second client's upgrade waits in its session's lookup: the sessions table is locked meanwhile.
    const held = await holdLock((tx) => tx`lock table sessions in access exclusive mode`);
    const late = new WebSocket(`${closing.url.replace(/^http/, "ws")}/collab/${documentId}`, { headers: { cookie: cookie2, origin: closing.url } });
    late.on("error", () => {});
    const lateAnswer = new Promise<number | "open">((resolve) => {
      late.on("open", () => resolve("open"));
      late.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    });
    await untilStatementWaitsForLock("from sessions", "the upgrade's session lookup");
    // The first client reads nothing for now: the closing instance waits for its answer to "restarting" (up to 2 s,
    // then goes on: the test's own time limit is 30 s, ws's limit for a close 30 s too), and the second client's check
    // goes on meanwhile.
    const socket = (open.provider.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const closed = closing.close();
    await held.release();
    expect(await lateAnswer).toBe(503);
    await closed;
    socket.resume();
    await waitFor(() => open.closes.length > 0, "the first client saw its socket close");
    expect(open.closes[0]).toEqual({ code: CloseCode.ServiceRestart, reason: "server restarting", opened: true });
    open.provider.disconnect();
  });
});
