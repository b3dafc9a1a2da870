/**
 * Who wrote what: two accounts edit one document through real sockets, and GET /api/documents/:id/authorship
 * attributes each one's words to them from the log, leaves deleted text out, names authors without e-mails, and
 * answers viewers but not strangers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { getSql } from "../../db/client";
import { appendUpdates } from "../../db/document-log";
import type { UserRow } from "../../db/users";
import { createAccessToken } from "../../app/auth/access-tokens.server";
import type { Authorship } from "../../app/editor/authorship";
import { addMember, createUser, createWorkshop } from "../support/factories";
import { startTestServer, type TestServer } from "../support/http-server";
import { connectClient, sessionCookie, waitFor, type TestClient } from "../support/collab-client";
import { paragraphUpdate } from "../support/document-log";

let server: TestServer;
let documentId: string;
let ana: UserRow;
let ben: UserRow;
let anaCookie: string;
let benCookie: string;
let viewerCookie: string;
let strangerCookie: string;
const clients: TestClient[] = [];

function client(cookie: string): TestClient {
  const c = connectClient(server.url, documentId, cookie);
  clients.push(c);
  return c;
}

function paragraphText(c: TestClient, index: number): string {
  const p = c.doc.getXmlFragment("default").get(index) as Y.XmlElement;
  return p.toArray().map((t) => (t instanceof Y.XmlText ? t.toString() : "")).join("");
}

function textOf(c: TestClient, index: number): Y.XmlText {
  return (c.doc.getXmlFragment("default").get(index) as Y.XmlElement).get(0) as Y.XmlText;
}

async function authorship(cookie: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${server.url}/api/documents/${documentId}/authorship`, { headers: { cookie } });
  return { status: res.status, body: await res.text() };
}

/** The text of a paragraph split by author name, as the answer says. */
function byAuthor(answer: Authorship, paragraph: number, text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const run of answer.paragraphs[paragraph]!.runs) {
    const name = answer.authors[run.author]!.name;
    out[name] = (out[name] ?? "") + text.slice(run.from, run.to);
  }
  return out;
}

beforeAll(async () => {
  const workshop = await createWorkshop();
  ana = await createUser({ name: "Ana Author" });
  ben = await createUser({ name: "Ben Writer" });
  const viewer = await createUser({ name: "Vera Viewer" });
  const stranger = await createUser({ name: "Sam Stranger" });
  await addMember(workshop.id, ana.id, "editor");
  await addMember(workshop.id, ben.id, "editor");
  await addMember(workshop.id, viewer.id, "viewer");
  const [doc] = await getSql()<{ id: string }[]>`
    insert into documents (workshop_id, slug, title, kind) values (${workshop.id}, 'who-wrote-what', 'Who wrote what', 'declaration') returning id`;
  documentId = doc!.id;
  [anaCookie, benCookie, viewerCookie, strangerCookie] = await Promise.all([ana, ben, viewer, stranger].map((u) => sessionCookie(u.id)));
  server = await startTestServer();
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.close();
});

