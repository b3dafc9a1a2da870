/**
 * `npm run bench:public [-- --seconds 5 --connections 32 --users 2000 --in-flight 64 --signatories 200] [--cpu-prof] [--only reads|spike]`
 *
 * The public side of Accord on this machine, in one run:
 * 1. Reads: requests/s and latency of GET /d/<slug> (the published declaration page) and GET
 *    /api/declarations/<slug> (its JSON, also with If-None-Match → 304), against a static copy of the same HTML served
 *    by a bare node:http process (the ceiling), each by N keep-alive connections in closed loops for T seconds.
 * 2. An endorsement spike: U distinct verified users (personal access tokens, distinct X-Forwarded-For; the server
 *    runs with ACCORD_TRUST_PROXY=1) endorse at once, at most `--in-flight` requests at a time; endorsements/s,
 *    latency, refusals by status, and a SQL check that every 201 is one stored row.
 *
 * Reuses bench:collab's database (fresh database, migrated and seeded, dropped at the end) and server process
 * helpers. Only 127.0.0.1; every loop is bounded; child processes are killed however the run ends (also SIGINT).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { resetConfigCache } from "../app/config.server";
import { ensureBuild } from "../server/build";
import { backendCpu, backendCpuDelta, createBenchDatabase, type BenchDatabase } from "./database";
import { cpuSeconds, killAllChildren, machineBusy, ROOT, rssMB, startAccord, stopChild, type Server } from "./processes";
import { summarise } from "./profile-summary";
import { closedLoop, fetchOnce, requestAll, type HttpRequest, type LoadResult } from "./public-load";
import { createSpikeUsers, insertVisibleEndorsements, letters, publishSeededDeclaration } from "./public-setup";
import { fmt, table } from "./stats";
import { integerOption, log, out } from "./cli";

const TARGET_RATIO = 0.5;
const TARGET_ENDORSEMENTS_PER_SECOND = 1000;

let interrupted = false;
const ownChildren = new Set<ChildProcess>();


function options() {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "5" },
      connections: { type: "string", default: "32" },
      users: { type: "string", default: "2000" },
      "in-flight": { type: "string", default: "64" },
      signatories: { type: "string", default: "200" },
      "cpu-prof": { type: "boolean", default: false },
      only: { type: "string", default: "reads,spike" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    out("npm run bench:public -- [--seconds 5] [--connections 32] [--users 2000] [--in-flight 64] [--signatories 200] [--cpu-prof] [--only reads|spike]");
    process.exit(0);
  }
  const int = integerOption;
  return {
    seconds: int("seconds", values.seconds, 1, 120),
    connections: int("connections", values.connections, 1, 512),
    users: int("users", values.users, 1, 50_000),
    inFlight: int("in-flight", values["in-flight"], 1, 512),
    signatories: int("signatories", values.signatories, 0, 10_000),
    cpuProf: values["cpu-prof"],
    only: onlyParts(values.only),
  };
}

function onlyParts(value: string): { reads: boolean; spike: boolean } {
  const parts = value.split(",").map((p) => p.trim());
  const unknown = parts.filter((p) => p !== "reads" && p !== "spike");
  if (unknown.length || parts.length === 0) throw new Error(`--only takes reads, spike or both (reads,spike); got ${value}`);
  return { reads: parts.includes("reads"), spike: parts.includes("spike") };
}

/** bench/public-static-server.ts in its own process, serving `body` with `contentType`. */
async function startStatic(bodyFile: string, contentType: string): Promise<{ pid: number; url: string; stop: () => Promise<void> }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "bench/public-static-server.ts"), bodyFile, contentType], {
    cwd: ROOT,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  ownChildren.add(child);
  child.once("exit", () => ownChildren.delete(child));
  const port = await new Promise<string>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`the static server did not start within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /static listening on (\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        child.stdout.off("data", onData);
        child.stdout.resume();
        resolve(m[1]!);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", (c: Buffer) => (output += c.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the static server exited (${code}) during start:\n${output}`));
    });
  }).catch(async (error: unknown) => {
    await stopChild(child, 2000);
    throw error;
  });
  return {
    pid: child.pid!,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.stdin.end();
      await stopChild(child, 3000);
    },
  };
}

interface Measured {
  label: string;
  result: LoadResult;
  serverCpuSeconds: number;
  postgresCpuSeconds: number | null;
  clientCpuSeconds: number;
  machineBusyPercent: number;
  cpus: number;
}

