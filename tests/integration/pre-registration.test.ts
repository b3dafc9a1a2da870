/**
 * The pre-registration takeover (security review H2), end to end over real HTTP, a real websocket and a real
 * PostgreSQL: an account whose address is not confirmed can do nothing but confirm or change it; whoever confirms
 * chooses the password and everyone else is signed out; a password reset or change ends every session and token.
 */
import WebSocket from "ws";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { findUserByEmail } from "../../db/users";
import { call, person, publishDeclaration, type Declaration } from "../support/endorsement-fixtures";
import { addMember, createUser, createWorkshop, TEST_PASSWORD, uniqueEmail } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";

const SQUATTER_PASSWORD = "attacker chosen pass 1";
const OWNER_PASSWORD = "anna's own long passphrase 7";

let server: TestServer;
let declaration: Declaration;

beforeAll(async () => {
  server = await startTestServer();
  declaration = await publishDeclaration();
});

afterAll(async () => {
  await server?.close();
});

beforeEach(async () => {
  // Every request here comes from 127.0.0.1: each test starts with a fresh sign-up allowance.
  await getSql()`delete from request_limits`;
});

async function lastMail(to: string): Promise<{ subject: string; text: string }> {
  const [row] = await getSql()<{ subject: string; text: string }[]>`
    select subject, text_body as text from outbox where to_address = ${to} order by id desc limit 1`;
  if (!row) throw new Error(`no mail to ${to}`);
  return row;
}

async function mailCount(to: string): Promise<number> {
  const [row] = await getSql()<{ n: number }[]>`select count(*)::int as n from outbox where to_address = ${to}`;
  return row!.n;
}

/** The path of the link in the newest mail to `to`, and its token. */
async function mailedLink(to: string, path: "/verify-email" | "/reset-password"): Promise<{ path: string; token: string }> {
  const match = new RegExp(`https?://[^/\\s]+(${path}\\?token=([^\\s]+))`).exec((await lastMail(to)).text);
  if (!match) throw new Error(`no ${path} link mailed to ${to}`);
  return { path: match[1]!, token: decodeURIComponent(match[2]!) };
}

async function signedIn(email: string, password: string): Promise<Browserish> {
  const browser = new Browserish(server.url);
  expect((await browser.post("/login", { email, password })).status, "sign-in").toBe(302);
  return browser;
}

async function count(table: "sessions" | "personal_access_tokens", userId: string): Promise<number> {
  const [row] = await getSql()<{ n: number }[]>`select count(*)::int as n from ${getSql()(table)} where user_id = ${userId}`;
  return row!.n;
}

async function createToken(browser: Browserish): Promise<string> {
  const res = await browser.post("/account", { intent: "create-token", tokenName: "Accord sync", scopes: "read", lifetimeDays: "90" });
  expect(res.status).toBe(200);
  const token = /accord_pat_[a-z2-9]{24}\.[a-z2-9]{24}/.exec(await res.text())?.[0];
  if (!token) throw new Error("no token in the answer");
  return token;
}

const me = (token: string) => fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });

