/**
 * Whole-document validity of live updates (security review L6; server/collab/whole-document.ts): an editor's update
 * that would leave a document the schema refuses as a whole, or one past its size cap less its headroom, is refused
 * with the existing close codes (4400, 4413); nothing of it is stored or relayed, and the others keep editing.
 * Real server, real sockets, real PostgreSQL.
 */
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
import { saveVersion } from "../../app/models/versions.server";
import { addMember, createUser } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http-server";
import { connectClient, sessionCookie, typeParagraph, waitFor, type TestClient } from "../support/collab-client";

let server: TestServer;
let documentId: string;
let workshopId: string;
const editors: { id: string; cookie: string }[] = [];
const clients: TestClient[] = [];

function client(cookie: string, doc = documentId, url = server.url): TestClient {
  const c = connectClient(url, doc, cookie);
  clients.push(c);
  return c;
}

async function logRows(id = documentId): Promise<number> {
  const [row] = await getSql()<{ n: number }[]>`select count(*)::int as n from document_updates where document_id = ${id}`;
  return row!.n;
}

async function storedDoc(id = documentId): Promise<Y.Doc> {
  return (await loadDocument(id)).doc;
}

function paragraph(text: string): Y.XmlElement {
  const p = new Y.XmlElement("paragraph");
  p.insert(0, [new Y.XmlText(text)]);
  return p;
}

/**
 * An editor (its own provider) makes `change` in its copy; the server must close it with `code`, store nothing of
 * it, and a second editor must still type and be told "saved".
 */
async function expectRefused(change: (fragment: Y.XmlFragment) => void, code: number, reason: RegExp): Promise<void> {
  const honest = client(editors[1]!.cookie);
  const vandal = client(editors[0]!.cookie);
  await waitFor(() => honest.provider.synced && vandal.provider.synced, "synced");
  const rows = await logRows();
  const before = honest.text();
  change(vandal.doc.getXmlFragment("default"));
  await waitFor(() => vandal.closes.length > 0, "the server closes the vandal's socket");
  expect(vandal.closes[0]!.code).toBe(code);
  expect(vandal.closes[0]!.reason).toMatch(reason);
  vandal.destroy();
  expect(await logRows(), "nothing stored").toBe(rows);
  expect(honest.text(), "nothing relayed").toBe(before);
  typeParagraph(honest, `still editing after ${reason.source}`);
  await waitFor(() => honest.isSaved(), "the other editor's paragraph is saved");
  const stored = await storedDoc();
  expect(validateYDocAgainstSchema(stored)).toEqual({ ok: true });
  stored.destroy();
  honest.destroy();
}

beforeAll(async () => {
  await seed();
  const [doc] = await getSql()<{ id: string; workshop_id: string }[]>`select id, workshop_id from documents where slug = 'call-for-harm-reduction-policing'`;
  documentId = doc!.id;
  workshopId = doc!.workshop_id;
  for (let i = 0; i < 2; i++) {
    const u = await createUser({ name: `Whole Editor ${i}` });
    await addMember(workshopId, u.id, "editor");
    editors.push({ id: u.id, cookie: await sessionCookie(u.id) });
  }
  server = await startTestServer({ accessCheckMs: 500, unloadAfterMs: 300 });
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.close();
});

