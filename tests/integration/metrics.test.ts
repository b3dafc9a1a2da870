/**
 * GET /metrics, scraped after real traffic: pages, a sign-in refused, endorsements accepted and refused, a mail, and
 * two editors on one document through two instances (so one instance hears the other's commits by NOTIFY). The
 * port is its own, on loopback only; the public port does not answer /metrics. Both instances run in this process
 * and so share one registry: the counts are the process's.
 */
import type { ServerBuild } from "@remix-run/node";
import http from "node:http";
import { networkInterfaces } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetConfigCache } from "../../app/config.server";
import { startAccordServer, type AccordServer } from "../../server/accord-server";
import { connectClient, sessionCookie, typeParagraph, waitFor, type TestClient } from "../support/collab-client";
import { call, person, publishDeclaration, signer } from "../support/endorsement-fixtures";
import { Browserish } from "../support/http-server";
import { createUser } from "../support/factories";
import type * as decoding from "lib0/decoding";
import { MESSAGE_THREADS, readThreadEvent } from "../../app/collab/protocol";

const root = path.resolve(import.meta.dirname, "../..");
let a: AccordServer;
let b: AccordServer;
const clients: TestClient[] = [];
const external = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === "IPv4" && !i.internal)?.address;

beforeAll(async () => {
  process.env.ACCORD_LOG_LEVEL = "error";
  resetConfigCache();
  const build = (await import(pathToFileURL(path.join(root, "build/index.js")).href)) as ServerBuild;
  a = await startAccordServer({ build, root, port: 0, host: "127.0.0.1", publicCacheMs: 0, metrics: { port: 0, host: "127.0.0.1" } });
  b = await startAccordServer({ build, root, port: 0, host: "127.0.0.1", publicCacheMs: 0 });
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await a?.close();
  await b?.close();
});

function get(port: number, pathname: string, host = "127.0.0.1"): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host, port, path: pathname, timeout: 2000 }, (res) => {
        let body = "";
        res.on("data", (c: Buffer) => (body += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body }));
      })
      .on("error", reject);
  });
}

