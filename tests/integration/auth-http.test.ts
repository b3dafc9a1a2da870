/**
 * Accounts and sessions over HTTP, against the real app (Express + the Remix build) on a real PostgreSQL.
 * Needs a current build: `npx remix build` (npm test does it).
 *
 * All requests here come from 127.0.0.1 (ACCORD_TRUST_PROXY is unset), so this file keeps its failed
 * sign-ins well under the per-IP allowance and tests the per-IP throttle through `login({ ip })`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { login } from "../../app/auth/accounts.server";
import { authenticate } from "../../app/auth/request-auth.server";
import { validateSessionToken } from "../../app/auth/session.server";
import { resetConfigCache } from "../../app/config.server";
import { pleaseWait } from "../../app/utils/wait-words";
import { insertOutbox } from "../../db/outbox";
import { findUserByEmail, findUserById } from "../../db/users";
import { createUser, TEST_PASSWORD, uniqueEmail } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";

const CHROME_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI_IPHONE =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1";
const COOKIE = "accord_session";

let server: TestServer;

beforeAll(async () => {
  process.env.ACCORD_LOG_LEVEL = "error";
  resetConfigCache();
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

/** A browser with its own User-Agent (the sessions list describes it). */
function browser(userAgent = CHROME_LINUX): Browserish {
  const b = new Browserish(server.url);
  const get = b.get.bind(b);
  const post = b.post.bind(b);
  b.get = (path, headers = {}) => get(path, { "user-agent": userAgent, ...headers });
  b.post = (path, form, headers = {}) => post(path, form, { "user-agent": userAgent, ...headers });
  return b;
}

async function signedIn(user: { email: string }, userAgent = CHROME_LINUX, password = TEST_PASSWORD): Promise<Browserish> {
  const b = browser(userAgent);
  const res = await b.post("/login", { email: user.email, password });
  expect(res.status, "sign-in").toBe(302);
  expect(b.cookies.get(COOKIE)).toBeTruthy();
  return b;
}

