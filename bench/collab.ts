/**
 * `npm run bench:collab [-- --docs D --clients C --writers W --rate R --seconds T] [--all] [--workers N] [--cpu-prof]`
 *
 * The real Accord server (its own process, on a fresh PostgreSQL database) against a raw websocket relay
 * (bench/relay-server.ts: no Yjs, no database — the ceiling on this machine), same workload, same run:
 * D documents × C y-websocket clients × W writers per document at R edits/s for T seconds. Reports propagation
 * latency p50/p95/p99, deliveries/s, server CPU and RSS, the ratios Accord/relay, and checks every update was
 * committed. `--all` adds: CPU per delivery under heavy fan-out, RSS with 1,000 loaded ~20 kB documents (and
 * after they unload), and 100 clients joining one ~1 MB document at once.
 *
 * Clients run in N worker processes (default 2). Everything listens on and talks to 127.0.0.1 only; the run stops
 * by itself, kills its child processes and drops its database however it ends (also on SIGINT).
 */
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { resetConfigCache } from "../app/config.server";
import { tiptapJsonToYDocUpdate } from "../app/editor/document-tools.server";
import { documentUpdate } from "./content";
import { createBenchDatabase, createDocuments, createEditors, type BenchDatabase } from "./database";
import { killAllChildren, ROOT, startWorkers, type Server, type WorkerProcess } from "./processes";
import { summarise } from "./profile-summary";
import { runJoinStorm, runMemory, runWorkload, type Context, type JoinResult, type MemoryResult, type WorkloadParams, type WorkloadResult } from "./scenarios";
import { fmt, table } from "./stats";

const TARGET_P99_RATIO = 1.5;
const FANOUT: WorkloadParams = { docs: 1, clients: 200, writers: 2, rate: 20, seconds: 10 };
const MEMORY_DOCS = 1000;
const MEMORY_DOC_BYTES = 20_000;
const JOIN_CLIENTS = 100;
const JOIN_DOC_BYTES = 1_000_000;
const UNLOAD_WAIT_MS = 5000 + 4000; // the server unloads a room ~5 s after its last client left

function log(message: string): void {
  process.stderr.write(`· ${message}\n`);
}

function out(text = ""): void {
  process.stdout.write(text + "\n");
}

