/**
 * Sealing, publishing and the public pages, over real HTTP (Express + the Remix build) and real PostgreSQL:
 * the publish contract and numbering under concurrency, immutability enforced by the database, the hash
 * recomputed independently (node:crypto) and by the `verify` CLI, honest counts that split when a new version is
 * published, the mail to earlier signers, ETag/304, the badge's escaping, and — the privacy test — no e-mail
 * address, user id or IP in any public body or header.
 *
 * Endorsements are inserted with SQL (the write side is tested on its own).
 */
import { createHash, randomBytes } from "node:crypto";
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JSONContent } from "@tiptap/core";
import { getSql } from "../../db/client";
import type { UserRow } from "../../db/users";
import { canonicalHash, canonicalText } from "../../app/declarations/canonical";
import { documentPlainText, renderDocumentHtml, tiptapJsonToProseMirror } from "../../app/editor/document-tools.server";
import { listPublicEndorsements } from "../../db/public-endorsements";
import { publishVersion } from "../../app/models/publishing.server";
import { addMember, createUser, createWorkshop, TEST_PASSWORD, uniqueEmail } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";
import { testDatabaseUrl } from "../support/worker-database";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");

let server: TestServer;
let workshop: { id: string; slug: string };
let organiser: UserRow;
let organiserBrowser: Browserish;

async function signedIn(user: UserRow): Promise<Browserish> {
  const browser = new Browserish(server.url);
  const res = await browser.post("/login", { email: user.email, password: TEST_PASSWORD });
  expect(res.status, "login should redirect").toBe(302);
  return browser;
}

async function createDocument(title: string, slug = `doc-${randomBytes(4).toString("hex")}`, workshopId = workshop.id): Promise<{ id: string; slug: string }> {
  const [row] = await getSql()`
    insert into documents (workshop_id, slug, title, kind) values (${workshopId}, ${slug}, ${title}, 'declaration') returning id`;
  return { id: row!.id as string, slug };
}

/** A named version as the versions feature stores it: Tiptap JSON, its HTML and plain text. */
async function insertVersion(documentId: string, json: JSONContent, name: string): Promise<{ id: string; plainText: string }> {
  const node = tiptapJsonToProseMirror(json);
  const plainText = documentPlainText(node);
  const [row] = await getSql()`
    insert into document_versions (document_id, name, created_by, log_seq, yjs_state, tiptap_json, html, plain_text)
    values (${documentId}, ${name}, ${organiser.id}, 0, ${Buffer.from([0, 0])}, ${getSql().json(json as never)},
            ${renderDocumentHtml(node)}, ${plainText})
    returning id`;
  return { id: row!.id as string, plainText };
}

let versionCount = 0;

/** A named version: a title heading and paragraphs (names are distinct in a document: a counter tells them apart). */
async function createVersion(documentId: string, title: string, paragraphs: string[], name = `Version ${++versionCount}`): Promise<{ id: string; plainText: string }> {
  return insertVersion(
    documentId,
    {
      type: "doc",
      content: [
        { type: "heading", attrs: { level: 1 }, content: [{ type: "text", text: title }] },
        ...paragraphs.map((p) => ({ type: "paragraph", content: [{ type: "text", text: p }] })),
      ],
    },
    name,
  );
}