/** POST a form with exactly these headers (no Origin unless given). */
function rawPost(path: string, form: Record<string, string>, headers: Record<string, string>): Promise<Response> {
  return fetch(server.url + path, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

const alertText = (html: string) => /<div class="alert error" role="alert">([^<]*)<\/div>/.exec(html)?.[1] ?? null;
const h1 = (html: string) => /<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1] ?? null;

async function lastMailPath(to: string, path: "/verify-email" | "/reset-password"): Promise<string> {
  const [row] = await getSql()<{ text: string }[]>`select text_body as text from outbox where to_address = ${to} order by id desc limit 1`;
  const match = new RegExp(`https?://[^/\\s]+(${path}\\?token=[^\\s]+)`).exec(row?.text ?? "");
  if (!match) throw new Error(`no ${path} link mailed to ${to}`);
  return match[1]!;
}

async function sessionCount(userId: string): Promise<number> {
  const [row] = await getSql()<{ n: number }[]>`select count(*)::int as n from sessions where user_id = ${userId}`;
  return row!.n;
}

describe("sign up, verify, sign in", () => {
  it("works end to end: signup → outbox mail → GET verify page (changes nothing) → POST verify → sign in with a proper cookie", async () => {
    const b = browser();
    const email = uniqueEmail("flow");
    const form = await b.get("/signup");
    expect(form.status).toBe(200);
    const formHtml = await form.text();
    expect(formHtml).toContain("<title>Create an account — Accord</title>");
    expect(formHtml).toMatch(/12 and 256 characters/);

    const posted = await b.post("/signup", { name: "Flow Person", email, password: "signal harbour quill 31" });
    expect(posted.status).toBe(302);
    expect(posted.headers.get("location")).toBe("/signup?sent=1");
    // Only the signing-up browser's secret (app/auth/signup-browser.server.ts): no session before confirming.
    expect(posted.headers.getSetCookie().map((c) => c.split("=")[0])).toEqual(["accord_signup"]);
    const sent = await (await b.get("/signup?sent=1")).text();
    expect(h1(sent)).toBe("Check your e-mail");

    // Confirmed from another browser (the signing-up one needs no second password: tests/integration/signup-return.test.ts).
    const verifyPath = await lastMailPath(email, "/verify-email");
    const other = browser();
    const page = await other.get(verifyPath);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const pageHtml = await page.text();
    expect(pageHtml).toContain("Confirm my e-mail address");
    // Whoever confirms chooses the account's name and password (the sign-up may have been someone else's).
    expect(pageHtml).toContain('<label for="field-password">Password</label>');
    await other.get(verifyPath); // a mail scanner following the link twice
    expect((await findUserByEmail(email))!.emailVerifiedAt).toBeNull();

    const token = new URLSearchParams(verifyPath.split("?")[1]).get("token")!;
    const chosen = { token, name: "Flow Person", password: "signal harbour quill 31", confirmPassword: "signal harbour quill 31" };
    const verified = await other.post(verifyPath, chosen);
    expect(verified.status).toBe(302);
    expect(verified.headers.get("location")).toBe("/login?verified=1");
    expect((await findUserByEmail(email))!.emailVerifiedAt).toBeInstanceOf(Date);
    const again = await other.post(verifyPath, chosen);
    expect(again.status).toBe(400);
    expect(h1(await again.text())).toBe("This link has expired or was already used");

    const res = await b.post("/login", { email, password: "signal harbour quill 31" });
    expect(res.status).toBe(302);
    const [cookie, ...rest] = res.headers.getSetCookie();
    // Besides the session, only the device cookie (sign-in throttling: tests/integration/sign-in-throttle.test.ts).
    expect(rest).toHaveLength(1);
    expect(rest[0]).toMatch(/^accord_device=[A-Za-z0-9_-]{20}\.[0-9a-f]{32}; Path=\/; HttpOnly; SameSite=Lax; Expires=/);
    expect(cookie).toMatch(new RegExp(`^${COOKIE}=[a-z2-9]{24}\\.[a-z2-9]{24};`));
    const attributes = cookie!.split(";").map((p) => p.trim().toLowerCase());
    expect(attributes).toContain("httponly");
    expect(attributes).toContain("samesite=lax");
    expect(attributes).toContain("path=/");
    expect(attributes).not.toContain("secure");
    expect(attributes.some((a) => a.startsWith("expires="))).toBe(true);
    expect(attributes.some((a) => a.startsWith("domain="))).toBe(false);

    const account = await b.get("/account");
    expect(account.status).toBe(200);
    const html = await account.text();
    expect(html).toContain('value="Flow Person"');
    expect(html).toContain("This browser");
  });

  it("answers a sign-up for an already registered e-mail exactly like a new one", async () => {
    const existing = await createUser();
    const fresh = uniqueEmail("fresh");
    const a = await browser().post("/signup", { name: "Someone", email: existing.email, password: "signal harbour quill 31" });
    const b = await browser().post("/signup", { name: "Someone", email: fresh, password: "signal harbour quill 31" });
    expect([a.status, a.headers.get("location")]).toEqual([b.status, b.headers.get("location")]);
    // Both set a fresh signing-up secret (its value is random; nothing else differs).
    const shape = (r: Response) => r.headers.getSetCookie().map((c) => c.replace(/=[a-z2-7]{32};/, "=…;"));
    expect(shape(a)).toEqual(shape(b));
    expect(shape(a)).toHaveLength(1);
  });

  it("ties each sign-up error to its input and keeps the answers in words", async () => {
    const res = await browser().post("/signup", { name: "", email: "not-an-address", password: "short" });
    expect(res.status).toBe(400);
    const html = await res.text();
    for (const [field, message] of [
      ["name", "Enter your name."],
      ["email", "Enter an e-mail address like name@example.org."],
      ["password", "Use at least 12 characters."],
    ] as const) {
      expect(html).toMatch(new RegExp(`<input[^>]*id="field-${field}"[^>]*aria-invalid="true"[^>]*aria-describedby="[^"]*field-${field}-error`));
      expect(html).toContain(`<p class="error" id="field-${field}-error">${message}</p>`);
    }
    const common = await browser().post("/signup", { name: "X", email: uniqueEmail(), password: "qwerty123456" });
    expect(await common.text()).toContain("This password is one of the most commonly used; choose another.");
  });

  it("escapes hostile input echoed back into the page", async () => {
    const res = await browser().post("/signup", { name: '"><script>alert(1)</script>', email: "<img src=x onerror=alert(1)>", password: "x" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).not.toContain("<img src=x");
  });
});

describe("signing in", () => {
  it("answers a wrong password with the same words for a registered and an unregistered e-mail", async () => {
    const user = await createUser();
    const registered = await browser().post("/login", { email: user.email, password: "definitely not it" });
    const unregistered = await browser().post("/login", { email: uniqueEmail("ghost"), password: "definitely not it" });
    expect(registered.status).toBe(400);
    expect(unregistered.status).toBe(400);
    const a = alertText(await registered.text());
    expect(a).toBe("That e-mail and password do not match an account.");
    expect(alertText(await unregistered.text())).toBe(a);
  });

  it("throttles an account after repeated failures: 429 with Retry-After, the right password waits too, then works", async () => {
    const user = await createUser();
    const b = browser();
    for (let i = 0; i < 6; i++) {
      expect((await b.post("/login", { email: user.email, password: `wrong guess ${i}` })).status).toBe(400);
    }
    const blocked = await b.post("/login", { email: user.email, password: "wrong guess 7" });
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(alertText(await blocked.text())).toBe(`Too many attempts. ${pleaseWait(retryAfter)}`);

    const rightTooSoon = await b.post("/login", { email: user.email, password: TEST_PASSWORD });
    expect(rightTooSoon.status).toBe(429);
    expect(rightTooSoon.headers.getSetCookie()).toEqual([]);
    expect(await sessionCount(user.id)).toBe(0);

    // Someone else, signing in from the same address meanwhile, is not held up by this account's penalty.
    const other = await createUser();
    expect((await browser().post("/login", { email: other.email, password: TEST_PASSWORD })).status).toBe(302);
    // …nor from another IP (the per-account key differs, the IP key is not blocked).
    expect((await login({ email: other.email, password: TEST_PASSWORD, ip: "203.0.113.50", userAgent: null })).ok).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 250));
    const right = await b.post("/login", { email: user.email, password: TEST_PASSWORD });
    expect(right.status).toBe(302);
    expect(b.cookies.get(COOKIE)).toBeTruthy();
  });

  it("throttles an IP after many failures across accounts, without affecting the same account from another IP", async () => {
    const user = await createUser();
    const attacker = "198.51.100.23";
    for (let i = 0; i < 21; i++) {
      const r = await login({ email: uniqueEmail(`spray${i}`), password: "Summer2024!!", ip: attacker, userAgent: null });
      expect(r).toEqual({ ok: false, reason: "invalid" });
    }
    const fromAttacker = await login({ email: user.email, password: TEST_PASSWORD, ip: attacker, userAgent: null });
    expect(fromAttacker).toMatchObject({ ok: false, reason: "throttled" });
    const fromElsewhere = await login({ email: user.email, password: TEST_PASSWORD, ip: "192.0.2.77", userAgent: null });
    expect(fromElsewhere.ok).toBe(true);
  });

  it("sends a signed-in visitor of /login on to where they were going, but never off-site", async () => {
    const b = await signedIn(await createUser());
    expect((await b.get("/login?redirectTo=%2Faccount")).headers.get("location")).toBe("/account");
    expect((await b.get("/login?redirectTo=%2F%2Fevil.example")).headers.get("location")).toBe("/workshops");
    expect((await b.get("/login?redirectTo=https%3A%2F%2Fevil.example")).headers.get("location")).toBe("/workshops");
  });

  it("keeps a signed-in visitor on the site when redirectTo hides a second slash behind a tab, a newline or a backslash", async () => {
    const b = await signedIn(await createUser());
    for (const value of ["%2F%09%2Fevil.example", "%2F%0D%0A%2Fevil.example", "%2F%5Cevil.example", "%5C%2F%5C%2Fevil.example", "https%3Aevil.example", "%2F.%2F%2Fevil.example"]) {
      const res = await b.get(`/login?redirectTo=${value}`);
      expect(res.status, value).toBe(302);
      const location = res.headers.get("location")!;
      // Where a browser lands (it strips tabs and newlines, and reads backslashes as slashes) is our own site.
      expect(new URL(location, server.url).origin, `${value} → ${JSON.stringify(location)}`).toBe(server.url);
    }
    expect((await b.get("/login?redirectTo=%2F%09%2Fevil.example")).headers.get("location")).toBe("/workshops");
    // …and after signing in with the form too.
    const user = await createUser();
    const form = await browser().post("/login", { email: user.email, password: TEST_PASSWORD, redirectTo: "/\t/evil.example" });
    expect(form.headers.get("location")).toBe("/workshops");
  });
});

