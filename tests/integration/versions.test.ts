/**
 * Named versions over real HTTP (Express + the Remix build) on a seeded database: saving (page form and JSON API),
 * the history list, viewing, comparing, restoring as a new change that live clients receive, authorisation on
 * every read and write, and hostile names.
 */
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JSONContent } from "@tiptap/core";
import { getSql } from "../../db/client";
import { appendUpdates } from "../../db/document-log";
import { createAccessToken } from "../../app/auth/access-tokens.server";
import { loadDocument } from "../../app/models/document-content.server";
import { seed } from "../../app/models/seed.server";
import { YJS_FIELD } from "../../app/editor/extensions";
import {
  documentPlainText,
  renderDocumentHtml,
  tiptapJsonToProseMirror,
  validateYDocAgainstSchema,
  yDocToProseMirror,
} from "../../app/editor/document-tools.server";
import type { Role } from "../../app/models/roles";
import { addMember, createUser } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";
import { connectClient, sessionCookie, waitFor, type TestClient } from "../support/collab-client";

let server: TestServer;
let documentId: string;
let otherDocumentId: string;
let workshopId: string;
const people = {} as Record<"editor" | "organiser" | "viewer" | "commenter" | "outsider", { id: string; name: string; cookie: string }>;
const clients: TestClient[] = [];

function as(who: keyof typeof people): Browserish {
  const browser = new Browserish(server.url);
  const [name, value] = people[who].cookie.split("=");
  browser.cookies.set(name!, value!);
  return browser;
}

