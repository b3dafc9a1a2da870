/**
 * The second factor over HTTP, against the real app on a real PostgreSQL: enrolment (QR code, key, a first code,
 * recovery codes), signing in with a code after the password, wrong, malformed, replayed and spent codes, the
 * pending sign-in's binding to its browser and its expiry, turning it off, an organiser resetting another's, and
 * workshops that require it of their organisers. Needs a current build (`npm run build`).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import type { UserRow } from "../../db/users";
import { createAccessToken } from "../../app/auth/access-tokens.server";
import { resetConfigCache } from "../../app/config.server";
import { addMember, createUser, createWorkshop, TEST_PASSWORD } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";
import { auditActions } from "../support/members-scene";
import { codeAt, enrolOverHttp, typedKeyOf } from "../support/second-factor";

let server: TestServer;

beforeAll(async () => {
  process.env.ACCORD_LOG_LEVEL = "error";
  resetConfigCache();
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

/** The page's text as read: React's text separators (<!-- -->) taken out. */
const textOf = async (res: Response) => (await res.text()).replace(/<!-- -->/g, "");
const alertText = (html: string) => /<div class="alert error" role="alert">([^<]*)<\/div>/.exec(html.replace(/<!-- -->/g, ""))?.[1] ?? "";

/** A browser that gave the right password: signed in, or half-way (a pending sign-in) when the account has a second factor. */
async function afterPassword(user: UserRow, redirectTo = ""): Promise<{ browser: Browserish; res: Response }> {
  const browser = new Browserish(server.url);
  const res = await browser.post("/login", { email: user.email, password: TEST_PASSWORD, redirectTo });
  return { browser, res };
}

async function signedIn(user: UserRow): Promise<Browserish> {
  const { browser, res } = await afterPassword(user);
  expect(res.headers.get("location")).toBe("/workshops");
  return browser;
}

/** A person with a second factor set up over HTTP. */
async function enrolledPerson(name = "Tess Totp") {
  const user = await createUser({ name });
  const browser = await signedIn(user);
  const { key, recoveryCodes } = await enrolOverHttp(browser);
  return { user, browser, key, recoveryCodes };
}

async function pendingFor(user: UserRow, redirectTo = ""): Promise<Browserish> {
  const { browser, res } = await afterPassword(user, redirectTo);
  expect(res.status).toBe(302);
  expect(res.headers.get("location")).toBe("/login/second-factor");
  expect(browser.cookies.has("accord_session"), "no session before the second factor").toBe(false);
  return browser;
}

const giveCode = (browser: Browserish, code: string) => browser.post("/login/second-factor", { code });

describe("setting up a second factor", () => {
  it("shows a QR code and the key, refuses a wrong first code, and gives ten recovery codes once a right one confirms it", async () => {
    const user = await createUser();
    const browser = await signedIn(user);
    const other = await signedIn(user); // another browser, signed in with the password alone
    expect((await browser.post("/account/second-factor", { intent: "start" })).status).toBe(302);
    const page = await (await browser.get("/account/second-factor")).text();
    expect(page).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(page).toContain('aria-label="QR code of your Accord key for an authenticator app"');
    const key = typedKeyOf(page);

    const wrong = await browser.post("/account/second-factor", { intent: "confirm", code: "000000" === (await codeAt(key)) ? "111111" : "000000" });
    expect(wrong.status).toBe(400);
    expect(alertText(await wrong.text())).toContain("That code is not right");
    const letters = await browser.post("/account/second-factor", { intent: "confirm", code: "12ab56" });
    expect(letters.status).toBe(400);

    const right = await browser.post("/account/second-factor", { intent: "confirm", code: await codeAt(key) });
    expect(right.status).toBe(200);
    const html = await right.text();
    const codes = [...html.matchAll(/<li><code>([a-z2-9-]{19})<\/code><\/li>/g)].map((m) => m[1]);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);

    const [stored] = await getSql()<{ n: number; plain: number }[]>`
      select count(*)::int as n, count(*) filter (where code_hash = convert_to(${codes[0]!}, 'UTF8'))::int as plain
      from recovery_codes where user_id = ${user.id}`;
    expect(stored).toEqual({ n: 10, plain: 0 });
    // Shown once: the page now says it is on, without codes.
    const after = await (await browser.get("/account/second-factor")).text();
    expect(after).toContain("The second factor is on");
    expect(after).not.toContain(codes[0]!);
    // This browser's session proved it; the other browser (password only) was signed out.
    const [session] = await getSql()<{ verified: boolean }[]>`
      select second_factor_verified_at is not null as verified from sessions where user_id = ${user.id}`;
    expect(session?.verified).toBe(true);
    expect((await other.get("/account")).headers.get("location")).toMatch(/^\/login/);
  });
});