async function measure(
  label: string,
  db: BenchDatabase | null,
  serverPid: number,
  run: () => Promise<LoadResult>,
): Promise<Measured> {
  log(`${label}…`);
  const pg0 = db ? await backendCpu(db) : null;
  const cpu0 = cpuSeconds(serverPid);
  const client0 = process.cpuUsage();
  const busy0 = machineBusy();
  const t0 = performance.now();
  const result = await run();
  const window = (performance.now() - t0) / 1000;
  const busy1 = machineBusy();
  const client = process.cpuUsage(client0);
  const cpu1 = cpuSeconds(serverPid);
  const pg1 = db ? await backendCpu(db) : null;
  return {
    label,
    result,
    serverCpuSeconds: cpu1 - cpu0,
    postgresCpuSeconds: pg0 && pg1 ? backendCpuDelta(pg0, pg1) : null,
    clientCpuSeconds: (client.user + client.system) / 1e6,
    machineBusyPercent: ((busy1.busy - busy0.busy) / (window * busy1.cpus)) * 100,
    cpus: busy1.cpus,
  };
}

function errorsText(r: LoadResult): string {
  const entries = Object.entries(r.errors);
  return entries.length === 0 ? "0" : entries.map(([k, n]) => `${n}× ${k}`).join(", ");
}

function readRows(rows: Measured[]): string[][] {
  return rows.map((m) => {
    const r = m.result;
    return [
      m.label,
      fmt(r.perSecond, 0),
      fmt(r.p50, 2),
      fmt(r.p99, 2),
      fmt(r.max, 1),
      r.ok.toLocaleString("en-US"),
      errorsText(r),
      fmt((m.serverCpuSeconds / Math.max(1, r.requests)) * 1e6, 0),
      m.postgresCpuSeconds === null ? "—" : fmt((m.postgresCpuSeconds / Math.max(1, r.requests)) * 1e6, 0),
      fmt((m.clientCpuSeconds / Math.max(1, r.requests)) * 1e6, 0),
      fmt(m.machineBusyPercent, 0),
    ];
  });
}

const READ_HEADER = ["target", "req/s", "p50 ms", "p99 ms", "max ms", "ok", "errors", "server µs/req", "pg µs/req", "client µs/req", "machine busy %"];

