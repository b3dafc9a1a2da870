/**
 * The benchmark's child processes — the Accord server, the raw relay, the client workers — and what /proc says
 * about them. Every child is registered so that it is killed whatever way the benchmark ends.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Command, Commands, Reply } from "./protocol";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) on Linux

const children = new Set<ChildProcess>();

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** Last resort (process exit, fatal error): SIGKILL every child still alive. Synchronous. */
export function killAllChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill("SIGKILL");
      } catch {
        /* already gone */
      }
    }
  }
  children.clear();
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After "pid (comm) ": state is field 3; utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** CPU seconds every CPU of the machine has been busy (not idle, not waiting for I/O) since boot; and the CPU count. */
export function machineBusy(): { busy: number; cpus: number } {
  const lines = readFileSync("/proc/stat", "utf8").split("\n");
  const total = lines[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = total;
  return { busy: (user + nice + system + irq + softirq + steal) / CLK_TCK, cpus: lines.filter((l) => /^cpu\d+ /.test(l)).length };
}

/** Resident set size in MB (VmRSS). */
export function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

export interface Server {
  kind: "accord" | "relay" | "commit-relay";
  pid: number;
  /** Several processes serving together (instances behind a proxy): their CPU and RSS are summed. Default: [pid]. */
  pids?: number[];
  /** The reverse proxy's processes in front of them (nginx: master and workers), measured apart. */
  proxyPids?: number[];
  /** ws:// base the providers use (…/collab for Accord). */
  wsUrl: string;
  /** http origin the server accepts in Origin. */
  origin: string;
  /** Lines the server wrote at warn or error level. */
  problems: string[];
  /** Started with `inspect`: force a full garbage collection (through the inspector) and read the V8 heap. */
  heapAfterGc?: () => Promise<{ usedMB: number; totalMB: number }>;
  stop(): Promise<void>;
}

/** One inspector session: force a full GC, then read the heap usage. */
async function inspectHeap(url: string): Promise<{ usedMB: number; totalMB: number }> {
  const { default: WebSocket } = await import("ws");
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let nextId = 1;
  const call = (method: string) =>
    new Promise<Record<string, number>>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => reject(new Error(`inspector: ${method} timed out`)), 30_000);
      const onMessage = (data: Buffer) => {
        const message = JSON.parse(data.toString()) as { id?: number; result?: Record<string, number>; error?: { message: string } };
        if (message.id !== id) return;
        clearTimeout(timer);
        ws.off("message", onMessage);
        if (message.error) reject(new Error(`inspector: ${message.error.message}`));
        else resolve(message.result ?? {});
      };
      ws.on("message", onMessage);
      ws.send(JSON.stringify({ id, method }));
    });
  try {
    await call("HeapProfiler.collectGarbage");
    const usage = await call("Runtime.getHeapUsage");
    return { usedMB: (usage.usedSize ?? NaN) / 1048576, totalMB: (usage.totalSize ?? NaN) / 1048576 };
  } finally {
    ws.close();
  }
}

function waitForLine(child: ChildProcess, pattern: RegExp, what: string, timeoutMs: number): Promise<RegExpMatchArray> {
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what} did not start within ${timeoutMs / 1000} s:\n${output.slice(-4000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(pattern);
      if (match) {
        cleanup();
        resolve(match);
      }
    };
    const onErr = (chunk: Buffer) => (output += chunk.toString());
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`${what} exited (${code}) during start:\n${output.slice(-4000)}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      child.stderr!.off("data", onErr);
      child.off("exit", onExit);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onErr);
    child.once("exit", onExit);
  });
}

function collectProblems(child: ChildProcess, problems: string[]): void {
  let partial = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.trim() || /^(Debugger listening|Debugger attached|Debugger ending|For help, see)/.test(line)) continue;
      if (problems.length < 1000) problems.push(line);
    }
  });
  child.stdout!.resume();
}

/**
 * `node --import tsx server/start.ts` (one process, so its pid is the server's) on the benchmark database, from the
 * working tree or from `root` (a snapshot, see exportHead).
 * NODE_ENV=production as deployed: the session cookie is `__Host-accord_session` and the expected Origin is https;
 * production refuses to start without an https public URL, a key secret and SMTP, so it gets them (https://127.0.0.1
 * on a port chosen here, a random secret, and an SMTP port nothing listens on: benchmarks send no mail).
 */
export async function startAccord(
  databaseUrl: string,
  options: { cpuProfDir?: string; inspect?: boolean; root?: string; /** Set last, over everything else. */ env?: Record<string, string> } = {},
): Promise<Server> {
  const root = options.root ?? ROOT;
  const freePort = await new Promise<number>((resolve, reject) => {
    const probe = createServer().once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(freePort),
    HOST: "127.0.0.1",
    ACCORD_LOG_LEVEL: "info", // the "ready on" line is logged at info
    NODE_ENV: "production",
    ACCORD_PUBLIC_URL: `https://127.0.0.1:${freePort}`,
    ACCORD_KEY_SECRET: randomBytes(24).toString("hex"),
    SMTP_URL: "smtp://127.0.0.1:9",
  };
  delete env.NODE_OPTIONS;
  Object.assign(env, options.env);
  const args = ["--import", "tsx"];
  if (options.cpuProfDir) args.push("--cpu-prof", `--cpu-prof-dir=${options.cpuProfDir}`, ...(process.env.BENCH_PROF_INTERVAL_US ? [`--cpu-prof-interval=${process.env.BENCH_PROF_INTERVAL_US}`] : []));
  if (options.inspect) args.push("--inspect=127.0.0.1:0");
  args.push(path.join(root, "server/start.ts"));
  const child = track(spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] }));
  const problems: string[] = [];
  let inspectorUrl: string | null = null;
  if (options.inspect) {
    let early = "";
    const onErr = (chunk: Buffer) => {
      early += chunk.toString();
      const m = /Debugger listening on (ws:\/\/\S+)/.exec(early);
      if (m) {
        inspectorUrl = m[1]!;
        child.stderr!.off("data", onErr);
      }
    };
    child.stderr!.on("data", onErr);
  }
  const match = await waitForLine(child, /ready on http:\/\/localhost:(\d+)/, "the Accord server", 240_000).catch(async (error: unknown) => {
    await stopChild(child, 2000);
    throw error;
  });
  collectProblems(child, problems);
  const port = match[1]!;
  return {
    kind: "accord",
    pid: child.pid!,
    wsUrl: `ws://127.0.0.1:${port}/collab`,
    origin: `https://127.0.0.1:${port}`,
    problems,
    heapAfterGc: options.inspect
      ? () => {
          if (!inspectorUrl) throw new Error("the server did not print its inspector URL");
          return inspectHeap(inspectorUrl);
        }
      : undefined,
    stop: () => stopChild(child, options.cpuProfDir ? 60_000 : 10_000),
  };
}