describe("cross-origin requests", () => {
  const evilOrigins = ["http://evil.example", "http://127.0.0.1.evil.example", "https://127.0.0.1", "null"];

  it("refuses a cross-origin POST to /login with 403 and signs nobody in", async () => {
    const user = await createUser();
    for (const origin of evilOrigins.filter((o) => o !== "null")) {
      const res = await browser().post("/login", { email: user.email, password: TEST_PASSWORD }, { origin });
      expect(res.status, origin).toBe(403);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    expect(await sessionCount(user.id)).toBe(0);
  });

  it("refuses a cross-origin POST to /signup with 403 and creates no account", async () => {
    const email = uniqueEmail("csrf");
    const res = await browser().post("/signup", { name: "X", email, password: "signal harbour quill 31" }, { origin: "http://evil.example" });
    expect(res.status).toBe(403);
    expect(await findUserByEmail(email)).toBeNull();
  });

  it("refuses a cross-origin POST to /logout with 403 and leaves the session alive", async () => {
    const b = await signedIn(await createUser());
    const res = await b.post("/logout", {}, { origin: "http://evil.example" });
    expect(res.status).toBe(403);
    expect((await b.get("/account")).status).toBe(200);
  });

  it("refuses a cross-origin POST to /account with 403 and changes nothing", async () => {
    const user = await createUser({ name: "Unchanged" });
    const b = await signedIn(user);
    const forms: Record<string, string>[] = [
      { intent: "rename", name: "Pwned" },
      { intent: "create-token", tokenName: "stolen" },
      { intent: "revoke-other-sessions" },
    ];
    for (const form of forms) {
      expect((await b.post("/account", form, { origin: "http://evil.example" })).status).toBe(403);
    }
    expect((await findUserById(user.id))!.name).toBe("Unchanged");
    const [tokens] = await getSql()<{ n: number }[]>`select count(*)::int as n from personal_access_tokens where user_id = ${user.id}`;
    expect(tokens!.n).toBe(0);
  });

  it("refuses a POST without Origin when Sec-Fetch-Site says cross-site (or says nothing)", async () => {
    const user = await createUser({ name: "Still Me" });
    const b = await signedIn(user);
    const cookie = b.cookieHeader();
    const variants: Record<string, string>[] = [
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "null", "sec-fetch-site": "cross-site" },
      {},
    ];
    for (const headers of variants) {
      const res = await rawPost("/account", { intent: "rename", name: "Changed" }, { cookie, ...headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
    }
    expect((await findUserById(user.id))!.name).toBe("Still Me");
    // The same request from our own page goes through.
    const ok = await rawPost("/account", { intent: "rename", name: "Changed" }, { cookie, "sec-fetch-site": "same-origin" });
    expect(ok.status).toBe(302);
    expect((await findUserById(user.id))!.name).toBe("Changed");
  });
});

describe("sessions", () => {
  it("sends a visitor of /account without a session to sign in, and back", async () => {
    const res = await browser().get("/account");
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?redirectTo=%2Faccount");
  });

  it("does not accept a session token copied from the sessions table as a cookie", async () => {
    const user = await createUser();
    const b = await signedIn(user);
    const [row] = await getSql()<{ id: string; hex: string; b64: string }[]>`
      select id, encode(secret_hash, 'hex') as hex, encode(secret_hash, 'base64') as b64 from sessions where user_id = ${user.id}`;
    for (const forged of [`${row!.id}.${row!.hex}`, `${row!.id}.${row!.b64}`, `${row!.id}.${row!.hex.slice(0, 24)}`, row!.id]) {
      const res = await fetch(`${server.url}/account`, { redirect: "manual", headers: { cookie: `${COOKIE}=${forged}` } });
      expect(res.status, forged).toBe(302);
    }
    expect((await b.get("/account")).status).toBe(200);
  });

  it("signing out ends the session on the server: the old cookie no longer works", async () => {
    const user = await createUser();
    const b = await signedIn(user);
    const oldCookie = b.cookieHeader();
    const out = await b.post("/logout", {});
    expect(out.status).toBe(302);
    expect(out.headers.getSetCookie()[0]).toMatch(new RegExp(`^${COOKIE}=;.*Max-Age=0`));
    expect(await sessionCount(user.id)).toBe(0);
    const replay = await fetch(`${server.url}/account`, { redirect: "manual", headers: { cookie: oldCookie } });
    expect(replay.status).toBe(302);
    expect(replay.headers.get("location")).toBe("/login?redirectTo=%2Faccount");
  });

  it("a GET to /logout signs nobody out", async () => {
    const b = await signedIn(await createUser());
    expect((await b.get("/logout")).status).toBe(302);
    expect((await b.get("/account")).status).toBe(200);
  });

  it("lists the user's sessions in words, marks this browser, and revokes only the user's own", async () => {
    const user = await createUser();
    const here = await signedIn(user, CHROME_LINUX);
    const there = await signedIn(user, FIREFOX_WINDOWS);
    const phone = await signedIn(user, SAFARI_IPHONE);
    const stranger = await signedIn(await createUser(), FIREFOX_WINDOWS);

    const html = await (await here.get("/account")).text();
    expect(html).toContain("Chrome on Linux");
    expect(html).toContain("Firefox on Windows");
    expect(html).toContain("Safari on iPhone");
    // Once on the page (the strings sent for hydration, in a script, say it too: ADR 0009).
    expect(html.replace(/<script[\s\S]*?<\/script>/g, "").match(/This browser/g)).toHaveLength(1);
    expect(html.indexOf("Chrome on Linux")).toBeLessThan(html.indexOf("This browser"));

    const [thereRow] = await getSql()<{ id: string }[]>`select id from sessions where user_id = ${user.id} and user_agent = ${FIREFOX_WINDOWS}`;
    // Someone else cannot end this user's session, even knowing its id.
    const foreign = await stranger.post("/account", { intent: "revoke-session", sessionId: thereRow!.id });
    expect(foreign.status).toBe(404);
    expect((await there.get("/account")).status).toBe(200);

    const revoked = await here.post("/account", { intent: "revoke-session", sessionId: thereRow!.id });
    expect(revoked.status).toBe(302);
    expect(revoked.headers.get("location")).toBe("/account?done=session#sessions");
    expect((await there.get("/account")).status).toBe(302);
    expect((await phone.get("/account")).status).toBe(200);

    const everywhere = await here.post("/account", { intent: "revoke-other-sessions" });
    expect(everywhere.status).toBe(302);
    expect((await phone.get("/account")).status).toBe(302);
    const after = await here.get("/account?done=sessions");
    expect(after.status).toBe(200);
    expect(await after.text()).toContain("Every other session was signed out.");
    expect((await stranger.get("/account")).status).toBe(200);
  });

  it("refuses malformed intents and ids in words", async () => {
    const b = await signedIn(await createUser());
    const unknown = await b.post("/account", { intent: "drop-table" });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain("That action is not known.");
    const badId = await b.post("/account", { intent: "revoke-session", sessionId: "' or 1=1 --" });
    expect(badId.status).toBe(400);
    expect((await b.get("/account")).status).toBe(200);
  });
});

describe("the account page", () => {
  it("changes the name, and refuses an empty or too long one with the error tied to the field", async () => {
    const user = await createUser({ name: "Old Name" });
    const b = await signedIn(user);
    const empty = await b.post("/account", { intent: "rename", name: "   " });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toMatch(/id="field-name"[^>]*aria-invalid="true"[^>]*aria-describedby="field-name-hint field-name-error"/);
    expect((await b.post("/account", { intent: "rename", name: "x".repeat(121) })).status).toBe(400);
    const ok = await b.post("/account", { intent: "rename", name: "  New Name  " });
    expect(ok.status).toBe(302);
    expect((await findUserById(user.id))!.name).toBe("New Name");
    const page = await (await b.get("/account?done=name")).text();
    expect(page).toContain("Your name was changed.");
  });

  it("changes the password: needs the current one, sets a fresh cookie here and signs out everywhere else", async () => {
    const user = await createUser();
    const here = await signedIn(user);
    const there = await signedIn(user, FIREFOX_WINDOWS);
    const oldCookie = here.cookies.get(COOKIE);

    const wrong = await here.post("/account", {
      intent: "change-password",
      currentPassword: "not the password",
      newPassword: "violet anchor meadow 12",
      confirmPassword: "violet anchor meadow 12",
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('<p class="error" id="field-currentPassword-error">That is not your current password.</p>');

    const mismatch = await here.post("/account", {
      intent: "change-password",
      currentPassword: TEST_PASSWORD,
      newPassword: "violet anchor meadow 12",
      confirmPassword: "violet anchor meadow 13",
    });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain("The two new passwords are not the same.");

    const ok = await here.post("/account", {
      intent: "change-password",
      currentPassword: TEST_PASSWORD,
      newPassword: "violet anchor meadow 12",
      confirmPassword: "violet anchor meadow 12",
    });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe("/account?done=password#password");
    const newCookie = here.cookies.get(COOKIE);
    expect(newCookie).toBeTruthy();
    expect(newCookie).not.toBe(oldCookie);
    expect(ok.headers.getSetCookie()[0]).toMatch(/HttpOnly; SameSite=Lax/);
    expect((await here.get("/account")).status).toBe(200);
    expect((await there.get("/account")).status).toBe(302);
    expect(await validateSessionToken(oldCookie!)).toBeNull();
  });

  it("creates a personal access token shown once, which works as a Bearer token on /api/me until revoked", async () => {
    const user = await createUser();
    const b = await signedIn(user);
    const created = await b.post("/account", { intent: "create-token", tokenName: "Nightly <export>", scopes: "read", lifetimeDays: "90" });
    expect(created.status).toBe(200);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const html = await created.text();
    const token = /accord_pat_[a-z2-9]{24}\.[a-z2-9]{24}/.exec(html)?.[0];
    expect(token).toBeTruthy();
    expect(html).toMatch(new RegExp(`<input id="new-token"[^>]*value="${token!.replace(".", "\\.")}"`));
    expect(html).toContain("it is shown only this once");
    expect(html).toContain("Nightly &lt;export&gt;");

    const later = await (await b.get("/account")).text();
    expect(later).not.toContain(token!);
    expect(later).toContain("Nightly &lt;export&gt;");
    const [stored] = await getSql()<{ hash: Uint8Array }[]>`select secret_hash as hash from personal_access_tokens where user_id = ${user.id}`;
    expect(Buffer.from(stored!.hash).toString("utf8")).not.toContain(token!.split(".")[1]!);

    const me = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: user.id, email: user.email });
    expect((await authenticate({ authorization: `Bearer ${token}` }))?.user.id).toBe(user.id);
    // A token is for the API: the account page refuses it in words.
    const page = await fetch(`${server.url}/account`, { redirect: "manual", headers: { authorization: `Bearer ${token}` } });
    expect(page.status).toBe(403);
    expect(await page.text()).toContain("Personal access tokens work with the JSON API");

    const tokenId = token!.slice("accord_pat_".length).split(".")[0]!;
    const stranger = await signedIn(await createUser());
    expect((await stranger.post("/account", { intent: "revoke-token", tokenId })).status).toBe(404);
    expect((await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    const revoked = await b.post("/account", { intent: "revoke-token", tokenId });
    expect(revoked.status).toBe(302);
    expect((await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect(await authenticate({ authorization: `Bearer ${token}` })).toBeNull();
  });

  it("refuses a token without a name or with a name over 80 characters", async () => {
    const b = await signedIn(await createUser());
    const empty = await b.post("/account", { intent: "create-token", tokenName: " ", scopes: "read", lifetimeDays: "90" });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toMatch(/id="field-tokenName-error">Give the token a name/);
    expect((await b.post("/account", { intent: "create-token", tokenName: "n".repeat(81), scopes: "read", lifetimeDays: "90" })).status).toBe(400);
    expect((await b.post("/account", { intent: "create-token", tokenName: "tab\there", scopes: "read", lifetimeDays: "90" })).status).toBe(400);
  });
});

describe("password reset over HTTP", () => {
  it("answers the same for a registered and an unknown address, then resets once through the mailed link", async () => {
    const user = await createUser();
    const b = browser();
    const known = await b.post("/forgot-password", { email: user.email });
    const unknown = await browser().post("/forgot-password", { email: uniqueEmail("ghost") });
    expect([known.status, known.headers.get("location")]).toEqual([302, "/forgot-password?sent=1"]);
    expect([unknown.status, unknown.headers.get("location")]).toEqual([302, "/forgot-password?sent=1"]);
    expect(await (await b.get("/forgot-password?sent=1")).text()).toContain("If an account uses that address, we sent a link to it.");

    const stale = await signedIn(user);
    const path = await lastMailPath(user.email, "/reset-password");
    const page = await b.get(path);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(h1(await page.text())).toBe("Choose a new password");

    const mismatch = await b.post(path, { token: new URLSearchParams(path.split("?")[1]).get("token")!, password: "ember compass tide 44", confirmPassword: "ember compass tide 45" });
    expect(mismatch.status).toBe(400);
    const mismatchHtml = await mismatch.text();
    expect(mismatchHtml).toContain("The two passwords are not the same.");
    expect(mismatchHtml).toContain('name="token" value="'); // the form can be sent again

    const token = new URLSearchParams(path.split("?")[1]).get("token")!;
    const done = await b.post(path, { token, password: "ember compass tide 44", confirmPassword: "ember compass tide 44" });
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/login?reset=1");
    expect((await stale.get("/account")).status).toBe(302);
    expect((await browser().post("/login", { email: user.email, password: "ember compass tide 44" })).status).toBe(302);

    const reused = await b.post(path, { token, password: "other compass tide 55", confirmPassword: "other compass tide 55" });
    expect(reused.status).toBe(400);
    expect(h1(await reused.text())).toBe("This link has expired or was already used");
    const garbage = await b.get("/reset-password?token=%3Cscript%3E");
    expect(h1(await garbage.text())).toBe("This link does not work");
  });
});

describe("sending the confirmation link again", () => {
  it("needs a session, sends one mail, and then asks to wait (429 with Retry-After)", async () => {
    const anonymous = await browser().get("/verify-email/resend");
    expect(anonymous.headers.get("location")).toBe("/login?redirectTo=%2Fverify-email%2Fresend");
    const user = await createUser({ verified: false });
    const b = await signedIn(user);
    const page = await b.get("/verify-email/resend");
    expect(page.status).toBe(200);
    const first = await b.post("/verify-email/resend", {});
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe("/verify-email/resend?sent=1");
    const second = await b.post("/verify-email/resend", {});
    expect(second.status).toBe(429);
    expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(50);
    expect(await second.text()).toMatch(/Please wait (a minute|\d+ seconds|a second) before asking for another one/);
    const [row] = await getSql()<{ n: number }[]>`select count(*)::int as n from outbox where to_address = ${user.email}`;
    expect(row!.n).toBe(1);
  });
});

describe("the development outbox", () => {
  it("lists mails with their links clickable and hostile bodies inert", async () => {
    const to = uniqueEmail("outbox");
    await insertOutbox({
      to,
      subject: "Hostile <b>subject</b>",
      text: 'Open https://accord.example/verify-email?token=abc.def, then <script>alert(1)</script> javascript:alert(1) http://x.example/"><img src=x onerror=alert(1)>',
    });
    const res = await browser().get("/dev/outbox");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<title>Development outbox — Accord</title>");
    expect(html).toContain('<a href="https://accord.example/verify-email?token=abc.def">https://accord.example/verify-email?token=abc.def</a>,');
    expect(html).toContain("Hostile &lt;b&gt;subject&lt;/b&gt;");
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain(to);
  });

  it("is 404 in production (the loader, with NODE_ENV=production)", async () => {
    const { loader } = await import("../../app/routes/dev.outbox");
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = "production";
    resetConfigCache();
    try {
      const thrown = await Promise.resolve(loader({ request: new Request("http://localhost/dev/outbox"), params: {}, context: {} as never })).then(
        () => null,
        (e: unknown) => e,
      );
      expect(thrown).toBeInstanceOf(Response);
      expect((thrown as Response).status).toBe(404);
    } finally {
      process.env.NODE_ENV = before;
      resetConfigCache();
    }
  });
});