describe("signing in with a second factor", () => {
  it("asks for a code after the password, in the browser that gave it, and then signs in where it was going", async () => {
    const { user, key } = await enrolledPerson();
    const browser = await pendingFor(user, "/account");
    const ask = await browser.get("/login/second-factor");
    expect(ask.status).toBe(200);
    expect((await ask.text()).toLowerCase()).toContain('autocomplete="one-time-code"');
    const done = await giveCode(browser, await codeAt(key));
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/account");
    expect(browser.cookies.has("accord_session")).toBe(true);
    expect(browser.cookies.has("accord_pending")).toBe(false);
    expect((await browser.get("/account")).status).toBe(200);
    const [row] = await getSql()<{ n: number }[]>`
      select count(*)::int as n from sessions where user_id = ${user.id} and second_factor_verified_at is not null`;
    expect(row?.n).toBe(2); // the enrolling browser's and this one
  });

  it("refuses a wrong code, letters, an overlong code and an empty one, then ends the pending sign-in after five", async () => {
    const { user, key } = await enrolledPerson();
    const browser = await pendingFor(user);
    const right = await codeAt(key);
    const wrong = right === "123456" ? "654321" : "123456";
    for (const [code, left] of [[wrong, "4 tries left"], ["abcdef", "3 tries left"], ["1".repeat(5000), "2 tries left"], ["", "One try left"]] as const) {
      const res = await giveCode(browser, code);
      expect(res.status).toBe(400);
      expect(alertText(await res.text())).toContain(left);
      expect(browser.cookies.has("accord_session")).toBe(false);
    }
    const last = await giveCode(browser, wrong);
    expect(last.headers.get("location"), "back to the password").toBe("/login?expired=1");
    expect(browser.cookies.has("accord_pending")).toBe(false);
    // Even the right code does nothing now: the pending sign-in is gone.
    const late = await giveCode(browser, await codeAt(key));
    expect(late.headers.get("location")).toBe("/login?expired=1");
    expect(browser.cookies.has("accord_session")).toBe(false);
    expect((await browser.get("/login/second-factor")).headers.get("location")).toBe("/login?expired=1");
  });

  it("throttles codes like passwords: past five wrong ones the account waits, even a right code", async () => {
    const { user, key } = await enrolledPerson();
    const right = await codeAt(key);
    const wrong = right === "123456" ? "654321" : "123456";
    const first = await pendingFor(user);
    for (let i = 0; i < 5; i++) await giveCode(first, wrong);
    const second = await pendingFor(user);
    expect((await giveCode(second, wrong)).status, "the sixth goes ahead, and starts a wait").toBe(400);
    const waiting = await giveCode(second, right);
    expect(waiting.status).toBe(429);
    expect(Number(waiting.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(alertText(await waiting.text())).toContain("Too many attempts");
    expect(second.cookies.has("accord_session")).toBe(false);
  });

  it("refuses a code that was already used, even from the same person a moment later", async () => {
    const { user, key } = await enrolledPerson();
    const code = await codeAt(key, 1);
    const first = await pendingFor(user);
    expect((await giveCode(first, code)).status).toBe(302);
    const second = await pendingFor(user);
    const replay = await giveCode(second, code);
    expect(replay.status).toBe(400);
    expect(alertText(await replay.text())).toContain("already used");
    expect(second.cookies.has("accord_session")).toBe(false);
    // An older code (the step before the one used) is refused too: only later steps are accepted.
    expect((await giveCode(second, await codeAt(key, 0))).status).toBe(400);
  });

  it("takes a recovery code once, and refuses it the second time", async () => {
    const { user, recoveryCodes } = await enrolledPerson();
    const code = recoveryCodes[3]!;
    const first = await pendingFor(user);
    expect((await giveCode(first, code.toUpperCase().replace(/-/g, " "))).status).toBe(302);
    const second = await pendingFor(user);
    expect((await giveCode(second, code)).status).toBe(400);
    const page = await textOf(await first.get("/account/second-factor"));
    expect(page).toContain("9 of 10 recovery codes are left");
  });

  it("gives nothing to another browser, nor to a pending sign-in past its five minutes", async () => {
    const { user, key } = await enrolledPerson();
    const mine = await pendingFor(user);
    // Another browser: no pending cookie, or one it made up.
    const stranger = new Browserish(server.url);
    const none = await giveCode(stranger, await codeAt(key));
    expect(none.headers.get("location")).toBe("/login?expired=1");
    expect(stranger.cookies.has("accord_session")).toBe(false);
    const forged = new Browserish(server.url);
    const id = mine.cookies.get("accord_pending")!.split(".")[0]!;
    forged.cookies.set("accord_pending", `${id}.${"a".repeat(24)}`);
    expect((await giveCode(forged, await codeAt(key))).headers.get("location")).toBe("/login?expired=1");
    expect(forged.cookies.has("accord_session")).toBe(false);
    // Their tries did not spend the code, nor this browser's pending sign-in.
    expect((await giveCode(mine, await codeAt(key))).headers.get("location")).toBe("/workshops");
    // Past its five minutes: refused, even with a right code.
    const later = await pendingFor(user);
    await getSql()`update pending_sign_ins set expires_at = now() - interval '1 second' where user_id = ${user.id}`;
    expect((await later.get("/login/second-factor")).headers.get("location")).toBe("/login?expired=1");
    const late = await giveCode(later, await codeAt(key, 1));
    expect(late.headers.get("location")).toBe("/login?expired=1");
    expect(later.cookies.has("accord_session")).toBe(false);
    expect(await textOf(await later.get("/login?expired=1"))).toContain("That sign-in was no longer open");
  });
});

describe("turning the second factor off", () => {
  it("needs the password or a code, and then signing in needs the password alone", async () => {
    const { user, browser } = await enrolledPerson();
    const wrong = await browser.post("/account/second-factor", { intent: "disable", password: "not my password at all" });
    expect(wrong.status).toBe(400);
    expect((await browser.post("/account/second-factor", { intent: "disable" })).status).toBe(400);
    const off = await browser.post("/account/second-factor", { intent: "disable", password: TEST_PASSWORD });
    expect(off.headers.get("location")).toBe("/account/second-factor?done=off");
    await signedIn(user);
    const [mail] = await getSql()<{ subject: string }[]>`select subject from outbox where to_address = ${user.email} order by id desc limit 1`;
    expect(mail?.subject).toContain("turned off");
  });
});

describe("workshops that require a second factor of their organisers", () => {
  async function scene() {
    const workshop = await createWorkshop(undefined, { secondFactorRequired: true });
    const [doc] = await getSql()<{ id: string }[]>`
      insert into documents (workshop_id, slug, title, kind) values (${workshop.id}, ${`d-${randomBytes(3).toString("hex")}`}, 'Call', 'declaration') returning id`;
    const plain = await createUser({ name: "Pat Password" });
    await addMember(workshop.id, plain.id, "organizer");
    const strong = await enrolledPerson("Sam Second");
    await addMember(workshop.id, strong.user.id, "organizer");
    return { workshop, documentId: doc!.id, plain, strong, membersPath: `/workshops/${workshop.slug}/members` };
  }

  it("refuses an organiser without one publishing, moderating, exporting and managing members, with a page that says how to set it up", async () => {
    const { documentId, plain, membersPath } = await scene();
    const browser = await signedIn(plain);
    for (const path of [`/documents/${documentId}/publish`, `/documents/${documentId}/endorsements`, `/documents/${documentId}/endorsements/export`, membersPath]) {
      const page = await browser.get(path);
      expect(page.status, path).toBe(403);
      const html = await page.text();
      expect(html, path).toContain("requires its organisers to use a second factor");
      if (path.endsWith("/export")) continue; // a download: its refusal is the words alone
      expect(html, path).toContain('href="/account/second-factor"');
      const post = await browser.post(path, { intent: "publish" });
      expect(post.status, `POST ${path}`).toBe(403);
    }
    // The JSON API: a token of this account does not count.
    const { token } = await createAccessToken(plain.id, { name: "script", scopes: ["admin"], lifetimeDays: 7 });
    const api = await fetch(`${server.url}/api/documents/${documentId}/publish`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(api.status).toBe(403);
    expect(((await api.json()) as { error: string }).error).toContain("second factor");
  });

  it("lets an organiser who signed in with one in, and a token created from that session", async () => {
    const { documentId, strong, membersPath } = await scene();
    for (const path of [`/documents/${documentId}/publish`, `/documents/${documentId}/endorsements`, membersPath]) {
      expect((await strong.browser.get(path)).status, path).toBe(200);
    }
    const made = await strong.browser.post("/account", { intent: "create-token", tokenName: "ci", scopes: "admin", lifetimeDays: "7" });
    const token = /accord_pat_[a-z2-9]{24}\.[a-z2-9]{24}/.exec(await made.text())?.[0];
    expect(token).toBeTruthy();
    const api = await fetch(`${server.url}/api/documents/${documentId}/publish`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(api.status, "past authorization, to the body's check").toBe(400);
  });

  it("lets another organiser reset a lost second factor, recorded in the audit log, and the person is told", async () => {
    const { workshop, plain, strong, membersPath } = await scene();
    const lost = await enrolledPerson("Lou Lost");
    await addMember(workshop.id, lost.user.id, "organizer");
    const editor = await enrolledPerson("Eddie Editor");
    await addMember(workshop.id, editor.user.id, "editor");
    // An organiser who has not proved one cannot reset (here the page itself refuses them first).
    const weak = await signedIn(plain);
    expect((await weak.post(membersPath, { intent: "reset-second-factor", userId: lost.user.id })).status).toBe(403);
    // Only another organiser's; never an editor's, nor one's own.
    const notOrganiser = await strong.browser.post(membersPath, { intent: "reset-second-factor", userId: editor.user.id });
    expect(notOrganiser.status).toBe(409);
    expect(await notOrganiser.text()).toContain("Only the second factor of another organiser of this workshop can be reset here.");
    const own = await strong.browser.post(membersPath, { intent: "reset-second-factor", userId: strong.user.id });
    expect(own.status).toBe(409);
    expect(await own.text()).toContain("You cannot reset your own second factor here: use a recovery code, or ask another organiser.");
    const reset = await strong.browser.post(membersPath, { intent: "reset-second-factor", userId: lost.user.id });
    expect(reset.status).toBe(200);
    expect(await reset.text()).toContain("The second factor of Lou Lost was reset");
    const audit = await auditActions(workshop.id);
    expect(audit).toContainEqual({ action: "member.second_factor_reset", actorId: strong.user.id, details: { userId: lost.user.id } });
    const [mail] = await getSql()<{ subject: string }[]>`select subject from outbox where to_address = ${lost.user.email} order by id desc limit 1`;
    expect(mail?.subject).toBe("Your Accord second factor was reset");
    // Lou signs in with the password alone, and is refused organiser pages until a new one is set up.
    const lou = await signedIn(lost.user);
    expect((await lou.get(membersPath)).status).toBe(403);
    // Lou's old session (it had proved the old second factor) no longer counts either.
    expect((await lost.browser.get(membersPath)).status).toBe(403);
  });

  it("is turned on and off on the members page; turning it on needs one's own second factor; both are audited", async () => {
    const workshop = await createWorkshop();
    const plain = await createUser();
    await addMember(workshop.id, plain.id, "organizer");
    const strong = await enrolledPerson();
    await addMember(workshop.id, strong.user.id, "organizer");
    const path = `/workshops/${workshop.slug}/members`;
    const weak = await signedIn(plain);
    expect(await (await weak.get(path)).text()).toContain("Require a second factor of organisers");
    const refused = await weak.post(path, { intent: "second-factor-rule", required: "on" });
    expect(refused.status).toBe(409);
    expect((await strong.browser.post(path, { intent: "second-factor-rule", required: "on" })).status).toBe(200);
    expect((await weak.get(path)).status).toBe(403);
    expect((await strong.browser.post(path, { intent: "second-factor-rule", required: "off" })).status).toBe(200);
    expect((await weak.get(path)).status).toBe(200);
    const actions = (await auditActions(workshop.id)).map((a) => a.action);
    expect(actions).toEqual(["workshop.second_factor_required", "workshop.second_factor_not_required"]);
  });

  it("is on for workshops created from now on, and off for those that existed before the migration", async () => {
    const [made] = await getSql()<{ required: boolean }[]>`
      insert into workshops (slug, title, starts_on, ends_on) values (${`new-${randomBytes(3).toString("hex")}`}, 'New', '2027-01-01', '2027-01-02')
      returning organisers_need_second_factor as required`;
    expect(made?.required).toBe(true);
  });
});