async function publishOverHttp(browser: Browserish, documentId: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}/api/documents/${documentId}/publish`, {
    method: "POST",
    headers: { origin: server.url, "content-type": "application/json", cookie: browser.cookieHeader() },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function publishedVersion(documentId: string, number: number): Promise<{ id: string; sha256: string }> {
  const [row] = await getSql()`select id, sha256 from published_versions where document_id = ${documentId} and number = ${number}`;
  if (!row) throw new Error(`no published version ${number}`);
  return { id: row.id as string, sha256: row.sha256 as string };
}

interface EndorsementInput {
  version: { id: string; sha256: string };
  user: UserRow | null;
  kind?: "individual" | "organisation";
  name?: string;
  role?: string;
  affiliation?: string;
  country?: string;
  capacity?: string;
  statement?: string;
  publicFields?: string[];
  organisationName?: string;
  organisationKey?: string;
  organisationType?: string;
  website?: string;
  signerRole?: string;
  evidence?: string;
  moderation?: string;
  withdrawn?: boolean;
}

async function endorse(e: EndorsementInput): Promise<string> {
  const kind = e.kind ?? "individual";
  const org = kind === "organisation";
  const [row] = await getSql()`
    insert into endorsements (published_version_id, version_sha256, user_id, kind, display_name, role_title, affiliation, country,
      capacity, statement, public_fields, organisation_name, organisation_key, organisation_type, website, signer_role, authorised,
      evidence, moderation, consent, withdrawn_at)
    values (${e.version.id}, ${e.version.sha256}, ${e.user?.id ?? null}, ${kind}, ${e.name ?? (org ? null : "Signer")},
      ${e.role ?? null}, ${e.affiliation ?? null}, ${e.country ?? "SE"}, ${org ? null : (e.capacity ?? "individual")},
      ${e.statement ?? null}, ${e.publicFields ?? []}::text[], ${e.organisationName ?? null},
      ${org ? (e.organisationKey ?? (e.organisationName ?? "org").toLowerCase()) : null}, ${org ? (e.organisationType ?? "ngo") : null},
      ${e.website ?? null}, ${org ? (e.signerRole ?? "Director") : null}, ${org ? true : null},
      ${e.evidence ?? (org ? "domain" : "email")}, ${e.moderation ?? "visible"}, true, ${e.withdrawn ? new Date() : null})
    returning id`;
  return row!.id as string;
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

beforeAll(async () => {
  server = await startTestServer();
  workshop = await createWorkshop();
  organiser = await createUser({ name: "Olga Organiser" });
  await addMember(workshop.id, organiser.id, "organizer");
  organiserBrowser = await signedIn(organiser);
});

afterAll(async () => {
  await server?.close();
});

describe("POST /api/documents/:id/publish", () => {
  it("publishes a named version as version 1 with the hash of its canonical text, and records it", async () => {
    const doc = await createDocument("Call by police", `call-${randomBytes(3).toString("hex")}`);
    const version = await createVersion(doc.id, "Call by police", ["We,  the undersigned,\tcall for reform.", "Second paragraph."], "After session 2");
    const res = await publishOverHttp(organiserBrowser, doc.id, { versionId: version.id });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.json()) as { slug: string; number: number; hash: string };
    expect(Object.keys(body).sort()).toEqual(["hash", "number", "slug"]);
    expect(body.slug).toBe(doc.slug);
    expect(body.number).toBe(1);
    const canonical = canonicalText(version.plainText);
    expect(body.hash).toBe(canonicalHash(canonical));
    expect(body.hash).toBe(sha256Hex(canonical));

    const [pv] = await getSql()`select canonical_text, sha256, title, html, version_id, published_by from published_versions where document_id = ${doc.id}`;
    expect(pv!.canonical_text).toBe(canonical);
    expect(pv!.canonical_text).toBe("Call by police\n\nWe, the undersigned, call for reform.\n\nSecond paragraph.\n");
    expect(pv!.html).toContain("<h1>Call by police</h1>");
    expect(pv!.version_id).toBe(version.id);
    expect(pv!.published_by).toBe(organiser.id);
    const [d] = await getSql()`select status from documents where id = ${doc.id}`;
    expect(d!.status).toBe("published");
    const [audit] = await getSql()`select actor_id, details from audit_log where action = 'declaration.published' and details->>'documentId' = ${doc.id}`;
    expect(audit!.actor_id).toBe(organiser.id);
    expect(audit!.details).toMatchObject({ number: 1, sha256: body.hash, slug: doc.slug });

    // Nobody has endorsed it yet: the page says so in words, with no "0 individuals and 0 organisations" under it.
    const page = await (await fetch(`${server.url}/d/${doc.slug}`)).text();
    expect(page).toContain(">Nobody endorses version 1 yet</p>");
    expect(page).not.toMatch(/0 endorse|0 individuals/);
  });

  it("numbers versions 1, 2, …; refuses the same text again, a slug change, and a slug of another document", async () => {
    const doc = await createDocument("Numbered", `numbered-${randomBytes(3).toString("hex")}`);
    const v1 = await createVersion(doc.id, "Numbered", ["One."]);
    const v2 = await createVersion(doc.id, "Numbered", ["One.", "Two."]);
    const slug = `chosen-${randomBytes(3).toString("hex")}`;
    const first = await publishOverHttp(organiserBrowser, doc.id, { versionId: v1.id, slug });
    expect(first.status).toBe(201);
    expect(((await first.json()) as { slug: string }).slug).toBe(slug);

    const same = await publishOverHttp(organiserBrowser, doc.id, { versionId: v1.id });
    expect(same.status).toBe(409);
    expect(((await same.json()) as { error: string }).error).toMatch(/already published as version 1/);

    const moved = await publishOverHttp(organiserBrowser, doc.id, { versionId: v2.id, slug: "another-address" });
    expect(moved.status).toBe(409);

    const second = await publishOverHttp(organiserBrowser, doc.id, { versionId: v2.id, slug });
    expect(second.status).toBe(201);
    expect(await second.json()).toMatchObject({ slug, number: 2 });

    const other = await createDocument("Other");
    const otherVersion = await createVersion(other.id, "Other", ["Other text."]);
    const taken = await publishOverHttp(organiserBrowser, other.id, { versionId: otherVersion.id, slug });
    expect(taken.status).toBe(409);
    expect(((await taken.json()) as { error: string }).error).toMatch(/already used by another declaration/);
    const [owner] = await getSql()`select document_id from declarations where slug = ${slug}`;
    expect(owner!.document_id).toBe(doc.id);
    // A document elsewhere whose own slug is already a public address cannot take it by default either.
    const otherWorkshop = await createWorkshop();
    await addMember(otherWorkshop.id, organiser.id, "organizer");
    const twin = await createDocument("Twin", slug, otherWorkshop.id);
    const twinVersion = await createVersion(twin.id, "Twin", ["Twin."]);
    const twinRes = await publishOverHttp(organiserBrowser, twin.id, { versionId: twinVersion.id });
    expect(twinRes.status).toBe(409);
    const [{ n }] = (await getSql()`select count(*)::int as n from declarations where document_id = ${twin.id}`) as unknown as [{ n: number }];
    expect(n).toBe(0);
  });

  it("answers errors as JSON: 401, 403, 404, 400, 405", async () => {
    const doc = await createDocument("Errors");
    const version = await createVersion(doc.id, "Errors", ["Text."]);
    const otherDoc = await createDocument("Elsewhere");
    const foreignVersion = await createVersion(otherDoc.id, "Elsewhere", ["Foreign."]);

    const anonymous = await fetch(`${server.url}/api/documents/${doc.id}/publish`, {
      method: "POST",
      headers: { origin: server.url, "content-type": "application/json" },
      body: JSON.stringify({ versionId: version.id }),
    });
    expect(anonymous.status).toBe(401);

    const editor = await createUser();
    await addMember(workshop.id, editor.id, "editor");
    const editorRes = await publishOverHttp(await signedIn(editor), doc.id, { versionId: version.id });
    expect(editorRes.status).toBe(403);
    expect(Object.keys(await editorRes.json())).toEqual(["error"]);

    const outsider = await createUser();
    const outsiderRes = await publishOverHttp(await signedIn(outsider), doc.id, { versionId: version.id });
    expect(outsiderRes.status).toBe(404);

    const foreign = await publishOverHttp(organiserBrowser, doc.id, { versionId: foreignVersion.id });
    expect(foreign.status).toBe(404);
    const unknown = await publishOverHttp(organiserBrowser, doc.id, { versionId: "00000000-0000-0000-0000-000000000000" });
    expect(unknown.status).toBe(404);

    for (const bad of [{}, { versionId: "nope" }, { versionId: version.id, slug: "Bad Slug!" }, { versionId: version.id, slug: "a".repeat(81) }, "not json", "[]", "null"]) {
      const res = await publishOverHttp(organiserBrowser, doc.id, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      const body = (await res.json()) as { error: string };
      expect(typeof body.error).toBe("string");
    }
    const get = await organiserBrowser.get(`/api/documents/${doc.id}/publish`);
    expect(get.status).toBe(405);
    expect((await get.json()) as object).toHaveProperty("error");

    const [{ n }] = (await getSql()`select count(*)::int as n from published_versions where document_id = ${doc.id}`) as unknown as [{ n: number }];
    expect(n).toBe(0);
  });

  it("gives concurrent publishes distinct consecutive numbers, including the very first ones", async () => {
    const doc = await createDocument("Concurrent");
    const versions = await Promise.all(Array.from({ length: 6 }, (_, i) => createVersion(doc.id, "Concurrent", [`Text number ${i}.`])));
    const responses = await Promise.all(versions.map((v) => publishOverHttp(organiserBrowser, doc.id, { versionId: v.id })));
    expect(responses.map((r) => r.status)).toEqual(versions.map(() => 201));
    const numbers = (await Promise.all(responses.map(async (r) => ((await r.json()) as { number: number }).number))).sort((a, b) => a - b);
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6]);
    const [{ n }] = (await getSql()`select count(*)::int as n from declarations where document_id = ${doc.id}`) as unknown as [{ n: number }];
    expect(n).toBe(1);

    // Directly through the model as well (no HTTP in between).
    const more = await Promise.all(Array.from({ length: 4 }, (_, i) => createVersion(doc.id, "Concurrent", [`More text ${i}.`])));
    const results = await Promise.all(more.map((v) => publishVersion({ documentId: doc.id, versionId: v.id, actorId: organiser.id })));
    expect(results.map((r) => r.number).sort((a, b) => a - b)).toEqual([7, 8, 9, 10]);
  });
});

describe("published versions are immutable in the database", () => {
  it("refuses UPDATE, DELETE and TRUNCATE of published_versions, whoever asks", async () => {
    const doc = await createDocument("Sealed");
    const version = await createVersion(doc.id, "Sealed", ["Sealed text."]);
    await publishVersion({ documentId: doc.id, versionId: version.id, actorId: organiser.id });
    const sql = getSql();
    const before = await sql`select * from published_versions where document_id = ${doc.id}`;

    await expect(sql`update published_versions set canonical_text = 'forged' where document_id = ${doc.id}`).rejects.toMatchObject({
      code: "23001",
      message: expect.stringMatching(/immutable/),
    });
    await expect(sql`update published_versions set title = title`).rejects.toMatchObject({ code: "23001" });
    await expect(sql`delete from published_versions where document_id = ${doc.id}`).rejects.toMatchObject({ code: "23001" });
    // In a transaction that is rolled back anyway, so a missing trigger could not destroy the other tests' data.
    await expect(
      sql.begin(async (tx) => {
        await tx`truncate published_versions cascade`;
        throw new Error("TRUNCATE was allowed");
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/immutable/) });
    // Deleting the document is refused as well (its declaration and versions are kept).
    await expect(sql`delete from documents where id = ${doc.id}`).rejects.toMatchObject({ code: expect.stringMatching(/^23/) });

    const after = await sql`select * from published_versions where document_id = ${doc.id}`;
    expect(after).toEqual(before);
  });
});

describe("the public declaration", () => {
  let slug: string;
  let doc: { id: string; slug: string };
  const people: Record<string, UserRow> = {};
  const secrets = { hiddenName: `Hidden-Name-${randomBytes(3).toString("hex")}`, hiddenRole: `Hidden-Role-${randomBytes(3).toString("hex")}`, orgSigner: `Org-Signer-${randomBytes(3).toString("hex")}` };

  beforeAll(async () => {
    slug = `public-${randomBytes(3).toString("hex")}`;
    doc = await createDocument("Call by police for harm reduction", slug);
    const v1 = await createVersion(doc.id, "Call by police for harm reduction", ["We call for reform.", "Drug policy must change."]);
    await publishVersion({ documentId: doc.id, versionId: v1.id, actorId: organiser.id });
    const pv1 = await publishedVersion(doc.id, 1);
    for (const key of ["named", "anon", "bare", "org", "withdrawn", "hidden", "pending", "unverified", "hiddenCountry"]) {
      people[key] = await createUser({ email: `leak-canary-${key.toLowerCase()}-${randomBytes(4).toString("hex")}@secret-signer.example`, name: `Account ${key}` });
    }
    await endorse({ version: pv1, user: people.named!, name: "Jane Named", role: "Chief Inspector", affiliation: "Umeå Police", country: "SE", capacity: "serving_officer", statement: "Long overdue.", publicFields: ["name", "role", "affiliation", "country", "capacity", "statement"] });
    await endorse({ version: pv1, user: people.anon!, name: secrets.hiddenName, role: secrets.hiddenRole, country: "SE", capacity: "serving_officer", publicFields: ["capacity", "country"] });
    await endorse({ version: pv1, user: people.bare!, name: `${secrets.hiddenName}-2`, country: "NO", capacity: "individual", publicFields: [] });
    await endorse({ version: pv1, user: people.org!, kind: "organisation", name: secrets.orgSigner, organisationName: "Law Enforcement Action Partnership", organisationKey: "leap.example", organisationType: "police_association", country: "GB", website: "https://leap.example/", signerRole: secrets.orgSigner, evidence: "domain" });
    await endorse({ version: pv1, user: people.withdrawn!, name: "Withdrawn Person", country: "DE", capacity: "professional", publicFields: ["name"], withdrawn: true });
    await endorse({ version: pv1, user: people.hidden!, name: "Hidden By Moderation", country: "DE", capacity: "professional", publicFields: ["name"], moderation: "hidden" });
    await endorse({ version: pv1, user: people.pending!, kind: "organisation", organisationName: "Pending Org", organisationKey: "pending.example", country: "FR", evidence: "unverified", moderation: "pending" });
    await endorse({ version: pv1, user: people.unverified!, kind: "organisation", organisationName: "Unverified Org", organisationKey: "unverified.example", country: "FR", evidence: "unverified", website: "javascript:alert(1)" });
    await endorse({ version: pv1, user: people.hiddenCountry!, name: "Country Hidden", country: "SE", capacity: "retired_officer", publicFields: ["name"] });
  });

  it("renders the text, version, date, hash and right counts without JavaScript, with each public line and receipt", async () => {
    const res = await fetch(`${server.url}/d/${slug}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    const pv1 = await publishedVersion(doc.id, 1);
    expect(html).toContain("<h1>Call by police for harm reduction</h1>");
    expect(html).toContain("Drug policy must change.");
    expect(html).toContain("Version 1");
    expect(html).toContain(pv1.sha256);
    // 3 individuals (named, anon, bare, hiddenCountry = 4) + 2 organisations (LEAP, unverified under list_unverified).
    expect(html).toContain("6 endorse version 1");
    expect(html).toContain("4 individuals and 2 organisations");
    expect(html).toContain("Jane Named");
    expect(html).toContain("Chief Inspector, Umeå Police");
    expect(html).toContain("Long overdue.");
    expect(html).toContain("A serving police officer, Sweden");
    expect(html).toContain("An individual signatory");
    expect(html).toContain("Law Enforcement Action Partnership");
    expect(html).toContain("Police association or union");
    expect(html).toContain("e-mail domain matches the organisation’s website");
    expect(html).toContain("Unverified Org");
    expect(html).toContain("(unverified)");
    expect(html).not.toContain("javascript:alert");
    for (const absent of ["Withdrawn Person", "Hidden By Moderation", "Pending Org", secrets.hiddenName, secrets.hiddenRole, secrets.orgSigner]) {
      expect(html, absent).not.toContain(absent);
    }
    const ids = await getSql()<{ id: string }[]>`
      select id from endorsements where published_version_id = ${pv1.id} and withdrawn_at is null and moderation = 'visible'`;
    for (const { id } of ids) expect(html).toContain(`href="/e/${id}"`);
    expect(html).toContain(`href="/d/${slug}/endorse"`);
    expect(html).toMatch(/<meta property="og:title" content="Call by police for harm reduction — version 1"/);
    expect(html).toMatch(/<meta name="twitter:card" content="summary"/);
    expect(html).toMatch(/<meta property="og:description" content="6 endorse version 1\. We call for reform\./);
    expect(html).toContain("print-only");
  });

  it("filters signatories by kind and by a public country only", async () => {
    const orgs = await (await fetch(`${server.url}/d/${slug}?kind=organisation`)).text();
    expect(orgs).toContain("Law Enforcement Action Partnership");
    expect(orgs).not.toContain("Jane Named");
    const sweden = await (await fetch(`${server.url}/d/${slug}?country=se`)).text();
    expect(sweden).toContain("Jane Named");
    expect(sweden).toContain("A serving police officer, Sweden");
    // Its country is SE but not public: a filter must not reveal it.
    expect(sweden).not.toContain("Country Hidden");
    expect(sweden).not.toContain("Law Enforcement Action Partnership");
    const junk = await fetch(`${server.url}/d/${slug}?kind=%3Cscript%3E&country=xyz&page=-4`);
    expect(junk.status).toBe(200);
    expect(await junk.text()).toContain("Jane Named");
  });

  it("lists only verified organisations under the verified_only policy", async () => {
    await getSql()`update declarations set organisation_policy = 'verified_only' where document_id = ${doc.id}`;
    try {
      const html = await (await fetch(`${server.url}/d/${slug}`)).text();
      expect(html).not.toContain("Unverified Org");
      expect(html).toContain("5 endorse version 1");
      const api = (await (await fetch(`${server.url}/api/declarations/${slug}`)).json()) as { counts: Record<string, number> };
      expect(api.counts).toEqual({ current: 5, earlier: 0, individuals: 4, organisations: 1 });
    } finally {
      await getSql()`update declarations set organisation_policy = 'list_unverified' where document_id = ${doc.id}`;
    }
  });

  it("serves the public JSON with the contract's keys, a hash anyone can recompute, and ETag/304", async () => {
    const res = await fetch(`${server.url}/api/declarations/${slug}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toMatch(/public/);
    const etag = res.headers.get("etag")!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const body = (await res.json()) as { slug: string; title: string; version: { number: number; hash: string; publishedAt: string }; html: string; text: string; counts: Record<string, number> };
    expect(Object.keys(body).sort()).toEqual(["counts", "html", "language", "slug", "text", "title", "translations", "version"]);
    expect(Object.keys(body.version).sort()).toEqual(["hash", "number", "publishedAt"]);
    expect(body.counts).toEqual({ current: 6, earlier: 0, individuals: 4, organisations: 2 });
    expect(body.slug).toBe(slug);
    expect(sha256Hex(body.text)).toBe(body.version.hash);
    expect(body.version.hash).toBe((await publishedVersion(doc.id, 1)).sha256);

    const again = await fetch(`${server.url}/api/declarations/${slug}`, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    const weak = await fetch(`${server.url}/api/declarations/${slug}`, { headers: { "If-None-Match": `"nope", W/${etag}` } });
    expect(weak.status).toBe(304);
    const other = await fetch(`${server.url}/api/declarations/${slug}`, { headers: { "If-None-Match": '"something-else"' } });
    expect(other.status).toBe(200);

    const list = await fetch(`${server.url}/api/declarations`);
    expect(list.status).toBe(200);
    const listTag = list.headers.get("etag")!;
    const entries = (await list.json()) as { slug: string; counts: Record<string, number> }[];
    expect(entries.find((e) => e.slug === slug)?.counts).toEqual(body.counts);
    expect((await fetch(`${server.url}/api/declarations`, { headers: { "If-None-Match": listTag } })).status).toBe(304);

    const missing = await fetch(`${server.url}/api/declarations/no-such-declaration`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: expect.any(String) });
  });

  it("serves the CSV of the public list with formula cells neutralised", async () => {
    const pv1 = await publishedVersion(doc.id, 1);
    const user = await createUser({ email: uniqueEmail("csv") });
    const id = await endorse({ version: pv1, user, kind: "organisation", organisationName: '=HYPERLINK("http://evil.example","x")', organisationKey: "evil.example", country: "US", evidence: "verified" });
    try {
      const res = await fetch(`${server.url}/api/declarations/${slug}/endorsements.csv`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
      expect(res.headers.get("etag")).toBeTruthy();
      const csv = await res.text();
      const lines = csv.replace(/^\uFEFF/, "").trim().split("\r\n");
      expect(lines[0]).toBe("id,kind,version,evidence,name,role,affiliation,country,capacity,statement,organisation_name,organisation_type,website,receipt_url");
      expect(lines).toHaveLength(1 + 7);
      expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
      expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
      expect(csv).toContain(`/e/${id}`);
      const orgOnly = await (await fetch(`${server.url}/api/declarations/${slug}/endorsements.csv?kind=organisation`)).text();
      expect(orgOnly.trim().split("\r\n")).toHaveLength(1 + 3);
    } finally {
      await getSql()`update endorsements set withdrawn_at = now() where id = ${id}`;
    }
  });

  it("splits the counts when a new version is published, e-mails earlier signers once, and counts re-confirmations", async () => {
    const v2 = await createVersion(doc.id, "Call by police for harm reduction", ["We call for reform now.", "Drug policy must change.", "A new paragraph."]);
    const before = await getSql()`select max(id) as id from outbox`;
    // One signer's account reads Swedish: their mail is in Swedish (the others' accounts chose no language: English).
    await getSql()`update users set language = 'sv' where id = ${people.anon!.id}`;
    const published = await publishOverHttp(organiserBrowser, doc.id, { versionId: v2.id });
    expect(published.status).toBe(201);
    expect(await published.json()).toMatchObject({ number: 2 });

    const mails = await getSql()<{ to_address: string; subject: string; text_body: string }[]>`
      select to_address, subject, text_body from outbox where id > ${before[0]!.id ?? 0} order by id`;
    const recipients = mails.map((m) => m.to_address).sort();
    // Active endorsements of version 1 (also one waiting for verification), one mail per account; not the
    // withdrawn one, nor one the organisers hid.
    const expected = ["named", "anon", "bare", "org", "pending", "unverified", "hiddenCountry"].map((k) => people[k]!.email).sort();
    expect(recipients).toEqual(expected);
    for (const mail of mails) {
      expect(mail.text_body).toContain(`/d/${slug}/changes/2`);
      expect(mail.text_body).toContain(`/d/${slug}/reconfirm`);
      expect(mail.text_body).not.toContain("@secret-signer.example");
      if (mail.to_address === people.anon!.email) {
        expect(mail.subject).toBe("Ny version av ”Call by police for harm reduction”: bekräfta ditt stöd på nytt");
        expect(mail.text_body).toContain("Ditt stöd är fortfarande knutet till den exakta texten i version 1");
      } else {
        expect(mail.subject).toBe("New version of “Call by police for harm reduction”: please re-confirm your endorsement");
        expect(mail.text_body).toContain("Your endorsement stays bound to the exact text of version 1: it is not counted as endorsing version 2.");
      }
    }

    let api = (await (await fetch(`${server.url}/api/declarations/${slug}`)).json()) as { version: { number: number }; counts: Record<string, number> };
    expect(api.version.number).toBe(2);
    expect(api.counts).toEqual({ current: 0, earlier: 6, individuals: 0, organisations: 0 });
    let html = await (await fetch(`${server.url}/d/${slug}`)).text();
    expect(html).toContain("Nobody endorses version 2 yet; 6 endorsed an earlier version");

    // Jane re-confirms as herself; LEAP's endorsement of version 2 comes from another account of the organisation.
    const pv2 = await publishedVersion(doc.id, 2);
    await endorse({ version: pv2, user: people.named!, name: "Jane Named", country: "SE", capacity: "serving_officer", publicFields: ["name"] });
    const colleague = await createUser({ email: `leak-canary-colleague-${randomBytes(4).toString("hex")}@secret-signer.example` });
    await endorse({ version: pv2, user: colleague, kind: "organisation", organisationName: "Law Enforcement Action Partnership", organisationKey: "leap.example", country: "GB", evidence: "verified" });
    // A withdrawn endorsement of version 2 does not take its signer out of "earlier".
    await endorse({ version: pv2, user: people.bare!, name: "Bare", country: "NO", capacity: "individual", withdrawn: true });

    api = (await (await fetch(`${server.url}/api/declarations/${slug}`)).json()) as typeof api;
    expect(api.counts).toEqual({ current: 2, earlier: 4, individuals: 1, organisations: 1 });
    html = await (await fetch(`${server.url}/d/${slug}`)).text();
    expect(html).toContain("2 endorse version 2; 4 endorsed an earlier version");
    // The organisers' publish page says the same sentence as the public page.
    const publishPage = await (await organiserBrowser.get(`/documents/${doc.id}/publish`)).text();
    expect(publishPage).toContain("Open — 2 endorse version 2; 4 endorsed an earlier version</dd>");
    expect(html).toContain("Endorsed an earlier version");
    expect(html).toContain(`href="/d/${slug}/v/1"`);
    expect(html).toContain(`href="/d/${slug}/changes/2"`);
    expect(html).toContain("<ins");

    const earlier = await fetch(`${server.url}/d/${slug}/v/1`);
    expect(earlier.status).toBe(200);
    const earlierHtml = await earlier.text();
    expect(earlierHtml).toContain("We call for reform.");
    expect(earlierHtml).toContain("an earlier version");
    expect(earlierHtml).toContain((await publishedVersion(doc.id, 1)).sha256);

    const changes = await fetch(`${server.url}/d/${slug}/changes/2`);
    expect(changes.status).toBe(200);
    const changesHtml = await changes.text();
    expect(changesHtml).toMatch(/<ins>.*now.*<\/ins>/s);
    expect(changesHtml).toContain("A new paragraph.");
    for (const path of [`/d/${slug}/changes/1`, `/d/${slug}/changes/3`, `/d/${slug}/changes/2?from=2`, `/d/${slug}/changes/abc`, `/d/${slug}/v/3`, `/d/${slug}/v/0`, `/d/${slug}/v/1e3`]) {
      expect((await fetch(server.url + path)).status, path).toBe(404);
    }
  });

  it("serves a badge with the current count, escaping a hostile title", async () => {
    const hostileSlug = `hostile-${randomBytes(3).toString("hex")}`;
    const title = `</title><script>alert("x")</script> & 'quotes' ]]> \u0007`;
    const hostile = await createDocument(title, hostileSlug);
    const version = await createVersion(hostile.id, title, ["Text."]);
    await publishVersion({ documentId: hostile.id, versionId: version.id, actorId: organiser.id });
    const pv = await publishedVersion(hostile.id, 1);
    await endorse({ version: pv, user: await createUser(), country: "SE" });

    const res = await fetch(`${server.url}/d/${hostileSlug}/badge.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(res.headers.get("cache-control")).toMatch(/max-age=60/);
    const svg = await res.text();
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(svg).not.toContain("<script");
    expect(svg.split("</title>")).toHaveLength(2);
    expect(svg).toContain("&lt;/title&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;quotes&apos; ]]&gt;: 1 endorses version 1</title>");
    expect(svg).not.toContain("\u0007");
    expect(svg).toContain(">1</text>");
    // Exactly the elements we wrote, whatever the title said.
    expect(svg.match(/<[a-z]+/g)?.sort()).toEqual(["<g", "<rect", "<rect", "<rect", "<svg", "<text", "<text", "<title"].sort());

    const page = await (await fetch(`${server.url}/d/${hostileSlug}`)).text();
    expect(page).not.toContain('<script>alert("x")');
    expect((await fetch(`${server.url}/d/no-such-declaration/badge.svg`)).status).toBe(404);
  });

  it("answers unknown and hostile slugs with 404 on every public route", async () => {
    const hostile = ["no-such-declaration", "../../etc/passwd", "'; drop table declarations; --", "%00", "x".repeat(5000), "<script>alert(1)</script>", "UPPER"];
    for (const value of hostile) {
      const s = encodeURIComponent(value);
      for (const p of [`/d/${s}`, `/d/${s}/v/1`, `/d/${s}/changes/2`, `/d/${s}/badge.svg`, `/api/declarations/${s}`, `/api/declarations/${s}/endorsements.csv`]) {
        const res = await fetch(server.url + p);
        expect(res.status, `${p.slice(0, 60)}`).toBe(404);
        expect(await res.text()).not.toContain("<script>alert(1)</script>");
      }
    }
  });

  it("never shows an e-mail address, a user id or an IP in any public body or header", async () => {
    const users = await getSql()<{ id: string; email: string }[]>`select id, email from users`;
    const endorsementUsers = await getSql()<{ userId: string }[]>`select distinct user_id as "userId" from endorsements where user_id is not null`;
    expect(endorsementUsers.length).toBeGreaterThan(5);
    const signer = await signedIn(people.named!);
    const routes = [
      "/declarations",
      `/d/${slug}`,
      `/d/${slug}?kind=individual`,
      `/d/${slug}?kind=organisation&country=GB`,
      `/d/${slug}/v/1`,
      `/d/${slug}/v/2`,
      `/d/${slug}/changes/2`,
      `/d/${slug}/changes/2?from=1`,
      `/d/${slug}/badge.svg`,
      "/api/declarations",
      `/api/declarations/${slug}`,
      `/api/declarations/${slug}/endorsements.csv`,
    ];
    const serverHost = new URL(server.url).host;
    const leaks = (text: string): string[] => {
      const found: string[] = [];
      const everything = text.split(serverHost).join("SERVER");
      if (/secret-signer\.example/.test(everything)) found.push("a signer's e-mail domain");
      const email = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z.]+/.exec(everything);
      if (email) found.push(`an e-mail address: ${email[0]}`);
      for (const u of users) {
        if (everything.includes(u.email)) found.push(`e-mail ${u.email}`);
        if (everything.includes(u.id)) found.push(`user id ${u.id}`);
      }
      const ipv4 = /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/.exec(everything);
      if (ipv4) found.push(`an IPv4 address: ${ipv4[0]}`);
      if (/::ffff:|(^|[^:])::1\b/.test(everything)) found.push("an IPv6 address");
      for (const secret of Object.values(secrets)) if (everything.includes(secret)) found.push(`a private field: ${secret}`);
      return found;
    };
    // The checker itself catches what it should.
    expect(leaks(`Contact ${people.anon!.email}`).length).toBeGreaterThan(0);
    expect(leaks(`{"userId":"${people.anon!.id}"}`)).toEqual([`user id ${people.anon!.id}`]);
    expect(leaks("from 10.0.0.7")).toEqual(["an IPv4 address: 10.0.0.7"]);
    expect(leaks(`name: ${secrets.hiddenName}`)).toEqual([`a private field: ${secrets.hiddenName}`]);

    for (const route of routes) {
      for (const [who, get] of [
        ["anonymous", (p: string) => fetch(server.url + p)],
        ["a signer", (p: string) => signer.get(p)],
      ] as const) {
        const res = await get(route);
        expect(res.status, `${who} ${route}`).toBe(200);
        const body = await res.text();
        const headers = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join("\n");
        expect(leaks(`${headers}\n${body}`), `${who} ${route}`).toEqual([]);
      }
    }
    // The query the write side's GET …/endorsements serves.
    for (const scope of ["all", "counted"] as const) {
      const entries = await listPublicEndorsements({ slug, scope });
      expect(entries.length).toBeGreaterThan(3);
      expect(leaks(JSON.stringify(entries))).toEqual([]);
      for (const e of entries) {
        expect(Object.keys(e).every((k) => ["id", "kind", "versionNumber", "evidence", "name", "role", "affiliation", "country", "capacity", "statement", "organisationName", "organisationType", "website"].includes(k))).toBe(true);
      }
    }
  });
});

