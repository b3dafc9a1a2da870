/**
 * Endorsing over real HTTP (Express + the Remix build) on a real PostgreSQL: both kinds through the JSON API and
 * the form, the database's one-per-person / one-per-organisation rule under 50 simultaneous requests, evidence
 * levels, re-confirmation of a new version, withdrawal, the organisers' moderation queue (audited) and exports
 * (formula-neutralised, the only place with e-mails), rate limits, refusals, and privacy of every public answer.
 */
import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { insertEndorsements } from "../../db/endorsements";
import { writeEndorsement } from "../../app/models/endorsement-writer.server";
import { addMember, createUser, uniqueEmail } from "../support/factories";
import {
  call,
  endorsementRows,
  formPairs,
  individualRow,
  organisation,
  person,
  publishDeclaration,
  publishVersion,
  signer,
  type Declaration,
  type Signer,
} from "../support/endorsement-fixtures";
import { sessionCookie } from "../support/collab-client";
import { startTestServer, type TestServer } from "../support/http-server";

let server: TestServer;
const api = (method: string, path: string, o: Parameters<typeof call>[3] = {}) => call(server.url, method, path, o);
const endorse = (d: Declaration, s: Signer, body: unknown, o: Parameters<typeof call>[3] = {}) =>
  api("POST", `/api/declarations/${d.slug}/endorsements`, { cookie: s.cookie, json: body, ...o });

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

beforeEach(async () => {
  // Every request in this file comes from 127.0.0.1: start each test with an empty per-IP allowance.
  await getSql()`delete from request_limits where key like 'endorse:%'`;
});