describe("who wrote what", () => {
  it("attributes each editor's words to them, and leaves deleted text out", async () => {
    const a = client(anaCookie);
    await waitFor(() => a.provider.synced, "Ana synced");
    const fragment = a.doc.getXmlFragment("default");
    const first = new Y.XmlElement("paragraph");
    first.insert(0, [new Y.XmlText("Police protect health. A temporary phrase.")]);
    fragment.push([first]);
    await waitFor(() => a.isSaved(), "Ana's paragraph saved");
    // Ana deletes what she wrote last: it must not be attributed to anyone.
    const anaText = textOf(a, 0);
    anaText.delete("Police protect health.".length, " A temporary phrase.".length);
    await waitFor(() => a.isSaved(), "Ana's deletion saved");

    const b = client(benCookie);
    await waitFor(() => b.provider.synced && paragraphText(b, 0) === "Police protect health.", "Ben sees Ana's text");
    textOf(b, 0).insert("Police".length, " officers");
    const second = new Y.XmlElement("paragraph");
    second.insert(0, [new Y.XmlText("Ben's own paragraph.")]);
    b.doc.getXmlFragment("default").push([second]);
    await waitFor(() => b.isSaved(), "Ben's edits saved");
    await waitFor(() => paragraphText(a, 0) === "Police officers protect health.", "Ana sees Ben's insertion");

    const { status, body } = await authorship(viewerCookie);
    expect(status).toBe(200);
    const answer = JSON.parse(body) as Authorship;
    expect(answer.authors.map((x) => x.name)).toEqual(["Ben Writer", "Ana Author"]);
    expect(byAuthor(answer, 0, "Police officers protect health.")).toEqual({ "Ana Author": "Police protect health.", "Ben Writer": " officers" });
    expect(byAuthor(answer, 1, "Ben's own paragraph.")).toEqual({ "Ben Writer": "Ben's own paragraph." });
    expect(answer.authors.find((x) => x.name === "Ana Author")!.characters).toBe("Police protect health.".length);
    expect(answer.paragraphs.map((p) => p.size)).toEqual(["Police officers protect health.".length, "Ben's own paragraph.".length]);
    // The selected paragraph's list: Ana first (she wrote earlier), then Ben, each with when.
    const firstAuthors = answer.paragraphs[0]!.authors.map((x) => ({ name: answer.authors[x.author]!.name, first: x.first, last: x.last }));
    expect(firstAuthors.map((x) => x.name)).toEqual(["Ana Author", "Ben Writer"]);
    for (const x of firstAuthors) expect(Date.parse(x.first!)).toBeLessThanOrEqual(Date.parse(x.last!));
    expect(Date.parse(firstAuthors[0]!.first!)).toBeLessThanOrEqual(Date.parse(firstAuthors[1]!.first!));
  });

  it("follows later edits (read from the log after the cached position)", async () => {
    const before = JSON.parse((await authorship(anaCookie)).body) as Authorship;
    const a = client(anaCookie);
    await waitFor(() => a.provider.synced && paragraphText(a, 1) === "Ben's own paragraph.", "Ana synced");
    textOf(a, 1).insert("Ben's own paragraph.".length, " Ana agrees.");
    await waitFor(() => a.isSaved(), "Ana's addition saved");
    const after = JSON.parse((await authorship(anaCookie)).body) as Authorship;
    expect(after.seq).toBeGreaterThan(before.seq);
    expect(byAuthor(after, 1, "Ben's own paragraph. Ana agrees.")).toEqual({ "Ben Writer": "Ben's own paragraph.", "Ana Author": " Ana agrees." });
  });

  it("names authors but never gives their e-mail addresses or account ids", async () => {
    const { body } = await authorship(viewerCookie);
    for (const secret of [ana.email, ben.email, ana.id, ben.id]) expect(body).not.toContain(secret);
    expect(body).not.toContain("@");
  });

  it("answers 404 to a stranger and to an id that is not a document, 401 without a session, 405 to a POST", async () => {
    expect((await authorship(strangerCookie)).status).toBe(404);
    const notUuid = await fetch(`${server.url}/api/documents/${encodeURIComponent("' or 1=1 --")}/authorship`, { headers: { cookie: viewerCookie } });
    expect(notUuid.status).toBe(404);
    const missing = await fetch(`${server.url}/api/documents/00000000-0000-4000-8000-000000000000/authorship`, { headers: { cookie: viewerCookie } });
    expect(missing.status).toBe(404);
    expect((await fetch(`${server.url}/api/documents/${documentId}/authorship`)).status).toBe(401);
    const post = await fetch(`${server.url}/api/documents/${documentId}/authorship`, { method: "POST", headers: { cookie: viewerCookie, origin: server.url } });
    expect(post.status).toBe(405);
  });

  it("skips a log row that does not decode (the server never stores one) instead of failing", async () => {
    const [workshop] = await getSql()<{ id: string }[]>`select workshop_id as id from documents where id = ${documentId}`;
    const [other] = await getSql()<{ id: string }[]>`
      insert into documents (workshop_id, slug, title, kind) values (${workshop!.id}, 'hand-written-log', 'Hand-written log', 'declaration') returning id`;
    await getSql().begin((tx) =>
      appendUpdates(tx, other!.id, [
        { update: paragraphUpdate("Kept text."), userId: ana.id },
        { update: Uint8Array.from([0xff, 0xff, 0xff, 0x01, 0x02]), userId: ben.id },
      ]),
    );
    const res = await fetch(`${server.url}/api/documents/${other!.id}/authorship`, { headers: { cookie: viewerCookie } });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as Authorship;
    expect(answer.seq).toBe(2);
    expect(answer.authors).toEqual([{ name: "Ana Author", characters: "Kept text.".length }]);
  });

  it("answers a personal access token with the read scope", async () => {
    const { token } = await createAccessToken(ben.id, { name: "script", scopes: ["read"], lifetimeDays: 1 });
    const res = await fetch(`${server.url}/api/documents/${documentId}/authorship`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Authorship).authors.map((x) => x.name)).toContain("Ben Writer");
  });
});
