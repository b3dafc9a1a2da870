/**
 * The benchmark's workloads, each run against a fresh server process (Accord or the relay):
 *   workload  D documents × C clients × W writers × R edits/s × T s: latency, deliveries, CPU, RSS (+ commit check)
 *   memory    1,000 loaded documents of ~20 kB, unloaded, then 1,000 others: RSS
 *   joins     100 clients joining one ~1 MB document at once: time until each is synced
 */
import {
  backendCpu,
  backendCpuDelta,
  committedTransactions,
  lastSeqs,
  rowsAfter,
  storedParagraphTexts,
  type BenchDatabase,
  type RowCounts,
} from "./database";
import { cpuSeconds, machineBusy, rssMB, startAccord, startRelay, type Server, type WorkerProcess } from "./processes";
import { now, type ClientSpec, type Commands, type StateTarget, type Target } from "./protocol";
import { matchLatencies, percentile, sortedOf } from "./stats";

export interface Context {
  db: BenchDatabase;
  workers: WorkerProcess[];
  /** Session tokens of editors of the workshop, one per client (reused round-robin when fewer). */
  tokens: string[];
  cpuProfDir: string | null;
  /** Where the Accord server runs from (the working tree, or a snapshot of HEAD). */
  serverRoot: string;
  log: (m: string) => void;
  /** Servers running now (so an interrupted run can stop them). */
  running: Set<Server>;
  /** Start "accord" some other way than one process on its own port (bench/scale.ts: instances behind nginx). */
  startAccord?: () => Promise<Server>;
}

export interface WorkloadParams {
  docs: number;
  clients: number;
  writers: number;
  rate: number;
  seconds: number;
  /** Seconds of the same workload each fresh server process handles first, not measured (V8 tiers up its code). */
  warmup: number;
  /**
   * Clients publish presence as the editor does (Accord only: through a relay it fans out O(N³)). Needed when joining
   * takes longer than 30 s: a provider that hears nothing for 30 s closes its socket and reconnects.
   */
  presence?: boolean;
}

export interface WorkloadResult {
  target: Target;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  deliveries: number;
  expected: number;
  /** Accord: time to "saved" as the author sees it (send → commit → saved message back). */
  savedP50: number;
  savedP99: number;
  deliveriesPerSecond: number;
  serverCpuSeconds: number;
  cpuMicrosPerDelivery: number;
  rssMB: number;
  postgresCpuSeconds: number | null;
  /** CPU seconds of the reverse proxy in front of the server (its `proxyPids`), when there is one. */
  proxyCpuSeconds: number | null;
  /** CPU seconds of the client worker processes over the run. */
  clientCpuSeconds: number;
  /** CPU seconds the whole machine was busy over the run, and how many CPUs it has. */
  machineBusySeconds: number;
  windowSeconds: number;
  /** The measured phase (the clients' edits), in microseconds of the monotonic clock CPU profiles use. */
  measuredMicros: { fromMicros: number; toMicros: number };
  cpus: number;
  clientTimerLagP99: number;
  clientLoopDelayP99: number;
  closes: Record<string, number>;
  problems: string[];
  commit: { confirmed: number; writers: number; rows: RowCounts; textsFound: number; textsTotal: number } | null;
}

const SYNC_TIMEOUT_MS = 120_000;
const SESSION_COOKIE = "accord_session"; // app/auth/cookie.server.ts
const IDLE_WINDOW_MS = 6000;

async function startServer(ctx: Context, target: Target, options: { inspect?: boolean } = {}): Promise<Server> {
  const server =
    target === "accord" && ctx.startAccord
      ? await ctx.startAccord()
      : target === "accord"
      ? await startAccord(ctx.db.url, { cpuProfDir: ctx.cpuProfDir ?? undefined, inspect: options.inspect, root: ctx.serverRoot })
      : await startRelay({ commitTo: target === "commit-relay" ? ctx.db.url : undefined });
  ctx.running.add(server);
  return server;
}

async function stopServer(ctx: Context, server: Server): Promise<void> {
  await server.stop();
  ctx.running.delete(server);
}

/** As a browser on the server's origin would send them; the session cookie is `__Host-` prefixed on an https origin. */
function headers(ctx: Context, server: Server, index: number): Record<string, string> {
  const token = ctx.tokens[index % ctx.tokens.length]!;
  const name = server.origin.startsWith("https:") ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;
  return { cookie: `${name}=${token}`, origin: server.origin };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}