async function publicList(d: Declaration, query = ""): Promise<Record<string, unknown>[]> {
  const res = await api("GET", `/api/declarations/${d.slug}/endorsements${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>[];
}

async function auditOf(workshopId: string) {
  return getSql()<{ action: string; actorId: string | null; details: Record<string, unknown> }[]>`
    select action, actor_id as "actorId", details from audit_log where workshop_id = ${workshopId} order by id`;
}

/** Text nobody else may ever see in a public answer: e-mail addresses, user ids, the client's IP. */
function expectNothingPrivate(body: string, people: Signer[]): void {
  for (const p of people) {
    expect(body).not.toContain(p.user.email);
    expect(body).not.toContain(p.user.id);
    expect(body).not.toContain(p.user.email.split("@")[0]!);
  }
  expect(body).not.toMatch(/@[a-z0-9-]+\.(org|se|example)\b/i);
  expect(body).not.toContain("127.0.0.1");
  expect(body).not.toMatch(/::ffff:|::1\b/);
}

describe("endorsing through the JSON API", () => {
  it("records an individual's endorsement bound to the current version and its hash, and lists only the public fields", async () => {
    const d = await publishDeclaration();
    const anna = await signer({ name: "Anna Berg" });
    const res = await endorse(d, anna, person());
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.json()) as { id: string; receiptUrl: string };
    expect(Object.keys(body).sort()).toEqual(["id", "receiptUrl"]);
    expect(body.receiptUrl).toMatch(new RegExp(`/e/${body.id}$`));

    const [row] = await endorsementRows(d);
    expect(row).toMatchObject({ id: body.id, userId: anna.user.id, kind: "individual", evidence: "email", moderation: "visible" });
    expect(row!.publishedVersionId).toBe(d.versions[0]!.id);
    expect(row!.versionSha256).toBe(d.versions[0]!.sha256);

    expect(await publicList(d)).toEqual([{ id: body.id, kind: "individual", versionNumber: 1, evidence: "email", capacity: "serving_officer", country: "SE" }]);
  });

  it("accepts a personal access token without an Origin (scripts), and answers the contract's errors in JSON", async () => {
    const d = await publishDeclaration();
    const bo = await signer();
    const ok = await endorse(d, bo, person({ publicFields: ["name"] }), { cookie: undefined, bearer: await bo.token(), origin: null });
    expect(ok.status).toBe(201);

    const noAuth = await api("POST", `/api/declarations/${d.slug}/endorsements`, { json: person() });
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toHaveProperty("error");

    const unverified = await signer({ verified: false });
    const refused = await endorse(d, unverified, person());
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toMatch(/Confirm your e-mail address/);

    const missing = await api("POST", "/api/declarations/no-such-declaration/endorsements", { cookie: bo.cookie, json: person() });
    expect(missing.status).toBe(404);
    const bad = await api("POST", "/api/declarations/..%2F..%2Fetc/endorsements", { cookie: bo.cookie, json: person() });
    expect([400, 404]).toContain(bad.status);

    const closed = await publishDeclaration({ open: false });
    const closedRes = await endorse(closed, bo, person());
    expect(closedRes.status).toBe(403);
    expect(((await closedRes.json()) as { error: string }).error).toMatch(/closed/);

    const unpublished = await getSql()<{ id: string }[]>`
      insert into documents (workshop_id, slug, title, kind) values (${d.workshopId}, 'draft-only', 'Draft', 'declaration') returning id`;
    expect(unpublished).toHaveLength(1);
    expect((await api("POST", "/api/declarations/draft-only/endorsements", { cookie: bo.cookie, json: person() })).status).toBe(404);
    expect(await endorsementRows(closed)).toEqual([]);
  });

  it("refuses invalid and hostile bodies with 400 and the fields to fix, storing nothing", async () => {
    const d = await publishDeclaration();
    const eve = await signer();
    const cases: [unknown, string][] = [
      [person({ name: "Buy pills at cheap-pills.com" }), "name"],
      [person({ name: "http://spam.example" }), "name"],
      [person({ affiliation: "www.spam" }), "affiliation"],
      [person({ role: "see example.com" }), "role"],
      [person({ name: "Anna\u0000Berg" }), "name"],
      [person({ name: "Anna\u202EgreB" }), "name"],
      [person({ statement: "x".repeat(501) }), "statement"],
      [person({ name: "x".repeat(121) }), "name"],
      [person({ capacity: "admin" }), "capacity"],
      [person({ country: "XX" }), "country"],
      [person({ publicFields: ["email"] }), "publicFields"],
      [person({ publicFields: "name" }), "publicFields"],
      [person({ consent: false }), "consent"],
      [person({ consent: "true" }), "consent"],
      [person({ kind: "robot" }), "kind"],
      [organisation({ organisationName: "Visit evil.com" }), "organisationName"],
      [organisation({ website: "javascript:alert(document.cookie)" }), "website"],
      [organisation({ website: "https://admin:secret@polisen.se" }), "website"],
      [organisation({ authorised: false }), "authorised"],
      [organisation({ organisationType: "mafia" }), "organisationType"],
    ];
    for (const [body, field] of cases) {
      const res = await endorse(d, eve, body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      const answer = (await res.json()) as { error: string; fields?: Record<string, string> };
      expect(typeof answer.error).toBe("string");
      expect(answer.fields, JSON.stringify(body).slice(0, 80)).toHaveProperty(field);
    }
    const raw = [
      { body: "{not json", type: "application/json" },
      { body: "[]", type: "application/json" },
      { body: "null", type: "application/json" },
      { body: JSON.stringify(person()), type: "text/plain" },
      { body: JSON.stringify(person({ statement: "x".repeat(20_000) })), type: "application/json" },
    ];
    for (const r of raw) {
      const res = await api("POST", `/api/declarations/${d.slug}/endorsements`, { cookie: eve.cookie, body: r.body, headers: { "content-type": r.type } });
      expect(res.status, r.body.slice(0, 30)).toBe(400);
      expect(await res.json()).toHaveProperty("error");
    }
    expect(await endorsementRows(d)).toEqual([]);
  });

  it("answers a second endorsement of the same version with 409, for a person and for an organisation (any signer)", async () => {
    const d = await publishDeclaration();
    const anna = await signer({ email: `anna-${Date.now()}@polisen.se` });
    const bo = await signer();
    expect((await endorse(d, anna, person())).status).toBe(201);
    const again = await endorse(d, anna, person({ name: "Someone Else" }));
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toMatch(/already endorsed version 1/);

    expect((await endorse(d, anna, organisation())).status).toBe(201); // a person may also sign for an organisation
    const sameOrg = await endorse(d, bo, organisation({ organisationName: "  swedish   POLICE authority. " }));
    expect(sameOrg.status).toBe(409);
    expect(((await sameOrg.json()) as { error: string }).error).toMatch(/organisation has already endorsed/);
    expect(await endorsementRows(d)).toHaveLength(2);
  });

  it("keeps exactly one row when 50 identical requests arrive at once (and when the database alone decides)", async () => {
    const d = await publishDeclaration();
    const anna = await signer();
    const responses = await Promise.all(Array.from({ length: 50 }, () => endorse(d, anna, person())));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.every((s) => s === 201 || s === 409 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 409).length).toBeGreaterThan(0); // the unique index refused racing inserts
    expect((await endorsementRows(d)).filter((r) => r.kind === "individual")).toHaveLength(1);

    // Without the rate limit in front: 50 racing inserts straight into the database.
    const direct = await publishDeclaration();
    const bo = await createUser();
    const row = individualRow(direct, bo.id, "Bo");
    // Fifty separate statements racing (as fifty batches would): the unique index lets exactly one row in.
    const results = await Promise.all(Array.from({ length: 50 }, () => insertEndorsements([{ ...row, id: randomUUID() }])));
    expect(results.filter((inserted) => inserted.size === 1)).toHaveLength(1);
    expect(results.filter((inserted) => inserted.size === 0)).toHaveLength(49);
    expect(await endorsementRows(direct)).toHaveLength(1);
  });

  it("keeps one organisation endorsement when two people send 50 requests for it at once", async () => {
    const d = await publishDeclaration();
    const [a, b] = await Promise.all([signer(), signer()]);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => endorse(d, i % 2 ? a : b, organisation({ organisationName: i % 3 ? "Swedish Police Authority" : "swedish police authority!" }))),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.every((s) => s === 201 || s === 409 || s === 429)).toBe(true);
    expect(await endorsementRows(d)).toHaveLength(1);
  });

  it("rejects an endorsement whose hash is not the version's, and never rebinds one to another version (database rules)", async () => {
    const d = await publishDeclaration();
    const anna = await signer();
    const res = await endorse(d, anna, person());
    const { id } = (await res.json()) as { id: string };
    await expect(getSql()`
      insert into endorsements (published_version_id, version_sha256, user_id, kind, display_name, country, capacity, evidence, consent)
      values (${d.versions[0]!.id}, ${"0".repeat(64)}, ${anna.user.id}, 'organisation', 'x', 'SE', 'individual', 'email', true)`).rejects.toMatchObject({
      code: "23514",
    });
    const v2 = await publishVersion(d, "Police for harm reduction\n\nVersion two.");
    await expect(getSql()`update endorsements set published_version_id = ${v2.id}, version_sha256 = ${v2.sha256} where id = ${id}`).rejects.toMatchObject({
      code: "23001",
    });
    await getSql()`update endorsements set withdrawn_at = now() where id = ${id}`;
    await expect(getSql()`update endorsements set withdrawn_at = null where id = ${id}`).rejects.toMatchObject({ code: "23001" });
  });
});

describe("evidence levels and the organisers' moderation queue", () => {
  it("gives 'domain' when the e-mail domain matches the website, 'unverified' otherwise (listed under list_unverified)", async () => {
    const d = await publishDeclaration();
    const police = await signer({ email: `anna-${Date.now()}@region.polisen.se` });
    const outsider = await signer({ email: uniqueEmail("ngo") });
    const viaDomain = (await (await endorse(d, police, organisation())).json()) as { id: string };
    const unverified = (await (await endorse(d, outsider, organisation({ organisationName: "Harm Reduction International", organisationType: "ngo", website: "https://hri.global", country: "GB" }))).json()) as { id: string };
    const rows = await endorsementRows(d);
    expect(rows.find((r) => r.id === viaDomain.id)).toMatchObject({ evidence: "domain", moderation: "visible" });
    expect(rows.find((r) => r.id === unverified.id)).toMatchObject({ evidence: "unverified", moderation: "visible" });
    const list = await publicList(d, "?kind=organisation");
    expect(list.map((e) => e.evidence).sort()).toEqual(["domain", "unverified"]);
    expect(list.find((e) => e.id === viaDomain.id)).toEqual({
      id: viaDomain.id,
      kind: "organisation",
      versionNumber: 1,
      evidence: "domain",
      organisationName: "Swedish Police Authority",
      organisationType: "police_agency",
      country: "SE",
      website: "https://www.polisen.se",
    });
    expect(await publicList(d, "?country=GB")).toHaveLength(1);
    expect(await publicList(d, "?kind=individual")).toEqual([]);
    expect((await api("GET", `/api/declarations/${d.slug}/endorsements?kind=robot`)).status).toBe(400);
    expect((await api("GET", `/api/declarations/${d.slug}/endorsements?country=Sweden`)).status).toBe(400);
    expect((await api("GET", "/api/declarations/nothing-here/endorsements")).status).toBe(404);
  });

  it("under verified_only keeps an unverified organisation pending until an organiser verifies it; every step is audited", async () => {
    const d = await publishDeclaration({ policy: "verified_only" });
    const signerNgo = await signer({ email: uniqueEmail("ngo") });
    const { id } = (await (await endorse(d, signerNgo, organisation({ organisationName: "Harm Reduction International", website: "hri.global" }))).json()) as { id: string };
    expect((await endorsementRows(d))[0]).toMatchObject({ evidence: "unverified", moderation: "pending" });
    expect(await publicList(d)).toEqual([]);
    const pendingReceipt = await (await api("GET", `/e/${id}`)).text();
    expect(pendingReceipt).toContain("Not listed yet");
    expect(pendingReceipt).not.toContain("Harm Reduction International");

    const olive = `${await sessionCookie(d.organiser.id)}`;
    const queue = await api("GET", `/documents/${d.documentId}/endorsements`, { cookie: olive });
    expect(queue.status).toBe(200);
    expect(queue.headers.get("cache-control")).toBe("no-store");
    const html = await queue.text();
    expect(html).toContain("Harm Reduction International");
    expect(html).toContain("Waiting for verification");
    expect(html).not.toContain(signerNgo.user.email); // the export is the only place with e-mails

    const verify = await api("POST", `/documents/${d.documentId}/endorsements`, { cookie: olive, form: [["intent", "verify"], ["endorsementId", id]] });
    expect(verify.status).toBe(200);
    expect(await verify.text()).toContain("The organisation is verified and listed.");
    expect((await endorsementRows(d))[0]).toMatchObject({ evidence: "verified", moderation: "visible" });
    expect((await publicList(d)).map((e) => e.evidence)).toEqual(["verified"]);

    // A repeated click changes nothing and says so.
    expect((await api("POST", `/documents/${d.documentId}/endorsements`, { cookie: olive, form: [["intent", "verify"], ["endorsementId", id]] })).status).toBe(409);

    const hideNoReason = await api("POST", `/documents/${d.documentId}/endorsements`, { cookie: olive, form: [["intent", "hide"], ["endorsementId", id]] });
    expect(hideNoReason.status).toBe(400);
    const hide = await api("POST", `/documents/${d.documentId}/endorsements`, {
      cookie: olive,
      form: [["intent", "hide"], ["endorsementId", id], ["reason", "Impersonation reported by the organisation"]],
    });
    expect(hide.status).toBe(200);
    expect(await publicList(d)).toEqual([]);
    const unhide = await api("POST", `/documents/${d.documentId}/endorsements`, { cookie: olive, form: [["intent", "unhide"], ["endorsementId", id]] });
    expect(unhide.status).toBe(200);
    expect(await publicList(d)).toHaveLength(1);
    const reject = await api("POST", `/documents/${d.documentId}/endorsements`, { cookie: olive, form: [["intent", "reject"], ["endorsementId", id]] });
    expect(reject.status).toBe(200);
    expect((await endorsementRows(d))[0]).toMatchObject({ moderation: "rejected" });
    expect(await publicList(d)).toEqual([]);

    expect(await auditOf(d.workshopId)).toEqual([
      { action: "endorsement.verified", actorId: d.organiser.id, details: { documentId: d.documentId, endorsementId: id } },
      {
        action: "endorsement.hidden",
        actorId: d.organiser.id,
        details: { documentId: d.documentId, endorsementId: id, reason: "Impersonation reported by the organisation" },
      },
      { action: "endorsement.unhidden", actorId: d.organiser.id, details: { documentId: d.documentId, endorsementId: id } },
      { action: "endorsement.rejected", actorId: d.organiser.id, details: { documentId: d.documentId, endorsementId: id } },
    ]);

    // A rejected organisation's name is free again.
    const again = await endorse(d, await signer(), organisation({ organisationName: "Harm Reduction International", website: "hri.global" }));
    expect(again.status).toBe(201);
  });

  it("lets only organisers moderate: other members 403, strangers 404, and their posts change nothing", async () => {
    const d = await publishDeclaration();
    const anna = await signer();
    const { id } = (await (await endorse(d, anna, person())).json()) as { id: string };
    const editor = await signer();
    await addMember(d.workshopId, editor.user.id, "editor");
    const stranger = await signer();
    expect((await api("GET", `/documents/${d.documentId}/endorsements`, { cookie: editor.cookie })).status).toBe(403);
    expect((await api("GET", `/documents/${d.documentId}/endorsements`, { cookie: stranger.cookie })).status).toBe(404);
    expect((await api("GET", `/documents/${d.documentId}/endorsements`)).status).toBe(302);
    const form: [string, string][] = [["intent", "hide"], ["endorsementId", id], ["reason", "because"]];
    expect((await api("POST", `/documents/${d.documentId}/endorsements`, { cookie: editor.cookie, form })).status).toBe(403);
    expect((await api("POST", `/documents/${d.documentId}/endorsements`, { cookie: stranger.cookie, form })).status).toBe(404);
    const olive = await sessionCookie(d.organiser.id);
    expect((await api("POST", `/documents/${d.documentId}/endorsements`, { cookie: olive, form, origin: "https://evil.example" })).status).toBe(403);
    expect((await endorsementRows(d))[0]).toMatchObject({ moderation: "visible" });
    expect(await auditOf(d.workshopId)).toEqual([]);
  });
});

describe("exports", () => {
  it("gives organisers CSV and JSON with e-mails, neutralising formula cells; nobody else gets them", async () => {
    const d = await publishDeclaration();
    const mallory = await signer({ name: "Mallory" });
    const sam = await signer();
    await endorse(d, mallory, person({ name: "=cmd|' /C calc'!A0", affiliation: "@SUM(1)", role: "+1", publicFields: ["name", "affiliation"] }));
    await endorse(d, sam, organisation({ organisationName: "-Minus Police", signerRole: "=1+1" }));
    const olive = await sessionCookie(d.organiser.id);

    const csv = await api("GET", `/documents/${d.documentId}/endorsements/export?format=csv`, { cookie: olive });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.csv"$/);
    expect(csv.headers.get("cache-control")).toBe("no-store");
    const text = await csv.text();
    expect(text).toContain(`"'=cmd|' /C calc'!A0"`.replace(/^"|"$/g, ""));
    expect(text).toContain("'@SUM(1)");
    expect(text).toContain("'+1");
    expect(text).toContain("'-Minus Police");
    expect(text).toContain("'=1+1");
    for (const line of text.replace(/^\uFEFF/, "").split("\r\n").filter(Boolean)) {
      for (const cell of line.split(",")) expect(cell, line).not.toMatch(/^"?[=+\-@\t\r]/);
    }
    expect(text).toContain(mallory.user.email);
    expect(text).toContain(sam.user.email);

    const json = await api("GET", `/documents/${d.documentId}/endorsements/export?format=json`, { cookie: olive });
    expect(json.status).toBe(200);
    const rows = (await json.json()) as Record<string, unknown>[];
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.signer_email).sort()).toEqual([mallory.user.email, sam.user.email].sort());
    expect(rows[0]).toHaveProperty("version_sha256", d.versions[0]!.sha256);

    const editor = await signer();
    await addMember(d.workshopId, editor.user.id, "viewer");
    for (const who of [editor.cookie, mallory.cookie]) {
      for (const format of ["csv", "json"]) {
        const res = await api("GET", `/documents/${d.documentId}/endorsements/export?format=${format}`, { cookie: who });
        expect([403, 404]).toContain(res.status);
        expect(await res.text()).not.toContain(sam.user.email);
      }
    }
    expect((await api("GET", `/documents/${d.documentId}/endorsements/export?format=csv`)).status).toBe(302);
    expect((await auditOf(d.workshopId)).map((a) => a.action)).toEqual(["endorsements.exported", "endorsements.exported"]);
  });
});

describe("after a withdrawal", () => {
  it("shows organisers only what the public receipt keeps: no name, rank, statement or e-mail on the moderation page or in exports", async () => {
    const d = await publishDeclaration();
    const ivan = await signer({ name: "Ivan Inspector" });
    const org = await signer();
    const individual = (await (await endorse(d, ivan, person({ name: "Ivan Inspector", role: "Detective Chief Superintendent", statement: "Harm reduction saves lives." }))).json()) as { id: string };
    const organisationEndorsement = (await (await endorse(d, org, organisation({ organisationName: "Gothenburg Police District", signerRole: "Head of Operations" }))).json()) as { id: string };
    const olive = await sessionCookie(d.organiser.id);
    const before = await (await api("GET", `/documents/${d.documentId}/endorsements`, { cookie: olive })).text();
    expect(before).toContain("Ivan Inspector");
    expect(before).toContain("Detective Chief Superintendent");

    expect((await api("DELETE", `/api/endorsements/${individual.id}`, { cookie: ivan.cookie })).status).toBe(204);
    expect((await api("DELETE", `/api/endorsements/${organisationEndorsement.id}`, { cookie: org.cookie })).status).toBe(204);

    const page = await (await api("GET", `/documents/${d.documentId}/endorsements`, { cookie: olive })).text();
    const exported = [
      await (await api("GET", `/documents/${d.documentId}/endorsements/export?format=csv`, { cookie: olive })).text(),
      await (await api("GET", `/documents/${d.documentId}/endorsements/export?format=json`, { cookie: olive })).text(),
    ];
    for (const body of [page, ...exported]) {
      for (const secret of ["Ivan Inspector", "Detective Chief Superintendent", "Harm reduction saves lives.", "Gothenburg Police District", "Head of Operations", ivan.user.email, org.user.email]) {
        expect(body, secret).not.toContain(secret);
      }
    }
    expect(page).toContain("details erased (withdrawn)");
    expect(exported[1]).toContain(d.versions[0]!.sha256);
    // The signer can endorse again, with their details.
    expect((await endorse(d, ivan, person({ name: "Ivan Inspector" }))).status).toBe(201);
  });
});

describe("re-confirmation", () => {
  it("endorses the new version with the same details in one step; the old endorsement stays bound to the old version", async () => {
    const d = await publishDeclaration();
    const anna = await signer();
    const first = (await (await endorse(d, anna, person({ publicFields: ["capacity", "country"] }))).json()) as { id: string };
    const v2 = await publishVersion(d, "Police for harm reduction\n\nWe call for drug policies that save lives, now.");

    const page = await api("GET", `/d/${d.slug}/reconfirm`, { cookie: anna.cookie });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`href="/d/${d.slug}/changes/2"`);
    expect(html).toContain("Endorse version 2 with the same details");
    expect(html).toContain("A serving police officer, Sweden");

    const res = await api("POST", `/d/${d.slug}/reconfirm`, { cookie: anna.cookie, form: [["endorsementId", first.id]] });
    expect(res.status).toBe(302);
    const location = res.headers.get("location")!;
    expect(location).toMatch(/^\/e\/[0-9a-f-]{36}\?new=1$/);
    const rows = await endorsementRows(d);
    expect(rows).toHaveLength(2);
    const [old, renewed] = rows;
    expect(old).toMatchObject({ id: first.id, publishedVersionId: d.versions[0]!.id, versionSha256: d.versions[0]!.sha256, withdrawnAt: null });
    expect(renewed).toMatchObject({ publishedVersionId: v2.id, versionSha256: v2.sha256, reconfirms: first.id, displayName: "Anna Berg", evidence: "email" });
    expect((await publicList(d)).map((e) => e.versionNumber).sort()).toEqual([1, 2]);

    // Twice is refused; the page then says there is nothing to re-confirm.
    expect((await api("POST", `/d/${d.slug}/reconfirm`, { cookie: anna.cookie, form: [["endorsementId", first.id]] })).status).toBe(409);
    expect(await (await api("GET", `/d/${d.slug}/reconfirm`, { cookie: anna.cookie })).text()).toContain("no endorsement of an earlier version to re-confirm");
    // Someone else cannot re-confirm Anna's endorsement.
    const bo = await signer();
    expect((await api("POST", `/d/${d.slug}/reconfirm`, { cookie: bo.cookie, form: [["endorsementId", first.id]] })).status).toBe(409);
    expect(await endorsementRows(d)).toHaveLength(2);
  });

  it("keeps an organisation verified by the organisers verified, and links the diff across several versions", async () => {
    const d = await publishDeclaration({ policy: "verified_only" });
    const ngo = await signer({ email: uniqueEmail("ngo") });
    const { id } = (await (await endorse(d, ngo, organisation({ organisationName: "Harm Reduction International", website: "hri.global" }))).json()) as { id: string };
    await getSql()`update endorsements set evidence = 'verified', moderation = 'visible' where id = ${id}`;
    await publishVersion(d, "Second text.");
    await publishVersion(d, "Third text.");
    const html = await (await api("GET", `/d/${d.slug}/reconfirm`, { cookie: ngo.cookie })).text();
    expect(html).toContain(`href="/d/${d.slug}/changes/3?from=1"`);
    const res = await api("POST", `/d/${d.slug}/reconfirm`, { cookie: ngo.cookie, form: [["endorsementId", id]] });
    expect(res.status).toBe(302);
    const renewed = (await endorsementRows(d)).find((r) => r.reconfirms === id);
    expect(renewed).toMatchObject({ publishedVersionId: d.versions[2]!.id, evidence: "verified", moderation: "visible" });
  });
});

describe("withdrawal and receipts", () => {
  it("lets the signer withdraw (204); the receipt keeps a dated line without the name; the list drops it", async () => {
    const d = await publishDeclaration();
    const anna = await signer({ name: "Anna Berg" });
    const { id } = (await (await endorse(d, anna, person({ publicFields: ["name", "country"] }))).json()) as { id: string };
    const before = await (await api("GET", `/e/${id}`)).text();
    expect(before).toContain("Anna Berg, Sweden");
    expect(before).toContain(d.versions[0]!.sha256);
    expect(before).toContain("Version 1");
    expect(before).toContain("Signed with a confirmed e-mail address");

    const other = await signer();
    expect((await api("DELETE", `/api/endorsements/${id}`, { cookie: other.cookie })).status).toBe(404);
    expect((await api("DELETE", "/api/endorsements/not-a-uuid", { cookie: anna.cookie })).status).toBe(404);
    expect((await api("DELETE", `/api/endorsements/${id}`)).status).toBe(401);
    expect((await api("DELETE", `/api/endorsements/${id}`, { cookie: anna.cookie, origin: "https://evil.example" })).status).toBe(403);
    expect((await endorsementRows(d))[0]!.withdrawnAt).toBeNull();

    const res = await api("DELETE", `/api/endorsements/${id}`, { cookie: anna.cookie });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect((await api("DELETE", `/api/endorsements/${id}`, { cookie: anna.cookie })).status).toBe(204);
    const withdrawnAt = (await endorsementRows(d))[0]!.withdrawnAt!;
    expect(withdrawnAt).toBeInstanceOf(Date);

    const receipt = await api("GET", `/e/${id}`);
    expect(receipt.status).toBe(200);
    const html = await receipt.text();
    const day = `${withdrawnAt.getUTCDate()} ${withdrawnAt.toLocaleString("en-GB", { month: "long", timeZone: "UTC" })} ${withdrawnAt.getUTCFullYear()}`;
    expect(html).toContain(`Withdrawn on <time dateTime="${withdrawnAt.toISOString()}">${day}</time>`);
    expect(html).not.toContain("Anna Berg");
    expect(html).toContain(d.versions[0]!.sha256);
    expect(await publicList(d)).toEqual([]);

    // Withdrawn endorsements do not block a new one.
    expect((await endorse(d, anna, person())).status).toBe(201);
  });

  it("offers the signer alone to withdraw on the receipt, asks to confirm saying what stays public, and works without JavaScript", async () => {
    const d = await publishDeclaration();
    const anna = await signer();
    const { id } = (await (await endorse(d, anna, person())).json()) as { id: string };
    const asAnna = await (await api("GET", `/e/${id}`, { cookie: anna.cookie })).text();
    expect(asAnna).toContain(`href="/e/${id}?withdraw=1#withdraw"`);
    expect(asAnna, "no one-click withdrawal").not.toContain('name="intent" value="withdraw"');
    const confirming = await (await api("GET", `/e/${id}?withdraw=1`, { cookie: anna.cookie })).text();
    expect(confirming).toContain("Stays public on this receipt: the declaration, the version and its SHA-256");
    expect(confirming).toContain(">Yes, withdraw my endorsement</button>");
    const other = await signer();
    expect(await (await api("GET", `/e/${id}?withdraw=1`, { cookie: other.cookie })).text()).not.toContain("Yes, withdraw");
    expect(await (await api("GET", `/e/${id}?withdraw=1`)).text()).not.toContain("Yes, withdraw");
    expect((await api("POST", `/e/${id}`, { cookie: other.cookie, form: [["intent", "withdraw"], ["confirm", "yes"]] })).status).toBe(404);
    const unconfirmed = await api("POST", `/e/${id}`, { cookie: anna.cookie, form: [["intent", "withdraw"]] });
    expect(unconfirmed.status).toBe(400);
    expect((await endorsementRows(d))[0]!.withdrawnAt).toBeNull();
    const res = await api("POST", `/e/${id}`, { cookie: anna.cookie, form: [["intent", "withdraw"], ["confirm", "yes"]] });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/e/${id}?withdrawn=1`);
    expect((await endorsementRows(d))[0]!.withdrawnAt).not.toBeNull();
    expect((await api("GET", "/e/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await api("GET", "/e/'%20or%201=1--")).status).toBe(404);
  });
});

