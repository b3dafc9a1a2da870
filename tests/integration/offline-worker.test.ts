/**
 * The offline worker over real HTTP (issue 16): served as a script the browser accepts as a service worker, naming
 * every file the document page loads in this build (lazy chunks and styles too); and only an editor's own document
 * page says it may be kept, for which account. Readers' pages, other pages and API answers never say so.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { getSql } from "../../db/client";
import type { UserRow } from "../../db/users";
import { seed } from "../../app/models/seed.server";
import { deviceAccountKey } from "../../app/collab/device-key.server";
import { ACCOUNT_KEY, OFFLINE_PAGE_HEADER, OFFLINE_UNTIL_HEADER, OFFLINE_WORKER_PATH } from "../../app/collab/offline-pages";
import { DOCUMENT_ROUTE, readManifest, routeFiles } from "../../server/build-assets";
import { addMember, createUser, TEST_PASSWORD } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";

const publicDir = path.resolve(import.meta.dirname, "../../public");
let server: TestServer;
let documentId: string;
let editor: UserRow;
let commenter: UserRow;

beforeAll(async () => {
  await seed();
  const [doc] = await getSql()`select id, workshop_id from documents where slug = 'guidance-safe-injecting-facilities'`;
  documentId = doc!.id as string;
  editor = await createUser();
  commenter = await createUser();
  await addMember(doc!.workshop_id as string, editor.id, "editor");
  await addMember(doc!.workshop_id as string, commenter.id, "commenter");
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

async function signedIn(user: UserRow): Promise<Browserish> {
  const browser = new Browserish(server.url);
  const res = await browser.post("/login", { email: user.email, password: TEST_PASSWORD });
  expect(res.status, "login should redirect").toBe(302);
  return browser;
}

/** The build files the worker lists (the JSON before the worker's own code). */
async function listedFiles(): Promise<{ version: string; assets: string[] }> {
  const source = await (await fetch(server.url + OFFLINE_WORKER_PATH)).text();
  const match = /^const OFFLINE_BUILD = (\{.*\});\n/.exec(source);
  expect(match, "the worker starts with its build's list").not.toBeNull();
  return JSON.parse(match![1]!) as { version: string; assets: string[] };
}

describe("the offline worker script", () => {
  it("is sent as JavaScript, checked again at every update, under a policy that allows it from this origin only", async () => {
    const res = await fetch(server.url + OFFLINE_WORKER_PATH);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toContain("worker-src 'self'");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
  });

  it("lists every file the document page loads, lazily imported chunks and styles included, and nothing else", async () => {
    const { version, assets } = await listedFiles();
    const { scripts, others } = routeFiles(readManifest(publicDir), DOCUMENT_ROUTE, publicDir);
    expect(new Set(assets)).toEqual(new Set([expect.stringMatching(/^\/build\/manifest-[0-9A-F]+\.js$/), ...scripts.map((s) => s.path), ...others]));
    expect(version).toMatch(/^[0-9a-f]+$/);
    expect(assets.every((a) => a.startsWith("/build/"))).toBe(true);
    // The discussion panel is imported lazily by the editor: still listed. Both style sheets too.
    expect(assets.some((a) => /\/thread-panel-[A-Z0-9]+\.js$/.test(a))).toBe(true);
    expect(assets.filter((a) => a.endsWith(".css"))).toHaveLength(2);
  });

  it("is the same script whatever is added to its address, and only for GET", async () => {
    const plain = await (await fetch(server.url + OFFLINE_WORKER_PATH)).text();
    const odd = await fetch(server.url + OFFLINE_WORKER_PATH + "?v=%3Cscript%3E&scope=/");
    expect(await odd.text()).toBe(plain);
    const post = await fetch(server.url + OFFLINE_WORKER_PATH, { method: "POST", headers: { origin: server.url } });
    expect(post.status).toBe(404);
  });
});

describe("which pages may be kept for offline use", () => {
  it("an editor's own document page, under that account's key", async () => {
    const res = await (await signedIn(editor)).get(`/documents/${documentId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get(OFFLINE_PAGE_HEADER)).toBe(deviceAccountKey(editor.id));
    expect(res.headers.get(OFFLINE_PAGE_HEADER)).toMatch(ACCOUNT_KEY);
    expect(res.headers.get(OFFLINE_PAGE_HEADER)).not.toContain(editor.id);
    // The page itself registers the worker: its scripts are the editor's.
    expect(await res.text()).toContain("<script");
  });

  it("only until the session that loaded it ends: its expiry, renewed or capped as the session is", async () => {
    const browser = await signedIn(editor);
    const sql = getSql();
    const first = await browser.get(`/documents/${documentId}`);
    const [session] = await sql`select expires_at from sessions where user_id = ${editor.id} order by created_at desc limit 1`;
    expect(first.headers.get(OFFLINE_UNTIL_HEADER)).toBe(String((session!.expires_at as Date).getTime()));
    // A session capped in 5 minutes by its absolute lifetime: the page says so, and is kept no longer.
    const soon = new Date(Date.now() + 5 * 60_000);
    await sql`update sessions set expires_at = ${soon}, absolute_expires_at = ${soon} where user_id = ${editor.id}`;
    const capped = await browser.get(`/documents/${documentId}`);
    expect(capped.headers.get(OFFLINE_UNTIL_HEADER)).toBe(String(soon.getTime()));
    // Ended: no page at all, so nothing to keep.
    await sql`update sessions set expires_at = now() - interval '1 second' where user_id = ${editor.id}`;
    const ended = await browser.get(`/documents/${documentId}`);
    expect(ended.status).toBe(302);
    expect(ended.headers.get(OFFLINE_PAGE_HEADER)).toBeNull();
    expect(ended.headers.get(OFFLINE_UNTIL_HEADER)).toBeNull();
  });

  it("not a commenter's, nor a signed-out visit, nor another page or an API answer of the editor", async () => {
    const reader = await (await signedIn(commenter)).get(`/documents/${documentId}`);
    expect(reader.status).toBe(200);
    expect(reader.headers.get(OFFLINE_PAGE_HEADER)).toBeNull();
    expect(reader.headers.get(OFFLINE_UNTIL_HEADER)).toBeNull();
    const signedOut = await fetch(`${server.url}/documents/${documentId}`, { redirect: "manual" });
    expect(signedOut.headers.get(OFFLINE_PAGE_HEADER)).toBeNull();
    const browser = await signedIn(editor);
    for (const page of [`/documents/${documentId}/history`, `/api/documents/${documentId}/threads`, "/workshops", "/"]) {
      const res = await browser.get(page);
      expect(res.status, page).toBeLessThan(400);
      expect(res.headers.get(OFFLINE_PAGE_HEADER), page).toBeNull();
    }
  });

  it("not a document the editor cannot open (404), nor a malformed id", async () => {
    const browser = await signedIn(editor);
    for (const page of ["/documents/00000000-0000-0000-0000-000000000000", "/documents/not-a-uuid", "/documents/%3Cscript%3E"]) {
      const res = await browser.get(page);
      expect(res.status, page).toBe(404);
      expect(res.headers.get(OFFLINE_PAGE_HEADER), page).toBeNull();
    }
  });
});
