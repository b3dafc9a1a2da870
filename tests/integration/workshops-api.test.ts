/**
 * Who sees which workshops and documents, over real HTTP (Express + the Remix build) on a seeded database:
 * the JSON API (session cookie or personal access token) and the workshop pages.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { createAccessToken } from "../../app/auth/access-tokens.server";
import { seed } from "../../app/models/seed.server";
import type { UserRow } from "../../db/users";
import { addMember, createUser, createWorkshop, TEST_PASSWORD } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";

const HARM = "harm-reduction-policing-2023";
const HEALTH = "health-security-2023";

let server: TestServer;
let workshopIds: Record<string, string>;

async function signedIn(user: UserRow): Promise<Browserish> {
  const browser = new Browserish(server.url);
  const res = await browser.post("/login", { email: user.email, password: TEST_PASSWORD });
  expect(res.status, "login should redirect").toBe(302);
  return browser;
}

async function documentIdOf(slug: string): Promise<string> {
  const [row] = await getSql()`select id from documents where slug = ${slug}`;
  return row!.id as string;
}

function expectJsonError(res: Response, body: unknown, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(res.headers.get("cache-control")).toBe("no-store");
  expect(Object.keys(body as object)).toEqual(["error"]);
  expect(typeof (body as { error: unknown }).error).toBe("string");
}

beforeAll(async () => {
  await seed();
  const rows = await getSql()<{ slug: string; id: string }[]>`select slug, id from workshops`;
  workshopIds = Object.fromEntries(rows.map((r) => [r.slug, r.id]));
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

describe("the workshops API", () => {
  it("shows a member exactly the workshops they belong to, with their role and only the agreed keys", async () => {
    const editor = await createUser({ name: "Ed Itor" });
    await addMember(workshopIds[HARM]!, editor.id, "editor");
    const browser = await signedIn(editor);
    const res = await browser.get("/api/workshops");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual([
      {
        slug: HARM,
        title: "Law enforcement, harm reduction and drug policy",
        startsOn: "2023-05-19",
        endsOn: "2023-05-20",
        venue: "Umeå University, Norra Beteendevetarhuset, room NBET.A.157",
        role: "editor",
      },
    ]);
  });

  it("lists the seeded documents of each workshop with the caller's role: six and one", async () => {
    const member = await createUser();
    await addMember(workshopIds[HARM]!, member.id, "viewer");
    await addMember(workshopIds[HEALTH]!, member.id, "commenter");
    const browser = await signedIn(member);

    const harm = (await (await browser.get(`/api/workshops/${HARM}/documents`)).json()) as Record<string, unknown>[];
    expect(harm).toHaveLength(6);
    for (const doc of harm) {
      expect(Object.keys(doc).sort()).toEqual(["id", "kind", "role", "slug", "status", "title"]);
      expect(doc.role).toBe("viewer");
      expect(doc.status).toBe("draft");
    }
    expect(harm.map((d) => d.title)).toContain("Call by police for harm reduction policing and drug policy reform");
    expect(harm.filter((d) => d.kind === "guidance")).toHaveLength(3);

    const health = (await (await browser.get(`/api/workshops/${HEALTH}/documents`)).json()) as Record<string, unknown>[];
    expect(health).toEqual([
      {
        id: await documentIdOf("discussion-paper-health-security"),
        slug: "discussion-paper-health-security",
        title: "The role of law enforcement in health security: discussion paper",
        kind: "discussion_paper",
        status: "draft",
        role: "commenter",
      },
    ]);
  });

  it("answers a non-member with the same 404 as an unknown workshop, for the API and the pages", async () => {
    const outsider = await createUser();
    await addMember(workshopIds[HARM]!, outsider.id, "editor");
    const browser = await signedIn(outsider);

    const forbidden = await browser.get(`/api/workshops/${HEALTH}/documents`);
    const forbiddenBody = await forbidden.json();
    expectJsonError(forbidden, forbiddenBody, 404);
    const unknown = await browser.get("/api/workshops/no-such-workshop/documents");
    const unknownBody = await unknown.json();
    expectJsonError(unknown, unknownBody, 404);
    expect(forbiddenBody).toEqual(unknownBody);

    const page = await browser.get(`/workshops/${HEALTH}`);
    expect(page.status).toBe(404);
    const html = await page.text();
    expect(html).not.toContain("health security");
    expect(html).toContain("Page not found");
    expect((await browser.get("/workshops/no-such-workshop")).status).toBe(404);

    const healthDoc = await documentIdOf("discussion-paper-health-security");
    const docPage = await browser.get(`/documents/${healthDoc}`);
    expect(docPage.status).toBe(404);
    expect(await docPage.text()).not.toContain("discussion paper");
  });

  it("answers nonsense document ids and workshop slugs with 404, never an error", async () => {
    const member = await createUser();
    await addMember(workshopIds[HARM]!, member.id, "organizer");
    const browser = await signedIn(member);
    const hostile = [
      "../../etc",
      "../../etc/passwd",
      "'; drop table documents; --",
      "00000000-0000-0000-0000-000000000000",
      "%00",
      "x".repeat(5000),
      "<script>alert(1)</script>",
    ];
    for (const value of hostile) {
      const res = await browser.get(`/documents/${encodeURIComponent(value)}`);
      expect(res.status, `/documents/${value.slice(0, 40)}`).toBe(404);
      expect(await res.text()).not.toContain("<script>alert(1)</script>");
      const api = await browser.get(`/api/workshops/${encodeURIComponent(value)}/documents`);
      expect(api.status, `/api/workshops/${value.slice(0, 40)}/documents`).toBe(404);
      expectJsonError(api, await api.json(), 404);
      expect((await browser.get(`/workshops/${encodeURIComponent(value)}`)).status).toBe(404);
    }
    const [{ n }] = (await getSql()`select count(*)::int as n from documents`) as unknown as [{ n: number }];
    expect(n).toBe(7);
  });

  it("shows an administrator every workshop as an organiser", async () => {
    const admin = await createUser({ isAdmin: true });
    const browser = await signedIn(admin);
    const workshops = (await (await browser.get("/api/workshops")).json()) as { slug: string; role: string }[];
    const seeded = workshops.filter((w) => w.slug === HARM || w.slug === HEALTH);
    expect(seeded).toEqual([
      expect.objectContaining({ slug: HARM, role: "organizer" }),
      expect.objectContaining({ slug: HEALTH, role: "organizer" }),
    ]);
    const health = (await (await browser.get(`/api/workshops/${HEALTH}/documents`)).json()) as unknown[];
    expect(health).toHaveLength(1);
  });

  it("accepts a personal access token as a Bearer token, and nothing else in its place", async () => {
    const user = await createUser({ name: "Tok En" });
    await addMember(workshopIds[HEALTH]!, user.id, "viewer");
    const { token } = await createAccessToken(user.id, { name: "script", scopes: ["read"], lifetimeDays: 30 });
    const auth = { authorization: `Bearer ${token}` };

    const me = await fetch(`${server.url}/api/me`, { headers: auth });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({
      id: user.id,
      name: "Tok En",
      email: user.email,
      emailVerified: true,
      isAdmin: false,
      access: { via: "token", scopes: ["read"], expiresAt: expect.any(String) },
    });
    const workshops = await fetch(`${server.url}/api/workshops`, { headers: auth });
    expect(((await workshops.json()) as { slug: string; role: string }[]).map((w) => [w.slug, w.role])).toEqual([[HEALTH, "viewer"]]);
    const docs = await fetch(`${server.url}/api/workshops/${HEALTH}/documents`, { headers: auth });
    expect(docs.status).toBe(200);

    for (const bad of [`${token}x`, token.replace(/\.[a-z2-9]+$/, ".aaaaaaaaaaaaaaaaaaaaaaaa"), "accord_pat_", "nonsense"]) {
      const res = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${bad}` } });
      expectJsonError(res, await res.json(), 401);
    }
  });

  it("answers 401 JSON without a session or token", async () => {
    for (const path of ["/api/me", "/api/workshops", `/api/workshops/${HARM}/documents`]) {
      const res = await fetch(server.url + path);
      expectJsonError(res, await res.json(), 401);
    }
  });

  it("answers unknown API paths with 404 JSON, not the HTML error page", async () => {
    const user = await createUser();
    const browser = await signedIn(user);
    for (const path of ["/api", "/api/", "/api/nope", `/api/workshops/${HARM}`, `/api/workshops/${HARM}/members`, "/api/me/extra"]) {
      const res = await browser.get(path);
      expectJsonError(res, await res.json(), 404);
    }
    const anonymous = await fetch(`${server.url}/api/nope`);
    expectJsonError(anonymous, await anonymous.json(), 404);
  });

  it("answers GET on an endpoint that only changes things with 405 JSON naming the methods it answers", async () => {
    const browser = await signedIn(await createUser());
    const resolve = await browser.get(`/api/threads/${randomUUID()}/resolve`);
    const body = (await resolve.json()) as { error: string };
    expectJsonError(resolve, body, 405);
    expect(body.error).toBe("This endpoint only answers POST requests.");
    expect(resolve.headers.get("allow")).toBe("POST");
    const comment = await browser.get(`/api/comments/${randomUUID()}`);
    expect(((await comment.json()) as { error: string }).error).toBe("This endpoint only answers PATCH or DELETE requests.");
    expect(comment.headers.get("allow")).toBe("PATCH, DELETE");
  });

  it("answers other methods on the read-only resources with 405 JSON", async () => {
    const user = await createUser();
    const browser = await signedIn(user);
    const { token } = await createAccessToken(user.id, { name: "script", scopes: ["read"], lifetimeDays: 30 });
    for (const path of ["/api/me", "/api/workshops", `/api/workshops/${HARM}/documents`]) {
      const res = await browser.post(path, { anything: "1" });
      expectJsonError(res, await res.json(), 405);
      expect(res.headers.get("allow")).toBe("GET, HEAD");
      for (const method of ["PUT", "DELETE", "PATCH"]) {
        const viaToken = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${token}` } });
        expectJsonError(viaToken, await viaToken.json(), 405);
      }
    }
  });

  it("refuses a cross-origin POST to the API with 403 JSON", async () => {
    const user = await createUser();
    const browser = await signedIn(user);
    const res = await browser.post("/api/workshops", {}, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: expect.any(String) });
  });
});

describe("the workshop pages", () => {
  it("lists a member's workshops with dates, venue, role and number of documents", async () => {
    const member = await createUser();
    await addMember(workshopIds[HARM]!, member.id, "editor");
    await addMember(workshopIds[HEALTH]!, member.id, "viewer");
    const browser = await signedIn(member);
    const res = await browser.get("/workshops");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("19–20 May 2023");
    expect(html).toContain("24 May 2023");
    expect(html).toContain("Umeå University, Norra Beteendevetarhuset, room NBET.A.157");
    expect(html).toContain("6 documents");
    expect(html).toContain("1 document<");
    expect(html).toContain(`href="/workshops/${HARM}"`);
    expect(html).toMatch(/Your role: <span class="badge">Editor<\/span>/);
    expect(html).toMatch(/Your role: <span class="badge">Viewer<\/span>/);
  });

  it("explains how to join when someone belongs to no workshop", async () => {
    const loner = await createUser();
    const browser = await signedIn(loner);
    const html = await (await browser.get("/workshops")).text();
    expect(html).toContain("You are not a member of any workshop yet.");
    expect(html).toContain("invitation link");
    expect(html).not.toContain(HARM);
  });

  it("sends someone who is not signed in to the sign-in page and back", async () => {
    const res = await fetch(`${server.url}/workshops/${HARM}`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(`/workshops/${HARM}`)}`);
  });

  it("shows a workshop's facts, programme text and documents, and offers members management only to organisers", async () => {
    const viewer = await createUser();
    await addMember(workshopIds[HARM]!, viewer.id, "viewer");
    const viewerHtml = await (await (await signedIn(viewer)).get(`/workshops/${HARM}`)).text();
    expect(viewerHtml).toContain("<h1>Law enforcement, harm reduction and drug policy</h1>");
    expect(viewerHtml).toContain("19–20 May 2023");
    expect(viewerHtml).toContain("Workshop fee 550 SEK excluding VAT");
    expect(viewerHtml).toContain("Law Enforcement and Harm Reduction Special Interest Group (LEAHN materials)");
    expect(viewerHtml).toContain("to explore and address the role of police and other law enforcement in relation to current drug policies.");
    expect(viewerHtml).toContain("To explore and advocate for harm reduction policing");
    expect(viewerHtml).toContain("Revised and relaunched LEAHN materials, including");
    expect(viewerHtml).toContain("Guidance note");
    expect(viewerHtml).toContain('class="badge draft">Draft<');
    expect(viewerHtml).toContain("Last updated");
    const callId = await documentIdOf("call-for-harm-reduction-policing");
    expect(viewerHtml).toContain(`href="/documents/${callId}"`);
    expect(viewerHtml).not.toContain("Members and invitations");

    const organiser = await createUser();
    await addMember(workshopIds[HEALTH]!, organiser.id, "organizer");
    const organiserHtml = await (await (await signedIn(organiser)).get(`/workshops/${HEALTH}`)).text();
    expect(organiserHtml).toContain("Global Law Enforcement and Public Health Association (GLEPHA)");
    expect(organiserHtml).toContain("Discussion paper");
    expect(organiserHtml).toContain(`href="/workshops/${HEALTH}/members"`);
    expect(organiserHtml).toContain("Members and invitations");
  });

  it("escapes a workshop's stored text", async () => {
    const { id, slug } = await createWorkshop();
    await getSql()`update workshops set title = ${"<img src=x onerror=alert(1)>"}, details = ${getSql().json({ objective: "<script>alert(2)</script>", aims: ["<b>x</b>"] })} where id = ${id}`;
    const member = await createUser();
    await addMember(id, member.id, "viewer");
    const html = await (await (await signedIn(member)).get(`/workshops/${slug}`)).text();
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<script>alert(2)");
    expect(html).toContain("&lt;script&gt;alert(2)&lt;/script&gt;");
    expect(html).toContain("&lt;b&gt;x&lt;/b&gt;");
  });
});