async function all<K extends keyof Commands>(ctx: Context, cmd: K, args: Commands[K]["args"] | ((i: number) => Commands[K]["args"])): Promise<Commands[K]["result"][]> {
  return Promise.all(ctx.workers.map((w, i) => w.call(cmd, typeof args === "function" ? args(i) : args)));
}

/** Spread clients round-robin over the workers and connect them; throws if any did not connect in time. */
async function connect(ctx: Context, target: Target, specs: ClientSpec[], options: { batchSize: number; startAt?: number }): Promise<Float64Array> {
  const perWorker: ClientSpec[][] = ctx.workers.map(() => []);
  specs.forEach((s, i) => perWorker[i % ctx.workers.length]!.push(s));
  const results = await all(ctx, "connect", (i) => ({
    target,
    clients: perWorker[i]!,
    batchSize: options.batchSize,
    waitFor: target === "accord" ? "synced" : "open",
    startAt: options.startAt ?? null,
    timeoutMs: SYNC_TIMEOUT_MS,
  }));
  const joinMs = Float64Array.from(results.flatMap((r) => [...r.joinMs]));
  const failed = joinMs.filter((v) => Number.isNaN(v)).length;
  if (failed > 0) throw new Error(`${failed} of ${specs.length} clients did not ${target === "accord" ? "sync" : "connect"} (a batch of ${options.batchSize} per worker had ${SYNC_TIMEOUT_MS / 1000} s)`);
  return joinMs;
}

async function waitState(ctx: Context, targets: StateTarget[], timeoutMs: number): Promise<number> {
  const results = await all(ctx, "waitState", { targets, timeoutMs });
  return results.reduce((n, r) => n + r.missing, 0);
}

/** Ten times the workload's rate (at most 100 edits/s per writer): thousands of edits in a few seconds. */
function warmupRate(p: WorkloadParams): number {
  return Math.min(100, p.rate * 10);
}

/**
 * The same workload at `warmupRate` for `p.warmup` seconds, not measured: a server runs for days, a fresh process runs
 * its per-edit code unoptimised for its first thousands of edits (V8 compiles hot functions with its optimising
 * compiler only after they ran for a while). Every server gets the same warm-up; it ends when every client has every
 * edit (and, on Accord, every writer has its "saved"), and what it delivered is discarded.
 */
async function warmUp(ctx: Context, target: Target, p: WorkloadParams): Promise<void> {
  ctx.log(`${target}: warming up for ${p.warmup} s at ${warmupRate(p)} edits/s per writer (not measured)`);
  const runs = await all(ctx, "run", { startAt: now() + 300, seconds: p.warmup, rate: warmupRate(p), editText: 4 });
  const behind = await waitState(ctx, runs.flatMap((r) => r.writers), 60_000);
  if (behind > 0) throw new Error(`${target}: ${behind} (client, writer) pairs still behind 60 s after the warm-up`);
  if (target === "accord") await all(ctx, "waitSaved", { timeoutMs: 30_000 });
  await all(ctx, "collect", {});
  await sleep(500);
}

/** Work of its own alongside a workload (bench/comments.ts: commenters starting threads over HTTP). */
export interface WorkloadHooks {
  /** Once the clients are connected, before the warm-up (e.g. warm the server's own code for this work). */
  ready?: (server: Server) => Promise<void>;
  /** Runs over the measured window (from `startAt`, a now(), for `seconds`); awaited before the figures are read. */
  during?: (server: Server, startAt: number, seconds: number) => Promise<void>;
}

