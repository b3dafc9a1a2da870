/**
 * What a deployment exposes, and to whom, over real sockets: the development outbox and Remix's error details only for
 * this machine (the socket's own address, not X-Forwarded-For) or an administrator; cookies and HSTS from the public
 * URL's scheme; one same-origin rule for forms and the websocket; the body-size cap; the one bearer parser; the warning
 * about X-Forwarded-For; the start-up paragraph.
 *
 * The server listens on every interface, and "another machine" is this machine's own non-loopback address (the socket's
 * peer is then that address, exactly as for a remote client).
 */
import http from "node:http";
import { networkInterfaces } from "node:os";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { getSql } from "../../db/client";
import { insertOutbox } from "../../db/outbox";
import { findUserByEmail, findUserById } from "../../db/users";
import { resetConfigCache } from "../../app/config.server";
import { createUser, TEST_PASSWORD, uniqueEmail } from "../support/factories";
import { Browserish, startTestServer, type TestServer } from "../support/http-server";
import { startServerProcess } from "../support/server-process";
import { testDatabaseUrl } from "../support/worker-database";
import { startAccordServer, type AccordServer } from "../../server/accord-server";
import type { ServerBuild } from "@remix-run/node";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** This machine's first non-loopback IPv4 address: requests to it come from "another machine" as far as a socket can tell. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === "IPv4" && !a.internal)?.address;

let accord: AccordServer;
let local: string;
let remote: string;
const savedEnv = { ...process.env };

function setEnv(vars: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetConfigCache();
}

beforeAll(async () => {
  if (!external) throw new Error("these tests need a non-loopback IPv4 address on this machine (to be 'another machine')");
  setEnv({ ACCORD_LOG_LEVEL: "error", SMTP_URL: undefined, ACCORD_PUBLIC_URL: undefined, ACCORD_TRUST_PROXY: undefined });
  const root = path.resolve(import.meta.dirname, "../..");
  const build = (await import(pathToFileURL(path.join(root, "build/index.js")).href)) as ServerBuild;
  accord = await startAccordServer({ build, root, port: 0, host: "0.0.0.0", publicCacheMs: 0 });
  local = `http://127.0.0.1:${accord.port}`;
  remote = `http://${external}:${accord.port}`;
});

afterAll(async () => {
  await accord?.close();
  for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
  Object.assign(process.env, savedEnv);
  resetConfigCache();
});

afterEach(() => setEnv({ SMTP_URL: undefined, ACCORD_PUBLIC_URL: undefined, ACCORD_TRUST_PROXY: undefined }));