/** bench/relay-server.ts in its own process; or bench/commit-relay-server.ts, which commits each message to `databaseUrl` first. */
export async function startRelay(options: { commitTo?: string } = {}): Promise<Server> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  const kind = options.commitTo ? "commit-relay" : "relay";
  const script = path.join(ROOT, `bench/${kind}-server.ts`);
  const args = ["--import", "tsx", script, "0", ...(options.commitTo ? [options.commitTo] : [])];
  const child = track(spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"] }));
  const match = await waitForLine(child, new RegExp(`${kind} listening on (\\d+)`), `the ${kind}`, 30_000).catch(async (error: unknown) => {
    await stopChild(child, 2000);
    throw error;
  });
  const problems: string[] = [];
  collectProblems(child, problems);
  const port = match[1]!;
  return {
    kind,
    pid: child.pid!,
    wsUrl: `ws://127.0.0.1:${port}`,
    origin: `http://127.0.0.1:${port}`,
    problems,
    stop: async () => {
      child.stdin!.end();
      await stopChild(child, 5000);
    },
  };
}

/** One client worker (bench/client-worker.ts) with a typed request/response channel. */
export class WorkerProcess {
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly ready: Promise<void>;

  constructor(private readonly child: ChildProcess) {
    let markReady: () => void = () => {};
    let failReady: (e: Error) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    child.on("message", (reply: Reply) => {
      if (reply.id === 0) return markReady();
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(`client worker: ${reply.error}`));
    });
    child.on("error", () => {}); // a failed send is reported to its caller
    child.once("exit", (code, signal) => {
      const error = new Error(`client worker exited (${code ?? signal})`);
      failReady(error);
      for (const w of this.pending.values()) w.reject(error);
      this.pending.clear();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  call<K extends Command>(cmd: K, args: Commands[K]["args"]): Promise<Commands[K]["result"]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (!this.child.connected) return reject(new Error(`client worker ${this.pid} is gone`));
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, cmd, args }, (error) => {
        if (!error) return;
        this.pending.delete(id);
        reject(error);
      });
    });
  }

  stop(): Promise<void> {
    return stopChild(this.child, 3000);
  }
}

export async function startWorkers(count: number): Promise<WorkerProcess[]> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  const workers = Array.from({ length: count }, () => {
    const child = track(
      fork(path.join(ROOT, "bench/client-worker.ts"), [], {
        cwd: ROOT,
        env,
        execArgv: ["--import", "tsx", ...(process.env.BENCH_WORKER_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_WORKER_PROF}`] : [])],
        serialization: "advanced",
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      }),
    );
    return new WorkerProcess(child);
  });
  await Promise.all(workers.map((w) => w.ready));
  return workers;
}

const NOT_COPIED = new Set(["node_modules", ".git", ".data", ".test-data", ".cache"]);

/**
 * A copy of the working tree as it is now (sources and its current web build; node_modules linked, not copied),
 * so that other people's edits during the run cannot rebuild or break the server being measured. The copy's build
 * is marked fresh (the server would otherwise rebuild it when sources are newer); without a build, one is made.
 * Returns the directory and a function that removes it.
 */
export function snapshotWorktree(): { root: string; hasBuild: boolean; remove: () => void } {
  const root = mkdtempSync("/var/tmp/accord-bench-src-");
  const remove = () => rmSync(root, { recursive: true, force: true });
  try {
    cpSync(ROOT, root, { recursive: true, filter: (src) => !NOT_COPIED.has(path.basename(src)) || path.dirname(src) !== ROOT });
    symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"));
    const built = path.join(root, "build/index.js");
    const hasBuild = existsSync(built) && existsSync(path.join(root, "public/build"));
    if (hasBuild) {
      const later = new Date(Date.now() + 60_000);
      utimesSync(built, later, later);
    }
    return { root, hasBuild, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
