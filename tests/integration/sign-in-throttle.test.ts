/**
 * Sign-in throttling and per-IP fairness over real HTTP (Express + the Remix build) on a real PostgreSQL.
 * ACCORD_TRUST_PROXY is on in this file, so each test picks its client addresses with X-Forwarded-For and the tests
 * do not share a network's counters.
 */
import { describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { signInAttempt, SIGN_IN_POLICIES } from "../../app/auth/throttle.server";
import { pleaseWait } from "../../app/utils/wait-words";
import { createUser, TEST_PASSWORD, uniqueEmail } from "../support/factories";
import { call, person, publishDeclaration, signer } from "../support/endorsement-fixtures";
import type { Browserish } from "../support/http-server";
import { browserFrom, serveBehindProxy } from "../support/trusted-proxy";

const proxied = serveBehindProxy();

/** A browser (cookie jar) whose requests come from `ip`, as a trusted proxy would say. */
const from = (ip: string): Browserish => browserFrom(proxied.server.url, ip);

const alertText = (html: string) => /<div class="alert error" role="alert">([^<]*)<\/div>/.exec(html)?.[1] ?? null;
const decode = (text: string | null) => text?.replaceAll("&#x27;", "'").replaceAll("&amp;", "&") ?? null;

/** How many attempts are counted on each kind of key of this sign-in attempt. */
async function counted(email: string, network: string | null, cookie?: string): Promise<Record<string, number>> {
  const { keys } = signInAttempt({ email, network, cookie });
  const rows = await getSql()<{ key: string; failures: number }[]>`
    select key, failures from login_throttles where key = any(${keys.map((k) => k.key)}::text[])`;
  return Object.fromEntries(keys.map((k) => [k.kind, rows.find((r) => r.key === k.key)?.failures ?? 0]));
}

/**
 * Of 100 parallel wrong passwords, only the free ones and the one after them (which starts a 2 s wait) are checked, the
 * rest answered 429. Should the burst take longer than those 2 s to reach the database on a busy machine, one more goes
 * ahead, and it sets the 60 s wait: never more than that.
 */
function expectFewEvaluated(statuses: number[], free: number): void {
  const checked = statuses.filter((s) => s === 400).length;
  expect(statuses.filter((s) => s !== 400 && s !== 429), "only 400 and 429").toEqual([]);
  expect(checked).toBeGreaterThanOrEqual(free + 1);
  expect(checked).toBeLessThanOrEqual(free + 2);
}

describe("parallel guesses", () => {
  it("counts 100 simultaneous wrong passwords against one account as 100, and answers all but the free ones 429 with Retry-After", async () => {
    const user = await createUser();
    const ip = "198.51.100.10";
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => from(ip).post("/login", { email: user.email, password: `wrong guess number ${i}` })),
    );
    expectFewEvaluated(responses.map((r) => r.status), SIGN_IN_POLICIES.pair.free);
    for (const res of responses.filter((r) => r.status === 429)) {
      const retryAfter = Number(res.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      // Within the first wait every refusal repeats it (2 s); a burst that outlasts it (a busy machine) meets the next,
      // longer one, up to the largest cap of the keys it counts on (the account's and network's 15 minutes).
      expect(retryAfter).toBeLessThanOrEqual(Math.max(SIGN_IN_POLICIES.pair.capSeconds, SIGN_IN_POLICIES.account.capSeconds, SIGN_IN_POLICIES.network.capSeconds));
      expect(decode(alertText(await res.text()))).toBe(`Too many attempts. ${pleaseWait(retryAfter)}`);
    }
    expect(await counted(user.email, ip)).toEqual({ account: 100, pair: 100, network: 100 });
    // The right password from the same network and browser waits too: nothing was signed in.
    expect((await from(ip).post("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(429);
    const [sessions] = await getSql()<{ n: number }[]>`select count(*)::int as n from sessions where user_id = ${user.id}`;
    expect(sessions!.n).toBe(0);
  });

  it("counts 100 simultaneous wrong passwords for deleting an account the same way, and deletes nothing", async () => {
    const user = await createUser();
    const b = from("198.51.100.20");
    expect((await b.post("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(302);
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => b.post("/account/delete", { password: `wrong guess number ${i}` })));
    expectFewEvaluated(responses.map((r) => r.status), SIGN_IN_POLICIES.device.free);
    const refused = responses.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(decode(await refused.text())).toContain(`Too many attempts. ${pleaseWait(Number(refused.headers.get("retry-after")))}`);
    expect(await counted(user.email, "198.51.100.20", b.cookieHeader())).toEqual({ device: 100 });
    expect(await getSql()`select 1 from users where id = ${user.id}`).toHaveLength(1);
  });

  it("says 'Please wait a second' when one second is left, not '1 seconds'", async () => {
    const user = await createUser();
    const b = from("198.51.100.30");
    for (let i = 0; i <= SIGN_IN_POLICIES.pair.free; i++) expect((await b.post("/login", { email: user.email, password: `wrong ${i} guess` })).status).toBe(400);
    // The wait now running is 2 s; refused attempts leave it as it is, so asking again soon shows it counting down.
    let seen: Response | null = null;
    for (let tries = 0; tries < 80 && !seen; tries++) {
      const res = await b.post("/login", { email: user.email, password: "still wrong, sorry" });
      if (res.status === 429 && res.headers.get("retry-after") === "1") seen = res;
      else await new Promise((r) => setTimeout(r, 150));
    }
    expect(seen, "a 429 with Retry-After: 1").not.toBeNull();
    expect(alertText(await seen!.text())).toBe("Too many attempts. Please wait a second before trying again.");
  });
});

describe("a shared network", () => {
  it("does not lock out someone signing in from a browser they signed in with before, whatever others behind the address do", async () => {
    const ip = "203.0.113.7";
    const alice = await createUser({ name: "Alice" });
    const bob = await createUser({ name: "Bob" });
    const alicesBrowser = from(ip);
    expect((await alicesBrowser.post("/login", { email: alice.email, password: TEST_PASSWORD })).status).toBe(302);
    await alicesBrowser.post("/logout", {});
    expect(alicesBrowser.cookies.get("accord_device")).toMatch(/^[A-Za-z0-9_-]{20}\.[0-9a-f]{32}$/);

    // Mallory, behind the same address: guesses at Alice's password, then sprays common passwords at many accounts.
    for (let i = 0; i < 30; i++) await from(ip).post("/login", { email: alice.email, password: `guess number ${i} for alice` });
    for (let i = 0; i < 30; i++) await from(ip).post("/login", { email: uniqueEmail(`spray${i}`), password: "Summer2024!!" });
    expect((await counted(alice.email, ip)).network).toBeGreaterThan(SIGN_IN_POLICIES.network.free);
    // Mallory keeps on until a long wait runs on the address (the first one, 2 s, may pass before Bob tries).
    for (let tries = 0; tries < 40; tries++) {
      const res = await from(ip).post("/login", { email: uniqueEmail("spray"), password: "Summer2024!!" });
      if (res.status === 400 || Number(res.headers.get("retry-after")) > 10) break;
      await new Promise((r) => setTimeout(r, 200));
    }

    // Bob has never signed in from here: the address's limit holds him back (no device cookie), as it holds Mallory.
    expect((await from(ip).post("/login", { email: bob.email, password: TEST_PASSWORD })).status).toBe(429);
    // Alice, from her own browser, is let in with her password.
    const res = await alicesBrowser.post("/login", { email: alice.email, password: TEST_PASSWORD });
    expect(res.status).toBe(302);
    expect((await alicesBrowser.get("/account")).status).toBe(200);

    // The device cookie is bound to Alice's address and to the server's key: it does not help anyone else.
    const device = alicesBrowser.cookies.get("accord_device")!;
    const bobWithAlicesCookie = from(ip);
    bobWithAlicesCookie.cookies.set("accord_device", device);
    expect((await bobWithAlicesCookie.post("/login", { email: bob.email, password: TEST_PASSWORD })).status).toBe(429);
    const forged = from(ip);
    forged.cookies.set("accord_device", `${device.slice(0, 20)}.${"0".repeat(32)}`);
    expect((await forged.post("/login", { email: alice.email, password: TEST_PASSWORD })).status).toBe(429);
  });

  it("throttles guesses from a known browser on that browser's own count", async () => {
    const user = await createUser();
    const b = from("203.0.113.8");
    expect((await b.post("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(302);
    await b.post("/logout", {}); // the device cookie stays
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await b.post("/login", { email: user.email, password: `wrong guess ${i} here` })).status);
    expect(statuses.slice(0, SIGN_IN_POLICIES.device.free + 1).every((s) => s === 400), String(statuses)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // Another browser on another network is not held back by this browser's count.
    expect((await from("203.0.113.9").post("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(302);
  });
});

describe("IPv6 clients", () => {
  it("are limited per /64 when signing in", async () => {
    for (let i = 1; i <= SIGN_IN_POLICIES.network.free + 1; i++) {
      expect((await from(`2001:db8:aa:1::${i.toString(16)}`).post("/login", { email: uniqueEmail(`v6-${i}`), password: "Summer2024!!" })).status).toBe(400);
    }
    const user = await createUser();
    expect((await from("2001:db8:aa:1:ffff:ffff:ffff:ffff").post("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(429);
    expect((await from("2001:db8:aa:2::1").post("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(302);
  });

  it("are limited per /64 when signing up and asking for a password reset", async () => {
    for (let i = 1; i <= 20; i++) {
      const signup = await from(`2001:db8:bb:1::${i.toString(16)}`).post("/signup", { name: "Six", email: uniqueEmail("six"), password: "harbour lantern violet 417" });
      expect(signup.status, `sign-up ${i}`).toBe(302);
      const reset = await from(`2001:db8:cc:1::${i.toString(16)}`).post("/forgot-password", { email: uniqueEmail("reset") });
      expect(reset.status, `reset ${i}`).toBe(302);
    }
    const signup = await from("2001:db8:bb:1::ffff").post("/signup", { name: "Six", email: uniqueEmail("six"), password: "harbour lantern violet 417" });
    expect(signup.status).toBe(429);
    expect(Number(signup.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await from("2001:db8:cc:1::ffff").post("/forgot-password", { email: uniqueEmail("reset") })).status).toBe(429);
    expect((await from("2001:db8:bb:2::1").post("/signup", { name: "Six", email: uniqueEmail("six"), password: "harbour lantern violet 417" })).status).toBe(302);
    expect((await from("2001:db8:cc:2::1").post("/forgot-password", { email: uniqueEmail("reset") })).status).toBe(302);
  });

  it("are limited per /64 when endorsing through the JSON API", async () => {
    const declaration = await publishDeclaration();
    const path = `/api/declarations/${declaration.slug}/endorsements`;
    const statuses: number[] = [];
    for (let s = 0; s < 7; s++) {
      const token = await (await signer()).token();
      for (let i = 0; i < 9; i++) {
        const res = await call(proxied.server.url, "POST", path, { bearer: token, json: person({ name: `Signer ${s}` }), headers: { "x-forwarded-for": `2001:db8:dd:1::${s}:${i}` } });
        statuses.push(res.status);
      }
    }
    expect(statuses.slice(0, 60).every((s) => s === 201 || s === 409)).toBe(true);
    expect(statuses.slice(60)).toEqual([429, 429, 429]);
    const elsewhere = await call(proxied.server.url, "POST", path, { bearer: await (await signer()).token(), json: person(), headers: { "x-forwarded-for": "2001:db8:dd:2::1" } });
    expect(elsewhere.status).toBe(201);
  });
});
