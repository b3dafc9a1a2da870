/**
 * A person's own data over real HTTP: the JSON download holds their data and nobody else's (and no secrets);
 * deleting the account (password required) withdraws and erases their endorsements — receipts keep the version,
 * hash, time and a dated withdrawn line — and removes sessions, tokens, memberships and kept mails.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { insertOutbox } from "../../db/outbox";
import { addMember, createUser, createWorkshop, TEST_PASSWORD } from "../support/factories";
import { call, endorsementRows, organisation, person, publishDeclaration, signer, type Declaration, type Signer } from "../support/endorsement-fixtures";
import { sessionCookie } from "../support/collab-client";
import { startTestServer, type TestServer } from "../support/http-server";
import { appendUpdates } from "../../db/document-log";
import { findDocumentForUser } from "../../db/access";
import { tiptapJsonToYDocUpdate } from "../../app/editor/document-tools.server";
import { addComment, createProposal, createThread } from "../../app/threads/threads.server";
import { setThreadEmails } from "../../app/threads/thread-mails.server";

let server: TestServer;
const api = (method: string, path: string, o: Parameters<typeof call>[3] = {}) => call(server.url, method, path, o);

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

beforeEach(async () => {
  await getSql()`delete from request_limits where key like 'endorse:%'`;
  await getSql()`delete from login_throttles`;
});

async function endorse(d: Declaration, s: Signer, body: unknown): Promise<string> {
  const res = await api("POST", `/api/declarations/${d.slug}/endorsements`, { cookie: s.cookie, json: body });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe("downloading your data", () => {
  it("contains the account, its sessions (no secrets), tokens, memberships and endorsements — only the caller's", async () => {
    const d = await publishDeclaration();
    const anna = await signer({ name: "Anna Berg" });
    const bo = await signer({ name: "Bo Ek" });
    await addMember(d.workshopId, anna.user.id, "editor");
    const token = await anna.token();
    const annaIds = [await endorse(d, anna, person({ statement: "Mine." })), await endorse(d, anna, organisation())];
    const boId = await endorse(d, bo, person({ name: "Bo Ek", statement: "Not Anna's." }));

    const res = await api("GET", "/account/data", { cookie: anna.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="accord-my-data-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const text = await res.text();
    const data = JSON.parse(text) as {
      account: Record<string, unknown>;
      sessions: Record<string, unknown>[];
      accessTokens: Record<string, unknown>[];
      memberships: Record<string, unknown>[];
      endorsements: Record<string, unknown>[];
    };
    expect(data.account).toMatchObject({ id: anna.user.id, email: anna.user.email, name: "Anna Berg" });
    expect(data.sessions.length).toBeGreaterThan(0);
    for (const s of data.sessions) expect(Object.keys(s).sort()).toEqual(["createdAt", "expiresAt", "lastUsedAt", "networkRecorded", "timeZone", "userAgent"]);
    expect(data.accessTokens).toEqual([expect.objectContaining({ name: "tests" })]);
    expect(data.memberships).toEqual([expect.objectContaining({ role: "editor" })]);
    expect(data.endorsements.map((e) => e.id).sort()).toEqual([...annaIds].sort());
    expect(data.endorsements.find((e) => e.kind === "individual")).toMatchObject({ name: "Anna Berg", statement: "Mine.", declaration: { slug: d.slug, versionNumber: 1 } });

    // Nobody else's data, and no secret: not the session cookie, not the token.
    for (const foreign of [bo.user.email, bo.user.id, "Bo Ek", boId, "Not Anna's.", d.organiser.email]) expect(text).not.toContain(foreign);
    expect(text).not.toContain(anna.cookie.split("=")[1]!.split(".")[1]!);
    expect(text).not.toContain(token.split(".")[1]!);

    // A token works too; nobody signed in is sent to sign in.
    const viaToken = await api("GET", "/account/data", { bearer: token });
    expect(viaToken.status).toBe(200);
    expect(((await viaToken.json()) as { account: { id: string } }).account.id).toBe(anna.user.id);
    expect((await api("GET", "/account/data")).status).toBe(302);
  });
});

describe("downloading your data: the discussion and passkeys", () => {
  it("holds the person's comments and proposals, their discussion e-mail setting and their passkeys' names and dates, never key material", async () => {
    const workshop = await createWorkshop();
    const cleo = await createUser({ name: "Cleo Commenter" });
    const other = await createUser({ name: "Olaf Other" });
    await addMember(workshop.id, cleo.id, "commenter");
    await addMember(workshop.id, other.id, "editor");
    const [doc] = await getSql()<{ id: string }[]>`
      insert into documents (workshop_id, slug, title, kind) values (${workshop.id}, ${`data-${cleo.id.slice(0, 8)}`}, 'Data draft', 'declaration') returning id`;
    const content = { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "Services must reach everyone who needs them." }] }] };
    await getSql().begin((tx) => appendUpdates(tx, doc!.id, [{ update: tiptapJsonToYDocUpdate(content), userId: null }]));
    const document = (await findDocumentForUser(doc!.id, cleo.id))!;
    const thread = await createThread({ document, userId: cleo.id, anchoring: { quote: { exact: "reach everyone" } }, body: "Everyone, really?" });
    await addComment({ threadId: thread.id, userId: other.id, body: "Olaf's own reply." });
    await addComment({ threadId: thread.id, userId: cleo.id, body: "Yes, everyone." });
    await createProposal({ document, userId: cleo.id, anchoring: { quote: { exact: "who needs them" } }, proposed: "in need", body: "Shorter." });
    await setThreadEmails(cleo.id, false);
    const publicKey = Buffer.from("pretend COSE public key bytes of Cleo");
    await getSql()`insert into passkeys (user_id, credential_id, public_key, name) values (${cleo.id}, 'cred-id-of-cleo-xyz', ${publicKey}, 'Cleo laptop')`;

    const res = await api("GET", "/account/data", { cookie: await sessionCookie(cleo.id) });
    expect(res.status).toBe(200);
    const text = await res.text();
    const data = JSON.parse(text) as { account: Record<string, unknown>; comments: Record<string, unknown>[]; proposals: Record<string, unknown>[]; passkeys: Record<string, unknown>[] };
    expect(data.account.discussionEmails).toBe(false);
    expect(data.comments.map((c) => c.body)).toEqual(["Everyone, really?", "Yes, everyone.", "Shorter."]);
    expect(data.comments[0]).toMatchObject({ document: { id: doc!.id, title: "Data draft" }, threadId: thread.id, onWords: "reach everyone", editedAt: null });
    expect(data.proposals).toEqual([
      expect.objectContaining({ document: { id: doc!.id, title: "Data draft" }, original: "who needs them", proposed: "in need", status: "pending", decidedAt: null }),
    ]);
    expect(data.passkeys).toEqual([{ name: "Cleo laptop", createdAt: expect.any(String), lastUsedAt: null }]);
    // Not another member's reply, nor the passkey's credential id or public key.
    for (const secret of ["Olaf's own reply.", "Olaf Other", other.id, "cred-id-of-cleo-xyz", publicKey.toString("base64"), publicKey.toString("hex")]) expect(text).not.toContain(secret);
  });
});

describe("deleting your account", () => {
  it("asks for the password, then withdraws and erases endorsements and removes the account", async () => {
    const d = await publishDeclaration();
    const anna = await signer({ name: "Anna Berg" });
    await addMember(d.workshopId, anna.user.id, "editor");
    await anna.token();
    const individual = await endorse(d, anna, person({ publicFields: ["name", "country"] }));
    const org = await endorse(d, anna, organisation({ organisationName: "Anna's Agency" }));
    const earlier = await publishDeclaration();
    const withdrawnEarlier = await endorse(earlier, anna, person());
    await api("DELETE", `/api/endorsements/${withdrawnEarlier}`, { cookie: anna.cookie });
    const firstWithdrawal = (await endorsementRows(earlier))[0]!.withdrawnAt!;
    await insertOutbox({ to: anna.user.email, subject: "Hello", text: "A link for Anna" });
    const bo = await signer();
    const boId = await endorse(d, bo, person({ name: "Bo Ek", publicFields: ["name"] }));

    const page = await api("GET", "/account/delete", { cookie: anna.cookie });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Every endorsement you made is <strong>withdrawn</strong>");

    const wrong = await api("POST", "/account/delete", { cookie: anna.cookie, form: [["password", "not my password at all"]] });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("That is not your password.");
    const crossSite = await api("POST", "/account/delete", { cookie: anna.cookie, form: [["password", TEST_PASSWORD]], origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    expect((await getSql()`select 1 from users where id = ${anna.user.id}`).length).toBe(1);

    const res = await api("POST", "/account/delete", { cookie: anna.cookie, form: [["password", TEST_PASSWORD]] });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/account/delete?done=1");
    expect(res.headers.get("set-cookie")).toMatch(/accord_session=;.*Max-Age=0/);
    const done = await api("GET", "/account/delete?done=1");
    expect(await done.text()).toContain("Your account is deleted");

    const sql = getSql();
    expect(await sql`select 1 from users where id = ${anna.user.id}`).toHaveLength(0);
    expect(await sql`select 1 from sessions where user_id = ${anna.user.id}`).toHaveLength(0);
    expect(await sql`select 1 from personal_access_tokens where user_id = ${anna.user.id}`).toHaveLength(0);
    expect(await sql`select 1 from memberships where user_id = ${anna.user.id}`).toHaveLength(0);
    expect(await sql`select 1 from outbox where to_address = ${anna.user.email}`).toHaveLength(0);
    expect((await api("GET", "/account", { cookie: anna.cookie })).status).toBe(302);

    const rows = await sql<Record<string, unknown>[]>`select * from endorsements where id = any(${[individual, org, withdrawnEarlier]}::uuid[])`;
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.user_id).toBeNull();
      expect(row.withdrawn_at).toBeInstanceOf(Date);
      expect(row.erased_at).toBeInstanceOf(Date);
      for (const field of ["display_name", "role_title", "affiliation", "country", "capacity", "statement", "organisation_name", "organisation_key", "website", "signer_role"]) {
        expect(row[field], field).toBeNull();
      }
      expect(row.public_fields).toEqual([]);
      expect(row.version_sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    // An earlier withdrawal keeps its own date.
    expect((rows.find((r) => r.id === withdrawnEarlier)!.withdrawn_at as Date).toISOString()).toBe(firstWithdrawal.toISOString());

    const receipt = await (await api("GET", `/e/${individual}`)).text();
    expect(receipt).toContain("Withdrawn on");
    expect(receipt).toContain(d.versions[0]!.sha256);
    expect(receipt).toContain("Version 1");
    expect(receipt).not.toContain("Anna Berg");
    const orgReceipt = await (await api("GET", `/e/${org}`)).text();
    expect(orgReceipt).not.toContain("Anna&#x27;s Agency");
    expect(orgReceipt).not.toContain("Anna's Agency");

    const list = (await (await api("GET", `/api/declarations/${d.slug}/endorsements`)).json()) as { id: string }[];
    expect(list.map((e) => e.id)).toEqual([boId]);
    // The organisation's name is free again for someone else.
    expect((await api("POST", `/api/declarations/${d.slug}/endorsements`, { cookie: bo.cookie, json: organisation({ organisationName: "Anna's Agency" }) })).status).toBe(201);
  });

  it("keeps an empty shell in place of someone who published a version (the sealed record names its publisher)", async () => {
    const publisher = await signer({ name: "Pat Publisher" });
    const d = await publishDeclaration({ publishedBy: publisher.user });
    await addMember(d.workshopId, publisher.user.id, "organizer"); // the fixture's organiser stays too
    await endorse(d, publisher, person());
    const res = await api("POST", "/account/delete", { cookie: publisher.cookie, form: [["password", TEST_PASSWORD]] });
    expect(res.status).toBe(302);
    const [row] = await getSql()<{ email: string; name: string; isAdmin: boolean; verified: Date | null }[]>`
      select email, name, is_admin as "isAdmin", email_verified_at as verified from users where id = ${publisher.user.id}`;
    expect(row).toEqual({ email: `deleted-${publisher.user.id}@deleted.invalid`, name: "Deleted account", isAdmin: false, verified: null });
    expect(await getSql()`select 1 from sessions where user_id = ${publisher.user.id}`).toHaveLength(0);
    expect(await getSql()`select 1 from memberships where user_id = ${publisher.user.id}`).toHaveLength(0);
    const [e] = await endorsementRows(d);
    expect(e).toMatchObject({ displayName: null });
    expect(e!.withdrawnAt).not.toBeNull();
    const login = await api("POST", "/login", { form: [["email", publisher.user.email], ["password", TEST_PASSWORD]] });
    expect(login.status).toBe(400);
  });

  it("refuses while the person is the only organiser of a workshop with other members", async () => {
    const d = await publishDeclaration();
    const olive = d.organiser;
    const viewer = await createUser();
    await addMember(d.workshopId, viewer.id, "viewer");
    const oliveCookie = await sessionCookie(olive.id);
    const res = await api("POST", "/account/delete", { cookie: oliveCookie, form: [["password", TEST_PASSWORD]] });
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain("You are the only organiser of a workshop that has other members.");
    expect(html).toContain(`href="/workshops/${(await getSql()`select slug from workshops where id = ${d.workshopId}`)[0]!.slug}/members"`);
    expect(await getSql()`select 1 from users where id = ${olive.id}`).toHaveLength(1);
  });

  it("lets only one of two organisers who delete their accounts at the same moment go: each workshop keeps one", async () => {
    // Four workshops, each with two organisers and a viewer; all eight deletions at once.
    const pairs = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const w = await createWorkshop();
        const [a, b, viewer] = await Promise.all([createUser(), createUser(), createUser()]);
        await Promise.all([addMember(w.id, a.id, "organizer"), addMember(w.id, b.id, "organizer"), addMember(w.id, viewer.id, "viewer")]);
        return { workshopId: w.id, cookies: await Promise.all([a, b].map((u) => sessionCookie(u.id))) };
      }),
    );
    const statuses = await Promise.all(
      pairs.flatMap((p) => p.cookies.map(async (cookie) => (await api("POST", "/account/delete", { cookie, form: [["password", TEST_PASSWORD]] })).status)),
    );
    expect(statuses.filter((s) => s === 302)).toHaveLength(4);
    expect(statuses.filter((s) => s === 409)).toHaveLength(4);
    for (const p of pairs) {
      const organisers = await getSql()`select user_id from memberships where workshop_id = ${p.workshopId} and role = 'organizer'`;
      expect(organisers).toHaveLength(1);
    }
  });
});
