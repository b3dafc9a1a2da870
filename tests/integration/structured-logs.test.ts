/**
 * The process's log, read as an operator's log shipper reads it: a separate Accord process at the most talkative
 * level (debug), behind a trusted proxy that forwards a client address, through sign-up and its confirmation, a
 * failed and a good sign-in, a password reset, an endorsement and bearer-token requests. Every line is one JSON
 * object; every request has a line with its id, route pattern, status and duration; and no line carries the e-mail
 * addresses, the client's address, the links' tokens, the cookies, the bearer token or the passwords.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import { createAccessToken } from "../../app/auth/access-tokens.server";
import { call, person, publishDeclaration } from "../support/endorsement-fixtures";
import { createUser, uniqueEmail } from "../support/factories";
import { Browserish } from "../support/http-server";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { testDatabaseUrl } from "../support/worker-database";

const CLIENT_IP = "203.0.113.77";
let proc: ServerProcess;
let output = "";

beforeAll(async () => {
  // HOST beyond loopback: mail bodies (with their links) are then never logged, as on a real server.
  proc = await startServerProcess(testDatabaseUrl, { ACCORD_LOG_LEVEL: "debug", HOST: "0.0.0.0", ACCORD_TRUST_PROXY: "1", NODE_ENV: "development" });
  const keep = (chunk: Buffer) => (output += chunk.toString());
  proc.child.stdout!.on("data", keep);
  proc.child.stderr!.on("data", keep);
});

afterAll(async () => {
  await proc?.kill();
});

async function mailedPath(to: string, path: string): Promise<string> {
  const [row] = await getSql()<{ text: string }[]>`select text_body as text from outbox where to_address = ${to} order by id desc limit 1`;
  const match = new RegExp(`https?://[^/\\s]+(${path}\\?token=[^\\s]+)`).exec(row?.text ?? "");
  if (!match) throw new Error(`no ${path} link mailed`);
  return match[1]!;
}

const lines = () => output.split("\n").filter((l) => l.trim());

describe("the log", () => {
  it("is one JSON object per line, with a line per request, and never an address, IP, token, cookie or password", async () => {
    const forwarded = { "x-forwarded-for": CLIENT_IP };
    const secrets: string[] = [CLIENT_IP];
    const from = () => new Browserish(proc.url);

    // Sign up and confirm.
    const newcomer = uniqueEmail("logged-newcomer");
    const signupPassword = "quiet lantern ferry 73";
    secrets.push(newcomer, signupPassword);
    expect((await from().post("/signup", { name: "Lena Logged", email: newcomer, password: signupPassword }, forwarded)).status).toBe(302);
    const verifyPath = await mailedPath(newcomer, "/verify-email");
    const verifyToken = new URLSearchParams(verifyPath.split("?")[1]).get("token")!;
    secrets.push(verifyToken, verifyToken.split(".")[1]!);
    const confirming = from();
    expect((await confirming.get(verifyPath, forwarded)).status).toBe(200);
    expect((await confirming.post(verifyPath, { token: verifyToken, name: "Lena Logged", password: signupPassword, confirmPassword: signupPassword }, forwarded)).status).toBe(302);

    // A wrong password, then the right one.
    const wrong = "not my password at all 1";
    secrets.push(wrong);
    expect((await from().post("/login", { email: newcomer, password: wrong }, forwarded)).status).toBe(400);
    const signedIn = from();
    expect((await signedIn.post("/login", { email: newcomer, password: signupPassword }, forwarded)).status).toBe(302);
    secrets.push(...signedIn.cookies.values());

    // A password reset through the mailed link.
    expect((await from().post("/forgot-password", { email: newcomer }, forwarded)).status).toBe(302);
    const resetPath = await mailedPath(newcomer, "/reset-password");
    const resetToken = new URLSearchParams(resetPath.split("?")[1]).get("token")!;
    const newPassword = "brave kettle orchard 58";
    secrets.push(resetToken, resetToken.split(".")[1]!, newPassword);
    const resetting = from();
    expect((await resetting.get(resetPath, forwarded)).status).toBe(200);
    expect((await resetting.post(resetPath, { token: resetToken, password: newPassword, confirmPassword: newPassword }, forwarded)).status).toBe(302);

    // An endorsement with a session, and requests with a bearer token.
    const declaration = await publishDeclaration();
    const again = from();
    expect((await again.post("/login", { email: newcomer, password: newPassword }, forwarded)).status).toBe(302);
    secrets.push(...again.cookies.values());
    const endorsed = await call(proc.url, "POST", `/api/declarations/${declaration.slug}/endorsements`, { cookie: again.cookieHeader(), json: person({ name: "Lena Logged" }), headers: forwarded });
    expect(endorsed.status, await endorsed.clone().text()).toBe(201);
    const scripted = await createUser();
    const bearer = await createAccessToken(scripted.id, { name: "log test", scopes: ["read", "endorse"], lifetimeDays: 1 });
    secrets.push(scripted.email, bearer.token);
    const me = await call(proc.url, "GET", "/api/me", { bearer: bearer.token, headers: forwarded });
    expect(me.status).toBe(200);
    const requestId = me.headers.get("x-request-id");
    expect(requestId).toBeTruthy();
    expect((await call(proc.url, "POST", `/api/declarations/${declaration.slug}/endorsements`, { bearer: bearer.token, json: person({ name: "Script Signer" }), headers: forwarded })).status).toBe(201);
    expect((await call(proc.url, "GET", "/api/me", { bearer: "not-a-real.token", headers: forwarded })).status).toBe(401);

    // A proxy's request id is kept when it is a plain token; anything else (a forged log line) is replaced by ours.
    const kept = await call(proc.url, "GET", "/healthz", { headers: { ...forwarded, "x-request-id": "nginx-0123456789abcdef" } });
    expect(kept.headers.get("x-request-id")).toBe("nginx-0123456789abcdef");
    const forged = '","level":"error","msg":"forged';
    const replaced = await call(proc.url, "GET", "/join/secret-invitation.link-123", { headers: { ...forwarded, "x-request-id": forged } });
    expect(replaced.headers.get("x-request-id")).not.toBe(forged);
    secrets.push(forged, "secret-invitation.link-123");

    await new Promise((r) => setTimeout(r, 200)); // the last lines are written when each answer finishes
    const parsed = lines().map((line) => {
      expect(() => JSON.parse(line), line).not.toThrow();
      return JSON.parse(line) as Record<string, unknown>;
    });
    for (const entry of parsed) expect(entry).toMatchObject({ level: expect.any(String), time: expect.any(Number), msg: expect.any(String) });

    const requests = parsed.filter((e) => typeof e.reqId === "string");
    expect(requests.find((e) => e.reqId === requestId)).toMatchObject({ method: "GET", route: "/api/me", status: 200, durationMs: expect.any(Number) });
    expect(requests.map((e) => e.route)).toEqual(expect.arrayContaining(["/signup", "/verify-email", "/login", "/forgot-password", "/reset-password", "/api/declarations/:slug/endorsements"]));
    expect(requests.find((e) => e.route === "/login" && e.status === 400)).toBeDefined();
    expect(requests.find((e) => e.reqId === "nginx-0123456789abcdef")).toMatchObject({ route: "/healthz", level: "debug" });
    expect(requests.find((e) => e.reqId === replaced.headers.get("x-request-id"))).toMatchObject({ route: "/join/:token" });

    const everything = output.toLowerCase();
    for (const secret of secrets) expect(everything, `the log contains ${secret}`).not.toContain(secret.toLowerCase());
    expect(everything).not.toMatch(/@example\.org/);
  });
});
