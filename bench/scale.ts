/**
 * `npm run bench:scale [-- --seconds T] [--warmup W] [--rounds N] [--instances 3] [--capacity] [--only main,300,2000] [--cpu-prof]` (see bench/README.md)
 *
 * The main workload of bench:collab (1 document × 50 clients × 5 writers × 10 edits/s) through nginx — the
 * repository's configuration (deploy/nginx, rendered by tests/support/nginx.ts), round-robin, no sticky sessions —
 * in front of one Accord instance, and in front of three on the same database, in the same run, rotating which goes
 * first. Three instances twice: collaboration sockets round-robin (most edits cross instances: commit, NOTIFY, read
 * back by the others), and by document (`hash $uri consistent`, deploy/nginx/accord.conf: one document's sockets on
 * one instance). Reports propagation p50/p99 and the ratio to one instance (target p99 ≤ 1.5×), server CPU
 * summed over the instances and per delivery, nginx's CPU, PostgreSQL's backends' CPU, and checks every update was
 * delivered and committed. `--capacity` adds 300 clients with 50 writers on one document, and 2,000 documents × 4
 * clients × 1 edit/s, each over one and three instances. `--only` picks among the three workloads (`main`; `300`: 300
 * clients × 50 writers; `2000`: 2,000 documents), e.g. `--only 300` for the capacity of one busy document alone.
 * `--cpu-prof` profiles every instance (node --cpu-prof) and prints a summary of each at the end.
 * The measuring is bench/scenarios.ts's runWorkload; only how "accord" starts differs.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { resetConfigCache } from "../app/config.server";
import { tiptapJsonToYDocUpdate } from "../app/editor/document-tools.server";
import { ensureBuild } from "../server/build";
import { freePort, startNginx } from "../tests/support/nginx";
import { createBenchDatabase, createDocuments, createEditors, type BenchDatabase } from "./database";
import { killAllChildren, ROOT, startAccord, startWorkers, type Server, type WorkerProcess } from "./processes";
import { runWorkload, type Context, type WorkloadParams, type WorkloadResult } from "./scenarios";
import { fmt, table } from "./stats";
import { integerOption, log, out } from "./cli";
import { summarise } from "./profile-summary";

const TARGET_P99_RATIO = 1.5;


function options() {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "10" },
      warmup: { type: "string", default: "5" },
      rounds: { type: "string", default: "1" },
      instances: { type: "string", default: "3" },
      workers: { type: "string", default: "2" },
      capacity: { type: "boolean", default: false },
      only: { type: "string", default: "" },
      "cpu-prof": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    out("npm run bench:scale -- [--seconds 10] [--warmup 5] [--rounds 1] [--instances 3] [--workers 2] [--capacity] [--only main,300,2000] [--cpu-prof]");
    process.exit(0);
  }
  const int = integerOption;
  return {
    seconds: int("seconds", values.seconds, 1, 300),
    warmup: int("warmup", values.warmup, 0, 300),
    rounds: int("rounds", values.rounds, 1, 9),
    instances: int("instances", values.instances, 2, 8),
    workers: int("workers", values.workers, 1, 8),
    capacity: values.capacity,
    only: onlyWorkloads(values.only, values.capacity),
    cpuProf: values["cpu-prof"],
  };
}

/** Which workloads run: `--only` names them; otherwise the main one, and with `--capacity` the two capacity ones. */
function onlyWorkloads(value: string, capacity: boolean): Set<string> {
  if (!value) return new Set(capacity ? ["main", "300", "2000"] : ["main"]);
  const parts = value.split(",").map((p) => p.trim());
  const unknown = parts.filter((p) => !["main", "300", "2000"].includes(p));
  if (unknown.length) throw new Error(`--only takes main, 300 and/or 2000; got ${value}`);
  return new Set(parts);
}

/**
 * `count` Accord instances (production mode, one key secret, ACCORD_TRUST_PROXY=1) behind one nginx, whose worker may
 * hold `sockets` websockets (two connections each: the client's and the one to an instance).
 */