/** The value of one sample ("name{labels} value"), or null when the scrape has no such line. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_:]+)(?:\{(.*)\})? ([0-9.e+-]+|NaN)$/i.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return null;
}

describe("GET /metrics", () => {
  it("reports requests by route, sockets, rooms, commits, a thread's hold on the log, NOTIFY lag, endorsements, mails and event-loop lag after traffic", async () => {
    const base = `http://127.0.0.1:${a.port}`;
    const declaration = await publishDeclaration();
    expect((await fetch(`${base}/d/${declaration.slug}`)).status).toBe(200);
    expect((await fetch(`${base}/d/${declaration.slug}`)).status).toBe(200);
    expect((await new Browserish(base).post("/login", { email: "nobody@example.org", password: "wrong wrong wrong 1" })).status).toBe(400);
    expect((await new Browserish(base).post("/forgot-password", { email: (await createUser()).email })).status).toBe(302);

    const endorser = await signer();
    const endorse = () => call(base, "POST", `/api/declarations/${declaration.slug}/endorsements`, { cookie: endorser.cookie, json: person({ name: "Metric Signer" }) });
    expect((await endorse()).status).toBe(201);
    expect((await endorse()).status).toBe(409);
    expect((await call(base, "POST", `/api/declarations/${declaration.slug}/endorsements`, { cookie: endorser.cookie, json: { kind: "individual" } })).status).toBe(400);

    // Hostile paths never become labels: each lands in a route pattern or "unmatched".
    const hostile = ["/%ZZ", "/d/%3Cscript%3E/v/1", `/${"a".repeat(2000)}`, "/join/../../etc/passwd", "/api/%00"];
    for (const p of hostile) await fetch(base + p).then((r) => r.arrayBuffer());

    // Two editors of one document, one on each instance: A's commits reach B by NOTIFY.
    const cookie = await sessionCookie(declaration.organiser.id);
    const onA = connectClient(base, declaration.documentId, cookie);
    const onB = connectClient(`http://127.0.0.1:${b.port}`, declaration.documentId, cookie);
    clients.push(onA, onB);
    // As the editor's page does, both hear thread events.
    const heard: string[] = [];
    for (const c of [onA, onB]) c.provider.messageHandlers[MESSAGE_THREADS] = (_e: unknown, d: decoding.Decoder) => void heard.push(readThreadEvent(d).type);
    await waitFor(() => onA.provider.synced && onB.provider.synced, "both editors synced");
    // An instance announces commits once it knows another holds the document (they say so when loading it and every
    // 2 s; hearing it, the other announces where the log is at once): type at least once, and until B heard one.
    let scrape = await get(a.metricsPort!, "/metrics");
    for (let i = 0; i < 40 && (i === 0 || !sample(scrape.body, "accord_notify_lag_seconds_count")); i++) {
      typeParagraph(onA, `measured edit ${i}`);
      await waitFor(() => onA.isSaved() && onB.text().includes(`measured edit ${i}`), "the edit saved on A and seen on B");
      await new Promise((r) => setTimeout(r, 200));
      scrape = await get(a.metricsPort!, "/metrics");
    }
    // A thread started on A, where an editor has the document open: its anchor holds the log's next place there.
    const thread = await call(base, "POST", `/api/documents/${declaration.documentId}/threads`, { cookie, json: { body: "Measured?", quote: { exact: "measured edit 0" } } });
    expect(thread.status).toBe(201);
    await waitFor(() => heard.filter((t) => t === "thread-created").length === 2, "both editors heard of the thread");
    scrape = await get(a.metricsPort!, "/metrics");
    expect(scrape.status).toBe(200);
    expect(scrape.type).toContain("text/plain");
    const text = scrape.body;
    expect(sample(text, "accord_http_request_duration_seconds_count", { method: "GET", route: "/d/:slug", status: "200" })).toBeGreaterThanOrEqual(2);
    expect(sample(text, "accord_http_request_duration_seconds_count", { method: "POST", route: "/login", status: "400" })).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(declaration.slug); // routes are patterns, never paths
    for (const p of ["%ZZ", "%3Cscript", "<script", "aaaaaaaa", "passwd", "%00"]) expect(text).not.toContain(p);
    expect(sample(text, "accord_open_sockets")).toBeGreaterThanOrEqual(2);
    expect(sample(text, "accord_loaded_rooms")).toBeGreaterThanOrEqual(2); // the document, once on each instance
    expect(sample(text, "accord_commit_duration_seconds_count", { outcome: "committed" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "accord_commits_in_flight")).toBe(0);
    expect(sample(text, "accord_log_place_hold_seconds_count")).toBe(1);
    expect(sample(text, "accord_log_place_hold_seconds_sum")).toBeGreaterThan(0);
    expect(sample(text, "accord_notify_lag_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(sample(text, "accord_endorsements_total", { outcome: "accepted" })).toBe(1);
    expect(sample(text, "accord_endorsements_total", { outcome: "duplicate" })).toBe(1);
    expect(sample(text, "accord_endorsements_total", { outcome: "invalid" })).toBe(1);
    expect(sample(text, "accord_mails_total", { outcome: "queued" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "accord_nodejs_eventloop_lag_seconds")).not.toBeNull();
    expect(text).not.toMatch(/@example\.org/);
  });

  it("is not served on the public port, nor to other machines, and its port answers nothing else", async () => {
    expect((await fetch(`http://127.0.0.1:${a.port}/metrics`)).status).toBe(404);
    expect((await get(a.metricsPort!, "/")).status).toBe(404);
    expect((await get(a.metricsPort!, "/metrics/../healthz")).status).toBe(404);
    expect(b.metricsPort).toBeNull();
    if (!external) throw new Error("this test needs a non-loopback IPv4 address on this machine");
    await expect(get(a.metricsPort!, "/metrics", external)).rejects.toThrow(/ECONNREFUSED/);
  });
});