async function signIn(base: string, user: { email: string }): Promise<Browserish> {
  const b = new Browserish(base);
  expect((await b.post("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(302);
  return b;
}

describe("the development outbox", () => {
  it("is readable from this machine while no SMTP is configured, and from nowhere else", async () => {
    const to = uniqueEmail("outbox");
    await insertOutbox({ to, subject: "Reset your Accord password", text: "https://accord.example/reset-password?token=abc.def" });
    const here = await fetch(`${local}/dev/outbox`);
    expect(here.status).toBe(200);
    expect(await here.text()).toContain("reset-password?token=abc.def");

    const elsewhere = await fetch(`${remote}/dev/outbox`);
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.text()).not.toContain("token=abc.def");
    // A proxy on this machine makes every visitor local: a request through one is not "from this machine".
    for (const header of ["x-forwarded-for", "forwarded", "x-real-ip"]) {
      expect((await fetch(`${local}/dev/outbox`, { headers: { [header]: "203.0.113.5" } })).status, header).toBe(404);
    }
    // A page on another name that resolves to 127.0.0.1 (DNS rebinding) sends its own Host.
    const rebound = await rawGet(local, "/dev/outbox", { host: `attacker.example:${accord.port}` });
    expect(rebound.status).toBe(404);
  });

  it("is readable by a signed-in administrator from anywhere, and by nobody else from another machine", async () => {
    const admin = await signIn(remote, await createUser({ isAdmin: true }));
    expect((await admin.get("/dev/outbox")).status).toBe(200);
    const member = await signIn(remote, await createUser());
    expect((await member.get("/dev/outbox")).status).toBe(404);
  });

  it("closes to this machine too once SMTP is configured (the mails went out), except for administrators", async () => {
    setEnv({ SMTP_URL: "smtp://127.0.0.1:1" });
    expect((await fetch(`${local}/dev/outbox`)).status).toBe(404);
    const admin = await signIn(local, await createUser({ isAdmin: true }));
    expect((await admin.get("/dev/outbox")).status).toBe(200);
  });

  it("is mentioned on the sign-up page only where it is readable", async () => {
    expect(await (await fetch(`${local}/signup?sent=1`)).text()).toContain("/dev/outbox");
    expect(await (await fetch(`${remote}/signup?sent=1`)).text()).not.toContain("/dev/outbox");
  });
});

describe("error details", () => {
  it("show the error's message and stack to this machine only; everyone else gets the production answer", async () => {
    const quiet = vi.mocked(console.error).getMockImplementation();
    vi.mocked(console.error).mockImplementation(() => {}); // Remix logs the failures this test causes on purpose
    await getSql()`alter table declarations rename to declarations_hidden_for_a_test`;
    try {
      const here = await fetch(`${local}/declarations`);
      expect(here.status).toBe(500);
      const detailed = await here.text();
      expect(detailed).toContain("PostgresError: relation");
      expect(detailed).toContain("node_modules/postgres/src/"); // a frame of the stack

      const elsewhere = await fetch(`${remote}/declarations`);
      expect(elsewhere.status).toBe(500);
      const plain = await elsewhere.text();
      expect(plain).toContain("An unexpected error happened on our side.");
      expect(plain).not.toContain("Error details");
      expect(plain).not.toContain("does not exist");
      expect(plain).not.toContain("PostgresError");
      expect(plain).not.toContain("node_modules");
      const data = await (await fetch(`${remote}/declarations.data`)).text();
      expect(data).not.toContain("does not exist");
    } finally {
      await getSql()`alter table declarations_hidden_for_a_test rename to declarations`;
      vi.mocked(console.error).mockImplementation(quiet!);
    }
  });
});

describe("cookies and HSTS", () => {
  it("are Secure, __Host- and strict-transport when the public URL is https, whatever NODE_ENV says", async () => {
    setEnv({ ACCORD_PUBLIC_URL: "https://accord.example.org" });
    const user = await createUser();
    const b = new Browserish(local);
    const res = await b.post("/login", { email: user.email, password: TEST_PASSWORD });
    expect(res.status).toBe(302);
    const session = res.headers.getSetCookie().find((c) => c.startsWith("__Host-accord_session="));
    expect(session).toMatch(/; Secure/);
    expect(res.headers.getSetCookie().find((c) => c.startsWith("__Host-accord_device="))).toMatch(/; Secure/);
    expect(res.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
    expect((await b.get("/account")).status).toBe(200);

    setEnv({ ACCORD_PUBLIC_URL: undefined });
    const plain = await fetch(`${local}/login`);
    expect(plain.headers.get("strict-transport-security")).toBeNull();
  });
});

describe("one same-origin rule for forms and the collaboration socket", () => {
  it("accepts and refuses the same Origins at both doors, also behind a proxy that says https", async () => {
    setEnv({ ACCORD_TRUST_PROXY: "1" });
    const cases: { origin: string; proto?: string; allowed: boolean }[] = [
      { origin: local, allowed: true },
      { origin: "http://evil.example", allowed: false },
      { origin: local.replace("http:", "https:"), proto: "https", allowed: true },
      { origin: local, proto: "https", allowed: false },
      { origin: local.replace("http:", "https:"), allowed: false },
    ];
    for (const c of cases) {
      const headers: Record<string, string> = { origin: c.origin, ...(c.proto ? { "x-forwarded-proto": c.proto } : {}) };
      const form = await fetch(`${local}/logout`, { method: "POST", redirect: "manual", headers: { ...headers, "content-type": "application/x-www-form-urlencoded" }, body: "" });
      const socket = await upgradeStatus(`${local.replace("http", "ws")}/collab/00000000-0000-4000-8000-000000000000`, headers);
      const label = JSON.stringify(c);
      expect(form.status === 403 ? "refused" : "allowed", `form ${label}`).toBe(c.allowed ? "allowed" : "refused");
      // Refused at the Origin: 403; past it, an upgrade without a session is 401.
      expect(socket, `socket ${label}`).toBe(c.allowed ? 401 : 403);
    }
  });
});

describe("request bodies", () => {
  it("are refused with 413 at once when they declare more than 64 kB, before anything reads them", async () => {
    const res = await rawPost(local, "/signup", { "content-length": String(10 * 1024 * 1024), "content-type": "application/x-www-form-urlencoded", origin: local }, "name=x");
    expect(res.status).toBe(413);
    expect(res.body).toContain("too large");
  });

  it("are counted and cut when sent in chunks without a length: nothing is processed", async () => {
    const email = uniqueEmail("chunked");
    const form = `name=Chunky&email=${encodeURIComponent(email)}&password=${encodeURIComponent("harbour lantern violet 417")}&padding=`;
    const outcome = await chunkedPost(local, "/signup", form, 200 * 1024);
    expect(outcome === 413 || outcome === "reset", String(outcome)).toBe(true);
    expect(await findUserByEmail(email)).toBeNull();
    expect((await fetch(`${local}/healthz`)).status).toBe(200);
  });

  it("are taken as before under the cap, in chunks or not", async () => {
    const user = await createUser();
    const padding = "p".repeat(40 * 1024);
    const b = new Browserish(local);
    expect((await b.post("/login", { email: user.email, password: TEST_PASSWORD, padding })).status).toBe(302);
    const email = uniqueEmail("small-chunks");
    const form = `name=Chunky&email=${encodeURIComponent(email)}&password=${encodeURIComponent("harbour lantern violet 417")}`;
    expect(await chunkedPost(local, "/signup", form, 0)).toBe(302);
    expect(await findUserByEmail(email)).not.toBeNull();
  });
});

describe("the bearer header", () => {
  it("exempts from the Origin check only requests that really are bearer-authenticated", async () => {
    const user = await createUser({ name: "Unchanged" });
    const b = await signIn(local, user);
    // "Bearer a b" is no bearer token to authentication, so the cookie decides: it must not skip the Origin check.
    const res = await fetch(`${local}/account`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: b.cookieHeader(), authorization: "Bearer a b", "content-type": "application/x-www-form-urlencoded" },
      body: "intent=rename&name=Pwned",
    });
    expect(res.status).toBe(403);
    expect((await findUserById(user.id))!.name).toBe("Unchanged");
  });
});

describe("a reverse proxy Accord is not told about", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("is warned about once, when X-Forwarded-For arrives while ACCORD_TRUST_PROXY is off", async () => {
    setEnv({ ACCORD_LOG_LEVEL: "warn" });
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await fetch(`${server.url}/healthz`);
      await fetch(`${server.url}/login`, { headers: { "x-forwarded-for": "203.0.113.1" } });
      await fetch(`${server.url}/login`, { headers: { "x-forwarded-for": "203.0.113.2" } });
    } finally {
      spy.mockRestore();
      setEnv({ ACCORD_LOG_LEVEL: "error" });
    }
    const warnings = lines.filter((l) => l.includes("X-Forwarded-For") && l.includes("ACCORD_TRUST_PROXY"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain("203.0.113");
  });
});

describe("starting up", () => {
  it("refuses production without an https public URL, a key secret and a mail server, naming each", async () => {
    const refused = await startServerProcess(testDatabaseUrl, { NODE_ENV: "production", ACCORD_PUBLIC_URL: "", ACCORD_KEY_SECRET: "", SMTP_URL: "" }).then(
      async (proc) => {
        await proc.kill();
        return "started";
      },
      (error: Error) => error.message,
    );
    expect(refused).toContain("Accord refuses to run in production without:");
    for (const name of ["ACCORD_PUBLIC_URL", "ACCORD_KEY_SECRET", "SMTP_URL"]) expect(refused).toContain(`  ${name}:`);
  });

  it("says in one paragraph which mode Accord runs in and what that exposes", async () => {
    const proc = await startServerProcess(testDatabaseUrl, { NODE_ENV: "development" });
    try {
      const paragraph = proc.log().split("\n").find((l) => l.includes("Accord runs in"));
      expect(paragraph).toBeDefined();
      expect(paragraph).toMatch(/runs in development \(NODE_ENV=development\) mode at http:\/\/localhost:\d+, listening on 127\.0\.0\.1:\d+ \(reachable from this machine only\)/);
      expect(paragraph).toContain("the session cookie is not Secure");
      expect(paragraph).toContain("the outbox is readable at /dev/outbox from this machine only");
      expect(paragraph).toContain("Error details (stacks) are shown to requests from this machine only.");
      expect(paragraph).toContain("Mail bodies, with their reset and verification links, are printed to this log");
    } finally {
      await proc.kill();
    }
  });
});

/* Raw HTTP helpers: requests a fetch() cannot make (a forged Host, a lying Content-Length, a chunked body). */

function rawGet(base: string, pathname: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return rawPost(base, pathname, headers, null, "GET");
}

function rawPost(base: string, pathname: string, headers: Record<string, string>, body: string | null, method = "POST"): Promise<{ status: number; body: string }> {
  const url = new URL(pathname, base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method, headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    if (body !== null) req.write(body); // the rest of a declared length is never sent: the answer must not wait for it
    else req.end();
  });
}

/** POST `form` followed by `padding` bytes in 8 kB chunks, without a Content-Length: the status, or "reset". */
function chunkedPost(base: string, pathname: string, form: string, padding: number): Promise<number | "reset"> {
  const url = new URL(pathname, base);
  return new Promise((resolve) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent: false, headers: { "content-type": "application/x-www-form-urlencoded", "transfer-encoding": "chunked", origin: base } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", () => resolve("reset"));
    req.write(form);
    const chunk = "x".repeat(8 * 1024);
    let sent = 0;
    const pump = () => {
      while (sent < padding) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

function upgradeStatus(url: string, headers: Record<string, string>): Promise<number | "open"> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on("open", () => {
      ws.close();
      resolve("open");
    });
    ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.on("error", () => {});
  });
}