describe("the endorsement form", () => {
  it("explains and links when signed out, sends an unconfirmed account to confirm, and shows the accessible form when allowed", async () => {
    const d = await publishDeclaration();
    const anon = await (await api("GET", `/d/${d.slug}/endorse`)).text();
    expect(anon).toContain("Sign in to endorse");
    expect(anon).toContain(`href="/login?redirectTo=${encodeURIComponent(`/d/${d.slug}/endorse`)}"`);
    // An unconfirmed account is sent to confirm its address (the access gate), never shown the form.
    const unverified = await signer({ verified: false });
    const unconfirmed = await api("GET", `/d/${d.slug}/endorse`, { cookie: unverified.cookie });
    expect(unconfirmed.status).toBe(303);
    expect(unconfirmed.headers.get("location")).toBe("/verify-email/resend");

    const anna = await signer();
    const page = await api("GET", `/d/${d.slug}/endorse`, { cookie: anna.cookie });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("<legend>How are you endorsing?</legend>");
    expect(html).toContain("<legend>What may be shown publicly?</legend>");
    expect(html).toContain('<label for="field-name">Your name</label>');
    expect(html).toContain('<option value="SE">Sweden</option>');
    expect(html).toContain("How the public list will read");
    expect(html).toContain("An endorser who chose not to be named"); // nothing is public until ticked
    expect(html).toContain('name="consent"');
    expect((await api("GET", "/d/no-such-thing/endorse", { cookie: anna.cookie })).status).toBe(404);
  });

  it("creates an individual endorsement from the form (name hidden) and an organisation one, redirecting to the receipts", async () => {
    const d = await publishDeclaration();
    const anna = await signer({ email: `anna-${Date.now()}@polisen.se` });
    const fields = formPairs({
      kind: "individual",
      name: "Anna Berg",
      role: "Detective Inspector",
      affiliation: "",
      country: "SE",
      capacity: "serving_officer",
      statement: "",
      publicFields: ["capacity", "country"],
      consent: true,
      // The other kind's fields arrive too (one form): they are ignored.
      organisationName: "Ignored",
      organisationCountry: "",
    });
    const res = await api("POST", `/d/${d.slug}/endorse`, { cookie: anna.cookie, form: fields });
    expect(res.status).toBe(302);
    const location = res.headers.get("location")!;
    expect(location).toMatch(/^\/e\/[0-9a-f-]{36}\?new=1$/);
    const receipt = await (await api("GET", location, { cookie: anna.cookie })).text();
    expect(receipt).toContain("Thank you: your endorsement is recorded.");
    expect(receipt).toContain("A serving police officer, Sweden");
    expect(await publicList(d)).toEqual([expect.objectContaining({ kind: "individual", capacity: "serving_officer", country: "SE" })]);
    expect((await publicList(d))[0]).not.toHaveProperty("name");

    const org = await api("POST", `/d/${d.slug}/endorse`, {
      cookie: anna.cookie,
      form: formPairs({
        kind: "organisation",
        organisationName: "Swedish Police Authority",
        organisationType: "police_agency",
        organisationCountry: "SE",
        website: "polisen.se",
        signerRole: "Head of Communications",
        authorised: true,
        consent: true,
        country: "",
      }),
    });
    expect(org.status).toBe(302);
    expect((await endorsementRows(d)).find((r) => r.kind === "organisation")).toMatchObject({ evidence: "domain", organisationName: "Swedish Police Authority" });

    // The page now says what is already endorsed; a second individual endorsement comes back as 409 in words.
    const again = await api("POST", `/d/${d.slug}/endorse`, { cookie: anna.cookie, form: fields });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("You have already endorsed version 1");
  });

  it("returns field errors tied to their inputs, keeping what was typed", async () => {
    const d = await publishDeclaration();
    const anna = await signer();
    const res = await api("POST", `/d/${d.slug}/endorse`, {
      cookie: anna.cookie,
      form: formPairs({ kind: "individual", name: "Visit www.spam.example", role: "", country: "", capacity: "", publicFields: ["name"] }),
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('<p class="error" id="field-name-error">A name cannot contain a web address.</p>');
    expect(html).toMatch(/aria-invalid="true" aria-describedby="field-name-hint field-name-error"/);
    expect(html).toContain('href="#field-country"');
    expect(html).toContain('id="capacity-error"');
    expect(html).toContain('id="field-consent-error"');
    expect(html).toContain('value="Visit www.spam.example"');
    expect(await endorsementRows(d)).toEqual([]);
  });

  it("refuses a cross-origin form post and a cross-origin API post", async () => {
    const d = await publishDeclaration();
    const anna = await signer();
    const form = formPairs({ kind: "individual", name: "Anna", country: "SE", capacity: "individual", consent: true });
    expect((await api("POST", `/d/${d.slug}/endorse`, { cookie: anna.cookie, form, origin: "https://evil.example" })).status).toBe(403);
    expect((await endorse(d, anna, person(), { origin: "https://evil.example" })).status).toBe(403);
    expect((await endorse(d, anna, person(), { origin: null, headers: { "sec-fetch-site": "cross-site" } })).status).toBe(403);
    expect((await endorse(d, anna, person(), { origin: null })).status).toBe(403); // a cookie without any Origin
    expect(await endorsementRows(d)).toEqual([]);
  });
});

describe("rate limits", () => {
  it("allows 10 attempts an hour per account, then answers 429 with Retry-After", async () => {
    const decls = await Promise.all(Array.from({ length: 11 }, () => publishDeclaration()));
    const anna = await signer();
    for (const d of decls.slice(0, 10)) expect((await endorse(d, anna, person())).status).toBe(201);
    const res = await endorse(decls[10]!, anna, person());
    expect(res.status).toBe(429);
    const retry = Number(res.headers.get("retry-after"));
    // Eleven attempts in this hour's window: the next is allowed once they have faded to nine, 11–71 minutes on.
    expect(retry).toBeGreaterThanOrEqual(655);
    expect(retry).toBeLessThanOrEqual(4255);
    expect(((await res.json()) as { error: string }).error).toMatch(/Too many endorsements/);
    // Someone else on another address is not affected…
    expect((await endorse(decls[10]!, await signer(), person())).status).toBe(201);
    // …and the keys are hashes: neither the account id nor the IP is stored.
    const keys = (await getSql()<{ key: string }[]>`select distinct key from request_limits where key like 'endorse:%'`).map((r) => r.key);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => /^endorse:(account|ip):[0-9a-f]{32}$/.test(k))).toBe(true);
    expect(keys.join(" ")).not.toContain(anna.user.id);
    // Not a plain hash either (which anyone could rebuild by hashing every IPv4 address): an HMAC under the server's key.
    expect(keys).not.toContain(`endorse:ip:${createHash("sha256").update("127.0.0.1").digest("hex").slice(0, 32)}`);
    expect(keys).not.toContain(`endorse:ip:${createHash("sha256").update("::ffff:127.0.0.1").digest("hex").slice(0, 32)}`);
  });

  it("allows 60 attempts an hour per IP across accounts", async () => {
    const d = await publishDeclaration();
    const people = await Promise.all(Array.from({ length: 61 }, () => signer()));
    const statuses: number[] = [];
    for (const p of people) statuses.push((await endorse(d, p, person())).status);
    expect(statuses.slice(0, 60).every((s) => s === 201)).toBe(true);
    expect(statuses[60]).toBe(429);
  });
});

