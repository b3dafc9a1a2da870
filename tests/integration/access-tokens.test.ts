/**
 * Personal access tokens over real HTTP on a seeded database: chosen scopes and expiry on the Account page, what
 * each scope opens at every door (JSON API, the endorsement POST, the two downloads pages allow), pages refusing
 * tokens, and expired tokens refused and shown as expired. The socket's side: collab-tokens.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { createAccessToken, revokeAccessToken } from "../../app/auth/access-tokens.server";
import type { Scope } from "../../app/auth/token-scopes";
import { seed } from "../../app/models/seed.server";
import type { UserRow } from "../../db/users";
import { person } from "../support/endorsement-fixtures";
import { addMember, createUser, TEST_PASSWORD } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";

let server: TestServer;
let documentId: string;
let workshopSlug: string;
let editor: UserRow;
let organiser: UserRow;

beforeAll(async () => {
  server = await startTestServer();
  await seed();
  const [doc] = await getSql()<{ id: string; workshopId: string; slug: string }[]>`
    select d.id, d.workshop_id as "workshopId", w.slug from documents d join workshops w on w.id = d.workshop_id
    where d.slug = 'call-for-harm-reduction-policing'`;
  documentId = doc!.id;
  workshopSlug = doc!.slug;
  editor = await createUser({ name: "Edna Editor" });
  organiser = await createUser({ name: "Olga Organiser" });
  await addMember(doc!.workshopId, editor.id, "editor");
  await addMember(doc!.workshopId, organiser.id, "organizer");
});

afterAll(async () => {
  await server?.close();
});

async function signedIn(user: UserRow): Promise<Browserish> {
  const browser = new Browserish(server.url);
  expect((await browser.post("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(302);
  return browser;
}

/** POST the token form with repeated `scopes` fields, as the browser sends ticked checkboxes. */
function createViaForm(browser: Browserish, fields: [string, string][]): Promise<Response> {
  return fetch(`${server.url}/account`, {
    method: "POST",
    redirect: "manual",
    headers: { origin: server.url, cookie: browser.cookieHeader(), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams([["intent", "create-token"], ...fields]).toString(),
  });
}

const tokenIn = (html: string) => /accord_pat_[a-z2-9]{24}\.[a-z2-9]{24}/.exec(html)?.[0] ?? null;
const tokenFor = async (user: UserRow, scopes: Scope[]) => (await createAccessToken(user.id, { name: "script", scopes, lifetimeDays: 7 })).token;

function request(token: string, method: string, path: string, json?: unknown): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (json !== undefined) headers["content-type"] = "application/json";
  return fetch(server.url + path, { method, redirect: "manual", headers, body: json === undefined ? undefined : JSON.stringify(json) });
}

async function errorOf(res: Response): Promise<string> {
  return ((await res.json()) as { error: string }).error;
}

async function tokenRows(userId: string) {
  return getSql()<{ scopes: string[]; days: number }[]>`
    select scopes, round(extract(epoch from expires_at - created_at) / 86400)::int as days
    from personal_access_tokens where user_id = ${userId} order by created_at`;
}

