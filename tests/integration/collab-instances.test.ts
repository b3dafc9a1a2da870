import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { announceHeldDocuments, announceInstance, DOCUMENT_UPDATES_CHANNEL } from "../../db/document-log";
import { seed } from "../../app/models/seed.server";
import { addMember, createUser } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http-server";
import { connectClient, sessionCookie, typeParagraph, waitFor, type TestClient } from "../support/collab-client";

// Two instances on one database, as behind a load balancer that sends each document's sockets to one instance. Their
// comparison of log positions (every `accessCheckMs`) is set far beyond every wait below: only a NOTIFY can bring an
// edit from one to the other in time.
const PERIOD_MS = 60_000;

let first: TestServer;
let second: TestServer;
let documentId: string;
let otherDocumentId: string;
let thirdDocumentId: string;
let writerCookie: string;
let readerCookie: string;
const clients: TestClient[] = [];

function client(server: TestServer, cookie: string, doc = documentId): TestClient {
  const c = connectClient(server.url, doc, cookie);
  clients.push(c);
  return c;
}

/** Every payload on the channel while `work` runs. */
async function hearing<T>(work: (heard: string[]) => Promise<T>): Promise<T> {
  const heard: string[] = [];
  const listener = await getSql().listen(DOCUMENT_UPDATES_CHANNEL, (payload) => heard.push(payload));
  try {
    return await work(heard);
  } finally {
    await listener.unlisten();
  }
}

const announcements = (heard: string[], doc: string, instanceId: string) => heard.filter((p) => p.startsWith(`${doc} `) && p.split(" ")[2] === instanceId);

beforeAll(async () => {
  await seed();
  const [doc] = await getSql()`select id, workshop_id from documents where slug = 'guidance-safe-injecting-facilities'`;
  const [other] = await getSql()`select id from documents where slug = 'guidance-policing-amphetamines'`;
  const [third] = await getSql()`select id, workshop_id from documents where slug = 'amsterdam-declaration'`;
  documentId = doc!.id;
  otherDocumentId = other!.id;
  thirdDocumentId = third!.id;
  const writer = await createUser({ name: "Instances Writer" });
  const reader = await createUser({ name: "Instances Reader" });
  for (const workshopId of new Set([doc!.workshop_id, third!.workshop_id])) {
    await addMember(workshopId, writer.id, "editor");
    await addMember(workshopId, reader.id, "editor");
  }
  writerCookie = await sessionCookie(writer.id);
  readerCookie = await sessionCookie(reader.id);
  first = await startTestServer({ accessCheckMs: PERIOD_MS, unloadAfterMs: 100 });
  second = await startTestServer({ accessCheckMs: PERIOD_MS, unloadAfterMs: 100 });
  // Each learns of the other when it starts listening (an instance it did not know is answered at once).
  await waitFor(() => first.server.collab.peers.present && second.server.collab.peers.present, "the instances know each other");
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await Promise.all([first?.close(), second?.close()]);
});