export async function runWorkload(ctx: Context, target: Target, p: WorkloadParams, documentIds: string[], hooks: WorkloadHooks = {}): Promise<WorkloadResult> {
  ctx.log(`${target}: starting the server`);
  const server = await startServer(ctx, target);
  try {
    const specs: ClientSpec[] = [];
    for (let r = 0; r < p.docs; r++) {
      for (let c = 0; c < p.clients; c++) {
        specs.push({ room: r, serverUrl: server.wsUrl, roomName: documentIds[r]!, headers: headers(ctx, server, r * p.clients + c), writer: c < p.writers ? `w${r}.${c}:` : null, presence: p.presence ?? false });
      }
    }
    ctx.log(`${target}: connecting ${specs.length} clients`);
    // More at once when there are thousands (2,000 documents × 4): batches of 25 would take minutes to join.
    const joinStart = now();
    await connect(ctx, target, specs, { batchSize: specs.length > 1000 ? 100 : 25 });
    ctx.log(`${target}: ${specs.length} clients synced in ${((now() - joinStart) / 1000).toFixed(1)} s`);
    const prepared = (await all(ctx, "prepare", {})).flatMap((r) => r.writers);
    // Every writer's paragraph at once is a burst of one commit per writer (2,000 in the 2,000-documents workload).
    const notReady = await waitState(ctx, prepared, 30_000 + 50 * prepared.length);
    if (notReady > 0) {
      const closes: Record<string, number> = {};
      for (const c of await all(ctx, "collect", {})) for (const [code, n] of Object.entries(c.closes)) closes[code] = (closes[code] ?? 0) + n;
      const seen = Object.entries(closes).map(([code, n]) => `${n}× ${code}`).join(" ") || "none";
      throw new Error(`${target}: ${notReady} (client, writer) pairs did not receive the writers' paragraphs; socket closes seen by clients: ${seen}; server said: ${server.problems.slice(0, 3).join(" | ") || "nothing"}`);
    }
    await sleep(500); // let join traffic settle
    if (hooks.ready) await hooks.ready(server);
    if (p.warmup > 0) await warmUp(ctx, target, p);
    const seqBefore = target === "accord" ? await lastSeqs(documentIds) : null;

    ctx.log(`${target}: ${p.docs} doc × ${p.clients} clients × ${p.writers} writers × ${p.rate} edits/s for ${p.seconds} s`);
    const startAt = now() + 300;
    const running = all(ctx, "run", { startAt, seconds: p.seconds, rate: p.rate, editText: 4 });
    const alongside = hooks.during ? hooks.during(server, startAt, p.seconds) : Promise.resolve();
    await sleep(startAt - now());
    const serverPids = server.pids ?? [server.pid];
    const serverCpu = () => serverPids.reduce((t, pid) => t + cpuSeconds(pid), 0);
    const proxyCpu = () => (server.proxyPids ? server.proxyPids.reduce((t, pid) => t + cpuSeconds(pid), 0) : NaN);
    const cpu0 = serverCpu();
    const proxy0 = proxyCpu();
    const clients0 = ctx.workers.reduce((t, w) => t + cpuSeconds(w.pid), 0);
    const machine0 = machineBusy();
    const t0 = now();
    const pg0 = target === "accord" ? await backendCpu(ctx.db) : null;
    const runs = await running;
    await alongside;
    const edits = runs.reduce((n, r) => n + r.edits, 0);
    // 60 s, and 10 ms more per edit: a server that falls behind (2,000 edits/s to commit) gets to deliver them all.
    const missing = await waitState(ctx, runs.flatMap((r) => r.writers), 60_000 + 10 * edits);
    const cpu1 = serverCpu();
    const proxy1 = proxyCpu();
    const clients1 = ctx.workers.reduce((t, w) => t + cpuSeconds(w.pid), 0);
    const machine1 = machineBusy();
    const t1 = now();
    const pg1 = target === "accord" ? await backendCpu(ctx.db) : null;
    if (missing > 0) ctx.log(`${target}: ${missing} (client, writer) pairs still behind after ${(60_000 + 10 * edits) / 1000} s`);
    else ctx.log(`${target}: every edit delivered ${((t1 - startAt) / 1000 - p.seconds).toFixed(1)} s after the last was sent`);

    let commit: WorkloadResult["commit"] = null;
    if (target === "accord") {
      const saved = await all(ctx, "waitSaved", { timeoutMs: 30_000 });
      commit = { confirmed: saved.reduce((n, s) => n + s.confirmed, 0), writers: saved.reduce((n, s) => n + s.writers, 0), rows: { rows: 0, empty: 0 }, textsFound: 0, textsTotal: 0 };
    }
    const collected = await all(ctx, "collect", {});
    const latency = matchLatencies(
      collected.flatMap((c) => c.sendLogs),
      collected.map((c) => c.arrivals),
    );
    const rss = serverPids.reduce((t, pid) => t + rssMB(pid), 0);
    const saved = sortedOf(collected.flatMap((c) => [...c.savedMs]));

    if (commit && seqBefore) {
      commit.rows = await rowsAfter(seqBefore);
      const texts = collected.flatMap((c) => c.writerTexts);
      commit.textsTotal = texts.length;
      for (let r = 0; r < p.docs; r++) {
        const stored = await storedParagraphTexts(documentIds[r]!);
        commit.textsFound += texts.filter((t) => t.room === r && stored.has(t.text)).length;
      }
    }
    await all(ctx, "disconnect", {});

    const deliveries = latency.sorted.length;
    const windowS = Math.max(p.seconds, (latency.lastArrival - startAt) / 1000);
    const closes: Record<string, number> = {};
    for (const c of collected) for (const [code, n] of Object.entries(c.closes)) closes[code] = (closes[code] ?? 0) + n;
    return {
      target,
      p50: percentile(latency.sorted, 50),
      p95: percentile(latency.sorted, 95),
      p99: percentile(latency.sorted, 99),
      max: percentile(latency.sorted, 100),
      deliveries,
      expected: edits * (p.clients - 1),
      savedP50: percentile(saved, 50),
      savedP99: percentile(saved, 99),
      deliveriesPerSecond: deliveries / windowS,
      serverCpuSeconds: cpu1 - cpu0,
      cpuMicrosPerDelivery: deliveries > 0 ? ((cpu1 - cpu0) * 1e6) / deliveries : NaN,
      rssMB: rss,
      postgresCpuSeconds: pg0 && pg1 ? backendCpuDelta(pg0, pg1) : null,
      proxyCpuSeconds: server.proxyPids ? proxy1 - proxy0 : null,
      clientCpuSeconds: clients1 - clients0,
      machineBusySeconds: machine1.busy - machine0.busy,
      windowSeconds: (t1 - t0) / 1000,
      measuredMicros: { fromMicros: Math.round(startAt * 1000), toMicros: Math.round((startAt + p.seconds * 1000) * 1000) },
      cpus: machine1.cpus,
      clientTimerLagP99: Math.max(...runs.map((r) => r.timerLagP99)),
      clientLoopDelayP99: Math.max(...collected.map((c) => c.loopDelayP99)),
      closes,
      problems: [...server.problems],
      commit,
    };
  } finally {
    await all(ctx, "disconnect", {}).catch(() => {});
    await stopServer(ctx, server);
  }
}