describe("the organisers' publish page", () => {
  it("publishes with a form (after confirming), opens and closes endorsements, sets the policy; others get 403/404", async () => {
    const doc = await createDocument("Form published");
    const version = await createVersion(doc.id, "Form published", ["By form."], "Final text");
    const page = await organiserBrowser.get(`/documents/${doc.id}/publish`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Final text");
    expect(html, "the confirmation comes only with a preview").not.toContain('name="confirm"');
    const preview = await (await organiserBrowser.get(`/documents/${doc.id}/publish?version=${version.id}`)).text();
    const hash = canonicalHash(canonicalText(version.plainText));
    expect(preview).toContain(hash);
    expect(preview).toContain("By form.");
    expect(preview).toContain('name="confirm"');

    const unconfirmed = await organiserBrowser.post(`/documents/${doc.id}/publish`, { intent: "publish", versionId: version.id, hash });
    expect(unconfirmed.status).toBe(400);
    const unpreviewed = await organiserBrowser.post(`/documents/${doc.id}/publish`, { intent: "publish", versionId: version.id, confirm: "yes" });
    expect(unpreviewed.status).toBe(400);
    expect(await unpreviewed.text()).toContain("Preview the version before publishing it.");
    const slug = `form-${randomBytes(3).toString("hex")}`;
    const otherText = await organiserBrowser.post(`/documents/${doc.id}/publish`, { intent: "publish", versionId: version.id, slug, confirm: "yes", hash: "0".repeat(64) });
    expect(otherText.status).toBe(409);
    expect(await otherText.text()).toContain("This is not the text you previewed");
    const done = await organiserBrowser.post(`/documents/${doc.id}/publish`, { intent: "publish", versionId: version.id, slug, confirm: "yes", hash });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain(`/d/${slug}`);
    expect((await fetch(`${server.url}/d/${slug}`)).status).toBe(200);

    const closed = await organiserBrowser.post(`/documents/${doc.id}/publish`, { intent: "endorsements", open: "0" });
    expect(closed.status).toBe(200);
    let publicPage = await (await fetch(`${server.url}/d/${slug}`)).text();
    expect(publicPage).toContain("Endorsements are closed.");
    expect(publicPage).not.toContain(`/d/${slug}/endorse"`);
    await organiserBrowser.post(`/documents/${doc.id}/publish`, { intent: "endorsements", open: "1" });
    publicPage = await (await fetch(`${server.url}/d/${slug}`)).text();
    expect(publicPage).toContain(`href="/d/${slug}/endorse"`);

    const policy = await organiserBrowser.post(`/documents/${doc.id}/publish`, { intent: "policy", policy: "verified_only" });
    expect(policy.status).toBe(200);
    const [row] = await getSql()`select organisation_policy, endorsements_open from declarations where document_id = ${doc.id}`;
    expect(row).toEqual({ organisation_policy: "verified_only", endorsements_open: true });
    const actions = await getSql()<{ action: string }[]>`select action from audit_log where details->>'documentId' = ${doc.id} order by id`;
    expect(actions.map((a) => a.action)).toEqual([
      "declaration.published",
      "declaration.endorsements_closed",
      "declaration.endorsements_opened",
      "declaration.organisation_policy_changed",
    ]);
    const badPolicy = await organiserBrowser.post(`/documents/${doc.id}/publish`, { intent: "policy", policy: "everything" });
    expect(badPolicy.status).toBe(400);

    const viewer = await createUser();
    await addMember(workshop.id, viewer.id, "viewer");
    const viewerBrowser = await signedIn(viewer);
    expect((await viewerBrowser.get(`/documents/${doc.id}/publish`)).status).toBe(403);
    expect((await viewerBrowser.post(`/documents/${doc.id}/publish`, { intent: "endorsements", open: "0" })).status).toBe(403);
    const outsider = await signedIn(await createUser());
    expect((await outsider.get(`/documents/${doc.id}/publish`)).status).toBe(404);
    expect((await new Browserish(server.url).get(`/documents/${doc.id}/publish`)).status).toBe(302);
  });
});

describe("the publish preview", () => {
  const checkedRadios = (html: string) => html.match(/<input[^>]*type="radio"[^>]*name="version"[^>]*checked[^>]*>|<input[^>]*checked[^>]*name="version"[^>]*>/g) ?? [];

  it("after a publication offers no version by default, no ticked box, and warns that an older version would replace a newer text", async () => {
    const doc = await createDocument("Two drafts");
    const older = await createVersion(doc.id, "Two drafts", ["The first draft."], "Draft one");
    const newer = await createVersion(doc.id, "Two drafts", ["The second, agreed draft."], "Draft two");
    const fresh = await (await organiserBrowser.get(`/documents/${doc.id}/publish`)).text();
    expect(checkedRadios(fresh).join("")).toContain(newer.id);
    expect(checkedRadios(fresh)).toHaveLength(1);

    const hash = canonicalHash(canonicalText(newer.plainText));
    const done = await organiserBrowser.post(`/documents/${doc.id}/publish?version=${newer.id}`, { intent: "publish", versionId: newer.id, confirm: "yes", hash });
    expect(done.status).toBe(200);
    const after = await done.text();
    expect(after).toContain("Version 1 is published");
    expect(after).toContain("already published as version 1");
    expect(after, "no form to seal the same text again").not.toContain('name="confirm"');

    const reloaded = await (await organiserBrowser.get(`/documents/${doc.id}/publish`)).text();
    expect(checkedRadios(reloaded), "the older draft is never the default").toEqual([]);
    expect(reloaded).not.toContain('name="confirm"');

    const olderPreview = await (await organiserBrowser.get(`/documents/${doc.id}/publish?version=${older.id}`)).text();
    expect(olderPreview).toContain("This version was saved before “Draft two”, which is public now as version 1");
    expect(olderPreview).toContain("The first draft.");
    expect(olderPreview).toMatch(/<del[^>]*>[\s\S]*second/);
    const confirm = olderPreview.match(/<input[^>]*name="confirm"[^>]*>/)?.[0] ?? "";
    expect(confirm).not.toBe("");
    expect(confirm).not.toContain("checked");
  });

  it("warns that an older version would replace a newer text also when both were saved within one millisecond", async () => {
    const doc = await createDocument("Close drafts");
    const older = await createVersion(doc.id, "Close drafts", ["The first close draft."], "Close one");
    const newer = await createVersion(doc.id, "Close drafts", ["The second close draft."], "Close two");
    // 300 µs apart, in the same millisecond (PostgreSQL keeps microseconds; a JavaScript Date does not).
    await getSql()`update document_versions set created_at = '2026-12-06 10:00:00.000100+00' where id = ${older.id}`;
    await getSql()`update document_versions set created_at = '2026-12-06 10:00:00.000400+00' where id = ${newer.id}`;
    const hash = canonicalHash(canonicalText(newer.plainText));
    const done = await organiserBrowser.post(`/documents/${doc.id}/publish?version=${newer.id}`, { intent: "publish", versionId: newer.id, confirm: "yes", hash });
    expect(done.status).toBe(200);
    const olderPreview = await (await organiserBrowser.get(`/documents/${doc.id}/publish?version=${older.id}`)).text();
    expect(olderPreview).toContain("This version was saved before “Close two”, which is public now as version 1");
  });

  it("says, before any named version exists, that one is saved from the document's history, and links to it", async () => {
    const doc = await createDocument("Not yet saved");
    const html = await (await organiserBrowser.get(`/documents/${doc.id}/publish`)).text();
    expect(html).toContain(`This document has no named version yet. Save one from <a data-discover="true" href="/documents/${doc.id}/history">the document&#x27;s history</a> first; then publish it here.`);
    expect(html).not.toContain('name="confirm"');
  });

  it("warns about sections left empty, and says why an empty version cannot be published", async () => {
    const doc = await createDocument("Sections");
    const json: JSONContent = {
      type: "doc",
      content: [
        { type: "heading", attrs: { level: 1 }, content: [{ type: "text", text: "Sections" }] },
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "1. Principles" }] },
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "2. Practice" }] },
        { type: "paragraph", content: [{ type: "text", text: "Police refer people to services." }] },
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "3. Review" }] },
      ],
    };
    const gaps = await insertVersion(doc.id, json, "With gaps");
    const html = await (await organiserBrowser.get(`/documents/${doc.id}/publish?version=${gaps.id}`)).text();
    expect(html).toContain("2 sections have no text under their heading: <span>“1. Principles”</span><span>, “3. Review”</span>");
    expect(html).toContain('name="confirm"');

    const empty = await insertVersion(doc.id, { type: "doc", content: [{ type: "paragraph" }] }, "Nothing yet");
    const emptyHtml = await (await organiserBrowser.get(`/documents/${doc.id}/publish?version=${empty.id}`)).text();
    expect(emptyHtml).toContain("This version has no text: there is nothing to publish.");
    expect(emptyHtml).not.toContain('name="confirm"');
    const missing = await organiserBrowser.get(`/documents/${doc.id}/publish?version=${randomUUIDLike()}`);
    expect(await missing.text()).toContain("This document has no named version with that id.");
  });

  it("binds the API's publish to a hash when one is given", async () => {
    const doc = await createDocument("Bound");
    const version = await createVersion(doc.id, "Bound", ["Exactly this."]);
    const wrong = await publishOverHttp(organiserBrowser, doc.id, { versionId: version.id, hash: "f".repeat(64) });
    expect(wrong.status).toBe(409);
    const hash = canonicalHash(canonicalText(version.plainText));
    const right = await publishOverHttp(organiserBrowser, doc.id, { versionId: version.id, hash });
    expect(right.status).toBe(201);
    expect(((await right.json()) as { hash: string }).hash).toBe(hash);
  });
});