describe("several instances, each holding its own documents", () => {
  it("announces a document's commits only while another instance has it loaded", async () => {
    const ours = first.server.collab.instanceId;
    await hearing(async (heard) => {
      const writer = client(first, writerCookie);
      await waitFor(() => writer.provider.synced, "writer synced");
      typeParagraph(writer, "nobody else holds this");
      await waitFor(() => writer.isSaved(), "saved");
      await new Promise((r) => setTimeout(r, 300));
      expect(announcements(heard, documentId, ours), "no NOTIFY for a document no other instance holds").toEqual([]);

      // A reader opens the document on the second instance: from then on every commit reaches it by NOTIFY.
      const reader = client(second, readerCookie);
      await waitFor(() => reader.provider.synced && reader.text().includes("nobody else holds this"), "reader synced");
      await waitFor(() => heard.some((p) => p === `holds ${second.server.collab.instanceId} ${documentId}`), "the second says it holds it");
      typeParagraph(writer, "now announced");
      await waitFor(() => reader.text().includes("now announced"), "relayed through the other instance", 5000);
      expect(announcements(heard, documentId, ours).length).toBeGreaterThan(0);
      // The other document, loaded on the first instance only, is still not announced.
      const alone = client(first, writerCookie, otherDocumentId);
      await waitFor(() => alone.provider.synced, "synced");
      typeParagraph(alone, "still alone");
      await waitFor(() => alone.isSaved(), "saved");
      await new Promise((r) => setTimeout(r, 300));
      expect(announcements(heard, otherDocumentId, ours)).toEqual([]);
      for (const c of [writer, reader, alone]) c.destroy();
    });
  });

  it("brings a reader who opens the document while the writer types on the other instance every edit, with no comparison of log positions", async () => {
    for (let round = 0; round < 8; round++) {
      const writer = client(first, writerCookie);
      await waitFor(() => writer.provider.synced, "writer synced");
      let typing = true;
      let typed = 0;
      const keys = (async () => {
        while (typing) {
          typeParagraph(writer, `round ${round} line ${typed++}`);
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      // The reader's instance loads the document (and says so) while commits keep landing on the first.
      await new Promise((r) => setTimeout(r, 40 + round * 15));
      // The writer stops about when the reader's instance reads the log: a last commit may land between that read
      // and the first instance hearing that the second holds the document.
      const reader = client(second, readerCookie);
      await new Promise((r) => setTimeout(r, round * 8));
      typing = false;
      await keys;
      await waitFor(() => writer.isSaved() && reader.provider.synced, "writer saved, reader synced");
      await waitFor(() => reader.text() === writer.text(), `round ${round}: the reader has every edit`, 5000);
      writer.destroy();
      reader.destroy();
      // Both instances unload the document before the next round.
      await new Promise((r) => setTimeout(r, 400));
    }
  });

  it("tells at once where the log is when another instance starts holding a document whose commits went unannounced", async () => {
    const ours = first.server.collab.instanceId;
    await hearing(async (heard) => {
      // A document no other instance has held: its commits go unannounced.
      const writer = client(first, writerCookie, thirdDocumentId);
      await waitFor(() => writer.provider.synced, "synced");
      typeParagraph(writer, "before anyone else held it");
      await waitFor(() => writer.isSaved(), "saved");
      await new Promise((r) => setTimeout(r, 200));
      expect(announcements(heard, thirdDocumentId, ours)).toEqual([]);
      const [tail] = await getSql()<{ seq: number }[]>`
        select seq::int as seq from document_updates where document_id = ${thirdDocumentId} order by seq desc limit 1`;
      const before = heard.length;
      await announceHeldDocuments(getSql(), "a-newer-instance", [thirdDocumentId]);
      await waitFor(() => heard.slice(before).some((p) => p.startsWith(`${thirdDocumentId} ${tail!.seq} ${ours} `)), "the position announced at once", 2000);
      writer.destroy();
    });
  });

  it("says which documents it holds in as many payloads as needed, after saying it is there", async () => {
    const held = Array.from({ length: 320 }, () => randomUUID());
    await hearing(async (heard) => {
      await announceInstance(getSql(), "a-busy-instance", held);
      await waitFor(() => heard.filter((p) => p.includes("a-busy-instance")).length >= 4, "four payloads");
      const ours = heard.filter((p) => p.includes("a-busy-instance"));
      expect(ours[0]).toBe("instance a-busy-instance");
      expect(ours.slice(1).map((p) => p.split(" ").length - 2)).toEqual([150, 150, 20]);
      expect(ours.slice(1).flatMap((p) => p.split(" ").slice(2))).toEqual(held);
    });
  });

  it("announces to an instance that never says what it holds (an older version) as before", async () => {
    const ours = first.server.collab.instanceId;
    await hearing(async (heard) => {
      await announceInstance(getSql(), "an-older-instance");
      const writer = client(first, writerCookie, otherDocumentId);
      await waitFor(() => writer.provider.synced, "synced");
      typeParagraph(writer, "for the older instance");
      await waitFor(() => writer.isSaved(), "saved");
      await waitFor(() => announcements(heard, otherDocumentId, ours).length > 0, "announced", 2000);
      writer.destroy();
    });
  });
});
