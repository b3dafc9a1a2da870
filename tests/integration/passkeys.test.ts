/**
 * Passkeys over HTTP, against the real app on a real PostgreSQL, with a software authenticator (ES256 keys on
 * node:crypto, "none" attestation) answering the options the pages hand out: registration from the account page,
 * signing in with the password and then a passkey, removal, and the hostile cases (another origin, a replayed or
 * expired challenge, another account's credential, a tampered signature, a counter going backwards, garbage JSON).
 * Recovery codes can be replaced without turning the second factor off. Needs a current build (`npm run build`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import type { UserRow } from "../../db/users";
import { getConfig, resetConfigCache } from "../../app/config.server";
import { addMember, createUser, createWorkshop, TEST_PASSWORD } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";
import { auditActions } from "../support/members-scene";
import { codeAt, enrolOverHttp, recoveryCodesOf } from "../support/second-factor";
import { SoftwareAuthenticator, type AnswerTweaks, type ServerOptions } from "../support/software-authenticator";

let server: TestServer;

beforeAll(async () => {
  process.env.ACCORD_LOG_LEVEL = "error";
  resetConfigCache();
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const html = async (res: Response) => (await res.text()).replace(/<!-- -->/g, "");
const alertText = (page: string) => /<div class="alert error" role="alert">([^<]*)<\/div>/.exec(page)?.[1] ?? "";
const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** The options a page handed to the browser (the ceremony form's data-passkey-options). */
function optionsOf(page: string): ServerOptions & Record<string, unknown> {
  const raw = /data-passkey-options="([^"]*)"/.exec(page)?.[1];
  expect(raw, "the page hands out passkey options").toBeTruthy();
  return JSON.parse(unescape(raw!)) as ServerOptions & Record<string, unknown>;
}

/** An authenticator for our relying party: the public URL's host and origin, as a browser on it would use. */
function authenticator(origin = new URL(getConfig().publicUrl).origin): SoftwareAuthenticator {
  return new SoftwareAuthenticator(new URL(getConfig().publicUrl).hostname, origin);
}

async function signedIn(user: UserRow): Promise<Browserish> {
  const browser = new Browserish(server.url);
  const res = await browser.post("/login", { email: user.email, password: TEST_PASSWORD, redirectTo: "" });
  expect(res.headers.get("location")).toBe("/workshops");
  return browser;
}

async function pendingFor(user: UserRow): Promise<Browserish> {
  const browser = new Browserish(server.url);
  const res = await browser.post("/login", { email: user.email, password: TEST_PASSWORD, redirectTo: "" });
  expect(res.headers.get("location")).toBe("/login/second-factor");
  return browser;
}

async function registrationOptions(browser: Browserish, name: string): Promise<ServerOptions & Record<string, unknown>> {
  const res = await browser.post("/account/second-factor", { intent: "passkey-start", name });
  expect(res.status).toBe(200);
  return optionsOf(await html(res));
}

/** Register `key` as a passkey named `name` from a signed-in browser; the answer's response. */
async function register(browser: Browserish, key: SoftwareAuthenticator, name: string, tweaks: AnswerTweaks = {}): Promise<Response> {
  const options = await registrationOptions(browser, name);
  return browser.post("/account/second-factor", { intent: "passkey", name, response: JSON.stringify(key.register(options, tweaks)) });
}

async function signInOptions(browser: Browserish): Promise<ServerOptions & Record<string, unknown>> {
  const res = await browser.post("/login/second-factor", { intent: "passkey-start" });
  expect(res.status).toBe(200);
  return optionsOf(await html(res));
}

const answer = (browser: Browserish, response: unknown) =>
  browser.post("/login/second-factor", { intent: "passkey", response: typeof response === "string" ? response : JSON.stringify(response) });

/** A person with one passkey (their first second factor), and the browser that registered it. */
async function personWithPasskey(name = "Pia Passkey") {
  const user = await createUser({ name });
  const browser = await signedIn(user);
  const key = authenticator();
  const res = await register(browser, key, "Laptop");
  expect(res.status).toBe(200);
  const recoveryCodes = recoveryCodesOf(await html(res));
  expect(recoveryCodes).toHaveLength(10);
  return { user, browser, key, recoveryCodes };
}

