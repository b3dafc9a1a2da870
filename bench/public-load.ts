/**
 * A bounded HTTP load generator for bench:public over node:http with keep-alive (127.0.0.1 only):
 * - closedLoop: N connections, each sending its next request as soon as the previous answer is read, for T seconds;
 * - requestAll: a fixed list of requests, at most N in flight, each sent once.
 * Every answer's status is checked; latency is from sending until the whole body is read.
 */
import http from "node:http";
import { percentile, sortedOf } from "./stats";

const REQUEST_TIMEOUT_MS = 15_000;

export interface Answer {
  status: number; // 0: no answer (error or timeout)
  ms: number;
  body: string;
  error?: string;
}

export interface HttpRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** The client's own address (a distinct 127.x.y.z per user behind nginx, which forwards the peer's address). */
  localAddress?: string;
}

function assertLocal(base: URL): void {
  if (base.hostname !== "127.0.0.1") throw new Error(`bench:public only talks to 127.0.0.1, not ${base.hostname}`);
}

function send(agent: http.Agent, base: URL, r: HttpRequest, keepBody: boolean): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (a: Omit<Answer, "ms">) => {
      if (done) return;
      done = true;
      resolve({ ...a, ms: performance.now() - started });
    };
    const headers: Record<string, string> = { ...r.headers };
    if (r.body !== undefined) headers["content-length"] = String(Buffer.byteLength(r.body));
    const req = http.request(
      { agent, host: base.hostname, port: base.port, method: r.method ?? "GET", path: r.path, headers, timeout: REQUEST_TIMEOUT_MS, localAddress: r.localAddress },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => {
          if (keepBody) chunks.push(c);
        });
        res.on("end", () => finish({ status: res.statusCode ?? 0, body: keepBody ? Buffer.concat(chunks).toString() : "" }));
        res.on("error", (e) => finish({ status: 0, body: "", error: e.message }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => finish({ status: 0, body: "", error: e.message }));
    req.end(r.body);
  });
}

export interface LoadResult {
  requests: number;
  /** Answers with an expected status. */
  ok: number;
  /** Everything else, by status ("error: …" for no answer). */
  errors: Record<string, number>;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

function summarise(latencies: number[], statuses: Map<string, number>, expected: number[], seconds: number): LoadResult {
  const sorted = sortedOf(latencies);
  let ok = 0;
  const errors: Record<string, number> = {};
  for (const [status, n] of statuses) {
    if (expected.includes(Number(status))) ok += n;
    else errors[status] = n;
  }
  return {
    requests: latencies.length,
    ok,
    errors,
    seconds,
    perSecond: ok / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
  };
}

function count(statuses: Map<string, number>, a: Answer): void {
  const key = a.status === 0 ? `error: ${a.error ?? "no answer"}` : String(a.status);
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
}

/** `connections` closed loops of `request` against `baseUrl` for `seconds` (after `warmupSeconds` not counted). */
export async function closedLoop(
  baseUrl: string,
  request: HttpRequest,
  o: { connections: number; seconds: number; warmupSeconds: number; expect: number[] },
): Promise<LoadResult> {
  const base = new URL(baseUrl);
  assertLocal(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections, maxFreeSockets: o.connections });
  try {
    const run = async (seconds: number, record: boolean) => {
      const latencies: number[] = [];
      const statuses = new Map<string, number>();
      const started = performance.now();
      const deadline = started + seconds * 1000;
      await Promise.all(
        Array.from({ length: o.connections }, async () => {
          while (performance.now() < deadline) {
            const a = await send(agent, base, request, false);
            if (!record) continue;
            latencies.push(a.ms);
            count(statuses, a);
          }
        }),
      );
      return { latencies, statuses, elapsed: (performance.now() - started) / 1000 };
    };
    if (o.warmupSeconds > 0) await run(o.warmupSeconds, false);
    const { latencies, statuses, elapsed } = await run(o.seconds, true);
    return summarise(latencies, statuses, o.expect, elapsed);
  } finally {
    agent.destroy();
  }
}

/** Every request once, at most `inFlight` at a time; the answers in order, and the summary over the wall time. */
export async function requestAll(
  baseUrl: string,
  requests: HttpRequest[],
  o: { inFlight: number; expect: number[] },
): Promise<{ answers: Answer[]; result: LoadResult }> {
  const base = new URL(baseUrl);
  assertLocal(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.inFlight, maxFreeSockets: o.inFlight });
  try {
    const answers: Answer[] = new Array(requests.length);
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: Math.min(o.inFlight, requests.length) }, async () => {
        while (next < requests.length) {
          const i = next++;
          answers[i] = await send(agent, base, requests[i]!, true);
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const statuses = new Map<string, number>();
    for (const a of answers) count(statuses, a);
    return { answers, result: summarise(answers.map((a) => a.ms), statuses, o.expect, elapsed) };
  } finally {
    agent.destroy();
  }
}

/** One GET, whole body and headers. */
export function fetchOnce(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const base = new URL(baseUrl);
  assertLocal(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, path, headers, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}
