/**
 * PostgreSQL cut off for 20 s (a proxy between Accord and PostgreSQL drops every connection and refuses new ones)
 * while clients type: nobody is told "saved" for what was not committed, and once PostgreSQL is back the same server
 * process stores everything, once, without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { getSql } from "../../db/client";
import { loadDocument } from "../../app/models/document-content.server";
import { addMember, createUser } from "../support/factories";
import { testDatabaseUrl } from "../support/worker-database";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { startCutProxy, type CutProxy } from "../support/pg-cut-proxy";
import { connectClient, sessionCookie, waitFor, type TestClient } from "../support/collab-client";
import { expectIntactChain } from "../support/document-log";

const OUTAGE_MS = Number(process.env.ACCORD_OUTAGE_SECONDS ?? 20) * 1000;

let proxy: CutProxy;
let server: ServerProcess;
let documentId: string;
let workshopId: string;

beforeAll(async () => {
  proxy = await startCutProxy(testDatabaseUrl);
  server = await startServerProcess(proxy.url);
  const [doc] = await getSql()<{ id: string; workshop_id: string }[]>`
    select id, workshop_id from documents where slug = 'guidance-policing-amphetamines'`;
  documentId = doc!.id;
  workshopId = doc!.workshop_id;
}, 60_000);

afterAll(async () => {
  await server?.kill("SIGKILL");
  await proxy?.close();
});

function paragraphsOf(doc: Y.Doc): string[] {
  return doc
    .getXmlFragment("default")
    .toArray()
    .map((n) => (n instanceof Y.XmlElement ? n.toArray().map((c) => (c instanceof Y.XmlText ? c.toString() : "")).join("") : ""));
}

/** Read straight from PostgreSQL (not through the proxy): what is committed. */
async function storedParagraphs(): Promise<string[]> {
  return paragraphsOf((await loadDocument(documentId)).doc);
}

async function editor(name: string): Promise<TestClient> {
  const user = await createUser({ name });
  await addMember(workshopId, user.id, "editor");
  return connectClient(server.url, documentId, await sessionCookie(user.id));
}

describe("PostgreSQL outage", () => {
  it("tells nobody 'saved' for what was not committed while PostgreSQL is cut off, then stores everything once, without a restart", async () => {
    const clients = [await editor("Outage A"), await editor("Outage B")];
    await waitFor(() => clients.every((c) => c.provider.synced), "synced");
    const typed = clients.map(() => [] as { text: string; clock: number }[]);
    let n = 0;
    let typing = true;
    const loop = (async () => {
      while (typing) {
        clients.forEach((client, i) => {
          const text = `outage-c${i}-n${n}`;
          const p = new Y.XmlElement("paragraph");
          p.insert(0, [new Y.XmlText(text)]);
          client.doc.getXmlFragment("default").push([p]);
          typed[i]!.push({ text, clock: Y.getState(client.doc.store, client.doc.clientID) });
        });
        n++;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const confirmed = () =>
      clients.flatMap((client, i) => {
        const clock = Math.max(0, ...client.saved.map((s) => s.clock));
        return typed[i]!.filter((t) => t.clock <= clock).map((t) => t.text);
      });
    await waitFor(() => confirmed().length > 10, "edits confirmed before the outage", 10_000);

    proxy.cut();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    // Still cut off: whatever a client was told is saved, before or during the outage, is committed.
    const storedDuringOutage = await storedParagraphs();
    expect(confirmed().filter((t) => !storedDuringOutage.includes(t)), "told 'saved' but not committed").toEqual([]);
    const typedDuringOutage = typed.flat().filter((t) => !storedDuringOutage.includes(t.text));
    expect(typedDuringOutage.length, "edits typed while PostgreSQL was away, waiting in the tabs").toBeGreaterThan(0);
    expect(clients.every((c) => !c.isSaved()), "every client knows it has unsaved edits").toBe(true);

    proxy.restore();
    await new Promise((r) => setTimeout(r, 1000));
    typing = false;
    await loop;
    await waitFor(() => clients.every((c) => c.provider.synced && c.isSaved()), "every edit saved after PostgreSQL came back", 60_000);
    await waitFor(() => clients[0]!.text() === clients[1]!.text(), "clients converged", 20_000);
    const stored = await storedParagraphs();
    const counts = new Map<string, number>();
    for (const p of stored) counts.set(p, (counts.get(p) ?? 0) + 1);
    expect(typed.flat().filter((t) => counts.get(t.text) !== 1), "typed paragraphs not stored exactly once").toEqual([]);
    await expectIntactChain(documentId);
    // The same process serves a newcomer: it recovered by itself.
    expect(server.child.exitCode).toBeNull();
    const newcomer = await editor("After the outage");
    await waitFor(() => newcomer.provider.synced && paragraphsOf(newcomer.doc).length === stored.length, "a newcomer gets the whole document", 20_000);
    for (const c of [...clients, newcomer]) c.destroy();
  }, 120_000);
});
