/**
 * `npm run bench:collab [-- --docs D --clients C --writers W --rate R --seconds T] [--all | --only main,a,b,c]
 *   [--rounds N] [--workers N] [--snapshot] [--cpu-prof]` (see bench/README.md)
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
import { mkdtempSync, readdirSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { resetConfigCache } from "../app/config.server";
import { ensureBuild } from "../server/build";
import { tiptapJsonToYDocUpdate } from "../app/editor/document-tools.server";
import { documentUpdate } from "./content";
import { createBenchDatabase, createDocuments, createEditors, probeCommits, type BenchDatabase } from "./database";
import { killAllChildren, snapshotWorktree, ROOT, startWorkers, type Server, type WorkerProcess } from "./processes";
import { summarise } from "./profile-summary";
import type { Target } from "./protocol";
import { runJoinStorm, runMemory, runWorkload, type Context, type JoinResult, type MemoryResult, type WorkloadParams, type WorkloadResult } from "./scenarios";
import { fmt, percentile, sortedOf, table } from "./stats";
import { integerOption, log, out } from "./cli";

const TARGET_P99_RATIO = 1.5;
const FANOUT: Omit<WorkloadParams, "warmup"> = { docs: 1, clients: 200, writers: 2, rate: 20, seconds: 10 };
const MEMORY_DOCS = 1000;
const MEMORY_DOC_BYTES = 20_000;
const JOIN_CLIENTS = 100;
const JOIN_DOC_BYTES = 1_000_000;
const UNLOAD_WAIT_MS = 5000 + 4000; // the server unloads a room ~5 s after its last client left

/** Set when a signal or fatal error started the shutdown (which then sets the exit code). */
let interrupted = false;


