/**
 * The sessions list tells sessions apart by when and, approximately, where they were used — without Accord keeping an
 * IP address. ACCORD_TRUST_PROXY is on in this file, so each browser picks its address with X-Forwarded-For.
 */
import { describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { TIME_ZONE_COOKIE } from "../../app/auth/session-place";
import { createUser, TEST_PASSWORD } from "../support/factories";
import { Browserish } from "../support/http-server";
import { browserFrom, serveBehindProxy } from "../support/trusted-proxy";

const proxied = serveBehindProxy();

/** A browser whose requests come from `ip` and whose page reported `timeZone` (the cookie the page sets). */
function browserAt(ip: string, timeZone: string | null): Browserish {
  const b = browserFrom(proxied.server.url, ip);
  if (timeZone) b.cookies.set(TIME_ZONE_COOKIE, encodeURIComponent(timeZone));
  return b;
}

/** The sessions table's rows as the page shows them: [browser cell, where cell]. */
function sessionRows(html: string): string[][] {
  const table = html.slice(html.indexOf('id="sessions"'), html.indexOf("</table>", html.indexOf('id="sessions"')));
  return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
    .map((m) => [...m[1]!.matchAll(/<td data-label="(Browser|Where)">([\s\S]*?)<\/td>/g)].map((c) => c[2]!.replace(/<[^>]+>/g, "").replace(/<!-- -->/g, "").trim()))
    .filter((cells) => cells.length === 2);
}

describe("the sessions list", () => {
  it("says where each session was last used: the time zone its browser reported and whether it is this network", async () => {
    const user = await createUser({ name: "Sami Sessions" });
    const office = browserAt("198.51.100.7", "Europe/Stockholm");
    const phone = browserAt("203.0.113.9", "America/Argentina/Buenos_Aires");
    for (const b of [office, phone]) expect((await b.post("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(302);
    await phone.get("/account");

    const rows = sessionRows(await (await office.get("/account")).text());
    expect(rows).toHaveLength(2);
    expect(rows[0]![1]).toBe("Stockholm (Europe) time zone, this network");
    expect(rows[1]![1]).toMatch(/^Buenos Aires \(America\) time zone, another network \([0-9a-f]{4}\)$/);
  });

  it("follows a session to a new network, and a neighbour on the same /24 counts as the same network", async () => {
    const user = await createUser({ name: "Mo Mobile" });
    const laptop = browserAt("198.51.100.7", "Europe/Stockholm");
    expect((await laptop.post("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(302);
    const sameNetwork = browserAt("198.51.100.250", "Europe/Stockholm");
    sameNetwork.cookies = new Map(laptop.cookies);
    expect(sessionRows(await (await sameNetwork.get("/account")).text())[0]![1]).toBe("Stockholm (Europe) time zone, this network");

    const travelling = browserAt("192.0.2.44", "Europe/Lisbon");
    travelling.cookies = new Map(laptop.cookies);
    travelling.cookies.set(TIME_ZONE_COOKIE, encodeURIComponent("Europe/Lisbon"));
    expect(sessionRows(await (await travelling.get("/account")).text())[0]![1]).toBe("Lisbon (Europe) time zone, this network");
    const [stored] = await getSql()`select time_zone, network_key from sessions where user_id = ${user.id}`;
    expect(stored!.time_zone).toBe("Europe/Lisbon");
  });

  it("stores no address, only a keyed hash of the network, and ignores a forged time zone", async () => {
    const user = await createUser({ name: "Fay Forged" });
    const b = browserAt("198.51.100.99", "Europe/Stockholm");
    expect((await b.post("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(302);
    await b.get("/account");
    b.cookies.set(TIME_ZONE_COOKIE, encodeURIComponent("<img src=x onerror=alert(1)>"));
    const html = await (await b.get("/account")).text();
    expect(html).not.toContain("<img src=x");
    const rows = await getSql()`select * from sessions where user_id = ${user.id}`;
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain("198.51.100");
    expect(rows[0]!.network_key).toMatch(/^session-network:[0-9a-f]{32}$/);
    expect(rows[0]!.time_zone).toBe("Europe/Stockholm");
  });

  it("says the place is not known yet for a session whose browser reported nothing from an unknown network", async () => {
    const user = await createUser({ name: "Nia Nowhere" });
    const b = browserAt("198.51.100.1", null);
    expect((await b.post("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(302);
    await getSql()`update sessions set network_key = null where user_id = ${user.id}`;
    const other = new Browserish(proxied.server.url); // no X-Forwarded-For: the proxy's own address
    expect((await other.post("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(302);
    await getSql()`update sessions set network_key = null, time_zone = null where user_id = ${user.id}`;
    const rows = sessionRows(await (await b.get("/account")).text());
    expect(rows.map((r) => r[1])).toContain("not known yet");
  });
});