describe("registering a passkey", () => {
  it("hands out options for our public URL's host, and the first passkey turns the second factor on with ten recovery codes", async () => {
    const user = await createUser();
    const browser = await signedIn(user);
    const other = await signedIn(user);
    const options = await registrationOptions(browser, "Laptop");
    expect((options.rp as { id: string }).id).toBe(new URL(getConfig().publicUrl).hostname);
    expect(options.attestation).toBe("none");
    const key = authenticator();
    const res = await browser.post("/account/second-factor", { intent: "passkey", name: "Laptop", response: JSON.stringify(key.register(options)) });
    expect(res.status).toBe(200);
    expect(recoveryCodesOf(await html(res))).toHaveLength(10);
    // Stored: the credential id, a public key, the counter, the transports, the name; the page lists name and dates only.
    const [row] = await getSql()<{ credentialId: string; keyBytes: number; counter: string; transports: string[]; name: string; lastUsedAt: Date | null }[]>`
      select credential_id as "credentialId", octet_length(public_key) as "keyBytes", counter::text, transports, name, last_used_at as "lastUsedAt"
      from passkeys where user_id = ${user.id}`;
    expect(row).toMatchObject({ credentialId: key.id, counter: "0", transports: ["internal"], name: "Laptop", lastUsedAt: null });
    expect(row!.keyBytes).toBeGreaterThan(60);
    const page = await html(await browser.get("/account/second-factor"));
    expect(page).toContain("The second factor is on");
    expect(page).toContain("Laptop");
    expect(page).not.toContain(key.id);
    // This session proved it; the other browser (password only) was signed out.
    expect((await other.get("/account")).headers.get("location")).toMatch(/^\/login/);
    // A second passkey is added without new codes.
    const second = await register(browser, authenticator(), "Security key");
    expect(second.headers.get("location")).toBe("/account/second-factor?done=passkey-added");
    expect(await html(await browser.get("/account/second-factor"))).toContain("Security key");
    expect((await getSql()<{ n: number }[]>`select count(*)::int as n from passkeys where user_id = ${user.id}`)[0]!.n).toBe(2);
  });

  it("refuses an answer from another origin, to a challenge already answered or expired, and garbage, without crashing", async () => {
    const user = await createUser();
    const browser = await signedIn(user);
    const key = authenticator();
    const foreign = await register(browser, authenticator("https://evil.example"), "Phished");
    expect(foreign.status).toBe(400);
    expect(alertText(await html(foreign))).toContain("could not be added");
    // Replay: the same right answer twice; the challenge went with the first.
    const options = await registrationOptions(browser, "Laptop");
    const good = JSON.stringify(key.register(options));
    expect((await browser.post("/account/second-factor", { intent: "passkey", name: "Laptop", response: good })).status).toBe(200);
    const again = await browser.post("/account/second-factor", { intent: "passkey", name: "Laptop", response: good });
    expect(again.status).toBe(400);
    expect(alertText(await html(again))).toContain("no longer open");
    // Expired: past its two minutes.
    const late = await registrationOptions(browser, "Late");
    await getSql()`update webauthn_challenges set expires_at = now() - interval '1 second' where user_id = ${user.id}`;
    expect((await browser.post("/account/second-factor", { intent: "passkey", name: "Late", response: JSON.stringify(authenticator().register(late)) })).status).toBe(400);
    for (const garbage of ["", "{", "null", "[]", '{"id":1}', JSON.stringify({ id: "x", rawId: "x", type: "public-key", response: { clientDataJSON: "!!", attestationObject: "" } }), "x".repeat(40_000)]) {
      await registrationOptions(browser, "Garbage");
      const res = await browser.post("/account/second-factor", { intent: "passkey", name: "Garbage", response: garbage });
      expect(res.status, garbage.slice(0, 40)).toBe(400);
    }
    expect((await getSql()<{ n: number }[]>`select count(*)::int as n from passkeys where user_id = ${user.id}`)[0]!.n).toBe(1);
  });

  it("answers a challenge only in the session that asked for it", async () => {
    const user = await createUser();
    const asking = await signedIn(user);
    const elsewhere = await signedIn(user);
    const options = await registrationOptions(asking, "Laptop");
    const res = await elsewhere.post("/account/second-factor", { intent: "passkey", name: "Laptop", response: JSON.stringify(authenticator().register(options)) });
    expect(res.status).toBe(400);
    expect((await getSql()<{ n: number }[]>`select count(*)::int as n from passkeys where user_id = ${user.id}`)[0]!.n).toBe(0);
  });
});

