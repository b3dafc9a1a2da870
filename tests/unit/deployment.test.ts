/** Who counts as "this machine", and what the start-up paragraph promises (app/deployment.server.ts). */
import { describe, expect, it } from "vitest";
import { getConfig } from "../../app/config.server";
import { describeDeployment, isFromThisMachine, isLoopbackName, mayLogMailBodies, productionProblems } from "../../app/deployment.server";

const config = (vars: Record<string, string> = {}) => getConfig({ NODE_ENV: "development", ...vars } as NodeJS.ProcessEnv);
const request = (remoteAddress: string, headers: Record<string, string>) => ({ socket: { remoteAddress }, headers }) as never;

describe("a request from this machine", () => {
  it("comes from a loopback socket, through no proxy, to a name of this machine or the public URL", () => {
    const c = config({ ACCORD_PUBLIC_URL: "https://accord.example.org" });
    for (const peer of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]) {
      expect(isFromThisMachine(request(peer, { host: "localhost:3000" }), c), peer).toBe(true);
    }
    for (const host of ["127.0.0.1:3000", "[::1]:3000", "localhost", "accord.example.org"]) {
      expect(isFromThisMachine(request("127.0.0.1", { host }), c), host).toBe(true);
    }
  });

  it("is not one from another address, through a proxy, or to another name (DNS rebinding)", () => {
    const c = config();
    expect(isFromThisMachine(request("192.0.2.2", { host: "localhost:3000" }), c)).toBe(false);
    expect(isFromThisMachine(request("::ffff:192.0.2.2", { host: "localhost:3000" }), c)).toBe(false);
    expect(isFromThisMachine(request("127.0.0.1", { host: "localhost:3000", "x-forwarded-for": "127.0.0.1" }), c)).toBe(false);
    expect(isFromThisMachine(request("127.0.0.1", { host: "localhost:3000", via: "1.1 proxy" }), c)).toBe(false);
    expect(isFromThisMachine(request("127.0.0.1", { host: "attacker.example:3000" }), c)).toBe(false);
    expect(isFromThisMachine(request("127.0.0.1", {}), c)).toBe(false);
  });
});

describe("the start-up paragraph", () => {
  it("says the outbox is open to this machine only and the log prints mail bodies only on a loopback-only server", () => {
    expect(isLoopbackName("0.0.0.0")).toBe(false);
    const wide = describeDeployment(config({ HOST: "0.0.0.0" }), { host: "0.0.0.0", port: 3000 });
    expect(wide).toContain("reachable from other machines too");
    expect(wide).toContain("readable at /dev/outbox from this machine only");
    expect(wide).toContain("Mail bodies are not printed to the log.");
    expect(mayLogMailBodies(config({ HOST: "0.0.0.0" }))).toBe(false);
    expect(mayLogMailBodies(config({ HOST: "127.0.0.1" }))).toBe(true);
    expect(mayLogMailBodies(config({ HOST: "127.0.0.1", SMTP_URL: "smtp://mail.example.org" }))).toBe(false);
  });

  it("says what production with an https public URL gives", () => {
    const text = describeDeployment(config({ NODE_ENV: "production", ACCORD_PUBLIC_URL: "https://accord.example.org" }), { host: "0.0.0.0", port: 3000 });
    expect(text).toContain("Accord runs in production mode at https://accord.example.org");
    expect(text).toContain("the session cookie is Secure with the __Host- prefix, and HSTS is sent");
    expect(text).toContain("/dev/outbox does not exist");
  });
});

describe("what production refuses to run without", () => {
  const secret = "a".repeat(32);
  it("names each missing setting: an https public URL, a key secret, a mail server", () => {
    const bare = productionProblems(config({ NODE_ENV: "production" }));
    expect(bare.map((p) => p.split(":")[0])).toEqual(["ACCORD_PUBLIC_URL", "ACCORD_KEY_SECRET", "SMTP_URL"]);
    const http = productionProblems(config({ NODE_ENV: "production", ACCORD_PUBLIC_URL: "http://accord.example.org", ACCORD_KEY_SECRET: secret, SMTP_URL: "smtp://mail.example.org:587" }));
    expect(http).toEqual(["ACCORD_PUBLIC_URL: it must be an https address in production (Secure cookies and HSTS follow it)."]);
  });

  it("has nothing to say of a complete production setting, nor outside production", () => {
    expect(productionProblems(config({ NODE_ENV: "production", ACCORD_PUBLIC_URL: "https://accord.example.org", ACCORD_KEY_SECRET: secret, SMTP_URL: "smtp://mail.example.org:587" }))).toEqual([]);
    expect(productionProblems(config())).toEqual([]);
  });
});
