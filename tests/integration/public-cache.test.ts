import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/http-server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, 1000);
});
afterAll(async () => {
  await server.close();
});

describe("the public micro-cache", () => {
  it("serves repeated anonymous reads of a public page from the cache, with a fresh CSP nonce in each answer's header", async () => {
    const first = await fetch(`${server.url}/declarations`);
    const body1 = await first.text();
    expect(first.status).toBe(200);
    expect(first.headers.get("x-accord-cache")).toBe("miss");
    const second = await fetch(`${server.url}/declarations`);
    const body2 = await second.text();
    expect(second.headers.get("x-accord-cache")).toBe("hit");
    const nonce = (res: Response) => res.headers.get("content-security-policy")?.match(/'nonce-([^']+)'/)?.[1];
    expect(nonce(second)).toBeTruthy();
    expect(nonce(second)).not.toBe(nonce(first));
    // A reading page carries no script (zero-javascript.test.ts), so no nonce in its body: nothing stale to serve.
    expect(body2).not.toContain("nonce=");
    expect(body2).toBe(body1);
  });

  it("never caches for signed-in visitors, private paths, or after the time to live", async () => {
    const withCookie = await fetch(`${server.url}/declarations`, { headers: { cookie: "accord_session=x" } });
    expect(withCookie.headers.get("x-accord-cache")).toBeNull();
    const privatePage = await fetch(`${server.url}/login`);
    expect(privatePage.headers.get("x-accord-cache")).toBeNull();
    await fetch(`${server.url}/api/declarations`);
    await new Promise((r) => setTimeout(r, 1100));
    const later = await fetch(`${server.url}/api/declarations`);
    expect(later.headers.get("x-accord-cache")).toBe("miss");
  });

  it("answers If-None-Match from the cached ETag", async () => {
    const first = await fetch(`${server.url}/api/declarations`);
    const etag = first.headers.get("etag");
    expect(etag).toBeTruthy();
    const again = await fetch(`${server.url}/api/declarations`, { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
  });

  it("fills the cache from a conditional request too: the miss is answered in full, the next ones with 304", async () => {
    await new Promise((r) => setTimeout(r, 1100)); // let earlier entries expire
    const probe = await fetch(`${server.url}/api/declarations`);
    const etag = probe.headers.get("etag")!;
    await new Promise((r) => setTimeout(r, 1100));
    const miss = await fetch(`${server.url}/api/declarations`, { headers: { "if-none-match": etag } });
    expect(miss.headers.get("x-accord-cache")).toBe("miss");
    expect(miss.status).toBe(200);
    expect(miss.headers.get("etag")).toBe(etag);
    const next = await fetch(`${server.url}/api/declarations`, { headers: { "if-none-match": etag } });
    expect(next.status).toBe(304);
    expect(next.headers.get("x-accord-cache")).toBe("hit");
  });

  it("never hands one visitor a header built from another request's Host", async () => {
    const url = new URL(`${server.url}/declarations?forged-host`);
    const forged = await new Promise<{ csp: string; body: string }>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, headers: { host: "evil.example" }, agent: false }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ csp: String(res.headers["content-security-policy"]), body }));
      });
      req.on("error", reject);
      req.end();
    });
    expect(forged.csp).toContain("ws://evil.example"); // the forger's own answer names the host it sent
    const next = await fetch(url);
    expect(next.headers.get("x-accord-cache")).toBe("hit");
    expect(next.headers.get("content-security-policy")).not.toContain("evil.example");
    expect(next.headers.get("content-security-policy")).toContain(`ws://${url.host}`);
    expect(await next.text()).not.toContain("evil.example");
  });
});