export interface MemoryResult {
  target: Target;
  /** V8 heap in use after a forced full GC at each step (only with `forceGc`). */
  heapMB: { baseline: number; loadedA: number; afterUnload: number; loadedB: number } | null;
  baselineMB: number;
  loadedAMB: number;
  idleCpuPercent: number;
  /** PostgreSQL backends' CPU and committed transactions/s in the same idle window (the relay's are other traffic). */
  idlePostgresCpuPercent: number;
  idleTransactionsPerSecond: number;
  afterUnloadMB: number;
  loadedBMB: number;
  joinP99Ms: number;
  emptyRows: number | null;
  problems: string[];
}

/** Load set A (one client per document), unload it, load set B: RSS at each step. */
export async function runMemory(ctx: Context, target: Target, setA: string[], setB: string[], unloadWaitMs: number, forceGc = false): Promise<MemoryResult> {
  ctx.log(`${target}: starting the server${forceGc ? " (with the inspector, to force full GCs)" : ""}`);
  const server = await startServer(ctx, target, { inspect: forceGc });
  const heap = async () => (server.heapAfterGc ? (await server.heapAfterGc()).usedMB : NaN);
  try {
    await sleep(1000);
    const baselineMB = rssMB(server.pid);
    const heapBaseline = await heap();
    const seqBefore = target === "accord" ? await lastSeqs([...setA, ...setB]) : null;
    const load = async (ids: string[]) => {
      ctx.log(`${target}: connecting one client to each of ${ids.length} documents`);
      const specs = ids.map((id, i) => ({ room: i, serverUrl: server.wsUrl, roomName: id, headers: headers(ctx, server, i), writer: null }));
      const joinMs = await connect(ctx, target, specs, { batchSize: 50 });
      await sleep(2000);
      return { rss: rssMB(server.pid), joinMs };
    };
    const a = await load(setA);
    const cpu0 = cpuSeconds(server.pid);
    const pg0 = await backendCpu(ctx.db);
    const xact0 = await committedTransactions(ctx.db);
    await sleep(IDLE_WINDOW_MS);
    const idleCpuPercent = ((cpuSeconds(server.pid) - cpu0) / (IDLE_WINDOW_MS / 1000)) * 100;
    const idlePostgresCpuPercent = (backendCpuDelta(pg0, await backendCpu(ctx.db)) / (IDLE_WINDOW_MS / 1000)) * 100;
    const idleTransactionsPerSecond = ((await committedTransactions(ctx.db)) - xact0) / (IDLE_WINDOW_MS / 1000);
    const heapA = await heap();
    await all(ctx, "disconnect", {});
    ctx.log(`${target}: all disconnected; waiting ${unloadWaitMs / 1000} s for the documents to unload`);
    await sleep(unloadWaitMs);
    const afterUnloadMB = rssMB(server.pid);
    const heapUnloaded = await heap();
    const b = await load(setB);
    const heapB = await heap();
    await all(ctx, "disconnect", {});
    const rows = seqBefore ? await rowsAfter(seqBefore) : null;
    return {
      target,
      heapMB: forceGc ? { baseline: heapBaseline, loadedA: heapA, afterUnload: heapUnloaded, loadedB: heapB } : null,
      baselineMB,
      loadedAMB: a.rss,
      idleCpuPercent,
      idlePostgresCpuPercent,
      idleTransactionsPerSecond,
      afterUnloadMB,
      loadedBMB: b.rss,
      joinP99Ms: percentile(sortedOf([...a.joinMs, ...b.joinMs]), 99),
      emptyRows: rows ? rows.empty : null,
      problems: [...server.problems],
    };
  } finally {
    await all(ctx, "disconnect", {}).catch(() => {});
    await stopServer(ctx, server);
  }
}