const randomUUIDLike = () => "00000000-0000-4000-8000-" + randomBytes(6).toString("hex");

describe("npm run accord -- verify", () => {
  let slug: string;
  let hash: string;
  const title = "Verified declaration — «ÅÄÖ»";

  beforeAll(async () => {
    slug = `verify-${randomBytes(3).toString("hex")}`;
    const doc = await createDocument(title, slug);
    const version = await createVersion(doc.id, title, ["Café  naïve\u00a0text.", "Ünïcödé — and more."]);
    hash = (await publishVersion({ documentId: doc.id, versionId: version.id, actorId: organiser.id })).hash;
  });

  const cli = async (args: string[], env: Record<string, string> = {}) => {
    try {
      const { stdout, stderr } = await run(TSX, ["server/cli.ts", "verify", ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  };

  it("prints OK for the public page's URL, the API URL and a bare slug (database)", { timeout: 120_000 }, async () => {
    const expected = `OK: version 1 of ${title} has SHA-256 ${hash}\n`;
    const [viaPage, viaApi, viaDatabase] = await Promise.all([
      cli([`${server.url}/d/${slug}`]),
      cli([`${server.url}/api/declarations/${slug}`, "--hash", hash]),
      cli([slug], { DATABASE_URL: testDatabaseUrl }),
    ]);
    expect(viaPage).toMatchObject({ code: 0, stdout: expected });
    expect(viaApi).toMatchObject({ code: 0, stdout: expected });
    expect(viaDatabase).toMatchObject({ code: 0, stdout: expected });
  });

  it("reports a mismatch with exit code 1 when the server's text does not match its hash, or another hash is expected", { timeout: 120_000 }, async () => {
    const real = (await (await fetch(`${server.url}/api/declarations/${slug}`)).json()) as { text: string; version: { hash: string } };
    // A stand-in server: the first path segment chooses how its answer is tampered with.
    const answers: Record<string, (b: typeof real) => unknown> = {
      honest: (b) => b,
      changed: (b) => ({ ...b, text: b.text.replace("Café", "Cafe") }),
      uncanonical: (b) => ({ ...b, text: b.text + " \n" }),
      nonsense: () => ({ hello: "world" }),
    };
    const fake: Server = createServer((req, res) => {
      const mode = (req.url ?? "").split("/")[1] ?? "";
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify((answers[mode] ?? answers.nonsense!)(structuredClone(real))));
    });
    await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    try {
      const [changed, uncanonical, nonsense, honest, wrongExpectation, missing] = await Promise.all([
        cli([`${base}/changed/d/${slug}`]),
        cli([`${base}/uncanonical/d/${slug}`]),
        cli([`${base}/nonsense/d/${slug}`]),
        cli([`${base}/honest/d/${slug}`]),
        cli([`${base}/honest/d/${slug}`, "--hash", "0".repeat(64)]),
        cli([`${server.url}/d/no-such-declaration`]),
      ]);
      expect(changed.code).toBe(1);
      expect(changed.stdout).toMatch(/^MISMATCH: version 1 of .*: the text hashes to [0-9a-f]{64}, but .* gives [0-9a-f]{64}/);
      expect(uncanonical.code).toBe(1);
      expect(uncanonical.stdout).toContain("not in canonical form");
      expect(nonsense.code).toBe(1);
      expect(honest).toMatchObject({ code: 0, stdout: `OK: version 1 of ${title} has SHA-256 ${hash}\n` });
      expect(wrongExpectation.code).toBe(1);
      expect(wrongExpectation.stdout).toContain(`not the expected ${"0".repeat(64)}`);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/404/);
    } finally {
      await new Promise((resolve) => fake.close(resolve));
    }
  });

  it("exits 2 on bad arguments", { timeout: 120_000 }, async () => {
    const cases = [[], ["Not A Slug!"], ["a", "b"], ["--hash", "xyz", `${server.url}/d/${slug}`], [`${server.url}/workshops`], ["--nope", slug]];
    const results = await Promise.all(cases.map((args) => cli(args)));
    results.forEach((result, i) => {
      expect(result.code, cases[i]!.join(" ")).toBe(2);
      expect(result.stderr, cases[i]!.join(" ")).toMatch(/^accord: /);
    });
  });
});