function options() {
  const { values } = parseArgs({
    options: {
      docs: { type: "string", default: "1" },
      clients: { type: "string", default: "50" },
      writers: { type: "string", default: "5" },
      rate: { type: "string", default: "10" },
      seconds: { type: "string", default: "10" },
      workers: { type: "string", default: "2" },
      all: { type: "boolean", default: false },
      "cpu-prof": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    out("npm run bench:collab -- [--docs 1] [--clients 50] [--writers 5] [--rate 10] [--seconds 10] [--workers 2] [--all] [--cpu-prof]");
    process.exit(0);
  }
  const int = (name: string, value: string, min: number, max: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
    return n;
  };
  const params: WorkloadParams = {
    docs: int("docs", values.docs, 1, 50),
    clients: int("clients", values.clients, 2, 500),
    writers: 0,
    // The server closes a connection above 200 messages/s.
    rate: int("rate", values.rate, 1, 100),
    seconds: int("seconds", values.seconds, 1, 300),
  };
  params.writers = int("writers", values.writers, 1, params.clients);
  if (params.docs * params.clients > 2000) throw new Error("--docs × --clients must be at most 2000");
  return { params, workers: int("workers", values.workers, 1, 8), all: values.all, cpuProf: values["cpu-prof"] };
}

function ensureBuild(): void {
  if (existsSync(path.join(ROOT, "build/index.js"))) return;
  log("build/index.js is missing: running remix build");
  const result = spawnSync(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "build"], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error("remix build failed");
}

function ratio(ours: number, relay: number): string {
  return relay > 0 && Number.isFinite(ours) ? `${fmt(ours / relay)}×` : "—";
}

function closesText(closes: Record<string, number>): string {
  const entries = Object.entries(closes);
  return entries.length === 0 ? "none" : entries.map(([code, n]) => `${n}× ${code}`).join(", ");
}

/** Busy CPU time of the machine not spent by the server, the clients or PostgreSQL's backends (other users' work). */
function others(r: WorkloadResult): number {
  return Math.max(0, r.machineBusySeconds - r.serverCpuSeconds - r.clientCpuSeconds - (r.postgresCpuSeconds ?? 0));
}

function printWorkload(title: string, accord: WorkloadResult, relay: WorkloadResult): void {
  out(title);
  const row = (label: string, a: number, r: number, digits = 2, showRatio = true) => [label, fmt(a, digits), fmt(r, digits), showRatio ? ratio(a, r) : ""];
  out(
    table(
      ["", "accord", "relay", "accord/relay"],
      [
        row("latency p50 (ms)", accord.p50, relay.p50),
        row("latency p95 (ms)", accord.p95, relay.p95),
        row("latency p99 (ms)", accord.p99, relay.p99),
        row("latency max (ms)", accord.max, relay.max),
        row("deliveries/s", accord.deliveriesPerSecond, relay.deliveriesPerSecond, 0),
        [`deliveries (expected ${accord.expected.toLocaleString("en-US")})`, accord.deliveries.toLocaleString("en-US"), relay.deliveries.toLocaleString("en-US"), ""],
        row("server CPU (s)", accord.serverCpuSeconds, relay.serverCpuSeconds),
        row("server CPU per delivery (µs)", accord.cpuMicrosPerDelivery, relay.cpuMicrosPerDelivery, 1),
        row("server RSS at end (MB)", accord.rssMB, relay.rssMB, 1),
        ["PostgreSQL backends CPU (s)", fmt(accord.postgresCpuSeconds ?? NaN), "—", ""],
        row("client processes CPU (s)", accord.clientCpuSeconds, relay.clientCpuSeconds, 2, false),
        row(`machine busy (% of ${accord.cpus} CPUs)`, (accord.machineBusySeconds / (accord.windowSeconds * accord.cpus)) * 100, (relay.machineBusySeconds / (relay.windowSeconds * relay.cpus)) * 100, 0, false),
        row("  of which not this benchmark (CPU s)", others(accord), others(relay), 2, false),
        row("client timer lag p99 (ms)", accord.clientTimerLagP99, relay.clientTimerLagP99, 1, false),
        row("client event-loop delay p99 (ms)", accord.clientLoopDelayP99, relay.clientLoopDelayP99, 1, false),
      ],
    ),
  );
  out(`socket closes seen by clients: accord ${closesText(accord.closes)}; relay ${closesText(relay.closes)}`);
  if (accord.commit) {
    const c = accord.commit;
    const ok = c.confirmed === c.writers && c.rows.rows > 0 && c.textsFound === c.textsTotal && accord.deliveries === accord.expected;
    out(
      `every update committed: ${ok ? "yes" : "NO"} — writers confirmed by "saved" ${c.confirmed}/${c.writers}; ` +
        `document_updates rows written during the run ${c.rows.rows} (${c.rows.empty} of them empty updates); ` +
        `writers' final texts in the stored document ${c.textsFound}/${c.textsTotal}; deliveries ${accord.deliveries}/${accord.expected}`,
    );
  }
  for (const r of [accord, relay]) if (r.problems.length) out(`${r.target} logged ${r.problems.length} warning/error line(s), first: ${r.problems.slice(0, 3).join(" | ")}`);
}

function printMemory(accord: MemoryResult, relay: MemoryResult | null, docBytes: number): void {
  out(`(b) RSS with ${MEMORY_DOCS.toLocaleString("en-US")} loaded documents of ${fmt(docBytes / 1000, 1)} kB (Yjs update; one client each), then ${MEMORY_DOCS.toLocaleString("en-US")} others after the first set unloaded`);
  const rows = [
    ["server RSS at start (MB)", fmt(accord.baselineMB, 1), relay ? fmt(relay.baselineMB, 1) : "—"],
    [`RSS with set A loaded (MB)`, fmt(accord.loadedAMB, 1), relay ? fmt(relay.loadedAMB, 1) : "—"],
    [`idle CPU with set A loaded (% of a core)`, fmt(accord.idleCpuPercent, 1), relay ? fmt(relay.idleCpuPercent, 1) : "—"],
    [`RSS after all left + ${UNLOAD_WAIT_MS / 1000} s (MB)`, fmt(accord.afterUnloadMB, 1), relay ? fmt(relay.afterUnloadMB, 1) : "—"],
    [`RSS with set B loaded (MB)`, fmt(accord.loadedBMB, 1), relay ? fmt(relay.loadedBMB, 1) : "—"],
    [`join p99 while loading (ms)`, fmt(accord.joinP99Ms, 1), relay ? fmt(relay.joinP99Ms, 1) : "—"],
  ];
  out(table(["", "accord", "relay"], rows));
  const growth = accord.loadedBMB - accord.loadedAMB;
  out(
    `memory reused: set B added ${fmt(growth, 1)} MB over set A (set A took ${fmt(accord.loadedAMB - accord.baselineMB, 1)} MB over the start); ` +
      `${accord.loadedBMB < accord.baselineMB + 2 * (accord.loadedAMB - accord.baselineMB) * 0.75 ? "RSS did not double" : "RSS grew as if nothing was reused"}`,
  );
  if (accord.emptyRows !== null) out(`empty updates committed by the ${(2 * MEMORY_DOCS).toLocaleString("en-US")} joins: ${accord.emptyRows}`);
  if (accord.problems.length) out(`accord logged ${accord.problems.length} warning/error line(s), first: ${accord.problems.slice(0, 3).join(" | ")}`);
}

function printJoins(result: JoinResult, docBytes: number): void {
  out(`(c) ${JOIN_CLIENTS} clients joining one ${fmt(docBytes / 1e6, 2)} MB document at once: ms from the start until each client is synced`);
  out(
    table(
      ["", "p50 (ms)", "p99 (ms)", "max (ms)"],
      result.rounds.map((r) => [r.label, fmt(r.p50, 0), fmt(r.p99, 0), fmt(r.max, 0)]),
    ),
  );
  out(`server CPU for both storms ${fmt(result.serverCpuSeconds)} s; server RSS after ${fmt(result.rssMB, 1)} MB`);
  out(`relay: not comparable (a relay holds no document; a joining client would need every peer to send it the 1 MB state)`);
  if (result.problems.length) out(`accord logged ${result.problems.length} warning/error line(s), first: ${result.problems.slice(0, 3).join(" | ")}`);
}

async function main(): Promise<void> {
  const opts = options();
  // The server runs as deployed (NODE_ENV=production); this process reads the same configuration (cookie name).
  process.env.NODE_ENV = "production";
  resetConfigCache();
  const started = Date.now();
  const running = new Set<Server>();
  let db: BenchDatabase | null = null;
  let workers: WorkerProcess[] = [];
  let finishing = false;

  const shutdown = async () => {
    if (finishing) return;
    finishing = true;
    await Promise.all([...running].map((s) => s.stop().catch(() => {})));
    await Promise.all(workers.map((w) => w.stop().catch(() => {})));
    killAllChildren();
    if (db) await db.drop();
  };
  const abort = (why: string, code: number) => {
    log(why);
    const force = setTimeout(() => {
      killAllChildren();
      process.exit(code);
    }, 20_000);
    force.unref();
    void shutdown().finally(() => process.exit(code));
  };
  process.on("SIGINT", () => abort("interrupted: stopping", 130));
  process.on("SIGTERM", () => abort("terminated: stopping", 143));
  process.on("exit", () => killAllChildren());
  const hardLimitMs = (opts.all ? 20 : 5) * 60_000 + opts.params.seconds * 4000;
  setTimeout(() => abort(`the benchmark took more than ${hardLimitMs / 60_000} min: stopping`, 1), hardLimitMs).unref();

  try {
    ensureBuild();
    db = await createBenchDatabase(log);
    log(`database: ${db.description}`);
    const { params } = opts;
    const editorsNeeded = Math.max(params.docs * params.clients, opts.all ? FANOUT.clients : 0);
    log(`creating ${editorsNeeded} editors with sessions`);
    const tokens = await createEditors(db, editorsNeeded);
    workers = await startWorkers(opts.workers);
    const cpuProfDir = opts.cpuProf ? mkdtempSync("/var/tmp/accord-bench-prof-") : null;
    const ctx: Context = { db, workers, tokens, cpuProfDir, log, running };
    const small = tiptapJsonToYDocUpdate({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "Benchmark document." }] }] });

    const header =
      `Accord collaboration benchmark — ${db.description}; ${workers.length} client process(es); ` +
      `node ${process.version}; ${(await import("node:os")).cpus().length} CPUs`;

    // Main workload: Accord, then the relay, same parameters.
    const mainDocs = await createDocuments(db, "main", params.docs, () => small);
    const accord = await runWorkload(ctx, "accord", params, mainDocs);
    const relay = await runWorkload(ctx, "relay", params, mainDocs);

    let fanout: [WorkloadResult, WorkloadResult] | null = null;
    let memory: [MemoryResult, MemoryResult] | null = null;
    let joins: { result: JoinResult; bytes: number } | null = null;
    let memoryDocBytes = 0;
    if (opts.all) {
      const fanDocs = await createDocuments(db, "fanout", 1, () => small);
      fanout = [await runWorkload(ctx, "accord", FANOUT, fanDocs), await runWorkload(ctx, "relay", FANOUT, fanDocs)];

      log(`creating ${2 * MEMORY_DOCS} documents of ~${MEMORY_DOC_BYTES / 1000} kB`);
      const variants = Array.from({ length: 50 }, (_, i) => documentUpdate(MEMORY_DOC_BYTES, 1000 + i));
      const setA = await createDocuments(db, "mem-a", MEMORY_DOCS, (i) => variants[i % variants.length]!);
      const setB = await createDocuments(db, "mem-b", MEMORY_DOCS, (i) => variants[(i + 25) % variants.length]!);
      memory = [await runMemory(ctx, "accord", setA, setB, UNLOAD_WAIT_MS), await runMemory(ctx, "relay", setA, setB, UNLOAD_WAIT_MS)];

      log(`creating a ~${JOIN_DOC_BYTES / 1e6} MB document`);
      const big = documentUpdate(JOIN_DOC_BYTES, 7);
      const [bigDoc] = await createDocuments(db, "join", 1, () => big);
      joins = { result: await runJoinStorm(ctx, bigDoc!, JOIN_CLIENTS), bytes: big.byteLength };
      memoryDocBytes = variants.reduce((n, v) => n + v.byteLength, 0) / variants.length;
    }

    out();
    out(header);
    out();
    printWorkload(`Main workload: ${params.docs} document(s) × ${params.clients} clients × ${params.writers} writers × ${params.rate} edits/s × ${params.seconds} s`, accord, relay);
    if (fanout) {
      out();
      printWorkload(
        `(a) Heavy fan-out: ${FANOUT.docs} document × ${FANOUT.clients} clients × ${FANOUT.writers} writers × ${FANOUT.rate} edits/s × ${FANOUT.seconds} s — server CPU per delivered update`,
        fanout[0],
        fanout[1],
      );
    }
    if (memory) {
      out();
      printMemory(memory[0], memory[1], memoryDocBytes);
    }
    if (joins) {
      out();
      printJoins(joins.result, joins.bytes);
    }
    if (cpuProfDir) {
      await shutdown();
      for (const f of readdirSync(cpuProfDir).filter((f) => f.endsWith(".cpuprofile"))) {
        out();
        out(`CPU profile of an Accord server process: ${path.join(cpuProfDir, f)}`);
        out(summarise(path.join(cpuProfDir, f), 20));
      }
    }
    out();
    out(`finished in ${fmt((Date.now() - started) / 1000, 0)} s`);
    const r = accord.p99 / relay.p99;
    out(`p99 ratio (accord/relay): ${fmt(r)} (target ≤ ${TARGET_P99_RATIO})${r <= TARGET_P99_RATIO ? "" : "  — ABOVE TARGET"}`);
  } finally {
    await shutdown();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`\nbench:collab failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAllChildren();
    process.exit(1);
  },
);