export interface JoinRound {
  label: string;
  p50: number;
  p99: number;
  max: number;
  clients: number;
}

export interface JoinResult {
  rounds: JoinRound[];
  /** Bytes of the sync step 2 a raw client received (the document's encoded state). */
  stateBytes: number;
  rssMB: number;
  serverCpuSeconds: number;
  problems: string[];
}

/**
 * `clients` joining one large document at the same instant, four times: bare sockets (the server's part only) and
 * y-websocket providers (which also decode and apply the state), each with the document not yet loaded and loaded.
 */
export async function runJoinStorm(ctx: Context, documentId: string, clients: number, unloadWaitMs: number): Promise<JoinResult> {
  ctx.log(`accord: starting the server`);
  const server = await startServer(ctx, "accord");
  try {
    let offset = 0;
    const specs = (n: number) => {
      const made = Array.from({ length: n }, (_, i) => ({ room: 0, serverUrl: server.wsUrl, roomName: documentId, headers: headers(ctx, server, offset + i), writer: null }));
      offset += n;
      return made;
    };
    const round = (label: string, joinMs: Float64Array): JoinRound => {
      const failed = joinMs.filter((v) => Number.isNaN(v)).length;
      if (failed > 0) throw new Error(`${label}: ${failed} of ${joinMs.length} clients were not served within ${SYNC_TIMEOUT_MS / 1000} s`);
      const sorted = sortedOf(joinMs);
      return { label, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: percentile(sorted, 100), clients: joinMs.length };
    };
    const raw = async (label: string) => {
      ctx.log(`accord: ${clients} bare sockets join at once (${label})`);
      const all = specs(clients);
      const perWorker: ClientSpec[][] = ctx.workers.map(() => []);
      all.forEach((s, i) => perWorker[i % ctx.workers.length]!.push(s));
      const startAt = now() + 500;
      const results = await Promise.all(ctx.workers.map((w, i) => w.call("rawJoin", { clients: perWorker[i]!, startAt, timeoutMs: SYNC_TIMEOUT_MS })));
      return { round: round(`bare sockets, ${label}`, Float64Array.from(results.flatMap((r) => [...r.joinMs]))), bytes: results.reduce((n, r) => n + r.bytes, 0) / clients };
    };
    const providers = async (label: string) => {
      ctx.log(`accord: ${clients} providers join at once (${label})`);
      return round(`providers, ${label}`, await connect(ctx, "accord", specs(clients), { batchSize: clients, startAt: now() + 500 }));
    };
    const cpu0 = cpuSeconds(server.pid);
    const rawCold = await raw("document not loaded");
    ctx.log(`accord: waiting ${unloadWaitMs / 1000} s for the document to unload`);
    await sleep(unloadWaitMs);
    const providersCold = await providers("document not loaded");
    await all(ctx, "disconnect", {});
    // One client keeps the document loaded for the next two storms.
    await ctx.workers[0]!.call("connect", { target: "accord", clients: specs(1), batchSize: 1, waitFor: "synced", startAt: null, timeoutMs: SYNC_TIMEOUT_MS });
    const rawWarm = await raw("document loaded");
    const providersWarm = await providers("document loaded");
    const cpu1 = cpuSeconds(server.pid);
    const rss = rssMB(server.pid);
    await all(ctx, "disconnect", {});
    return {
      rounds: [rawCold.round, rawWarm.round, providersCold, providersWarm],
      stateBytes: rawWarm.bytes,
      rssMB: rss,
      serverCpuSeconds: cpu1 - cpu0,
      problems: [...server.problems],
    };
  } finally {
    await all(ctx, "disconnect", {}).catch(() => {});
    await stopServer(ctx, server);
  }
}