function options() {
  const { values } = parseArgs({
    options: {
      docs: { type: "string", default: "1" },
      clients: { type: "string", default: "50" },
      writers: { type: "string", default: "5" },
      rate: { type: "string", default: "10" },
      seconds: { type: "string", default: "10" },
      warmup: { type: "string", default: "5" },
      workers: { type: "string", default: "2" },
      rounds: { type: "string", default: "1" },
      only: { type: "string" },
      snapshot: { type: "boolean", default: false },
      all: { type: "boolean", default: false },
      "cpu-prof": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    out("npm run bench:collab -- [--docs 1] [--clients 50] [--writers 5] [--rate 10] [--seconds 10] [--warmup 5] [--workers 2] [--rounds 1] [--all | --only main,a,b,c] [--snapshot] [--cpu-prof]");
    process.exit(0);
  }
  const int = integerOption;
  const params: WorkloadParams = {
    docs: int("docs", values.docs, 1, 50),
    clients: int("clients", values.clients, 2, 500),
    writers: 0,
    // The server closes a connection above 200 messages/s.
    rate: int("rate", values.rate, 1, 100),
    seconds: int("seconds", values.seconds, 1, 300),
    warmup: int("warmup", values.warmup, 0, 300),
  };
  params.writers = int("writers", values.writers, 1, params.clients);
  if (params.docs * params.clients > 2000) throw new Error("--docs × --clients must be at most 2000");
  const sections = new Set(values.all ? ["main", "a", "b", "c"] : (values.only ?? "main").split(","));
  for (const x of sections) if (!["main", "a", "b", "c"].includes(x)) throw new Error(`--only takes main, a, b, c (comma-separated), not ${x}`);
  return { params, workers: int("workers", values.workers, 1, 8), rounds: int("rounds", values.rounds, 1, 9), sections, cpuProf: values["cpu-prof"], snapshot: values.snapshot };
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
        row("author's time to \"saved\" p50 (ms)", accord.savedP50, NaN, 2, false),
        row("author's time to \"saved\" p99 (ms)", accord.savedP99, NaN, 2, false),
        row("deliveries/s", accord.deliveriesPerSecond, relay.deliveriesPerSecond, 0),
        ["deliveries made / expected", `${accord.deliveries.toLocaleString("en-US")} / ${accord.expected.toLocaleString("en-US")}`, `${relay.deliveries.toLocaleString("en-US")} / ${relay.expected.toLocaleString("en-US")}`, ""],
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
  for (const r of [accord, relay]) {
    if (r.deliveries < r.expected) {
      out(`WARNING: ${r.target}: ${(r.expected - r.deliveries).toLocaleString("en-US")} deliveries missing — clients were still behind when the wait (60 s) ended; its figures cover what arrived`);
    }
  }
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

function printMemory(natural: MemoryResult, forced: MemoryResult | null, relay: MemoryResult | null, docBytes: number): void {
  out(
    `(b) RSS with ${MEMORY_DOCS.toLocaleString("en-US")} loaded documents of ${fmt(docBytes / 1000, 1)} kB (Yjs update) — one client each — ` +
      `then all clients leave, and ${MEMORY_DOCS.toLocaleString("en-US")} other documents load`,
  );
  const col = (r: MemoryResult | null, f: (r: MemoryResult) => number, digits = 1) => (r ? fmt(f(r), digits) : "—");
  const header = ["", "accord", ...(forced ? ["accord, forced GCs"] : []), "relay"];
  const line = (label: string, f: (r: MemoryResult) => number, digits = 1) => [label, col(natural, f, digits), ...(forced ? [col(forced, f, digits)] : []), col(relay, f, digits)];
  const rows = [
    line("server RSS at start (MB)", (r) => r.baselineMB),
    line("RSS with set A loaded (MB)", (r) => r.loadedAMB),
    line("idle CPU with set A loaded (% of a core)", (r) => r.idleCpuPercent),
    line("  PostgreSQL backends meanwhile (% of a core)", (r) => (r.target === "accord" ? r.idlePostgresCpuPercent : NaN)),
    line("  PostgreSQL transactions/s meanwhile", (r) => (r.target === "accord" ? r.idleTransactionsPerSecond : NaN), 0),
    line(`RSS ${UNLOAD_WAIT_MS / 1000} s after all left (MB)`, (r) => r.afterUnloadMB),
    line("RSS with set B loaded (MB)", (r) => r.loadedBMB),
    line("join p99 while loading (ms)", (r) => r.joinP99Ms, 0),
  ];
  if (forced?.heapMB) {
    const h = forced.heapMB;
    rows.push(
      ["V8 heap after a full GC: at start (MB)", "", fmt(h.baseline, 1), ""],
      ["  with set A loaded (MB)", "", fmt(h.loadedA, 1), ""],
      ["  after set A unloaded (MB)", "", fmt(h.afterUnload, 1), ""],
      ["  with set B loaded (MB)", "", fmt(h.loadedB, 1), ""],
    );
  }
  out(table(header, rows));
  const setA = natural.loadedAMB - natural.baselineMB;
  const setB = natural.loadedBMB - natural.loadedAMB;
  out(
    `RSS growth: set A +${fmt(setA, 1)} MB, then set B +${fmt(setB, 1)} MB more — ` +
      (setB < setA * 0.5 ? "set B reused set A's memory" : "set B did not reuse set A's memory (RSS grew by about as much again)"),
  );
  if (forced?.heapMB) {
    const h = forced.heapMB;
    out(
      `with forced full GCs: ${fmt(h.loadedA - h.baseline, 1)} MB of live heap per ${MEMORY_DOCS.toLocaleString("en-US")} documents ` +
        `(${fmt(((h.loadedA - h.baseline) * 1024) / MEMORY_DOCS, 0)} kB each); after unloading ${fmt(h.afterUnload - h.baseline, 1)} MB stays live; ` +
        `RSS with set B ${fmt(forced.loadedBMB, 1)} MB vs ${fmt(forced.loadedAMB, 1)} MB with set A`,
    );
  }
  if (natural.emptyRows !== null) out(`log rows written by the ${(2 * MEMORY_DOCS).toLocaleString("en-US")} joins: ${natural.emptyRows} (empty updates are confirmed without a row)`);
  for (const r of [natural, forced]) if (r?.problems.length) out(`accord logged ${r.problems.length} warning/error line(s), first: ${r.problems.slice(0, 3).join(" | ")}`);
}

function printJoins(result: JoinResult, docBytes: number): void {
  out(
    `(c) ${JOIN_CLIENTS} clients joining one ${fmt(docBytes / 1e6, 2)} MB document (state sent: ${fmt(result.stateBytes / 1e6, 2)} MB) at once: ` +
      `ms from the start until each has the state`,
  );
  out(
    table(
      ["", "p50 (ms)", "p99 (ms)", "max (ms)"],
      result.rounds.map((r) => [r.label, fmt(r.p50, 0), fmt(r.p99, 0), fmt(r.max, 0)]),
    ),
  );
  out(
    `bare sockets send sync step 1 and stop at the step 2 answer (the server's part); providers also decode and apply ` +
      `1 MB each, ${JOIN_CLIENTS} times, in the ${"client processes"} on the same CPUs`,
  );
  out(`server CPU for the four storms ${fmt(result.serverCpuSeconds)} s; server RSS after ${fmt(result.rssMB, 1)} MB`);
  out(`relay: not comparable (a relay holds no document; every joining client would need a peer to send it the 1 MB state)`);
  if (result.problems.length) out(`accord logged ${result.problems.length} warning/error line(s), first: ${result.problems.slice(0, 3).join(" | ")}`);
}

/** Per-figure medians over rounds; commit checks and counts are summed. */
function combine(results: WorkloadResult[]): WorkloadResult {
  if (results.length === 1) return results[0]!;
  const median = (f: (r: WorkloadResult) => number) => {
    const v = results.map(f).sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
  };
  const first = results[0]!;
  const closes: Record<string, number> = {};
  for (const r of results) for (const [k, n] of Object.entries(r.closes)) closes[k] = (closes[k] ?? 0) + n;
  const commits = results.map((r) => r.commit).filter((c) => c !== null);
  return {
    ...first,
    p50: median((r) => r.p50),
    p95: median((r) => r.p95),
    p99: median((r) => r.p99),
    max: median((r) => r.max),
    savedP50: median((r) => r.savedP50),
    savedP99: median((r) => r.savedP99),
    deliveries: results.reduce((n, r) => n + r.deliveries, 0),
    expected: results.reduce((n, r) => n + r.expected, 0),
    deliveriesPerSecond: median((r) => r.deliveriesPerSecond),
    serverCpuSeconds: median((r) => r.serverCpuSeconds),
    cpuMicrosPerDelivery: median((r) => r.cpuMicrosPerDelivery),
    rssMB: median((r) => r.rssMB),
    postgresCpuSeconds: first.postgresCpuSeconds === null ? null : median((r) => r.postgresCpuSeconds ?? 0),
    clientCpuSeconds: median((r) => r.clientCpuSeconds),
    machineBusySeconds: median((r) => r.machineBusySeconds),
    windowSeconds: median((r) => r.windowSeconds),
    clientTimerLagP99: median((r) => r.clientTimerLagP99),
    clientLoopDelayP99: median((r) => r.clientLoopDelayP99),
    closes,
    problems: results.flatMap((r) => r.problems),
    commit:
      commits.length === 0
        ? null
        : {
            confirmed: commits.reduce((n, c) => n + c.confirmed, 0),
            writers: commits.reduce((n, c) => n + c.writers, 0),
            rows: { rows: commits.reduce((n, c) => n + c.rows.rows, 0), empty: commits.reduce((n, c) => n + c.rows.empty, 0) },
            textsFound: commits.reduce((n, c) => n + c.textsFound, 0),
            textsTotal: commits.reduce((n, c) => n + c.textsTotal, 0),
          },
  };
}

/**
 * Accord and the relay (and, with `floor`, the commit-relay), `rounds` times, rotating which goes first, so that
 * a noisy spell of the machine does not always hit the same one.
 */
async function compare(
  ctx: Context,
  params: WorkloadParams,
  documentIds: string[],
  rounds: number,
  options: { floor?: boolean } = {},
): Promise<{ accord: WorkloadResult[]; relay: WorkloadResult[]; floor: WorkloadResult[] }> {
  const results: Record<Target, WorkloadResult[]> = { accord: [], relay: [], "commit-relay": [] };
  const targets: Target[] = options.floor ? ["accord", "relay", "commit-relay"] : ["accord", "relay"];
  for (let i = 0; i < rounds; i++) {
    if (rounds > 1) ctx.log(`round ${i + 1} of ${rounds}`);
    for (let k = 0; k < targets.length; k++) {
      const target = targets[(i + k) % targets.length]!;
      const r = await runWorkload(ctx, target, params, documentIds);
      ctx.log(
        `${target}: p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms; server CPU ${fmt(r.serverCpuSeconds)} s` +
          (r.postgresCpuSeconds !== null ? `, PostgreSQL CPU ${fmt(r.postgresCpuSeconds)} s` : "") +
          `; clients' CPU ${fmt(r.clientCpuSeconds)} s; machine busy ${fmt(r.machineBusySeconds)} CPU s`,
      );
      results[target].push(r);
    }
  }
  return { accord: results.accord, relay: results.relay, floor: results["commit-relay"] };
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
  let removeSnapshot: (() => void) | null = null;
  let shutdownDone: Promise<void> | null = null;

  // Idempotent: every way out awaits the same cleanup (servers, workers, database, snapshot).
  const shutdown = () =>
    (shutdownDone ??= (async () => {
      await Promise.all([...running].map((s) => s.stop().catch(() => {})));
      await Promise.all(workers.map((w) => w.stop().catch(() => {})));
      killAllChildren();
      if (db) await db.drop().catch((e: unknown) => log(`could not drop the database: ${String(e)}`));
      removeSnapshot?.();
    })());
  const abort = (why: string, code: number) => {
    interrupted = true;
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
  process.on("uncaughtException", (error) => abort(`fatal: ${error.stack ?? error.message}`, 1));
  process.on("unhandledRejection", (error) => abort(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`, 1));
  process.on("exit", () => killAllChildren());
  const hardLimitMs = (5 + 6 * (opts.sections.size - 1)) * opts.rounds * 60_000 + opts.params.seconds * opts.rounds * 4000;
  setTimeout(() => abort(`the benchmark took more than ${hardLimitMs / 60_000} min: stopping`, 1), hardLimitMs).unref();

  try {
    let serverRoot = ROOT;
    if (opts.snapshot) {
      const snapshot = snapshotWorktree();
      removeSnapshot = snapshot.remove;
      serverRoot = snapshot.root;
      log(`running the server from a copy of the working tree in ${serverRoot}${snapshot.hasBuild ? " (with its current web build)" : ""}`);
    }
    // The server builds the web app itself when the sources are newer than the build; do it once up front so a
    // broken build fails here, not at every server start.
    try {
      ensureBuild(serverRoot, log);
    } catch (error) {
      throw new Error(
        `the Remix build failed (the Accord server needs it): ${(error as Error).message}` +
          (opts.snapshot ? "" : "; to measure the server with the web build that exists now, add --snapshot"),
      );
    }
    db = await createBenchDatabase(log);
    log(`database: ${db.description}`);
    const { params } = opts;
    const editorsNeeded = Math.max(params.docs * params.clients, opts.sections.has("a") ? FANOUT.clients : 0, 100);
    log(`creating ${editorsNeeded} editors with sessions`);
    const tokens = await createEditors(db, editorsNeeded);
    workers = await startWorkers(opts.workers);
    const cpuProfDir = opts.cpuProf ? mkdtempSync("/var/tmp/accord-bench-prof-") : null;
    const ctx: Context = { db, workers, tokens, cpuProfDir, serverRoot, log, running };
    const small = tiptapJsonToYDocUpdate({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "Benchmark document." }] }] });

    const header =
      `Accord collaboration benchmark — ${db.description}; ${workers.length} client process(es); ` +
      `node ${process.version}; ${(await import("node:os")).cpus().length} CPUs; server from ` +
      (opts.snapshot ? "a copy of the working tree" : "the working tree");

    // Each section prints its figures as soon as it is done (progress goes to stderr).
    const perRound = (label: string, a: WorkloadResult[], r: WorkloadResult[]) =>
      a.length > 1 ? out(`${label} per round (ms): accord ${a.map((x) => fmt(x.p99, 1)).join(", ")}; relay ${r.map((x) => fmt(x.p99, 1)).join(", ")}`) : undefined;
    const rounds = opts.rounds > 1 ? ` — medians of ${opts.rounds} alternating rounds` : "";
    out(header);

    let main: { accord: WorkloadResult[]; relay: WorkloadResult[]; floor: WorkloadResult[] } | null = null;
    if (opts.sections.has("main")) {
      const spacingMs = 1000 / (params.writers * params.rate);
      log(`timing PostgreSQL commits (200 + 200 back to back, 200 one every ${fmt(spacingMs, 0)} ms)`);
      const [probeDoc] = await createDocuments(db, "probe", 1, () => small);
      const probe = await probeCommits(db, probeDoc!, 200, spacingMs);
      main = await compare(ctx, params, await createDocuments(db, "main", params.docs, () => small), opts.rounds, { floor: true });
      out();
      printWorkload(
        `Main workload: ${params.docs} document(s) × ${params.clients} clients × ${params.writers} writers × ${params.rate} edits/s × ${params.seconds} s${rounds}`,
        combine(main.accord),
        combine(main.relay),
      );
      perRound("p99", main.accord, main.relay);
      const ms = (v: Float64Array) => {
        const sorted = sortedOf(v);
        return `p50 ${fmt(percentile(sorted, 50))} ms, p99 ${fmt(percentile(sorted, 99))} ms`;
      };
      out(
        `PostgreSQL commit of one small update, timed from the bench before the runs: as the server does it (one statement) ` +
          `${ms(probe.asServer)}, ${fmt(probe.asServerCpuMicros, 0)} µs client CPU; with lock and tail read in a transaction ` +
          `(server-side changes) ${ms(probe.locked)}, ${fmt(probe.lockedCpuMicros, 0)} µs client CPU; ` +
          `as the server does it, one every ${fmt(spacingMs, 0)} ms as the edits arrive (PostgreSQL and this process idle in between) ${ms(probe.spaced)}`,
      );
      // What any server that commits before it relays can reach here: the relay, committing each message first.
      const relay = combine(main.relay);
      const floor = combine(main.floor);
      const estimate = relay.p99 + percentile(sortedOf(probe.spaced), 99);
      out(
        `commit before relay at its simplest (the relay committing each message in one INSERT, pipelined on one connection, ` +
          `before forwarding it; no Yjs, hash chain, NOTIFY or authentication): p50 ${fmt(floor.p50)} ms, p99 ${fmt(floor.p99)} ms ` +
          `= ${fmt(floor.p99 / relay.p99)}× the relay's p99; Accord's p99 is ${fmt(combine(main.accord).p99 / floor.p99)}× it ` +
          `(estimate from the probe: relay p99 + spaced commit p99 = ${fmt(estimate)} ms, ${fmt(estimate / relay.p99)}× the relay)`,
      );
      if (main.floor.length > 1) out(`commit-relay p99 per round (ms): ${main.floor.map((x) => fmt(x.p99, 1)).join(", ")}`);
      for (const r of main.floor) if (r.problems.length) out(`commit-relay logged: ${r.problems.slice(0, 3).join(" | ")}`);
    }
    if (opts.sections.has("a")) {
      const fanout = await compare(ctx, { ...FANOUT, warmup: opts.params.warmup }, await createDocuments(db, "fanout", 1, () => small), opts.rounds);
      out();
      printWorkload(
        `(a) Heavy fan-out: ${FANOUT.docs} document × ${FANOUT.clients} clients × ${FANOUT.writers} writers × ${FANOUT.rate} edits/s × ${FANOUT.seconds} s — server CPU per delivered update${rounds}`,
        combine(fanout.accord),
        combine(fanout.relay),
      );
      perRound("p99", fanout.accord, fanout.relay);
    }
    if (opts.sections.has("b")) {
      log(`creating ${2 * MEMORY_DOCS} documents of ~${MEMORY_DOC_BYTES / 1000} kB`);
      const variants = Array.from({ length: 50 }, (_, i) => documentUpdate(MEMORY_DOC_BYTES, 1000 + i));
      const setA = await createDocuments(db, "mem-a", MEMORY_DOCS, (i) => variants[i % variants.length]!);
      const setB = await createDocuments(db, "mem-b", MEMORY_DOCS, (i) => variants[(i + 25) % variants.length]!);
      const natural = await runMemory(ctx, "accord", setA, setB, UNLOAD_WAIT_MS);
      const forced = await runMemory(ctx, "accord", setA, setB, UNLOAD_WAIT_MS, true);
      const relay = await runMemory(ctx, "relay", setA, setB, UNLOAD_WAIT_MS);
      out();
      printMemory(natural, forced, relay, variants.reduce((n, v) => n + v.byteLength, 0) / variants.length);
    }
    if (opts.sections.has("c")) {
      log(`creating a ~${JOIN_DOC_BYTES / 1e6} MB document`);
      const big = documentUpdate(JOIN_DOC_BYTES, 7);
      const [bigDoc] = await createDocuments(db, "join", 1, () => big);
      const joins = await runJoinStorm(ctx, bigDoc!, JOIN_CLIENTS, UNLOAD_WAIT_MS);
      out();
      printJoins(joins, big.byteLength);
    }
    if (cpuProfDir) {
      await shutdown();
      // Main threads only (tid 0); the others are the tsx loader's worker thread.
      for (const f of readdirSync(cpuProfDir).filter((f) => /\.0\.\d+\.cpuprofile$/.test(f))) {
        out();
        out(`CPU profile of an Accord server process: ${path.join(cpuProfDir, f)}`);
        out(summarise(path.join(cpuProfDir, f), 20));
      }
    }
    out();
    out(`finished in ${fmt((Date.now() - started) / 1000, 0)} s`);
    if (main) {
      const r = combine(main.accord).p99 / combine(main.relay).p99;
      out(`p99 ratio (accord/relay): ${fmt(r)} (target ≤ ${TARGET_P99_RATIO})${r <= TARGET_P99_RATIO ? "" : "  — ABOVE TARGET"}`);
    }
  } finally {
    await shutdown();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (interrupted) return; // the shutdown under way exits with its own code
    process.stderr.write(`\nbench:collab failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAllChildren();
    process.exit(1);
  },
);