async function apiPost(who: keyof typeof people | null, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(server.url + path, {
    method: "POST",
    headers: {
      origin: server.url,
      "content-type": "application/json",
      ...(who ? { cookie: people[who].cookie } : {}),
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function jsonOf(res: Response): Promise<Record<string, unknown>> {
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  return (await res.json()) as Record<string, unknown>;
}

/** Append one edit to the document's log, as the collaboration server would. */
async function appendEdit(id: string, edit: (fragment: Y.XmlFragment) => void): Promise<void> {
  const { doc } = await loadDocument(id);
  const before = Y.encodeStateVector(doc);
  edit(doc.getXmlFragment(YJS_FIELD));
  const update = Y.encodeStateAsUpdate(doc, before);
  doc.destroy();
  await getSql().begin((tx) => appendUpdates(tx, id, [{ update, userId: null }]));
}

function paragraph(text: string): Y.XmlElement {
  const element = new Y.XmlElement("paragraph");
  element.insert(0, [new Y.XmlText(text)]);
  return element;
}

/** The live document as Tiptap JSON (from a copy: the converter must not touch the original). */
function jsonOfDoc(doc: Y.Doc): JSONContent {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  const json = yDocToProseMirror(copy).toJSON() as JSONContent;
  copy.destroy();
  return json;
}

async function liveJson(id = documentId): Promise<JSONContent> {
  const { doc } = await loadDocument(id);
  try {
    expect(validateYDocAgainstSchema(doc)).toEqual({ ok: true });
    return jsonOfDoc(doc);
  } finally {
    doc.destroy();
  }
}

async function saveViaApi(name: string, id = documentId): Promise<string> {
  const res = await apiPost("editor", `/api/documents/${id}/versions`, { name });
  expect(res.status).toBe(201);
  return (await jsonOf(res)).id as string;
}

async function logRows(id = documentId): Promise<{ seq: number; hash: string }[]> {
  return getSql()<{ seq: number; hash: string }[]>`
    select seq, encode(hash, 'hex') as hash from document_updates where document_id = ${id} order by seq`;
}

beforeAll(async () => {
  await seed();
  const [doc] = await getSql()`select id, workshop_id from documents where slug = 'call-for-harm-reduction-policing'`;
  const [other] = await getSql()`select id from documents where slug = 'statement-of-support'`;
  documentId = doc!.id as string;
  workshopId = doc!.workshop_id as string;
  otherDocumentId = other!.id as string;
  const roles: [keyof typeof people, Role | null, string][] = [
    ["editor", "editor", "Edna Editor"],
    ["organiser", "organizer", "Olga Organiser"],
    ["viewer", "viewer", "Vic Viewer"],
    ["commenter", "commenter", "Cora Commenter"],
    ["outsider", null, "Otto Outsider"],
  ];
  for (const [key, role, name] of roles) {
    const user = await createUser({ name });
    if (role) await addMember(workshopId, user.id, role);
    people[key] = { id: user.id, name, cookie: await sessionCookie(user.id) };
  }
  server = await startTestServer({ accessCheckMs: 300, unloadAfterMs: 200 });
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.close();
});

describe("saving a named version", () => {
  it("saves the committed text from the document page's form; the history lists it with author and time", async () => {
    const page = await (await as("editor").get(`/documents/${documentId}`)).text();
    expect(page).toContain(`href="/documents/${documentId}/history"`);
    expect(page, "the document page's form posts to the page itself").toMatch(new RegExp(`<form[^>]*method="post"[^>]*action="/documents/${documentId}"`));
    expect(page).toContain("Save a named version");
    // A viewer gets the link but not the form.
    const viewerPage = await (await as("viewer").get(`/documents/${documentId}`)).text();
    expect(viewerPage).toContain("History and versions");
    expect(viewerPage).not.toContain("Save a named version");

    const before = Date.now();
    const res = await as("editor").post(`/documents/${documentId}/history`, { intent: "save", name: "  After session 2  " });
    expect(res.status).toBe(302);
    const location = res.headers.get("location")!;
    const versionId = /saved=([0-9a-f-]{36})/.exec(location)?.[1];
    expect(versionId).toBeTruthy();

    const [row] = await getSql()`
      select name, created_by, created_at, log_seq, yjs_state, tiptap_json, html, plain_text
      from document_versions where id = ${versionId!}`;
    expect(row!.name).toBe("After session 2");
    expect(row!.created_by).toBe(people.editor.id);
    expect((row!.created_at as Date).getTime()).toBeGreaterThanOrEqual(before - 1000);
    const { doc, seq } = await loadDocument(documentId);
    expect(row!.log_seq).toBe(seq);
    const stored = new Y.Doc();
    Y.applyUpdate(stored, row!.yjs_state as Uint8Array);
    expect(jsonOfDoc(stored)).toEqual(jsonOfDoc(doc));
    expect(row!.tiptap_json).toEqual(jsonOfDoc(doc));
    expect(row!.html).toBe(renderDocumentHtml(yDocToProseMirror(doc)));
    expect(row!.plain_text).toBe(documentPlainText(yDocToProseMirror(doc)));
    expect(row!.plain_text).toContain("Preamble");
    doc.destroy();
    stored.destroy();

    const history = await (await as("viewer").get(location)).text();
    expect(history).toContain("Saved the version “After session 2”.");
    const rowHtml = history.slice(history.indexOf("<tbody>"), history.indexOf("</tbody>"));
    expect(rowHtml).toContain('<td data-label="Name" class="version-name">After session 2</td>');
    expect(rowHtml).toContain('<td data-label="Saved by">Edna Editor</td>');
    expect(rowHtml).toMatch(new RegExp(`<time dateTime="${(row!.created_at as Date).toISOString().replace(/\./g, "\\.")}">`));
    expect(rowHtml).toContain(`href="/documents/${documentId}/versions/${versionId}"`);
    // A viewer reads the history but gets neither the save form nor restore links.
    expect(history).not.toContain('name="intent" value="save"');
    expect(history).not.toContain("?restore=");
  });

  it("saves from the document page in place: the page answers with the outcome instead of sending the writer to the history", async () => {
    const res = await as("editor").post(`/documents/${documentId}`, { intent: "save-version", name: "In place" });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Saved the version “In place”.");
    const [row] = await getSql()`select id, created_by from document_versions where document_id = ${documentId} and name = 'In place'`;
    expect(row!.created_by).toBe(people.editor.id);
    expect(html).toContain(`href="/documents/${documentId}/versions/${row!.id}"`);
    expect(html, "only organisers are offered publishing").not.toContain("Preview it for publishing");
    const organiserHtml = await (await as("organiser").post(`/documents/${documentId}`, { intent: "save-version", name: "In place, organised" })).text();
    expect(organiserHtml).toContain("Preview it for publishing");
    const viewer = await as("viewer").post(`/documents/${documentId}`, { intent: "save-version", name: "Viewer's" });
    expect(viewer.status).toBe(403);
    expect(await viewer.text()).toContain("Only the editors and organisers");
    expect((await getSql()`select 1 from document_versions where name = 'Viewer''s'`).length).toBe(0);
  });

  it("refuses a name the document already has, whatever the letter case and door, and numbers the automatic ones", async () => {
    await saveViaApi("Agreed text");
    const page = await as("editor").post(`/documents/${documentId}`, { intent: "save-version", name: "  agreed TEXT " });
    expect(page.status).toBe(409);
    const html = await page.text();
    expect(html).toContain("This document already has a version named “agreed TEXT”. Choose another name.");
    expect(html, "the name stays in the field").toContain('value="  agreed TEXT "');
    const history = await as("editor").post(`/documents/${documentId}/history`, { intent: "save", name: "Agreed Text" });
    expect(history.status).toBe(409);
    const api = await apiPost("editor", `/api/documents/${documentId}/versions`, { name: "AGREED TEXT" });
    expect(api.status).toBe(409);
    expect(await jsonOf(api)).toEqual({ error: "This document already has a version named “AGREED TEXT”. Choose another name." });
    const named = await getSql()`select name from document_versions where document_id = ${documentId} and lower(name) = 'agreed text'`;
    expect(named).toHaveLength(1);
    // The same name in another document is fine.
    expect((await apiPost("editor", `/api/documents/${otherDocumentId}/versions`, { name: "Agreed text" })).status).toBe(201);
  });

  it("shows an empty state before any version exists", async () => {
    const [row] = await getSql()`select id from documents where slug = 'amsterdam-declaration'`;
    const html = await (await as("editor").get(`/documents/${row!.id}/history`)).text();
    expect(html).toContain("No version has been saved yet.");
    expect(html).toContain("Save a named version");
  });

  it("answers the API contract: 201 {id, name}; GET lists; 400 with fields; 401; 403 for readers; 404 for outsiders", async () => {
    const created = await apiPost("editor", `/api/documents/${documentId}/versions`, { name: "Via the API" });
    expect(created.status).toBe(201);
    const body = await jsonOf(created);
    expect(Object.keys(body).sort()).toEqual(["id", "name"]);
    expect(body.name).toBe("Via the API");
    expect(created.headers.get("cache-control")).toBe("no-store");

    const organiser = await apiPost("organiser", `/api/documents/${documentId}/versions`, { name: "By the organiser" });
    expect(organiser.status).toBe(201);

    const list = await fetch(`${server.url}/api/documents/${documentId}/versions`, { headers: { cookie: people.viewer.cookie } });
    expect(list.status).toBe(200);
    const versions = (await list.json()) as { id: string; name: string; author: string; createdAt: string }[];
    expect(versions[0]).toMatchObject({ name: "By the organiser", author: "Olga Organiser" });
    expect(versions.find((v) => v.id === body.id)).toMatchObject({ name: "Via the API", author: "Edna Editor" });

    for (const [bad, field] of [
      [{ name: "" }, "name"],
      [{ name: "   \n " }, "name"],
      [{ name: "x".repeat(121) }, "name"],
      [{}, "name"],
      [{ name: 42 }, "name"],
    ] as const) {
      const res = await apiPost("editor", `/api/documents/${documentId}/versions`, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      const err = await jsonOf(res);
      expect(typeof err.error).toBe("string");
      expect(Object.keys(err.fields as object)).toContain(field);
    }
    for (const raw of ["not json", "[1,2]", "null"]) {
      const res = await apiPost("editor", `/api/documents/${documentId}/versions`, raw);
      expect(res.status, raw).toBe(400);
      expect(typeof (await jsonOf(res)).error).toBe("string");
    }
    const formEncoded = await apiPost("editor", `/api/documents/${documentId}/versions`, "name=x", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(formEncoded.status).toBe(400);

    for (const who of ["viewer", "commenter"] as const) {
      const res = await apiPost(who, `/api/documents/${documentId}/versions`, { name: "Sneaky" });
      expect(res.status, who).toBe(403);
      expect(Object.keys(await jsonOf(res))).toEqual(["error"]);
    }
    const outsider = await apiPost("outsider", `/api/documents/${documentId}/versions`, { name: "Sneaky" });
    expect(outsider.status).toBe(404);
    expect(Object.keys(await jsonOf(outsider))).toEqual(["error"]);
    const outsiderList = await fetch(`${server.url}/api/documents/${documentId}/versions`, { headers: { cookie: people.outsider.cookie } });
    expect(outsiderList.status).toBe(404);
    for (const id of ["not-a-uuid", "00000000-0000-4000-8000-000000000000"]) {
      expect((await apiPost("editor", `/api/documents/${id}/versions`, { name: "x" })).status).toBe(404);
    }
    const anonymous = await apiPost(null, `/api/documents/${documentId}/versions`, { name: "Anon" });
    expect(anonymous.status).toBe(401);
    expect(typeof (await jsonOf(anonymous)).error).toBe("string");

    const [{ n }] = (await getSql()`select count(*)::int as n from document_versions where name = 'Sneaky' or name = 'Anon'`) as unknown as [{ n: number }];
    expect(n).toBe(0);
  });

  it("accepts a personal access token (no Origin, no cookie)", async () => {
    const { token } = await createAccessToken(people.editor.id, { name: "script", scopes: ["write"], lifetimeDays: 30 });
    const res = await fetch(`${server.url}/api/documents/${documentId}/versions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Saved by a script" }),
    });
    expect(res.status).toBe(201);
    const { id } = await jsonOf(res);
    const [row] = await getSql()`select created_by from document_versions where id = ${id as string}`;
    expect(row!.created_by).toBe(people.editor.id);
    const viewerToken = (await createAccessToken(people.viewer.id, { name: "script", scopes: ["write"], lifetimeDays: 30 })).token;
    const refused = await fetch(`${server.url}/api/documents/${documentId}/versions`, {
      method: "POST",
      headers: { authorization: `Bearer ${viewerToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Viewer script" }),
    });
    expect(refused.status).toBe(403);
  });

  it("refuses a cross-origin POST carrying an editor's session cookie, and stores nothing", async () => {
    const res = await apiPost("editor", `/api/documents/${documentId}/versions`, { name: "Forged" }, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(typeof (await jsonOf(res)).error).toBe("string");
    const page = await as("editor").post(`/documents/${documentId}/history`, { intent: "save", name: "Forged" }, { origin: "https://evil.example" });
    expect(page.status).toBe(403);
    const rows = await getSql()`select 1 from document_versions where name = 'Forged'`;
    expect(rows).toHaveLength(0);
  });
});

describe("hostile names", () => {
  const html = `<script>alert(1)</script><img src=x onerror=alert(2)> "quoted" & 'single'`;

  it("stores markup as text and shows it escaped on every page", async () => {
    const id = await saveViaApi(html);
    const [row] = await getSql()`select name from document_versions where id = ${id}`;
    expect(row!.name).toBe(html);
    const pages = [
      `/documents/${documentId}/history?saved=${id}`,
      `/documents/${documentId}/versions/${id}`,
      `/documents/${documentId}/compare?from=${id}&to=live`,
      `/documents/${documentId}/history?restore=${id}`,
    ];
    for (const path of pages) {
      const res = await as("editor").get(path);
      expect(res.status, path).toBe(200);
      const page = await res.text();
      expect(page, path).not.toContain("<script>alert(1)");
      expect(page, path).not.toContain("<img src=x");
      expect(page, path).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;");
    }
    const list = (await (await fetch(`${server.url}/api/documents/${documentId}/versions`, { headers: { cookie: people.editor.cookie } })).json()) as { name: string }[];
    expect(list.some((v) => v.name === html)).toBe(true);
  });

  it("refuses 10,000 characters, control characters and direction overrides; trims; counts characters as PostgreSQL does", async () => {
    const refused = [
      "x".repeat(10_000),
      "a\u0000b",
      "line\nbreak",
      "tab\there",
      "bell\u0007",
      "del\u007f",
      "c1\u0085",
      "evil\u202Etxt.exe",
      "isolate\u2066x\u2069",
      "sep\u2028x",
    ];
    for (const name of refused) {
      const res = await apiPost("editor", `/api/documents/${documentId}/versions`, { name });
      expect(res.status, JSON.stringify(name.slice(0, 20))).toBe(400);
      expect((await jsonOf(res)).fields).toHaveProperty("name");
    }
    // The page form answers with the error next to the field, and keeps nothing.
    const page = await as("editor").post(`/documents/${documentId}/history`, { intent: "save", name: "x".repeat(10_000) });
    expect(page.status).toBe(400);
    const text = await page.text();
    expect(text).toContain("Use at most 120 characters for the name.");
    expect(text).toMatch(/aria-invalid="true"/);
    const rows = await getSql()`select 1 from document_versions where char_length(name) > 120 or name ~ '[[:cntrl:]]'`;
    expect(rows).toHaveLength(0);

    const trimmed = await apiPost("editor", `/api/documents/${documentId}/versions`, { name: "  padded  " });
    expect((await jsonOf(trimmed)).name).toBe("padded");
    const emoji = "🕊".repeat(120); // 240 UTF-16 units, 120 characters
    const ok = await apiPost("editor", `/api/documents/${documentId}/versions`, { name: emoji });
    expect(ok.status).toBe(201);
    expect((await apiPost("editor", `/api/documents/${documentId}/versions`, { name: emoji + "🕊" })).status).toBe(400);
    // A body far beyond any name is refused before it is parsed: over the route's own 16 kB with 400, and over the
    // server's 64 kB cap on every body with 413 before any route runs (both in JSON).
    const large = await apiPost("editor", `/api/documents/${documentId}/versions`, { name: "y".repeat(20_000) });
    expect(large.status).toBe(400);
    expect((await jsonOf(large)).error).toBe("The request body is too large.");
    const huge = await apiPost("editor", `/api/documents/${documentId}/versions`, { name: "y".repeat(100_000) });
    expect(huge.status).toBe(413);
    expect((await jsonOf(huge)).error).toMatch(/too large: at most 64 kB/);
  });
});

describe("reading versions: who may see what", () => {
  let versionId: string;
  let otherVersionId: string;

  beforeAll(async () => {
    versionId = await saveViaApi("Readable");
    otherVersionId = await saveViaApi("Of another document", otherDocumentId);
  });

  it("lets every member view a version and compare; its text is the stored HTML", async () => {
    for (const who of ["viewer", "commenter", "editor", "organiser"] as const) {
      for (const path of [
        `/documents/${documentId}/history`,
        `/documents/${documentId}/versions/${versionId}`,
        `/documents/${documentId}/compare?from=${versionId}&to=live`,
      ]) {
        expect((await as(who).get(path)).status, `${who} ${path}`).toBe(200);
      }
    }
    const page = await (await as("viewer").get(`/documents/${documentId}/versions/${versionId}`)).text();
    expect(page).toContain("<h2>Call by police for harm reduction policing and drug policy reform</h2>");
    expect(page.match(/<h1[ >]/g)).toHaveLength(1);
    expect(page).toContain("Saved by Edna Editor");
    expect(page).not.toContain("Restore this version");
    expect(await (await as("editor").get(`/documents/${documentId}/versions/${versionId}`)).text()).toContain("Restore this version");
  });

  it("answers 404 to outsiders, to malformed ids, and to a version of another document", async () => {
    for (const path of [
      `/documents/${documentId}/history`,
      `/documents/${documentId}/versions/${versionId}`,
      `/documents/${documentId}/compare?from=${versionId}&to=live`,
    ]) {
      expect((await as("outsider").get(path)).status, path).toBe(404);
    }
    for (const path of [
      `/documents/${documentId}/versions/${otherVersionId}`,
      `/documents/${documentId}/versions/not-a-uuid`,
      `/documents/${documentId}/versions/00000000-0000-4000-8000-000000000000`,
      `/documents/${documentId}/compare?from=${otherVersionId}&to=live`,
      `/documents/${documentId}/compare?from=live&to=${otherVersionId}`,
      `/documents/${documentId}/compare?from=bogus&to=live`,
      `/documents/not-a-uuid/history`,
    ]) {
      expect((await as("editor").get(path)).status, path).toBe(404);
    }
    // The other document's own pages do show it.
    expect((await as("editor").get(`/documents/${otherDocumentId}/versions/${otherVersionId}`)).status).toBe(200);
  });

  it("refuses saving and restoring to readers with 403, and to outsiders with 404", async () => {
    for (const who of ["viewer", "commenter"] as const) {
      expect((await as(who).post(`/documents/${documentId}/history`, { intent: "save", name: "x" })).status, who).toBe(403);
      expect((await as(who).post(`/documents/${documentId}/history`, { intent: "restore", versionId })).status, who).toBe(403);
      // No confirmation step is offered either.
      expect(await (await as(who).get(`/documents/${documentId}/history?restore=${versionId}`)).text()).not.toContain("confirm-restore-title");
    }
    expect((await as("outsider").post(`/documents/${documentId}/history`, { intent: "restore", versionId })).status).toBe(404);
    expect((await as("editor").post(`/documents/${documentId}/history`, { intent: "restore", versionId: otherVersionId })).status).toBe(404);
    expect((await as("editor").post(`/documents/${documentId}/history`, { intent: "explode" })).status).toBe(400);
  });
});

describe("comparing", () => {
  it("marks the inserted and deleted words between two versions, numbered and in place", async () => {
    await appendEdit(documentId, (f) => f.push([paragraph("Police should treat drug use as a health issue.")]));
    const first = await saveViaApi("Before the wording change");
    await appendEdit(documentId, (f) => {
      const text = (f.get(f.length - 1) as Y.XmlElement).get(0) as Y.XmlText;
      const s = text.toString();
      text.delete(s.indexOf("treat"), "treat".length);
      text.insert(s.indexOf("treat"), "approach");
      text.insert(text.length - 1, " first and foremost");
    });
    const second = await saveViaApi("After the wording change");

    const res = await as("viewer").get(`/documents/${documentId}/compare?from=${first}&to=${second}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("2 changes: 4 words inserted, 1 word deleted.");
    expect(page).toContain('<del><span class="visually-hidden">deleted: </span>treat</del>');
    expect(page).toContain('<ins><span class="visually-hidden">inserted: </span>approach</ins>');
    expect(page).toMatch(/<ins><span class="visually-hidden">inserted: <\/span> ?first and foremost ?<\/ins>/);
    expect(page).toMatch(/Police should <span class="diff-change diff-inline" id="change-1" tabindex="-1" data-change="1">/);
    expect(page).toContain('id="change-2"');
    expect(page).not.toContain('id="change-3"');
    expect(page).toContain('href="#change-1"');
    expect(page).toContain("Next change");
    expect(page).toContain("Previous change");
    // Unchanged text is there, unmarked.
    expect(page).toContain("<h3 class=\"diff-block\">Preamble</h3>");

    // The latest version against the live text: identical.
    const same = await (await as("viewer").get(`/documents/${documentId}/compare?from=${second}&to=live`)).text();
    expect(same).toContain("The two texts are identical.");
    // Without parameters: the newest version against the live text.
    expect((await as("viewer").get(`/documents/${documentId}/compare`)).status).toBe(200);
    // Reversed: the insertions become deletions.
    const reversed = await (await as("viewer").get(`/documents/${documentId}/compare?from=${second}&to=${first}`)).text();
    expect(reversed).toContain('<del><span class="visually-hidden">deleted: </span>approach</del>');
  });
});

describe("restoring a version", () => {
  it("appends a new change that a live client receives without reconnecting; the stored document equals the version", async () => {
    const versionId = await saveViaApi("Clean draft");
    const versionJson = (await getSql()`select tiptap_json from document_versions where id = ${versionId}`)[0]!.tiptap_json as JSONContent;

    const editorClient = connectClient(server.url, documentId, people.editor.cookie);
    const viewerClient = connectClient(server.url, documentId, people.viewer.cookie);
    clients.push(editorClient, viewerClient);
    await waitFor(() => editorClient.provider.synced && viewerClient.provider.synced, "sync");

    // Live edits after the version: a new paragraph, and a changed word in the title.
    editorClient.doc.getXmlFragment(YJS_FIELD).push([paragraph("Scribbled after the clean draft.")]);
    const title = (editorClient.doc.getXmlFragment(YJS_FIELD).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    title.insert(0, "DRAFT ");
    await waitFor(() => editorClient.isSaved() && viewerClient.text().includes("Scribbled after"), "edits saved and relayed");

    const before = await logRows();
    const res = await as("editor").post(`/documents/${documentId}/history`, { intent: "restore", versionId });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(new RegExp(`restored=${versionId}`));

    // History never rewritten: one more row, every earlier row untouched.
    const after = await logRows();
    expect(after).toHaveLength(before.length + 1);
    expect(after.slice(0, before.length)).toEqual(before);
    const [last] = await getSql()`select user_id from document_updates where document_id = ${documentId} order by seq desc limit 1`;
    expect(last!.user_id).toBe(people.editor.id);

    // Both live clients converge to the version's content, on the same connection.
    await waitFor(() => !viewerClient.text().includes("Scribbled after") && !editorClient.text().includes("DRAFT "), "live clients receive the restore");
    expect(jsonOfDoc(viewerClient.doc)).toEqual(versionJson);
    expect(jsonOfDoc(editorClient.doc)).toEqual(versionJson);
    expect(viewerClient.closes).toEqual([]);
    expect(editorClient.closes).toEqual([]);

    // The stored document validates and equals the version.
    expect(await liveJson()).toEqual(versionJson);
    expect(tiptapJsonToProseMirror(await liveJson()).eq(tiptapJsonToProseMirror(versionJson))).toBe(true);

    // The text just before is kept as a version, and the restore is in the audit log.
    const location = res.headers.get("location")!;
    const backupId = /backup=([0-9a-f-]{36})/.exec(location)?.[1];
    const [backup] = await getSql()`select name, plain_text from document_versions where id = ${backupId!}`;
    expect(backup!.name).toBe("Before restoring “Clean draft”");
    expect(backup!.plain_text).toContain("Scribbled after the clean draft.");
    expect(backup!.plain_text).toContain("DRAFT Call by police");
    const [audit] = await getSql()`
      select actor_id, details from audit_log where action = 'document.version_restored' and details->>'versionId' = ${versionId}`;
    expect(audit!.actor_id).toBe(people.editor.id);
    expect(audit!.details).toMatchObject({ documentId, versionId, seq: after[after.length - 1]!.seq, backupVersionId: backupId });

    const notice = await (await as("editor").get(location)).text();
    expect(notice).toContain("Restored “Clean draft” as a new change");

    // Editing goes on normally afterwards, on top of the restore.
    editorClient.doc.getXmlFragment(YJS_FIELD).push([paragraph("Typed after the restore.")]);
    await waitFor(() => viewerClient.text().includes("Typed after the restore."), "editing continues");
    await waitFor(() => editorClient.isSaved(), "saved");
    expect((await liveJson()).content!.at(-1)).toEqual({ type: "paragraph", content: [{ type: "text", text: "Typed after the restore." }] });

    // Restoring the same version again keeps the text before it under a numbered name.
    const again = await as("editor").post(`/documents/${documentId}/history`, { intent: "restore", versionId });
    const secondBackupId = /backup=([0-9a-f-]{36})/.exec(again.headers.get("location") ?? "")?.[1];
    const [secondBackup] = await getSql()`select name, plain_text from document_versions where id = ${secondBackupId!}`;
    expect(secondBackup!.name).toBe("Before restoring “Clean draft” (2)");
    expect(secondBackup!.plain_text).toContain("Typed after the restore.");
  });

  it("asks for confirmation first, and changes nothing when the live text already equals the version", async () => {
    const versionId = await saveViaApi("Unchanged");
    const confirm = await (await as("organiser").get(`/documents/${documentId}/history?restore=${versionId}`)).text();
    expect(confirm).toContain("Restore “Unchanged”?");
    expect(confirm).toContain('name="intent" value="restore"');
    expect(confirm).toContain(`name="versionId" value="${versionId}"`);

    const before = await logRows();
    const res = await as("organiser").post(`/documents/${documentId}/history`, { intent: "restore", versionId });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toContain("unchanged=1");
    expect(await logRows()).toEqual(before);
  });

  it("restores a version with formatting, lists and headings exactly", async () => {
    const rich: JSONContent = {
      type: "doc",
      content: [
        { type: "heading", attrs: { level: 1 }, content: [{ type: "text", text: "Rich title" }] },
        {
          type: "paragraph",
          content: [
            { type: "text", text: "bold", marks: [{ type: "bold" }] },
            { type: "text", text: " and " },
            { type: "text", text: "a link", marks: [{ type: "link", attrs: { href: "https://example.org", target: "_blank", rel: "noopener noreferrer nofollow", class: null, title: null } }, { type: "italic" }] },
          ],
        },
        { type: "orderedList", attrs: { start: 3, type: null }, content: [{ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text: "three" }] }] }] },
        { type: "blockquote", content: [{ type: "paragraph", content: [{ type: "text", text: "quoted" }] }] },
        { type: "horizontalRule" },
      ],
    };
    // Make the live text rich, save it, scramble it, then restore.
    await appendEdit(documentId, (f) => {
      f.delete(0, f.length);
    });
    const { doc } = await loadDocument(documentId);
    const sv = Y.encodeStateVector(doc);
    const { prosemirrorToYXmlFragment } = await import("@tiptap/y-tiptap");
    prosemirrorToYXmlFragment(tiptapJsonToProseMirror(rich), doc.getXmlFragment(YJS_FIELD));
    await getSql().begin((tx) => appendUpdates(tx, documentId, [{ update: Y.encodeStateAsUpdate(doc, sv), userId: null }]));
    doc.destroy();
    const versionId = await saveViaApi("Rich");
    await appendEdit(documentId, (f) => {
      f.delete(1, 2);
      f.push([paragraph("noise")]);
    });
    expect(tiptapJsonToProseMirror(await liveJson()).eq(tiptapJsonToProseMirror(rich))).toBe(false);
    const res = await as("editor").post(`/documents/${documentId}/history`, { intent: "restore", versionId });
    expect(res.status).toBe(302);
    const live = await liveJson();
    expect(tiptapJsonToProseMirror(live).eq(tiptapJsonToProseMirror(rich))).toBe(true);
  });
});