async function startBehindNginx(db: BenchDatabase, count: number, collabByDocument: boolean, sockets: number, cpuProfDir: string | null): Promise<Server> {
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const nginx = await startNginx(ports, { collabByDocument, workerConnections: Math.max(8192, 2 * sockets + 1024) });
  const origin = `https://127.0.0.1:${nginx.port}`;
  const secret = randomBytes(24).toString("hex");
  const instances: Server[] = [];
  try {
    for (const port of ports) {
      instances.push(await startAccord(db.url, { cpuProfDir: cpuProfDir ?? undefined, env: { PORT: String(port), ACCORD_PUBLIC_URL: origin, ACCORD_KEY_SECRET: secret, ACCORD_TRUST_PROXY: "1" } }));
    }
  } catch (error) {
    await Promise.all(instances.map((s) => s.stop()));
    await nginx.stop();
    throw error;
  }
  const problems: string[] = [];
  return {
    kind: "accord",
    pid: instances[0]!.pid,
    pids: instances.map((s) => s.pid),
    proxyPids: nginx.pids(),
    wsUrl: `ws://127.0.0.1:${nginx.port}/collab`,
    origin,
    get problems() {
      problems.splice(0, problems.length, ...instances.flatMap((s) => s.problems));
      return problems;
    },
    stop: async () => {
      await Promise.all(instances.map((s) => s.stop()));
      await nginx.stop();
    },
  };
}

function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
}

function range(results: WorkloadResult[], f: (r: WorkloadResult) => number, digits = 2): string {
  const v = results.map(f);
  return results.length === 1 ? fmt(v[0]!, digits) : `${fmt(median(v), digits)} (${fmt(Math.min(...v), digits)}–${fmt(Math.max(...v), digits)})`;
}

interface Setup {
  label: string;
  instances: number;
  collabByDocument: boolean;
  results: WorkloadResult[];
}

function print(title: string, setups: Setup[]): void {
  out(title);
  const row = (label: string, f: (r: WorkloadResult) => number, digits = 2) => [label, ...setups.map((x) => range(x.results, f, digits))];
  const each = (f: (r: WorkloadResult) => string) => setups.map((x) => x.results.map(f).join("; "));
  out(
    table(
      ["", ...setups.map((x) => x.label)],
      [
        row("propagation p50 (ms)", (r) => r.p50),
        row("propagation p99 (ms)", (r) => r.p99),
        row("propagation max (ms)", (r) => r.max),
        row('author\'s time to "saved" p99 (ms)', (r) => r.savedP99),
        ["deliveries made / expected", ...each((r) => `${r.deliveries}/${r.expected}`)],
        row("server CPU, all instances (s)", (r) => r.serverCpuSeconds),
        row("server CPU per delivery (µs)", (r) => r.cpuMicrosPerDelivery, 1),
        row("nginx CPU (s)", (r) => r.proxyCpuSeconds ?? NaN),
        row("PostgreSQL backends CPU (s)", (r) => r.postgresCpuSeconds ?? NaN),
        row("server RSS, all instances (MB)", (r) => r.rssMB, 0),
        row("client processes CPU (s)", (r) => r.clientCpuSeconds),
        ["socket closes seen by clients", ...each((r) => Object.entries(r.closes).map(([c, n]) => `${n}× ${c}`).join(" ") || "none")],
      ],
    ),
  );
  for (const x of setups) {
    for (const r of x.results) {
      const c = r.commit;
      const ok = c !== null && c.confirmed === c.writers && c.textsFound === c.textsTotal && r.deliveries === r.expected;
      if (!ok) out(`WARNING (${x.label}): not every update delivered and committed — deliveries ${r.deliveries}/${r.expected}, writers confirmed ${c?.confirmed}/${c?.writers}, texts stored ${c?.textsFound}/${c?.textsTotal}`);
      if (r.problems.length) out(`(${x.label}) logged ${r.problems.length} warning/error line(s) (warm-up included), first: ${r.problems.slice(0, 2).join(" | ")}`);
    }
  }
  const base = median(setups[0]!.results.map((r) => r.p99));
  for (const x of setups.slice(1)) {
    const ratio = median(x.results.map((r) => r.p99)) / base;
    out(`p99 ratio (${x.label} / ${setups[0]!.label}): ${fmt(ratio)} (target ≤ ${TARGET_P99_RATIO})${ratio <= TARGET_P99_RATIO ? "" : "  — ABOVE TARGET"}`);
  }
  if (setups[0]!.results.length > 1) out(`p99 per round (ms): ${setups.map((x) => `${x.label} ${x.results.map((r) => fmt(r.p99, 1)).join(", ")}`).join("; ")}`);
}

