/**
 * A commit that PostgreSQL made but whose answer never reached the server (the connection broke after COMMIT, or
 * while the statement waited and PostgreSQL went on to commit it): the server cannot tell it from a commit that did
 * not happen, so it reads the log and must find it there — not send it again and store the same edit twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { seed } from "../../app/models/seed.server";
import { loadDocument } from "../../app/models/document-content.server";
import { addMember, createUser } from "../support/factories";
import { testDatabaseUrl } from "../support/worker-database";
import { startTestServer, type TestServer } from "../support/http-server";
import { connectClient, sessionCookie, typeParagraph, waitFor, type TestClient } from "../support/collab-client";
import { commitsWaitingForLock, expectIntactChain, holdDocumentRow, storedLog } from "../support/document-log";
import { startAnswerLossProxy, type AnswerLossProxy } from "../support/pg-answer-loss-proxy";

let server: TestServer;
let proxy: AnswerLossProxy;
let documentId: string;
const cookies: string[] = [];
const clients: TestClient[] = [];

function client(who: string): TestClient {
  const c = connectClient(server.url, documentId, who);
  clients.push(c);
  return c;
}

/** Rows whose update bytes another row of the log already holds. */
async function repeatedRows(): Promise<number[]> {
  const seen = new Set<string>();
  const repeated: number[] = [];
  for (const row of await storedLog(documentId)) {
    const key = Buffer.from(row.update).toString("base64");
    if (seen.has(key)) repeated.push(row.seq);
    seen.add(key);
  }
  return repeated;
}

beforeAll(async () => {
  await seed();
  const [doc] = await getSql()`select id, workshop_id from documents where slug = 'guidance-safe-injecting-facilities'`;
  documentId = doc!.id;
  for (const name of ["Author", "Reader"]) {
    const u = await createUser({ name });
    await addMember(doc!.workshop_id, u.id, "editor");
    cookies.push(await sessionCookie(u.id));
  }
  proxy = await startAnswerLossProxy(testDatabaseUrl);
  // One commit connection, through the proxy; everything else reaches PostgreSQL directly.
  server = await startTestServer({ commitConnections: 1, commitDatabaseUrl: proxy.url });
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.close();
  await proxy?.close();
});

describe("a commit whose answer was lost", () => {
  it("is found in the log and confirmed, not stored twice; nobody is disconnected", async () => {
    const [author, reader] = [client(cookies[0]!), client(cookies[1]!)];
    await waitFor(() => author.provider.synced && reader.provider.synced && author.isSaved(), "sync");
    const before = (await storedLog(documentId)).length;

    const cut = proxy.loseNextAnswer();
    typeParagraph(author, "committed, answer lost");
    await cut;
    await waitFor(() => author.isSaved(), "the author is told it was saved", 15_000);
    await waitFor(() => reader.text().includes("committed, answer lost"), "the reader receives it", 15_000);

    const log = await storedLog(documentId);
    expect(log.length, "one row for one edit").toBe(before + 1);
    expect(await repeatedRows(), "no update stored twice").toEqual([]);
    expect(author.closes, "the author stays connected").toEqual([]);
    expect(reader.closes).toEqual([]);
    expect(proxy.lost).toBe(1);
  });

  it("confirms every edit of a burst whose connection broke after the first commit, each stored once", async () => {
    const [author, reader] = [client(cookies[0]!), client(cookies[1]!)];
    await waitFor(() => author.provider.synced && reader.provider.synced && author.isSaved(), "sync");
    const typed = Array.from({ length: 12 }, (_, i) => `burst ${i}`);
    const cut = proxy.loseNextAnswer();
    for (const text of typed) typeParagraph(author, text); // several commits in flight on the one connection
    await cut;
    for (let i = 0; i < 4; i++) typeParagraph(author, `after ${i}`);
    await waitFor(() => author.isSaved(), "every edit confirmed", 15_000);
    await waitFor(() => typed.every((t) => reader.text().includes(t)) && reader.text().includes("after 3"), "the reader receives all", 15_000);

    expect(await repeatedRows(), "no update stored twice").toEqual([]);
    const stored = (await loadDocument(documentId)).doc.getXmlFragment("default").toString();
    for (const t of [...typed, "after 0", "after 3"]) expect(stored).toContain(t);
    expect(stored).toBe(author.text());
    expect(await expectIntactChain(documentId)).toBeGreaterThan(16);
    expect(author.closes).toEqual([]);
    expect(proxy.lost).toBe(2);
  });

  it("confirms an edit whose statement PostgreSQL finished after the connection broke, and stores it once", async () => {
    const [author, reader] = [client(cookies[0]!), client(cookies[1]!)];
    await waitFor(() => author.provider.synced && reader.provider.synced && author.isSaved(), "sync");
    // Hold the document's row: the commit waits inside PostgreSQL while its connection is cut.
    const row = await holdDocumentRow(documentId);

    const { cut, finished } = proxy.abandonNextStatement();
    typeParagraph(author, "finished after the break");
    await cut;
    // The server reads the log (nothing new yet) and sends the edit again; both statements now wait for the row.
    await waitFor(async () => (await commitsWaitingForLock()) >= 2, "the abandoned statement and its new try both waiting", 15_000);
    expect(author.isSaved()).toBe(false);
    await row.release();
    await finished;
    await waitFor(() => author.isSaved(), "the author is told it was saved", 15_000);
    await waitFor(() => reader.text().includes("finished after the break"), "the reader receives it", 15_000);

    expect(await repeatedRows(), "no update stored twice").toEqual([]);
    expect((await loadDocument(documentId)).doc.getXmlFragment("default").toString()).toBe(author.text());
    expect(await expectIntactChain(documentId)).toBeGreaterThan(17);
    expect(author.closes).toEqual([]);
  });
});
