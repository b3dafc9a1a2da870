import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { startTestServer, Browserish, type TestServer } from "../support/http-server";
import { uniqueEmail } from "../support/factories";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe("limits on requests that send e-mail", () => {
  it("stops a flood of password-reset requests for one address with 429, the same whether or not it has an account", async () => {
    for (const email of [uniqueEmail("nobody"), uniqueEmail("nobody2")]) {
      const browser = new Browserish(server.url);
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await browser.post("/forgot-password", { email })).status);
      expect(statuses.slice(0, 5).every((s) => s === 302 || s === 303 || s === 204)).toBe(true);
      const last = await browser.post("/forgot-password", { email });
      expect(last.status).toBe(429);
      expect(Number(last.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    const [{ n }] = await getSql()`select count(*)::int as n from outbox where subject like 'Reset%'`;
    expect(n).toBe(0);
  });

  it("stops repeated sign-ups for one address before they spend more hashes or send more mail", async () => {
    const email = uniqueEmail("flood");
    const browser = new Browserish(server.url);
    for (let i = 0; i < 5; i++) await browser.post("/signup", { name: "Flood", email, password: "harbour lantern violet 417" });
    const [{ before }] = await getSql()`select count(*)::int as before from outbox where to_address = ${email}`;
    const res = await browser.post("/signup", { name: "Flood", email, password: "harbour lantern violet 417" });
    expect(res.status).toBe(429);
    const [{ after }] = await getSql()`select count(*)::int as after from outbox where to_address = ${email}`;
    expect(after).toBe(before);
  });
});
