/**
 * `npm run bench:endorse-scale [-- --users 2000 --in-flight 64 --instances 3 --rounds 1 --warm-up 0] [--cpu-prof]`
 *
 * bench:public's endorsement spike (U distinct verified users with access tokens endorse one published declaration at
 * once, at most `--in-flight` requests at a time) in three setups, in the same run, rotating which goes first:
 * 1. one instance reached directly (bench:public's figure; the client's address in X-Forwarded-For): the baseline;
 * 2. one instance behind nginx (the repository's configuration, tests/support/nginx.ts);
 * 3. `--instances` instances behind nginx, round-robin, one key secret, ACCORD_TRUST_PROXY=1.
 * Behind nginx every user connects from its own loopback address (127.x.y.z), which nginx forwards, so per-address
 * limits see distinct people. Prints endorsements/s, latency, refusals, CPU of the instances (summed), nginx and
 * PostgreSQL, the ratios to the baseline and to one instance behind nginx, the aim (≥ 2,000/s over three), and checks
 * with SQL that every 201 is exactly one stored row. Each setup uses its own users (an endorsement is once per user).
 * `--cpu-prof`: every instance runs with node's --cpu-prof, and each profile is summarised for the measured spike alone
 * (not start-up or warm-up; bench/profile-summary.ts), instance by instance.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { resetConfigCache } from "../app/config.server";
import { ensureBuild } from "../server/build";
import { freePort, startNginx, type Nginx } from "../tests/support/nginx";
import { backendCpu, backendCpuDelta, committedTransactions, createBenchDatabase, type BenchDatabase } from "./database";
import { cpuSeconds, killAllChildren, machineBusy, ROOT, startAccord, type Server } from "./processes";
import { requestAll, type HttpRequest, type LoadResult } from "./public-load";
import { createSpikeUsers, letters, publishSeededDeclaration, type PublishedDeclaration, type SpikeUser } from "./public-setup";
import { summarise } from "./profile-summary";
import { fmt, table } from "./stats";
import { integerOption, log, out } from "./cli";

const AIM_OVER_THREE = 2000;

function options() {
  const { values } = parseArgs({
    options: {
      users: { type: "string", default: "2000" },
      "in-flight": { type: "string", default: "64" },
      instances: { type: "string", default: "3" },
      rounds: { type: "string", default: "1" },
      "warm-up": { type: "string", default: "0" },
      "cpu-prof": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    out("npm run bench:endorse-scale -- [--users 2000] [--in-flight 64] [--instances 3] [--rounds 1] [--warm-up 0] [--cpu-prof]");
    process.exit(0);
  }
  return {
    users: integerOption("users", values.users, 10, 20_000),
    inFlight: integerOption("in-flight", values["in-flight"], 1, 512),
    instances: integerOption("instances", values.instances, 2, 8),
    rounds: integerOption("rounds", values.rounds, 1, 5),
    warmUp: integerOption("warm-up", values["warm-up"], 0, 2000),
    cpuProf: values["cpu-prof"],
  };
}

interface Deployment {
  url: string;
  instancePids: number[];
  proxyPids: number[];
  viaNginx: boolean;
  problems(): string[];
  stop(): Promise<void>;
}

async function deploy(db: BenchDatabase, instances: number, viaNginx: boolean, cpuProfDir: string | undefined): Promise<Deployment> {
  if (!viaNginx) {
    const accord = await startAccord(db.url, { cpuProfDir, env: { ACCORD_TRUST_PROXY: "1" } });
    return { url: accord.origin.replace(/^https:/, "http:"), instancePids: [accord.pid], proxyPids: [], viaNginx, problems: () => accord.problems, stop: () => accord.stop() };
  }
  const ports = await Promise.all(Array.from({ length: instances }, () => freePort()));
  const nginx: Nginx = await startNginx(ports);
  const origin = `https://127.0.0.1:${nginx.port}`;
  const secret = randomBytes(24).toString("hex");
  const servers: Server[] = [];
  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await nginx.stop();
  };
  try {
    for (const port of ports) servers.push(await startAccord(db.url, { cpuProfDir, env: { PORT: String(port), ACCORD_PUBLIC_URL: origin, ACCORD_KEY_SECRET: secret, ACCORD_TRUST_PROXY: "1" } }));
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: nginx.url, instancePids: servers.map((s) => s.pid), proxyPids: nginx.pids(), viaNginx, problems: () => servers.flatMap((s) => s.problems), stop };
}

/** A distinct address per user: in X-Forwarded-For when direct, as the connection's own address behind nginx. */
function endorsement(d: PublishedDeclaration, user: SpikeUser, i: number, viaNginx: boolean): HttpRequest {
  const a = [(i >> 16) & 255, (i >> 8) & 255, i & 255];
  return {
    method: "POST",
    path: `/api/declarations/${d.slug}/endorsements`,
    headers: {
      authorization: `Bearer ${user.token}`,
      "content-type": "application/json",
      ...(viaNginx ? {} : { "x-forwarded-for": `10.${a.join(".")}` }),
    },
    ...(viaNginx ? { localAddress: `127.${a[0]! + 1}.${a[1]}.${a[2]}` } : {}),
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
  };
}