describe("whole-document validity of live updates (review L6)", () => {
  it("refuses a paragraph inside a paragraph", async () => {
    await expectRefused((fragment) => (fragment.get(0) as Y.XmlElement).insert(0, [paragraph("nested")]), CloseCode.BadMessage, /schema check failed/);
  });

  it("refuses text nested in text", async () => {
    await expectRefused(
      (fragment) => {
        const text = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlText;
        text.insertEmbed(0, new Y.XmlText("inner"));
      },
      CloseCode.BadMessage,
      /embed/,
    );
  });

  it("refuses text at the top level of the document", async () => {
    await expectRefused((fragment) => fragment.insert(0, [new Y.XmlText("loose text")]), CloseCode.BadMessage, /at the top of the document/);
  });

  it("refuses a heading level the editor does not offer, set on an existing heading", async () => {
    const setup = client(editors[1]!.cookie);
    await waitFor(() => setup.provider.synced, "synced");
    const heading = new Y.XmlElement("heading");
    heading.setAttribute("level", 2 as never);
    heading.insert(0, [new Y.XmlText("A heading")]);
    setup.doc.getXmlFragment("default").insert(0, [heading]);
    await waitFor(() => setup.isSaved(), "heading saved");
    setup.destroy();
    await expectRefused(
      (fragment) => {
        const first = fragment.get(0) as Y.XmlElement;
        first.setAttribute("level", 9 as never);
      },
      CloseCode.BadMessage,
      /heading level not allowed/,
    );
  });

  it("accepts a heading's level changed to another the editor offers (a new value of an existing attribute)", async () => {
    const e = client(editors[1]!.cookie);
    await waitFor(() => e.provider.synced, "synced");
    const heading = new Y.XmlElement("heading");
    heading.setAttribute("level", 2 as never);
    heading.insert(0, [new Y.XmlText("Level changes")]);
    e.doc.getXmlFragment("default").insert(0, [heading]);
    await waitFor(() => e.isSaved(), "heading saved");
    heading.setAttribute("level", 3 as never);
    await waitFor(() => e.isSaved(), "level change saved");
    expect(e.closes).toEqual([]);
    const stored = await storedDoc();
    expect(stored.getXmlFragment("default").toString()).toContain('<heading level="3">Level changes</heading>');
    stored.destroy();
    e.destroy();
  });

  it("refuses deleting the only paragraph of a list item (a deletion can break a document too)", async () => {
    const setup = client(editors[1]!.cookie);
    await waitFor(() => setup.provider.synced, "synced");
    const list = new Y.XmlElement("bulletList");
    const item = new Y.XmlElement("listItem");
    item.insert(0, [paragraph("only paragraph")]);
    list.insert(0, [item]);
    setup.doc.getXmlFragment("default").insert(0, [list]);
    await waitFor(() => setup.isSaved(), "list saved");
    setup.destroy();
    await expectRefused(
      (fragment) => {
        const listItem = (fragment.get(0) as Y.XmlElement).get(0) as Y.XmlElement;
        listItem.delete(0, 1);
      },
      CloseCode.BadMessage,
      /schema check failed/,
    );
  });

  it("asks a client that types as it reconnects, before answering the server's sync step, to resync (1013, never a final refusal), and stores all once it answers", async () => {
    const honest = client(editors[1]!.cookie);
    await waitFor(() => honest.provider.synced, "synced");
    // A tab that typed while disconnected, then again the moment its socket opened (a rolling restart).
    const tab = new Y.Doc();
    Y.applyUpdate(tab, Y.encodeStateAsUpdate(honest.doc));
    tab.getXmlFragment("default").push([paragraph("typed while disconnected")]);
    const before = Y.encodeStateVector(tab);
    tab.getXmlFragment("default").push([paragraph("typed as the socket opened")]);
    const frame = (write: (encoder: encoding.Encoder) => void) => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      write(encoder);
      return encoding.toUint8Array(encoder);
    };
    const open = async () => {
      const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/collab/${documentId}`, { headers: { cookie: editors[0]!.cookie, origin: server.url } });
      const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
      await new Promise((resolve) => ws.on("open", resolve));
      return { ws, closed };
    };
    // As y-websocket sends them: its sync step 1, then the new edit alone, before the server's step 1 has come. Three
    // times over (the race repeating on every reconnection): each time a resync, never the final 4400.
    for (let i = 0; i < 3; i++) {
      const { ws, closed } = await open();
      ws.send(frame((e) => syncProtocol.writeSyncStep1(e, tab)));
      ws.send(frame((e) => syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(tab, before))));
      expect(await closed).toBe(CloseCode.TryAgainLater);
    }
    // The next reconnection answers first: everything it typed is stored, once.
    const { ws } = await open();
    ws.send(frame((e) => syncProtocol.writeSyncStep1(e, tab)));
    ws.send(frame((e) => syncProtocol.writeSyncStep2(e, tab, Y.encodeStateVector(honest.doc))));
    await waitFor(async () => (await storedDoc()).getXmlFragment("default").toString().includes("typed as the socket opened"), "the answer stored");
    const stored = (await storedDoc()).getXmlFragment("default").toString();
    expect(stored.split("typed while disconnected")).toHaveLength(2);
    ws.close();
    honest.destroy();
  });

  it("refuses an update whose content waits for changes the server never received (it would slip in unchecked later), once a read of the log found nothing more", async () => {
    const honest = client(editors[1]!.cookie);
    await waitFor(() => honest.provider.synced, "synced");
    const rows = await logRows();
    const crafted = new Y.Doc();
    Y.applyUpdate(crafted, Y.encodeStateAsUpdate(honest.doc));
    crafted.getXmlFragment("default").push([paragraph("first, never sent")]);
    const between = Y.encodeStateVector(crafted);
    crafted.getXmlFragment("default").push([paragraph("second, sent alone")]);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, Y.encodeStateAsUpdate(crafted, between));
    // Sent after the client answered the server's sync step 1 (with nothing new), as a provider has by then.
    const answer = encoding.createEncoder();
    encoding.writeVarUint(answer, MESSAGE_SYNC);
    syncProtocol.writeSyncStep2(answer, new Y.Doc());
    const send = async () => {
      const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/collab/${documentId}`, { headers: { cookie: editors[0]!.cookie, origin: server.url } });
      const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
      await new Promise((resolve) => ws.on("open", resolve));
      ws.send(encoding.toUint8Array(answer));
      ws.send(encoding.toUint8Array(encoder));
      return closed;
    };
    // The first time, the server cannot tell it from a client that moved here from another instance (ADR 0008): it
    // reads the log and asks the client to resend (transient). Sent again after that read, it is refused for good.
    const first = await send();
    expect(first.code).toBe(CloseCode.TryAgainLater);
    let again = await send();
    for (let i = 0; i < 20 && again.code === CloseCode.TryAgainLater; i++) again = await send();
    expect(again.code).toBe(CloseCode.BadMessage);
    expect(again.reason).toMatch(/depends on changes the server does not hold/);
    expect(await logRows()).toBe(rows);
    typeParagraph(honest, "typed after the crafted update");
    await waitFor(() => honest.isSaved(), "saved");
    honest.destroy();
  });

  it("refuses growth past the size cap less its headroom (4413), keeps deletions possible, and lets writing resume once text is cut", async () => {
    const maxDocumentBytes = 256 * 1024;
    const small = await startTestServer({
      limits: { maxDocumentBytes, maxBufferedBytes: 16 * 1024 * 1024, maxBatch: 500, snapshotEvery: 1000, sleepAfterMs: 30_000, remeasureAfterBytes: 16 * 1024 },
    });
    try {
      const [row] = await getSql()<{ id: string }[]>`
        insert into documents (workshop_id, slug, title, kind) values (${workshopId}, 'size-cap-draft', 'Size cap', 'declaration') returning id`;
      const sizeDocId = row!.id;
      const writer = client(editors[0]!.cookie, sizeDocId, small.url);
      const other = client(editors[1]!.cookie, sizeDocId, small.url);
      await waitFor(() => writer.provider.synced && other.provider.synced, "synced");
      const block = "w".repeat(10_000);
      let saved = 0;
      while (writer.closes.length === 0 && saved < 40) {
        typeParagraph(writer, `${saved} ${block}`);
        await waitFor(() => writer.isSaved() || writer.closes.length > 0, "saved or refused");
        if (writer.closes.length === 0) saved += 1;
      }
      expect(writer.closes[0]?.code).toBe(CloseCode.DocumentTooLarge);
      const headroom = maxDocumentBytes / 8;
      expect(saved).toBeGreaterThan(10);
      let stored = await storedDoc(sizeDocId);
      expect(Y.encodeStateAsUpdate(stored).byteLength).toBeLessThanOrEqual(maxDocumentBytes - headroom);
      expect(stored.getXmlFragment("default").length, "the refused paragraph was not stored").toBe(saved);
      stored.destroy();

      // Full: another editor can still cut text (an update that only deletes), then write again.
      await waitFor(() => other.text().length > saved * 10_000, "the other editor holds the text");
      other.doc.getXmlFragment("default").delete(0, 5);
      await waitFor(() => other.isSaved(), "the deletion is saved");
      typeParagraph(other, "written after cutting");
      await waitFor(() => other.isSaved(), "writing resumes");
      expect(other.closes).toEqual([]);
      stored = await storedDoc(sizeDocId);
      expect(validateYDocAgainstSchema(stored)).toEqual({ ok: true });
      expect(stored.getXmlFragment("default").toString()).toContain("written after cutting");
      stored.destroy();
      // And a version of it can be saved (versioning is not blocked).
      const version = await saveVersion({ document: { id: sizeDocId, role: "editor" } as never, userId: editors[1]!.id, name: "After the cap" });
      expect(version.name).toBe("After the cap");
      writer.destroy();
      other.destroy();
    } finally {
      await small.close();
    }
  });
});