/** The HTTP status of a websocket upgrade to a document, or "open". */
function upgrade(documentId: string, cookie: string): Promise<number | "open"> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/collab/${documentId}`, { headers: { origin: server.url, cookie } });
    ws.on("open", () => {
      ws.close();
      resolve("open");
    });
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("error", () => {});
  });
}

describe("an account whose address is not confirmed", () => {
  it("the review's story: the squatter can do nothing, and loses the account when the owner confirms the address", async () => {
    const email = uniqueEmail("anna");
    const squatter = new Browserish(server.url);
    expect((await squatter.post("/signup", { name: "Anna Berg", email, password: SQUATTER_PASSWORD })).status).toBe(302);
    expect((await squatter.post("/login", { email, password: SQUATTER_PASSWORD })).status).toBe(302);
    const account = (await findUserByEmail(email))!;

    // Every page sends it to the confirm page; minting a token changes nothing.
    for (const path of ["/workshops", "/account", "/account/data", `/d/${declaration.slug}/endorse`, "/"]) {
      const res = await squatter.get(path);
      expect([res.status, res.headers.get("location")], path).toEqual([303, "/verify-email/resend"]);
    }
    const mint = await squatter.post("/account", { intent: "create-token", tokenName: "Accord sync", scopes: "read", lifetimeDays: "90" });
    expect([mint.status, mint.headers.get("location")]).toEqual([303, "/verify-email/resend"]);
    expect(await count("personal_access_tokens", account.id)).toBe(0);
    const page = await squatter.get("/verify-email/resend");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`Until you confirm <strong>${email}</strong>, this account can do nothing else`);
    expect(html).toContain('href="/verify-email/change"');

    // The API and the socket refuse it in words.
    const api = await squatter.get("/api/me");
    expect(api.status).toBe(403);
    expect(((await api.json()) as { error: string }).error).toMatch(/^Confirm your e-mail address first/);
    const endorse = await call(server.url, "POST", `/api/declarations/${declaration.slug}/endorsements`, { cookie: squatter.cookieHeader(), json: person() });
    expect(endorse.status).toBe(403);
    const workshop = await createWorkshop();
    const [doc] = await getSql()<{ id: string }[]>`
      insert into documents (workshop_id, slug, title, kind) values (${workshop.id}, 'draft', 'Draft', 'statement') returning id`;
    await addMember(workshop.id, account.id, "editor");
    expect(await upgrade(doc!.id, squatter.cookieHeader())).toBe(403);

    // The owner signs up too: the mail carries a link and not the name the squatter chose.
    const owner = new Browserish(server.url);
    expect((await owner.post("/signup", { name: "Anna", email, password: OWNER_PASSWORD })).status).toBe(302);
    const mail = await lastMail(email);
    expect(mail.text).not.toContain("Anna Berg");
    const link = await mailedLink(email, "/verify-email");

    // Confirming asks the owner for a name and password; then the squatter is out.
    expect(await (await owner.get(link.path)).text()).toContain('<label for="field-password">Password</label>');
    const bare = await owner.post(link.path, { token: link.token });
    expect(bare.status).toBe(400);
    expect(await bare.text()).toContain("Choose the account&#x27;s name and password to confirm.");
    const done = await owner.post(link.path, { token: link.token, name: "Anna Lind", password: OWNER_PASSWORD, confirmPassword: OWNER_PASSWORD });
    expect([done.status, done.headers.get("location")]).toEqual([302, "/login?verified=1"]);
    expect(await count("sessions", account.id)).toBe(0);
    expect((await squatter.get("/verify-email/resend")).headers.get("location")).toMatch(/^\/login\?redirectTo=/);
    expect((await squatter.post("/login", { email, password: SQUATTER_PASSWORD })).status).toBe(400);
    const confirmed = await signedIn(email, OWNER_PASSWORD);
    expect((await confirmed.get("/workshops")).status).toBe(200);
    expect((await findUserByEmail(email))!.name).toBe("Anna Lind");
    expect(await upgrade(doc!.id, confirmed.cookieHeader())).toBe("open");
  });

  it("confirming from the account's own browser is one button, keeps that browser and signs out the others", async () => {
    const email = uniqueEmail("own");
    await new Browserish(server.url).post("/signup", { name: "Own", email, password: OWNER_PASSWORD });
    const here = await signedIn(email, OWNER_PASSWORD);
    const there = await signedIn(email, OWNER_PASSWORD);
    const link = await mailedLink(email, "/verify-email");
    const page = await (await here.get(link.path)).text();
    expect(page).toContain("press the button to confirm");
    expect(page).not.toContain('name="password"');
    const done = await here.post(link.path, { token: link.token });
    expect([done.status, done.headers.get("location")]).toEqual([302, "/workshops"]);
    expect((await here.get("/workshops")).status).toBe(200);
    expect((await there.get("/workshops")).headers.get("location")).toMatch(/^\/login/);
  });

  it("refuses a bad name or password at confirmation in words, keeps the link usable, and shows a forged link as broken", async () => {
    const email = uniqueEmail("careful");
    await new Browserish(server.url).post("/signup", { name: "Careful", email, password: OWNER_PASSWORD });
    const link = await mailedLink(email, "/verify-email");
    const browser = new Browserish(server.url);
    const cases: [Record<string, string>, string][] = [
      [{ name: "tab\tname", password: OWNER_PASSWORD, confirmPassword: OWNER_PASSWORD }, "Remove control characters from your name."],
      [{ name: "Careful", password: OWNER_PASSWORD, confirmPassword: "something else entirely" }, "The two passwords are not the same."],
      [{ name: "Careful", password: "qwerty123456", confirmPassword: "qwerty123456" }, "This password is one of the most commonly used; choose another."],
      [{ name: "", password: "short", confirmPassword: "short" }, "Use at least 12 characters."],
    ];
    for (const [fields, words] of cases) {
      const res = await browser.post(link.path, { token: link.token, ...fields });
      expect(res.status, words).toBe(400);
      expect(await res.text(), words).toContain(words);
    }
    expect((await findUserByEmail(email))!.emailVerifiedAt).toBeNull();
    const forged = await browser.post("/verify-email", { token: "<script>alert(1)</script>", name: "X", password: OWNER_PASSWORD, confirmPassword: OWNER_PASSWORD });
    expect(forged.status).toBe(400);
    expect(h1(await forged.text())).toBe("This link does not work");
    expect((await browser.post(link.path, { token: link.token, name: "Careful", password: OWNER_PASSWORD, confirmPassword: OWNER_PASSWORD })).status).toBe(302);
  });

  it("changes its address: the link goes to the new one, the old one is free at once, a taken one is refused in words", async () => {
    const typo = uniqueEmail("typo");
    const right = uniqueEmail("right");
    await new Browserish(server.url).post("/signup", { name: "Mistyped", email: typo, password: OWNER_PASSWORD });
    const oldLink = await mailedLink(typo, "/verify-email");
    const browser = await signedIn(typo, OWNER_PASSWORD);
    expect((await browser.get("/verify-email/change")).status).toBe(200);

    const bad = await browser.post("/verify-email/change", { email: "not an address" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Enter an e-mail address like name@example.org.");
    const taken = await createUser();
    const refused = await browser.post("/verify-email/change", { email: taken.email });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("Another account already uses this address.");

    const moved = await browser.post("/verify-email/change", { email: ` ${right.toUpperCase()} ` });
    expect([moved.status, moved.headers.get("location")]).toEqual([302, "/verify-email/resend?sent=changed"]);
    expect(await (await browser.get("/verify-email/resend?sent=changed")).text()).toContain(`We sent a new link to ${right}.`);
    expect(await findUserByEmail(typo)).toBeNull();
    expect(h1(await (await browser.get(oldLink.path)).text())).toBe("This link has expired or was already used");

    // The old address can be signed up by its owner; the new one's link confirms the account.
    expect((await new Browserish(server.url).post("/signup", { name: "Typo's owner", email: typo, password: "the typo owner pass 9" })).status).toBe(302);
    expect(await findUserByEmail(typo)).not.toBeNull();
    const link = await mailedLink(right, "/verify-email");
    expect((await browser.post(link.path, { token: link.token })).headers.get("location")).toBe("/workshops");
    expect((await findUserByEmail(right))!.emailVerifiedAt).toBeInstanceOf(Date);
    expect((await browser.get("/verify-email/change")).headers.get("location")).toBe("/account");
  });

  it("counts every confirmation mail sent again against the address's sign-up allowance (5 an hour)", async () => {
    const email = uniqueEmail("flood");
    for (let i = 0; i < 5; i++) expect((await new Browserish(server.url).post("/signup", { name: "Flood", email, password: SQUATTER_PASSWORD })).status).toBe(302);
    const browser = await signedIn(email, SQUATTER_PASSWORD);
    // A minute later (moved back in time in the database), so that the one-a-minute rule is not what refuses it.
    await getSql()`update email_tokens set created_at = created_at - interval '2 minutes' where email = ${email}`;
    const res = await browser.post("/verify-email/resend", {});
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(60);
    expect(await res.text()).toContain("Too many mails were sent to this address in the last hour.");
    expect(await mailCount(email)).toBe(5);
  });
});

describe("ending access when the password changes", () => {
  it("a password reset ends every session and every access token of the account", async () => {
    const user = await createUser();
    const a = await signedIn(user.email, TEST_PASSWORD);
    const b = await signedIn(user.email, TEST_PASSWORD);
    const token = await createToken(a);
    expect((await me(token)).status).toBe(200);

    expect((await new Browserish(server.url).post("/forgot-password", { email: user.email })).status).toBe(302);
    const link = await mailedLink(user.email, "/reset-password");
    const reset = await new Browserish(server.url).post(link.path, { token: link.token, password: OWNER_PASSWORD, confirmPassword: OWNER_PASSWORD });
    expect(reset.headers.get("location")).toBe("/login?reset=1");

    const refused = await me(token);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: string }).error).toMatch(/^This personal access token is not valid/);
    expect(await count("personal_access_tokens", user.id)).toBe(0);
    for (const browser of [a, b]) expect((await browser.get("/account")).status).toBe(302);
  });

  it("a password change ends every token and every other session, keeps this browser, and cancels reset links", async () => {
    const user = await createUser();
    const here = await signedIn(user.email, TEST_PASSWORD);
    const there = await signedIn(user.email, TEST_PASSWORD);
    const token = await createToken(here);
    await new Browserish(server.url).post("/forgot-password", { email: user.email });
    const link = await mailedLink(user.email, "/reset-password");

    const changed = await here.post("/account", {
      intent: "change-password",
      currentPassword: TEST_PASSWORD,
      newPassword: OWNER_PASSWORD,
      confirmPassword: OWNER_PASSWORD,
    });
    expect(changed.headers.get("location")).toBe("/account?done=password#password");
    expect((await me(token)).status).toBe(401);
    expect((await here.get("/account")).status).toBe(200);
    expect((await there.get("/account")).status).toBe(302);
    expect(h1(await (await new Browserish(server.url).get(link.path)).text())).toBe("This link has expired or was already used");
    const late = await new Browserish(server.url).post(link.path, { token: link.token, password: "someone else's pass 5", confirmPassword: "someone else's pass 5" });
    expect(late.status).toBe(400);
    expect((await new Browserish(server.url).post("/login", { email: user.email, password: OWNER_PASSWORD })).status).toBe(302);
  });
});

const h1 = (html: string) => /<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1] ?? null;