describe("creating a token on the Account page", () => {
  it("offers the four scopes (read ticked) and lifetimes (90 days chosen), and no “never”", async () => {
    const html = await (await (await signedIn(await createUser())).get("/account")).text();
    expect(html).toContain("<legend>What may it do?</legend>");
    const boxes = [...html.matchAll(/<input type="checkbox" id="scope-(\w+)" name="scopes"[^>]*>/g)].map((m) => [m[1], m[0].includes("checked")]);
    expect(boxes).toEqual([["read", true], ["write", false], ["endorse", false], ["admin", false]]);
    expect(html).toContain('<label for="scope-admin">Admin</label>');
    expect(html).toContain('<label for="field-lifetimeDays">Expires after</label>');
    expect(html).toContain('<option value="90" selected="">90 days</option>');
    expect([...html.matchAll(/<option value="(\d+)"/g)].map((m) => m[1])).toEqual(["7", "30", "90", "365"]);
  });

  it("stores the chosen scopes and expiry and lists them with the last use", async () => {
    const user = await createUser();
    const browser = await signedIn(user);
    const created = await createViaForm(browser, [["tokenName", "sync"], ["scopes", "write"], ["scopes", "read"], ["scopes", "read"], ["lifetimeDays", "30"]]);
    expect(created.status).toBe(200);
    const token = tokenIn(await created.text())!;
    expect(await tokenRows(user.id)).toEqual([{ scopes: ["read", "write"], days: 30 }]);
    const before = await (await browser.get("/account")).text();
    expect(before).toContain('<td data-label="Scopes">Read, Write</td>');
    expect(before).toContain('<td data-label="Last used">never</td>');
    expect(before).toMatch(/<td data-label="Expires"> <time dateTime="[^"]+">\d+ \w+ \d{4}, \d\d:\d\d UTC<\/time><\/td>/);
    expect((await request(token, "GET", "/api/me")).status).toBe(200);
    await expect.poll(async () => (await (await browser.get("/account")).text()).includes('<td data-label="Last used">just now</td>')).toBe(true);
  });

  it("refuses a token without a scope, with an unknown scope or lifetime, in words tied to the fields", async () => {
    const user = await createUser();
    const browser = await signedIn(user);
    const none = await createViaForm(browser, [["tokenName", "x"], ["lifetimeDays", "90"]]);
    expect(none.status).toBe(400);
    const noneHtml = await none.text();
    expect(noneHtml).toContain('<fieldset class="field" aria-describedby="field-scopes-error">');
    expect(noneHtml).toContain('<p class="error" id="field-scopes-error">Choose at least one scope: what may the token do?</p>');
    const unknown = await createViaForm(browser, [["tokenName", "x"], ["scopes", "root"], ["lifetimeDays", "90"]]);
    expect(await unknown.text()).toContain("Choose the token&#x27;s scopes from the list.");
    for (const days of ["0", "1000", "never", "-7", "90.5", ""]) {
      const res = await createViaForm(browser, [["tokenName", "x"], ["scopes", "read"], ["lifetimeDays", days]]);
      expect(res.status, days).toBe(400);
      expect(await res.text(), days).toContain('id="field-lifetimeDays-error">Choose when the token expires');
    }
    expect(await tokenRows(user.id)).toEqual([]);
  });
});

