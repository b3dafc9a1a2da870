import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { getSql } from "../../db/client";
import { seed } from "../../app/models/seed.server";
import { appendServerUpdate } from "../../app/models/document-writes.server";
import { loadDocument } from "../../app/models/document-content.server";
import { addMember, createUser } from "../support/factories";
import { testDatabaseUrl } from "../support/worker-database";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { connectClient, sessionCookie, waitFor, type TestClient } from "../support/collab-client";
import { expectIntactChain, paragraphUpdate } from "../support/document-log";

let documentId: string;
const cookies: string[] = [];
const processes: ServerProcess[] = [];

/** A deterministic pseudo-random sequence, so a failing run can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function paragraphsOf(doc: Y.Doc): string[] {
  return doc
    .getXmlFragment("default")
    .toArray()
    .map((n) => (n instanceof Y.XmlElement ? n.toArray().map((c) => (c instanceof Y.XmlText ? c.toString() : "")).join("") : ""));
}

beforeAll(async () => {
  await seed();
  const [doc] = await getSql()`select id, workshop_id from documents where slug = 'guidance-policing-amphetamines'`;
  documentId = doc!.id;
  for (let i = 0; i < 2; i++) {
    const u = await createUser({ name: `Typist ${i}` });
    await addMember(doc!.workshop_id, u.id, "editor");
    cookies.push(await sessionCookie(u.id));
  }
});

afterAll(async () => {
  for (const p of processes) await p.kill("SIGKILL");
});

describe("durability and scale-out", () => {
  it("keeps everything a client was told was saved when the server is SIGKILLed mid-typing, repeatedly", async () => {
    const seedValue = Number(process.env.ACCORD_CRASH_SEED ?? 20230519);
    const random = prng(seedValue);
    const rounds = Number(process.env.ACCORD_CRASH_ROUNDS ?? 6);
    // Each client's own record of what the server confirmed: text it typed whose clock was acknowledged.
    const docs = [new Y.Doc(), new Y.Doc()];
    const confirmed: string[][] = [[], []];
    for (let round = 0; round < rounds; round++) {
      const server = await startServerProcess(testDatabaseUrl);
      processes.push(server);
      const clients: TestClient[] = docs.map((doc, i) => {
        const c = connectClient(server.url, documentId, cookies[i]!);
        Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(doc)); // the same tab, reconnecting with what it holds
        return c;
      });
      await waitFor(() => clients.every((c) => c.provider.synced), "sync after restart", 20_000);
      const typed: { text: string; clock: number }[][] = [[], []];
      const killAfter = 50 + Math.floor(random() * 400);
      const started = Date.now();
      let n = 0;
      while (Date.now() - started < killAfter) {
        for (let i = 0; i < clients.length; i++) {
          const text = `r${round}-c${i}-n${n}`;
          const p = new Y.XmlElement("paragraph");
          p.insert(0, [new Y.XmlText(text)]);
          clients[i]!.doc.getXmlFragment("default").push([p]);
          typed[i]!.push({ text, clock: Y.getState(clients[i]!.doc.store, clients[i]!.doc.clientID) });
        }
        n++;
        await new Promise((r) => setTimeout(r, 5 + random() * 20));
      }
      await server.kill("SIGKILL");
      for (let i = 0; i < clients.length; i++) {
        const ackClock = Math.max(0, ...clients[i]!.saved.map((s) => s.clock));
        confirmed[i]!.push(...typed[i]!.filter((t) => t.clock <= ackClock).map((t) => t.text));
        docs[i] = new Y.Doc();
        Y.applyUpdate(docs[i]!, Y.encodeStateAsUpdate(clients[i]!.doc));
        clients[i]!.destroy();
      }
      const stored = paragraphsOf((await loadDocument(documentId)).doc);
      for (const list of confirmed) for (const text of list) expect(stored, `seed ${seedValue}, round ${round}: "${text}" was confirmed`).toContain(text);
    }
    expect(confirmed.flat().length, "the crash loop must exercise confirmed writes").toBeGreaterThan(rounds);
    // Restart once more: both tabs reconnect and converge, nothing lost, nothing duplicated.
    const server = await startServerProcess(testDatabaseUrl);
    processes.push(server);
    const clients = docs.map((doc, i) => {
      const c = connectClient(server.url, documentId, cookies[i]!);
      Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(doc));
      return c;
    });
    await waitFor(() => clients.every((c) => c.provider.synced && c.isSaved()), "final sync", 20_000);
    await waitFor(() => clients[0]!.text() === clients[1]!.text(), "convergence", 20_000);
    const final = paragraphsOf((await loadDocument(documentId)).doc);
    const typedEverywhere = paragraphsOf(clients[0]!.doc).filter((t) => /^r\d+-c\d+-n\d+$/.test(t));
    expect(new Set(typedEverywhere).size).toBe(typedEverywhere.length);
    for (const t of typedEverywhere) expect(final).toContain(t);
    for (const c of clients) c.destroy();
    await server.kill();
  }, 180_000);

  it("two server processes on one database serve the same document: clients on each converge", async () => {
    const one = await startServerProcess(testDatabaseUrl);
    const two = await startServerProcess(testDatabaseUrl);
    processes.push(one, two);
    const a = connectClient(one.url, documentId, cookies[0]!);
    const b = connectClient(two.url, documentId, cookies[1]!);
    await waitFor(() => a.provider.synced && b.provider.synced, "sync");
    for (let i = 0; i < 15; i++) {
      const pa = new Y.XmlElement("paragraph");
      pa.insert(0, [new Y.XmlText(`instance one ${i}`)]);
      a.doc.getXmlFragment("default").push([pa]);
      const pb = new Y.XmlElement("paragraph");
      pb.insert(0, [new Y.XmlText(`instance two ${i}`)]);
      b.doc.getXmlFragment("default").push([pb]);
    }
    // Meanwhile the server itself appends too (as restoring a version does), through the locked path.
    const [author] = await getSql()<{ id: string }[]>`select id from users order by created_at limit 1`;
    await Promise.all(Array.from({ length: 10 }, (_, i) => appendServerUpdate(documentId, paragraphUpdate(`server side ${i}`), author!.id)));
    await waitFor(
      () => a.text() === b.text() && a.text().includes("instance two 14") && b.text().includes("instance one 14") && a.text().includes("server side 9"),
      "cross-instance convergence",
      15_000,
    );
    await waitFor(() => a.isSaved() && b.isSaved(), "both saved");
    // Three writers raced for the same log positions without a shared lock: the log still has no gap and no break.
    expect(await expectIntactChain(documentId)).toBeGreaterThan(0);
    const stored = paragraphsOf((await loadDocument(documentId)).doc);
    for (let i = 0; i < 15; i++) expect(stored).toEqual(expect.arrayContaining([`instance one ${i}`, `instance two ${i}`]));
    for (let i = 0; i < 10; i++) expect(stored).toContain(`server side ${i}`);
    // Each instance announces its commits to the other (NOTIFY): an edit crosses over in well under the 2 s after
    // which the comparison of log positions would bring it. Five in a row, each way.
    for (let i = 0; i < 5; i++) {
      for (const [from, to, name] of [[a, b, "one"], [b, a, "two"]] as const) {
        const p = new Y.XmlElement("paragraph");
        p.insert(0, [new Y.XmlText(`announced by ${name} ${i}`)]);
        from.doc.getXmlFragment("default").push([p]);
        await waitFor(() => to.text().includes(`announced by ${name} ${i}`), `an edit relayed from instance ${name} by its NOTIFY`, 700);
      }
    }
    a.destroy();
    b.destroy();
    await one.kill();
    await two.kill();
  }, 60_000);
});