describe("signing in with the password and a passkey", () => {
  it("offers “Use a passkey”, and a right answer signs in with a session that counts as a second factor", async () => {
    const { user, key } = await personWithPasskey();
    const browser = await pendingFor(user);
    expect(await html(await browser.get("/login/second-factor"))).toContain("Use a passkey");
    const options = await signInOptions(browser);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([key.id]);
    const res = await answer(browser, key.authenticate(options));
    expect(res.headers.get("location")).toBe("/workshops");
    expect(browser.cookies.has("accord_session")).toBe(true);
    const [row] = await getSql()<{ counter: string; used: boolean }[]>`
      select counter::text, last_used_at is not null as used from passkeys where user_id = ${user.id}`;
    expect(row).toEqual({ counter: "1", used: true });
    expect(await html(await browser.get("/account/second-factor"))).not.toMatch(/<td data-label="Last used">never<\/td>/);
    // The same flag the workshop rule checks: this organiser may open the members page of a workshop that requires it.
    const workshop = await createWorkshop(undefined, { secondFactorRequired: true });
    await addMember(workshop.id, user.id, "organizer");
    expect((await browser.get(`/workshops/${workshop.slug}/members`)).status).toBe(200);
    const members = await html(await browser.get(`/workshops/${workshop.slug}/members`));
    expect(members).toContain(user.name);
  });

  it("keeps codes working: an account with a passkey and the app can use either", async () => {
    const { user, browser } = await personWithPasskey();
    const { key: totpKey } = await enrolOverHttp(browser);
    const withCode = await pendingFor(user);
    expect(await html(await withCode.get("/login/second-factor"))).toContain("Use a passkey");
    expect((await withCode.post("/login/second-factor", { code: await codeAt(totpKey) })).headers.get("location")).toBe("/workshops");
  });

  it("refuses another origin, a replayed answer, another account's passkey, a tampered signature, a counter going backwards, and garbage", async () => {
    const { user, key } = await personWithPasskey("Hana Hostile");
    const mallory = await personWithPasskey("Mallory");
    /** Right answers: the person still signs in (and a right answer gives the throttle's attempts back). */
    const rightAnswer = async () => {
      const browser = await pendingFor(user);
      expect((await answer(browser, key.authenticate(await signInOptions(browser)))).headers.get("location")).toBe("/workshops");
    };
    const refused = async (make: (options: ServerOptions) => unknown, why: string) => {
      const browser = await pendingFor(user);
      const options = await signInOptions(browser);
      const res = await answer(browser, make(options));
      expect(res.status, why).toBe(400);
      expect(alertText(await html(res)), why).toContain("That passkey did not sign you in");
      expect(browser.cookies.has("accord_session"), why).toBe(false);
      await rightAnswer();
    };
    await refused((o) => key.authenticate(o, { origin: "https://evil.example" }), "another origin");
    await refused((o) => key.authenticate(o, { challenge: "A".repeat(43) }), "a challenge Accord did not give");
    await refused((o) => mallory.key.authenticate(o), "another account's passkey");
    await refused((o) => key.authenticate(o, { tamperSignature: true }), "a tampered signature");
    key.counter = 99;
    await rightAnswer(); // the server now holds 100
    await refused((o) => key.authenticate(o, { counter: 50 }), "a counter going backwards");
    await refused((o) => key.authenticate(o, { counter: key.counter }), "a counter standing still");
    for (const garbage of ["", "{", "null", "42", '{"id":"x"}', JSON.stringify({ id: key.id, rawId: key.id, type: "public-key", response: { clientDataJSON: "%%", authenticatorData: "", signature: "" } })]) {
      await refused(() => garbage, `garbage ${garbage.slice(0, 30)}`);
    }
    // Replay: one right answer signs in once; posted again (from a new pending sign-in, or the same one), it is refused.
    const first = await pendingFor(user);
    const options = await signInOptions(first);
    const good = key.authenticate(options);
    expect((await answer(first, good)).headers.get("location")).toBe("/workshops");
    const replayer = await pendingFor(user);
    await signInOptions(replayer);
    expect((await answer(replayer, good)).status).toBe(400);
    // A post from another site is refused before anything is read (the Origin check of every POST).
    const crossSite = await pendingFor(user);
    const crossOptions = await signInOptions(crossSite);
    const forged = await crossSite.post("/login/second-factor", { intent: "passkey", response: JSON.stringify(key.authenticate(crossOptions)) }, { origin: "https://evil.example" });
    expect(forged.status).toBe(403);
    expect(crossSite.cookies.has("accord_session")).toBe(false);
    // No answer without a pending sign-in of one's own.
    const stranger = new Browserish(server.url);
    expect((await answer(stranger, good)).headers.get("location")).toBe("/login?expired=1");
  });
});