describe("many endorsements at once (written in batches)", () => {
  const rowOf = (d: Declaration, userId: string, name: string) => individualRow(d, userId, name, ["country"]);

  it("stops reading a body sent in chunks once it passes 16 kB, and answers 400", async () => {
    const d = await publishDeclaration();
    const eve = await signer();
    const chunk = new TextEncoder().encode("x".repeat(4096));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 64) return controller.close(); // 256 kB in all, with no Content-Length
        sent++;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${server.url}/api/declarations/${d.slug}/endorsements`, {
      method: "POST",
      headers: { cookie: eve.cookie, origin: server.url, "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/too large/);
    expect(await endorsementRows(d)).toEqual([]);
  });

  it("answers a malformed address with 400 and unknown ones with 404, without a server error", async () => {
    const anna = await signer();
    const bad = await api("POST", "/api/declarations/%E0%A4%A/endorsements", { cookie: anna.cookie, json: person() });
    expect(bad.status).toBe(400);
    expect((await api("POST", "/api/declarations/no-such-declaration/endorsements", { cookie: anna.cookie, json: person() })).status).toBe(404);
    expect((await api("POST", "/api/declarations/UPPER_case/endorsements", { cookie: anna.cookie, json: person() })).status).toBe(404);
  });

  it("stores 40 people's endorsements sent at the same moment, each answered with its own receipt", async () => {
    const d = await publishDeclaration();
    const people = await Promise.all(Array.from({ length: 40 }, (_, i) => signer({ name: `Crowd ${i}` })));
    const responses = await Promise.all(people.map((p, i) => endorse(d, p, person({ name: `Crowd Signer ${i}` }))));
    expect(responses.map((r) => r.status)).toEqual(people.map(() => 201));
    const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id));
    expect(new Set(ids).size).toBe(40);
    const rows = await endorsementRows(d);
    expect(rows).toHaveLength(40);
    // Each receipt is its signer's own endorsement.
    const byId = new Map(rows.map((r) => [r.id, r]));
    people.forEach((p, i) => expect(byId.get(ids[i]!)?.userId).toBe(p.user.id));
  });

  it("reads the declarations of endorsements sent together at once, yet binds each to its own declaration's current version", async () => {
    const [first, republished, closed] = await Promise.all([publishDeclaration(), publishDeclaration(), publishDeclaration({ open: false })]);
    const v2 = await publishVersion(republished, "Police for harm reduction, as amended.");
    const people = await Promise.all(Array.from({ length: 18 }, (_, i) => signer({ name: `Mixed ${i}` })));
    const targets = people.map((_, i) => [first, republished, closed][i % 3]!);
    const responses = await Promise.all(
      people.map(async (p, i) => api("POST", `/api/declarations/${targets[i]!.slug}/endorsements`, { bearer: await p.token(), json: person({ name: `Mixed Signer ${i}` }), origin: null })),
    );
    expect(responses.map((r) => r.status)).toEqual(targets.map((d) => (d === closed ? 403 : 201)));
    expect(((await responses[2]!.json()) as { error: string }).error).toMatch(/closed/);
    const [firstRows, republishedRows] = await Promise.all([endorsementRows(first), endorsementRows(republished)]);
    expect(firstRows).toHaveLength(6);
    expect(new Set(firstRows.map((r) => r.versionSha256))).toEqual(new Set([first.versions[0]!.sha256]));
    expect(republishedRows).toHaveLength(6);
    expect(new Set(republishedRows.map((r) => r.versionSha256))).toEqual(new Set([v2.sha256]));
    expect(await endorsementRows(closed)).toEqual([]);
  });

  it("counts one account's simultaneous attempts in order: of 12 sent at once, 10 are stored and 2 refused", async () => {
    const decls = await Promise.all(Array.from({ length: 12 }, () => publishDeclaration()));
    const anna = await signer();
    const statuses = (await Promise.all(decls.map((d) => endorse(d, anna, person())))).map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    const stored = await getSql()<{ n: number }[]>`select count(*)::int as n from endorsements where user_id = ${anna.user.id}`;
    expect(stored[0]!.n).toBe(10);
  });

  it("fails only the endorsement the database refuses, not the others written with it", async () => {
    const d = await publishDeclaration();
    const [a, b] = await Promise.all([createUser(), createUser()]);
    const ghost = "00000000-0000-4000-8000-000000000000"; // no such account: the foreign key refuses it
    const results = await Promise.allSettled([
      writeEndorsement({ row: rowOf(d, a.id, "First"), ip: null }),
      writeEndorsement({ row: rowOf(d, ghost, "Ghost"), ip: null }),
      writeEndorsement({ row: rowOf(d, b.id, "Second"), ip: null }),
      writeEndorsement({ row: rowOf(d, a.id, "First again"), ip: null }),
    ]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value.status : "failed"))).toEqual(["created", "failed", "created", "duplicate"]);
    expect((await endorsementRows(d)).map((r) => r.userId).sort()).toEqual([a.id, b.id].sort());
  });
});

describe("privacy of the public answers", () => {
  it("never shows an e-mail, a user id or an IP in the public list, its 304, or any receipt", async () => {
    const d = await publishDeclaration({ policy: "verified_only" });
    const people = await Promise.all([
      signer({ name: "Anna Berg", email: `anna-${Date.now()}@polisen.se` }),
      signer({ name: "Bo Ek" }),
      signer({ name: "Cy Dahl" }),
      signer({ name: "Di Fors" }),
    ]);
    const [anna, bo, cy, di] = people as [Signer, Signer, Signer, Signer];
    const ids: string[] = [];
    for (const [who, body] of [
      [anna, person({ publicFields: ["name", "role", "affiliation", "country", "capacity", "statement"] })],
      [anna, organisation()],
      [bo, person({ publicFields: [] })],
      [cy, organisation({ organisationName: "Pending Org", website: "pending.example" })],
      [di, person()],
    ] as const) {
      const res = await endorse(d, who, body);
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { id: string }).id);
    }
    await api("DELETE", `/api/endorsements/${ids[4]}`, { cookie: di.cookie });

    const list = await api("GET", `/api/declarations/${d.slug}/endorsements`);
    const etag = list.headers.get("etag");
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(list.headers.get("cache-control")).toBe("public, max-age=0, must-revalidate");
    expect(list.headers.get("set-cookie")).toBeNull();
    const body = await list.text();
    expectNothingPrivate(body, people);
    const entries = JSON.parse(body) as Record<string, unknown>[];
    expect(entries).toHaveLength(3); // the pending organisation and the withdrawn one are absent
    const allowed = new Set(["id", "kind", "versionNumber", "evidence", "name", "role", "affiliation", "country", "capacity", "statement", "organisationName", "organisationType", "website"]);
    for (const entry of entries) for (const key of Object.keys(entry)) expect(allowed.has(key), key).toBe(true);
    expect(entries.find((e) => e.id === ids[2])).toEqual({ id: ids[2], kind: "individual", versionNumber: 1, evidence: "email" });

    const notModified = await api("GET", `/api/declarations/${d.slug}/endorsements`, { headers: { "if-none-match": etag! } });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe("");
    // A withdrawal changes the list, so the old ETag no longer matches.
    await api("DELETE", `/api/endorsements/${ids[0]}`, { cookie: anna.cookie });
    expect((await api("GET", `/api/declarations/${d.slug}/endorsements`, { headers: { "if-none-match": etag! } })).status).toBe(200);

    for (const id of ids) {
      const receipt = await api("GET", `/e/${id}`);
      expect(receipt.status).toBe(200);
      const html = await receipt.text();
      expectNothingPrivate(html, people);
      expect(html).not.toContain("Head of Communications"); // an organisation signer's role is never public
    }
    // Pending, hidden-name and withdrawn receipts show no name.
    expect(await (await api("GET", `/e/${ids[3]}`)).text()).not.toContain("Pending Org");
    expect(await (await api("GET", `/e/${ids[2]}`)).text()).not.toContain("Bo Ek");
    expect(await (await api("GET", `/e/${ids[4]}`)).text()).not.toContain("Di Fors");
    expect(await (await api("GET", `/e/${ids[0]}`)).text()).not.toContain("Anna Berg");
  });
});