async function main(): Promise<void> {
  const opts = options();
  // As deployed (like bench:collab); the server also trusts one proxy hop, so X-Forwarded-For is the client IP.
  process.env.NODE_ENV = "production";
  process.env.ACCORD_TRUST_PROXY = "1";
  resetConfigCache();
  const started = Date.now();
  let db: BenchDatabase | null = null;
  let accord: Server | null = null;
  let staticServer: { pid: number; url: string; stop: () => Promise<void> } | null = null;
  const tmp = mkdtempSync("/var/tmp/accord-bench-public-");
  const cpuProfDir = opts.cpuProf ? path.join(tmp, "prof") : undefined;
  let shutdownDone: Promise<void> | null = null;
  const killOwn = () => {
    for (const c of ownChildren) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  };
  const shutdown = () =>
    (shutdownDone ??= (async () => {
      await Promise.all([accord?.stop(), staticServer?.stop()].map((p) => p?.catch(() => {})));
      killAllChildren();
      killOwn();
      if (db) await db.drop().catch((e: unknown) => log(`could not drop the database: ${String(e)}`));
      if (!cpuProfDir) rmSync(tmp, { recursive: true, force: true });
    })());
  const abort = (why: string, code: number) => {
    interrupted = true;
    log(why);
    const force = setTimeout(() => {
      killAllChildren();
      killOwn();
      process.exit(code);
    }, 20_000);
    force.unref();
    void shutdown().finally(() => process.exit(code));
  };
  process.on("SIGINT", () => abort("interrupted: stopping", 130));
  process.on("SIGTERM", () => abort("terminated: stopping", 143));
  process.on("uncaughtException", (error) => abort(`fatal: ${error.stack ?? error.message}`, 1));
  process.on("unhandledRejection", (error) => abort(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, 1));
  process.on("exit", () => {
    killAllChildren();
    killOwn();
  });
  const hardLimitMs = 6 * 60_000 + opts.seconds * 5 * 2000 + opts.users * 20;
  setTimeout(() => abort(`the benchmark took more than ${fmt(hardLimitMs / 60_000, 1)} min: stopping`, 1), hardLimitMs).unref();

  try {
    ensureBuild(ROOT, log);
    db = await createBenchDatabase(log);
    log(`database: ${db.description}`);
    const declaration = await publishSeededDeclaration(db);
    await insertVisibleEndorsements(db, declaration, opts.signatories);
    log(`published /d/${declaration.slug} with ${opts.signatories} visible endorsements; creating ${opts.users + 1} users with access tokens`);
    const spikeUsers = await createSpikeUsers(db, opts.users + 1); // the last one warms the route up
    accord = await startAccord(db.url, { cpuProfDir });
    const accordUrl = accord.origin.replace(/^https:/, "http:");
    const pagePath = `/d/${declaration.slug}`;
    const apiPath = `/api/declarations/${declaration.slug}`;

    // The static copy: the page's HTML as Accord answers it now, with its Content-Type.
    const page = await fetchOnce(accordUrl, pagePath);
    if (page.status !== 200) throw new Error(`GET ${pagePath} answered ${page.status}: ${page.body.toString().slice(0, 300)}`);
    const signatoriesOnPage = new Set(page.body.toString().match(/Signatory \d+\b/g) ?? []).size;
    const api = await fetchOnce(accordUrl, apiPath);
    if (api.status !== 200) throw new Error(`GET ${apiPath} answered ${api.status}`);
    const etag = String(api.headers.etag ?? "");
    if (!etag) throw new Error(`GET ${apiPath} sent no ETag`);
    let printReads: (() => void) | null = null;
    if (opts.only.reads) {
      const bodyFile = path.join(tmp, "page.html");
      writeFileSync(bodyFile, page.body);
      staticServer = await startStatic(bodyFile, String(page.headers["content-type"] ?? "text/html; charset=utf-8"));

      const load = { connections: opts.connections, seconds: opts.seconds, warmupSeconds: Math.min(1, opts.seconds / 5) };
      const get = (p: string, headers: Record<string, string> = {}): HttpRequest => ({ path: p, headers });
      const reads: Measured[] = [];
      reads.push(await measure("static copy of /d/<slug>", null, staticServer.pid, () => closedLoop(staticServer!.url, get("/"), { ...load, expect: [200] })));
      reads.push(await measure("accord /d/<slug>", db, accord.pid, () => closedLoop(accordUrl, get(pagePath), { ...load, expect: [200] })));
      reads.push(await measure("accord /api/declarations/<slug>", db, accord.pid, () => closedLoop(accordUrl, get(apiPath), { ...load, expect: [200] })));
      reads.push(
        await measure("accord /api/declarations/<slug> If-None-Match", db, accord.pid, () =>
          closedLoop(accordUrl, get(apiPath, { "if-none-match": etag }), { ...load, expect: [304, 200] }), // 200: the one request a second that refills the micro-cache
        ),
      );
      const readRss = rssMB(accord.pid);

      printReads = () => {
        out(`Reads: ${opts.connections} connections × ${opts.seconds} s closed loop per target (after ${fmt(load.warmupSeconds, 1)} s warm-up)`);
        out(table(READ_HEADER, readRows(reads)));
        const [stat, pageRun, apiRun, notModified] = reads as [Measured, Measured, Measured, Measured];
        const ratio = (m: Measured) => m.result.perSecond / stat.result.perSecond;
        const verdict = (r: number) => (r >= TARGET_RATIO ? `≥ ${TARGET_RATIO}: meets the aim` : `< ${TARGET_RATIO}: BELOW THE AIM`);
        out(`ratio accord/static, /d/<slug>:                 ${fmt(ratio(pageRun))} (${verdict(ratio(pageRun))}); p99 ${fmt(pageRun.result.p99)} vs ${fmt(stat.result.p99)} ms`);
        out(`ratio accord/static, /api/declarations/<slug>:  ${fmt(ratio(apiRun))} (${verdict(ratio(apiRun))}); p99 ${fmt(apiRun.result.p99)} vs ${fmt(stat.result.p99)} ms`);
        out(`ratio accord/static, same JSON, 304:            ${fmt(ratio(notModified))} (extra line; not part of the aim)`);
        out(`server RSS after the reads ${fmt(readRss, 1)} MB`);
        const readErrors = reads.filter((m) => Object.keys(m.result.errors).length > 0);
        out(readErrors.length ? `READ ERRORS in: ${readErrors.map((m) => `${m.label} (${errorsText(m.result)})`).join("; ")}` : "read errors: none (every answer had the expected status)");

      };
    }

    let printSpike: (() => void) | null = null;
    if (opts.only.spike) {
      // The spike: one warm-up endorsement (not counted), then every user at once, at most --in-flight at a time.
      const endorse = (token: string, i: number): HttpRequest => ({
        method: "POST",
        path: `/api/declarations/${declaration.slug}/endorsements`,
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "x-forwarded-for": `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        },
        body: JSON.stringify({
          kind: "individual",
          name: `Signer ${letters(i)}`,
          role: "Detective Inspector",
          affiliation: "Stockholm Police",
          country: "SE",
          capacity: "serving_officer",
          statement: "Harm reduction saves lives.",
          publicFields: ["capacity", "country"],
          consent: true,
        }),
      });
      const warm = spikeUsers[opts.users]!;
      const warmUp = await requestAll(accordUrl, [endorse(warm.token, opts.users)], { inFlight: 1, expect: [201] });
      if (warmUp.result.ok !== 1) throw new Error(`the warm-up endorsement was refused: ${warmUp.answers[0]?.status} ${warmUp.answers[0]?.body.slice(0, 300)}`);
      const users = spikeUsers.slice(0, opts.users);
      const requests = users.map((u, i) => endorse(u.token, i));
      log(`endorsement spike: ${users.length} users, at most ${opts.inFlight} in flight…`);
      let answers: { status: number; body: string }[] = [];
      const spike = await measure("endorsement spike", db, accord.pid, async () => {
        const r = await requestAll(accordUrl, requests, { inFlight: opts.inFlight, expect: [201] });
        answers = r.answers;
        return r.result;
      });
      const [stored]: [{ n: number }?] = await db.sql`
        select count(*)::int as n from endorsements
        where published_version_id = ${declaration.publishedVersionId} and user_id = any(${users.map((u) => u.id)}::uuid[])`;
      const storedRows = stored?.n ?? NaN;
      const firstRefusal = answers.find((a) => a.status !== 201);
      const spikeRss = rssMB(accord.pid);
      printSpike = () => {
        out();
        const s = spike.result;
        out(`Endorsement spike: ${users.length.toLocaleString("en-US")} distinct verified users (access tokens, distinct X-Forwarded-For), at most ${opts.inFlight} in flight`);
        out(
          table(
            ["", "endorsements/s", "p50 ms", "p99 ms", "max ms", "201", "refused/failed", "wall s", "server CPU s", "pg CPU s", "machine busy %"],
            [
              [
                "POST …/endorsements",
                fmt(s.perSecond, 0),
                fmt(s.p50, 1),
                fmt(s.p99, 1),
                fmt(s.max, 1),
                s.ok.toLocaleString("en-US"),
                errorsText(s),
                fmt(s.seconds, 2),
                fmt(spike.serverCpuSeconds),
                spike.postgresCpuSeconds === null ? "—" : fmt(spike.postgresCpuSeconds),
                fmt(spike.machineBusyPercent, 0),
              ],
            ],
          ),
        );
        if (firstRefusal) out(`first refusal: ${firstRefusal.status} ${firstRefusal.body.slice(0, 200)}`);
        out(
          `stored endorsements of the spike's users: ${storedRows} — ${storedRows === s.ok ? "equals" : "DOES NOT EQUAL"} the ${s.ok} answers 201; ` +
            `server CPU per endorsement ${fmt((spike.serverCpuSeconds / Math.max(1, s.ok)) * 1e6, 0)} µs, ` +
            `PostgreSQL ${spike.postgresCpuSeconds === null ? "—" : fmt((spike.postgresCpuSeconds / Math.max(1, s.ok)) * 1e6, 0)} µs; server RSS after ${fmt(spikeRss, 1)} MB`,
        );
        out(
          `endorsements/s ${fmt(s.perSecond, 0)}: ${s.perSecond >= TARGET_ENDORSEMENTS_PER_SECOND ? "meets" : "BELOW"} the aim of ≥ ${TARGET_ENDORSEMENTS_PER_SECOND.toLocaleString("en-US")}/s` +
            (s.ok < users.length ? ` — ${users.length - s.ok} of ${users.length} endorsements were NOT accepted` : ""),
        );
      };
    }
    const problems = [...accord.problems];
    await accord.stop();
    accord = null;

    out(
      `Accord public pages benchmark — ${db.description}; node ${process.version}; ${os.cpus().length} CPUs; ` +
        `load generator: this process (node:http keep-alive), on the same CPUs`,
    );
    out(
      `declaration /d/${declaration.slug}: page ${fmt(page.body.byteLength / 1024, 1)} kB (${signatoriesOnPage} of ${opts.signatories} signatories listed), ` +
        `JSON ${fmt(api.body.byteLength / 1024, 1)} kB; server NODE_ENV=production, ACCORD_TRUST_PROXY=1`,
    );
    out();
    printReads?.();
    printSpike?.();
    if (problems.length) out(`accord logged ${problems.length} warning/error line(s), first: ${problems.slice(0, 3).join(" | ")}`);

    if (cpuProfDir) {
      for (const f of readdirSync(cpuProfDir).filter((f) => /\.0\.\d+\.cpuprofile$/.test(f))) {
        out();
        out(`CPU profile of the Accord server (reads and spike): ${path.join(cpuProfDir, f)}`);
        out(summarise(path.join(cpuProfDir, f), 25));
      }
    }
    out();
    out(`finished in ${fmt((Date.now() - started) / 1000, 0)} s`);
  } finally {
    await shutdown();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (interrupted) return;
    process.stderr.write(`\nbench:public failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAllChildren();
    for (const c of ownChildren) c.kill("SIGKILL");
    process.exit(1);
  },
);