describe("removing passkeys", () => {
  it("needs the password or a code; removing the last one turns the second factor off", async () => {
    const { user, browser } = await personWithPasskey();
    const [{ id } = { id: "" }] = await getSql()<{ id: string }[]>`select id from passkeys where user_id = ${user.id}`;
    expect((await browser.post("/account/second-factor", { intent: "passkey-remove", passkeyId: id })).status).toBe(400);
    expect((await browser.post("/account/second-factor", { intent: "passkey-remove", passkeyId: id, password: "not the password at all" })).status).toBe(400);
    expect((await browser.post("/account/second-factor", { intent: "passkey-remove", passkeyId: "not-a-uuid", password: TEST_PASSWORD })).status).toBe(400);
    const stranger = await personWithPasskey("Stella Stranger");
    const theirs = await browser.post("/account/second-factor", { intent: "passkey-remove", passkeyId: (await getSql()<{ id: string }[]>`select id from passkeys where user_id = ${stranger.user.id}`)[0]!.id, password: TEST_PASSWORD });
    expect(theirs.status).toBe(404);
    const removed = await browser.post("/account/second-factor", { intent: "passkey-remove", passkeyId: id, password: TEST_PASSWORD });
    expect(removed.headers.get("location")).toBe("/account/second-factor?done=passkey-removed");
    // No second factor left: the recovery codes went too, and signing in needs the password alone.
    expect((await getSql()<{ n: number }[]>`select count(*)::int as n from recovery_codes where user_id = ${user.id}`)[0]!.n).toBe(0);
    await signedIn(user);
  });

  it("goes with turning the second factor off, and with another organiser's reset", async () => {
    const { user, browser, recoveryCodes } = await personWithPasskey();
    const off = await browser.post("/account/second-factor", { intent: "disable", code: recoveryCodes[0]! });
    expect(off.headers.get("location")).toBe("/account/second-factor?done=off");
    expect((await getSql()<{ n: number }[]>`select count(*)::int as n from passkeys where user_id = ${user.id}`)[0]!.n).toBe(0);
    await signedIn(user);

    const workshop = await createWorkshop(undefined, { secondFactorRequired: true });
    const lost = await personWithPasskey("Lou Lostkey");
    await addMember(workshop.id, lost.user.id, "organizer");
    const helper = await personWithPasskey("Hel Helper");
    await addMember(workshop.id, helper.user.id, "organizer");
    const reset = await helper.browser.post(`/workshops/${workshop.slug}/members`, { intent: "reset-second-factor", userId: lost.user.id });
    expect(reset.status).toBe(200);
    expect((await getSql()<{ n: number }[]>`select count(*)::int as n from passkeys where user_id = ${lost.user.id}`)[0]!.n).toBe(0);
    expect(await auditActions(workshop.id)).toContainEqual({ action: "member.second_factor_reset", actorId: helper.user.id, details: { userId: lost.user.id } });
    await signedIn(lost.user);
  });
});

describe("new recovery codes", () => {
  it("replace the old ones with the password or a code, without turning the second factor off", async () => {
    const user = await createUser({ name: "Rex Recovery" });
    const browser = await signedIn(user);
    const { key, recoveryCodes: old } = await enrolOverHttp(browser);
    expect((await browser.post("/account/second-factor", { intent: "regenerate" })).status).toBe(400);
    expect((await browser.post("/account/second-factor", { intent: "regenerate", password: "wrong password here" })).status).toBe(400);
    const res = await browser.post("/account/second-factor", { intent: "regenerate", code: await codeAt(key) });
    expect(res.status).toBe(200);
    const page = await html(res);
    expect(page).toContain("Ten new recovery codes were made");
    const fresh = recoveryCodesOf(page);
    expect(fresh).toHaveLength(10);
    expect(fresh.some((c) => old.includes(c))).toBe(false);
    // An old code no longer signs in; a new one does; the app still does.
    const withOld = await pendingFor(user);
    expect((await withOld.post("/login/second-factor", { code: old[1]! })).status).toBe(400);
    expect((await withOld.post("/login/second-factor", { code: fresh[0]! })).headers.get("location")).toBe("/workshops");
    expect(await html(await withOld.get("/account/second-factor"))).toContain("9 of 10 recovery codes are left");
    const byPassword = await withOld.post("/account/second-factor", { intent: "regenerate", password: TEST_PASSWORD });
    expect(recoveryCodesOf(await html(byPassword))).toHaveLength(10);
    const [mail] = await getSql()<{ subject: string }[]>`select subject from outbox where to_address = ${user.email} order by id desc limit 1`;
    expect(mail?.subject).toBe("New recovery codes for your Accord account");
  });

  it("are refused to an account without a second factor", async () => {
    const browser = await signedIn(await createUser());
    const res = await browser.post("/account/second-factor", { intent: "regenerate", password: TEST_PASSWORD });
    expect(res.status).toBe(400);
    expect(alertText(await html(res))).toContain("no second factor");
  });
});