describe("what each scope opens", () => {
  it("read lists, write saves a version, admin publishes it, endorse endorses and withdraws — each refused without its scope", async () => {
    const reader = await tokenFor(editor, ["read"]);
    expect((await request(reader, "GET", "/api/workshops")).status).toBe(200);
    expect((await request(reader, "GET", `/api/documents/${documentId}/versions`)).status).toBe(200);
    const unwritten = await request(reader, "POST", `/api/documents/${documentId}/versions`, { name: "Not allowed" });
    expect(unwritten.status).toBe(403);
    expect(await errorOf(unwritten)).toBe(
      "This needs a personal access token with the “write” scope; this token has “read”. Create one with the scopes it needs on your Account page.",
    );

    const writer = await tokenFor(editor, ["write"]);
    const saved = await request(writer, "POST", `/api/documents/${documentId}/versions`, { name: "Saved by a script" });
    expect(saved.status).toBe(201);
    const versionId = ((await saved.json()) as { id: string }).id;
    expect(await errorOf(await request(writer, "GET", "/api/me"))).toMatch(/“read” scope/);

    const organiserRead = await tokenFor(organiser, ["read", "write", "endorse"]);
    const unpublished = await request(organiserRead, "POST", `/api/documents/${documentId}/publish`, { versionId });
    expect(unpublished.status).toBe(403);
    expect(await errorOf(unpublished)).toMatch(/“admin” scope/);
    const publisher = await tokenFor(organiser, ["admin"]);
    const published = await request(publisher, "POST", `/api/documents/${documentId}/publish`, { versionId, slug: "scripted-call" });
    expect(published.status).toBe(201);

    const signer = await createUser({ name: "Signe Signer" });
    const notEndorsing = await request(await tokenFor(signer, ["read", "write", "admin"]), "POST", "/api/declarations/scripted-call/endorsements", person());
    expect(notEndorsing.status).toBe(403);
    expect(await errorOf(notEndorsing)).toMatch(/“endorse” scope/);
    const endorser = await tokenFor(signer, ["endorse"]);
    const endorsed = await request(endorser, "POST", "/api/declarations/scripted-call/endorsements", person());
    expect(endorsed.status).toBe(201);
    const endorsementId = ((await endorsed.json()) as { id: string }).id;
    expect((await request(await tokenFor(signer, ["read"]), "DELETE", `/api/endorsements/${endorsementId}`)).status).toBe(403);
    expect((await request(endorser, "DELETE", `/api/endorsements/${endorsementId}`)).status).toBe(204);
  });

  it("opens the signer export and the account data download only to an admin token, and no other page to any token", async () => {
    const tokens = async () => (await getSql()<{ n: number }[]>`select count(*)::int as n from personal_access_tokens where user_id = ${organiser.id}`)[0]!.n;
    const all = await tokenFor(organiser, ["read", "write", "endorse", "admin"]);
    const withoutAdmin = await tokenFor(organiser, ["read", "write", "endorse"]);
    for (const path of [`/documents/${documentId}/endorsements/export?format=csv`, "/account/data"]) {
      expect((await request(all, "GET", path)).status, path).toBe(200);
      const refused = await request(withoutAdmin, "GET", path);
      expect(refused.status, path).toBe(403);
      expect(await refused.text()).toMatch(/“admin” scope/);
    }
    const before = await tokens();
    for (const [method, path] of [
      ["GET", "/workshops"],
      ["GET", `/workshops/${workshopSlug}/members`],
      ["GET", `/documents/${documentId}/publish`],
      ["GET", `/documents/${documentId}/endorsements`],
      ["POST", "/account"],
      ["POST", `/workshops/${workshopSlug}/members`],
    ]) {
      const res = await request(all, method!, path!);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await res.text()).toContain("Personal access tokens work with the JSON API");
    }
    expect(await tokens()).toBe(before); // a token cannot mint another
  });

  it("tells a script how it is signed in", async () => {
    const token = await tokenFor(editor, ["read", "endorse"]);
    const body = (await (await request(token, "GET", "/api/me")).json()) as { access: Record<string, unknown> };
    expect(body.access).toEqual({ via: "token", scopes: ["read", "endorse"], expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    const session = await (await signedIn(editor)).get("/api/me");
    expect(((await session.json()) as { access: unknown }).access).toEqual({ via: "session", scopes: ["read", "write", "endorse", "admin"] });
  });
});

describe("tokens presented at the same moment (read together)", () => {
  it("checks each on its own: every valid one answers as its own user; revoked, expired, tampered and unknown ones are refused", async () => {
    const people = await Promise.all(Array.from({ length: 12 }, (_, i) => createUser({ name: `Script ${i}` })));
    const valid = await Promise.all(people.map((p) => tokenFor(p, ["read"])));
    const revoked = await createAccessToken(people[0]!.id, { name: "old", scopes: ["read"], lifetimeDays: 7 });
    expect(await revokeAccessToken(people[0]!.id, revoked.id)).toBe(true);
    const expired = await createAccessToken(people[1]!.id, { name: "expired", scopes: ["read"], lifetimeDays: 7 });
    await getSql()`update personal_access_tokens set created_at = now() - interval '8 days', expires_at = now() - interval '1 day' where id = ${expired.id}`;
    const [id, secret] = valid[2]!.split(".") as [string, string];
    const tampered = `${id}.${secret.slice(0, -1)}${secret.endsWith("a") ? "b" : "a"}`;
    const unknown = `accord_pat_${"a".repeat(24)}.${"b".repeat(24)}`;
    const refusedOnes = [revoked.token, expired.token, tampered, unknown];
    // Interleaved, so valid and refused tokens share the same batches; three rounds.
    for (let round = 0; round < 3; round++) {
      const sent = valid.flatMap((t, i) => [t, ...(i < refusedOnes.length ? [refusedOnes[i]!] : [])]);
      const answers = await Promise.all(sent.map((t) => request(t, "GET", "/api/me")));
      for (const [i, res] of answers.entries()) {
        const v = valid.indexOf(sent[i]!);
        if (v === -1) {
          expect(res.status, `refused token ${refusedOnes.indexOf(sent[i]!)}`).toBe(401);
          continue;
        }
        expect(res.status).toBe(200);
        expect(await res.json()).toMatchObject({ id: people[v]!.id, name: `Script ${v}`, access: { via: "token", scopes: ["read"] } });
      }
    }
    // One token sent ten times at once (one row read for all of them) answers ten times as its user.
    const same = await Promise.all(Array.from({ length: 10 }, () => request(valid[3]!, "GET", "/api/me")));
    for (const res of same) expect(await res.json()).toMatchObject({ id: people[3]!.id });
  });
});

describe("an expired token", () => {
  it("is refused in words and shown as expired on the Account page", async () => {
    const user = await createUser();
    const token = await tokenFor(user, ["read"]);
    expect((await request(token, "GET", "/api/me")).status).toBe(200);
    await getSql()`
      update personal_access_tokens set created_at = now() - interval '8 days', expires_at = now() - interval '1 day' where user_id = ${user.id}`;
    const refused = await request(token, "GET", "/api/me");
    expect(refused.status).toBe(401);
    expect(await errorOf(refused)).toBe(
      "This personal access token is not valid: it was revoked, it has expired, or it was not copied whole. Create a new one on your Account page.",
    );
    const html = await (await (await signedIn(user)).get("/account")).text();
    expect(html).toMatch(/<td data-label="Expires"><span class="badge draft">expired<\/span> <time/);
  });
});
