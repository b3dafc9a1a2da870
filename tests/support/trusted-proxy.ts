/**
 * A test server that trusts one reverse proxy (ACCORD_TRUST_PROXY=1), so each test picks its client addresses with
 * X-Forwarded-For, and browsers whose requests come from a chosen address. Call `serveBehindProxy()` at the top of a
 * test file: it starts the server before the file's tests and restores the setting after them.
 */
import { afterAll, beforeAll } from "vitest";
import { resetConfigCache } from "../../app/config.server";
import { Browserish, startTestServer, type TestServer } from "./http-server";

export function serveBehindProxy(): { readonly server: TestServer } {
  const holder: { server?: TestServer } = {};
  const before = process.env.ACCORD_TRUST_PROXY;
  beforeAll(async () => {
    process.env.ACCORD_TRUST_PROXY = "1";
    resetConfigCache();
    holder.server = await startTestServer();
  });
  afterAll(async () => {
    await holder.server?.close();
    if (before === undefined) delete process.env.ACCORD_TRUST_PROXY;
    else process.env.ACCORD_TRUST_PROXY = before;
    resetConfigCache();
  });
  return {
    get server() {
      if (!holder.server) throw new Error("the server starts in beforeAll");
      return holder.server;
    },
  };
}

/** A browser (cookie jar) whose requests come from `ip`, as the trusted proxy says. */
export function browserFrom(baseUrl: string, ip: string): Browserish {
  const b = new Browserish(baseUrl);
  const get = b.get.bind(b);
  const post = b.post.bind(b);
  b.get = (path, headers = {}) => get(path, { "x-forwarded-for": ip, ...headers });
  b.post = (path, form, headers = {}) => post(path, form, { "x-forwarded-for": ip, ...headers });
  return b;
}