async function main(): Promise<void> {
  const opts = options();
  process.env.NODE_ENV = "production"; // this process names the session cookie as the servers do
  resetConfigCache();
  const started = Date.now();
  const running = new Set<Server>();
  let db: BenchDatabase | null = null;
  let workers: WorkerProcess[] = [];
  let done: Promise<void> | null = null;
  const shutdown = () =>
    (done ??= (async () => {
      await Promise.all([...running].map((s) => s.stop().catch(() => {})));
      await Promise.all(workers.map((w) => w.stop().catch(() => {})));
      killAllChildren();
      if (db) await db.drop().catch((e: unknown) => log(`could not drop the database: ${String(e)}`));
    })());
  const abort = (why: string, code: number) => {
    log(why);
    setTimeout(() => process.exit(code), 20_000).unref();
    void shutdown().finally(() => process.exit(code));
  };
  process.on("SIGINT", () => abort("interrupted: stopping", 130));
  process.on("SIGTERM", () => abort("terminated: stopping", 143));
  process.on("exit", () => killAllChildren());
  try {
    ensureBuild(ROOT, log);
    const cpuProfDir = opts.cpuProf ? mkdtempSync("/var/tmp/accord-bench-prof-") : null;
    db = await createBenchDatabase(log);
    const all: [string, WorkloadParams][] = [
      ["main", { docs: 1, clients: 50, writers: 5, rate: 10, seconds: opts.seconds, warmup: opts.warmup }],
      ["300", { docs: 1, clients: 300, writers: 50, rate: 10, seconds: opts.seconds, warmup: opts.warmup }],
      ["2000", { docs: 2000, clients: 4, writers: 1, rate: 1, seconds: opts.seconds, warmup: 0, presence: true }],
    ];
    const workloads = all.filter(([name]) => opts.only.has(name));
    const editors = Math.max(...workloads.map(([, p]) => p.docs * p.clients));
    log(`creating ${editors} editors with sessions`);
    const tokens = await createEditors(db, editors);
    workers = await startWorkers(opts.workers);
    const small = tiptapJsonToYDocUpdate({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "Benchmark document." }] }] });
    out(`Accord behind nginx: 1 vs ${opts.instances} instances — ${db.description}; ${workers.length} client process(es); node ${process.version}; ${(await import("node:os")).cpus().length} CPUs`);
    for (const [i, [name, params]] of workloads.entries()) {
      const documentIds = await createDocuments(db, `scale${i}`, params.docs, () => small);
      const setups: Setup[] = [
        { label: "1 instance", instances: 1, collabByDocument: false, results: [] },
        { label: `${opts.instances}, round-robin`, instances: opts.instances, collabByDocument: false, results: [] },
        { label: `${opts.instances}, by document`, instances: opts.instances, collabByDocument: true, results: [] },
      ];
      for (let round = 0; round < opts.rounds; round++) {
        for (let k = 0; k < setups.length; k++) {
          const setup = setups[(round + k) % setups.length]!;
          const ctx: Context = { db, workers, tokens, cpuProfDir: null, serverRoot: ROOT, log, running, startAccord: () => startBehindNginx(db!, setup.instances, setup.collabByDocument, params.docs * params.clients, cpuProfDir) };
          const r = await runWorkload(ctx, "accord", params, documentIds);
          log(`${setup.label}: p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms; server CPU ${fmt(r.serverCpuSeconds)} s, nginx ${fmt(r.proxyCpuSeconds ?? NaN)} s, PostgreSQL ${fmt(r.postgresCpuSeconds ?? NaN)} s`);
          setup.results.push(r);
        }
      }
      out();
      print(
        `${name === "main" ? "Main workload" : "Capacity"}: ${params.docs} document(s) × ${params.clients} clients × ${params.writers} writer(s) × ${params.rate} edits/s × ${params.seconds} s, through nginx` +
          (opts.rounds > 1 ? ` — median (range) of ${opts.rounds} rounds, rotating which goes first` : ""),
        setups,
      );
    }
    if (cpuProfDir) {
      await shutdown();
      // Main threads only (tid 0); the others are the tsx loader's worker thread.
      for (const f of readdirSync(cpuProfDir).filter((f) => /\.0\.\d+\.cpuprofile$/.test(f))) {
        out();
        out(`CPU profile of an Accord instance: ${path.join(cpuProfDir, f)}`);
        out(summarise(path.join(cpuProfDir, f), 20));
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
    process.stderr.write(`\nbench:scale failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAllChildren();
    process.exit(1);
  },
);