interface Spike {
  result: LoadResult;
  storedRows: number;
  distinctStored: number;
  serverCpu: number;
  /** This process's CPU while it sent the spike (the load generator: it shares the machine's CPUs). */
  clientCpu: number;
  /** Of serverCpu, the kernel's part (system time: sockets, wake-ups). */
  serverSystemCpu: number;
  /** Times the instances gave up a CPU (voluntary context switches: each wait for I/O with nothing else to do). */
  serverWaits: number;
  /** TCP connections accepted on this machine (the load generator's, nginx's to the instances, PostgreSQL's). */
  accepted: number;
  /** PostgreSQL transactions committed (pg_stat_database; every statement outside a transaction is one). */
  transactions: number;
  /** PostgreSQL backends that connected during the spike, and their CPU (connection start-up and cold caches included). */
  newBackends: number;
  newBackendsCpu: number;
  proxyCpu: number;
  postgresCpu: number;
  machineBusyPercent: number;
  firstRefusal: string | null;
  problems: number;
  /** The measured spike, in microseconds of the monotonic clock (as CPU profiles count time). */
  windowMicros: { fromMicros: number; toMicros: number };
}

const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

async function spike(db: BenchDatabase, d: PublishedDeclaration, users: SpikeUser[], warm: SpikeUser[], instances: number, viaNginx: boolean, inFlight: number, offset: number, warmUpPerInstance: number, cpuProfDir?: string): Promise<Spike> {
  const deployment = await deploy(db, instances, viaNginx, cpuProfDir);
  try {
    // One warm-up endorsement per instance, one after the other (round-robin reaches each), not counted; with
    // --warm-up N, N per instance more, as many in flight as the spike (warm code and pools: a long-running instance).
    const warmUps = await requestAll(deployment.url, warm.slice(0, instances).map((u, i) => endorsement(d, u, offset + users.length + i, viaNginx)), { inFlight: 1, expect: [201] });
    const more = warm.slice(instances, instances + instances * warmUpPerInstance);
    if (more.length) {
      const moreUps = await requestAll(deployment.url, more.map((u, i) => endorsement(d, u, offset + users.length + instances + i, viaNginx)), { inFlight, expect: [201] });
      if (moreUps.result.ok !== more.length) throw new Error(`a warm-up endorsement was refused: ${moreUps.answers.find((a) => a.status !== 201)?.body.slice(0, 300)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    if (warmUps.result.ok !== instances) throw new Error(`a warm-up endorsement was refused: ${warmUps.answers.find((a) => a.status !== 201)?.body.slice(0, 300)}`);
    const requests = users.map((u, i) => endorsement(d, u, offset + i, viaNginx));
    const sum = (pids: number[]) => pids.reduce((s, pid) => s + cpuSeconds(pid), 0);
    const sumOf = (f: (pid: number) => number) => deployment.instancePids.reduce((s, pid) => s + f(pid), 0);
    await new Promise((r) => setTimeout(r, 1200)); // pg_stat_database is flushed about once a second
    const xact0 = await committedTransactions(db);
    const pg0 = await backendCpu(db);
    const system0 = sumOf(systemCpuSeconds);
    const accepted0 = tcpPassiveOpens();
    const waits0 = sumOf(voluntarySwitches);
    const server0 = sum(deployment.instancePids);
    const proxy0 = sum(deployment.proxyPids);
    const busy0 = machineBusy();
    const t0 = performance.now();
    const fromMicros = monotonicMicros();
    const client0 = process.cpuUsage();
    const run = await requestAll(deployment.url, requests, { inFlight, expect: [201] });
    const toMicros = monotonicMicros();
    const clientCpu = (() => {
      const u = process.cpuUsage(client0);
      return (u.user + u.system) / 1e6;
    })();
    const window = (performance.now() - t0) / 1000;
    const busy1 = machineBusy();
    const serverCpu = sum(deployment.instancePids) - server0;
    const proxyCpu = sum(deployment.proxyPids) - proxy0;
    const system1 = sumOf(systemCpuSeconds);
    const accepted = tcpPassiveOpens() - accepted0;
    const waits1 = sumOf(voluntarySwitches);
    const pg1 = await backendCpu(db);
    const postgresCpu = backendCpuDelta(pg0, pg1);
    const fresh = [...pg1].filter(([pid]) => !pg0.has(pid));
    await new Promise((r) => setTimeout(r, 1200));
    const transactions = (await committedTransactions(db)) - xact0;
    const [stored] = await db.sql<{ n: number; distinct: number }[]>`
      select count(*)::int as n, count(distinct user_id)::int as distinct from endorsements
      where published_version_id = ${d.publishedVersionId} and user_id = any(${users.map((u) => u.id)}::uuid[])`;
    const refusal = run.answers.find((a) => a.status !== 201);
    return {
      result: run.result,
      storedRows: stored?.n ?? NaN,
      distinctStored: stored?.distinct ?? NaN,
      serverCpu,
      serverSystemCpu: system1 - system0,
      clientCpu,
      serverWaits: waits1 - waits0,
      accepted,
      transactions,
      newBackends: fresh.length,
      newBackendsCpu: fresh.reduce((t, [, cpu]) => t + cpu, 0),
      proxyCpu,
      postgresCpu,
      machineBusyPercent: ((busy1.busy - busy0.busy) / (window * busy1.cpus)) * 100,
      firstRefusal: refusal ? `${refusal.status} ${refusal.body.slice(0, 200)}` : null,
      problems: deployment.problems().length,
      windowMicros: { fromMicros, toMicros },
    };
  } finally {
    await deployment.stop();
  }
}

/** System (kernel) CPU seconds of a process so far. */
function systemCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[12]) / 100;
}

/** TCP connections accepted by any process of this machine so far (/proc/net/snmp, Tcp PassiveOpens). */
function tcpPassiveOpens(): number {
  const lines = readFileSync("/proc/net/snmp", "utf8").split("\n").filter((l) => l.startsWith("Tcp:"));
  const names = lines[0]!.split(/\s+/);
  return Number(lines[1]!.split(/\s+/)[names.indexOf("PassiveOpens")]);
}

/** Voluntary context switches of a process (all its threads) so far. */
function voluntarySwitches(pid: number): number {
  let n = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      n += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/task/${task}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      /* the thread ended meanwhile */
    }
  }
  return n;
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
}

async function main(): Promise<void> {
  const opts = options();
  process.env.NODE_ENV = "production";
  resetConfigCache();
  const started = Date.now();
  let db: BenchDatabase | null = null;
  const shutdown = async () => {
    killAllChildren();
    if (db) await db.drop().catch((e: unknown) => log(`could not drop the database: ${String(e)}`));
  };
  process.on("SIGINT", () => void shutdown().finally(() => process.exit(130)));
  process.on("exit", () => killAllChildren());
  try {
    ensureBuild(ROOT, log);
    db = await createBenchDatabase(log);
    const declaration = await publishSeededDeclaration(db);
    const setups = [
      { label: "1 instance, direct", instances: 1, viaNginx: false, runs: [] as Spike[] },
      { label: "nginx → 1 instance", instances: 1, viaNginx: true, runs: [] as Spike[] },
      { label: `nginx → ${opts.instances} instances`, instances: opts.instances, viaNginx: true, runs: [] as Spike[] },
    ];
    const perRun = opts.users + opts.instances * (1 + opts.warmUp);
    const total = perRun * setups.length * opts.rounds;
    log(`creating ${total} users with access tokens`);
    const users = await createSpikeUsers(db, total);
    let next = 0;
    const profiles: string[] = [];
    for (let round = 0; round < opts.rounds; round++) {
      for (let k = 0; k < setups.length; k++) {
        const setup = setups[(round + k) % setups.length]!;
        const mine = users.slice(next, next + perRun);
        log(`${setup.label}: ${opts.users} endorsements, at most ${opts.inFlight} in flight…`);
        const cpuProfDir = opts.cpuProf ? mkdtempSync(path.join(os.tmpdir(), "accord-endorse-prof-")) : undefined;
        const r = await spike(db, declaration, mine.slice(0, opts.users), mine.slice(opts.users), setup.instances, setup.viaNginx, opts.inFlight, next, opts.warmUp, cpuProfDir);
        next += perRun;
        log(`${setup.label}: ${fmt(r.result.perSecond, 0)}/s, p99 ${fmt(r.result.p99, 1)} ms, ${r.result.ok} × 201, ${r.storedRows} stored`);
        setup.runs.push(r);
        if (cpuProfDir) {
          for (const f of readdirSync(cpuProfDir).filter((f) => f.endsWith(".cpuprofile")).sort()) {
            profiles.push(`CPU profile (${setup.label}, round ${round + 1}), the spike only (monotonic µs ${r.windowMicros.fromMicros}–${r.windowMicros.toMicros}): ${path.join(cpuProfDir, f)}\n${summarise(path.join(cpuProfDir, f), 30, r.windowMicros)}`);
          }
        }
      }
    }
    const each = (f: (s: Spike) => string) => setups.map((x) => x.runs.map(f).join("; "));
    const mid = (f: (s: Spike) => number, digits = 0) => setups.map((x) => fmt(median(x.runs.map(f)), digits));
    out(`Endorsement spike through nginx — ${db.description}; node ${process.version}; ${os.cpus().length} CPUs; load: this process, on the same CPUs; load average ${os.loadavg().map((l) => fmt(l, 2)).join(" ")}`);
    out(`${opts.users.toLocaleString("en-US")} distinct verified users per setup and round, at most ${opts.inFlight} in flight` + (opts.rounds > 1 ? `; median of ${opts.rounds} rounds, rotating which goes first` : ""));
    out(
      table(
        ["", ...setups.map((x) => x.label)],
        [
          ["endorsements/s", ...mid((s) => s.result.perSecond)],
          ["endorsements/s per round", ...each((s) => fmt(s.result.perSecond, 0))],
          ["p50 ms", ...mid((s) => s.result.p50, 1)],
          ["p99 ms", ...mid((s) => s.result.p99, 1)],
          ["201 / stored rows / distinct signers", ...each((s) => `${s.result.ok}/${s.storedRows}/${s.distinctStored}`)],
          ["refused or failed", ...each((s) => String(s.result.requests - s.result.ok))],
          ["server CPU per endorsement, all instances (µs)", ...mid((s) => (s.serverCpu / Math.max(1, s.result.ok)) * 1e6)],
          ["  of which kernel (system time) %", ...mid((s) => (s.serverSystemCpu / Math.max(1e-9, s.serverCpu)) * 100)],
          ["instances' waits for I/O per endorsement", ...mid((s) => s.serverWaits / Math.max(1, s.result.ok), 2)],
          ["TCP connections accepted on the machine per endorsement", ...mid((s) => s.accepted / Math.max(1, s.result.ok), 2)],
          ["nginx CPU per endorsement (µs)", ...mid((s) => (s.proxyCpu / Math.max(1, s.result.ok)) * 1e6)],
          ["PostgreSQL CPU per endorsement (µs)", ...mid((s) => (s.postgresCpu / Math.max(1, s.result.ok)) * 1e6)],
          ["  of which backends connected during the spike (µs; how many)", ...setups.map((x) => x.runs.map((s) => `${fmt((s.newBackendsCpu / Math.max(1, s.result.ok)) * 1e6, 0)} (${s.newBackends})`).join("; "))],
          ["PostgreSQL transactions per endorsement (± a few of others)", ...mid((s) => s.transactions / Math.max(1, s.result.ok), 2)],
          ["load generator (this process) CPU per endorsement (µs)", ...mid((s) => (s.clientCpu / Math.max(1, s.result.ok)) * 1e6)],
          ["all of it per endorsement (µs): instances + nginx + PostgreSQL + load generator", ...mid((s) => ((s.serverCpu + s.proxyCpu + s.postgresCpu + s.clientCpu) / Math.max(1, s.result.ok)) * 1e6)],
          ["machine busy %", ...mid((s) => s.machineBusyPercent)],
        ],
      ),
    );
    const rate = (i: number) => median(setups[i]!.runs.map((s) => s.result.perSecond));
    out(`ratio nginx → 1 instance / direct: ${fmt(rate(1) / rate(0))}`);
    out(`ratio nginx → ${opts.instances} / nginx → 1: ${fmt(rate(2) / rate(1))}; / direct: ${fmt(rate(2) / rate(0))}`);
    out(`over ${opts.instances} instances: ${fmt(rate(2), 0)}/s — ${rate(2) >= AIM_OVER_THREE ? "meets" : "BELOW"} the aim of ≥ ${AIM_OVER_THREE.toLocaleString("en-US")}/s`);
    const wrong = setups.flatMap((x) => x.runs.filter((s) => s.storedRows !== s.result.ok || s.distinctStored !== s.storedRows).map(() => x.label));
    out(wrong.length ? `STORED ROWS DO NOT MATCH THE 201 ANSWERS in: ${wrong.join(", ")}` : "every 201 is exactly one stored endorsement (SQL), in every setup and round");
    for (const x of setups) {
      const refusal = x.runs.find((s) => s.firstRefusal)?.firstRefusal;
      if (refusal) out(`(${x.label}) first refusal: ${refusal}`);
      const problems = x.runs.reduce((n, s) => n + s.problems, 0);
      if (problems) out(`(${x.label}) the instances logged ${problems} warning/error line(s)`);
    }
    for (const p of profiles) out(`\n${p}`);
    out(`finished in ${fmt((Date.now() - started) / 1000, 0)} s`);
  } finally {
    await shutdown();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`\nbench:endorse-scale failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAllChildren();
    process.exit(1);
  },
);
