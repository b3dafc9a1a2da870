/**
 * `npm run bench:comments [-- --rounds 3 --seconds 10 --opens 5] [--only live,panel]` (see bench/README.md)
 *
 * Issue 13's benchmark of the discussion layer, each figure beside a baseline measured in the same run:
 *
 * - live: a 300-paragraph document, 5 editors typing at 10 edits/s each on the collaboration socket, and 20 commenters
 *   (members with the role commenter, also connected to the document) each starting a thread every 2 s through
 *   `POST /api/documents/:id/threads` — the server marks the words in the document in the same transaction and relays
 *   the mark and the event to all 25 clients. Reported: thread creation p50/p99 as the commenter sees it (aim
 *   p99 ≤ 50 ms; beside it, the editors' own time to "saved" in the same run, also a committed document change), and
 *   the editors' propagation p99 against the same workload without commenters (aim ≤ 1.2×). Rounds alternate which
 *   goes first; every variant is a fresh server process (warmed up as bench:collab does) and a fresh document.
 * - panel: the same document with 500 threads (the most a document may hold open: comments, proposals, replies)
 *   opened in Chromium by a member: ms from navigation until the side panel lists all 500 (aim ≤ 300 ms), and the
 *   bytes the page received over HTTP and the socket — against the same document with no threads (panel drawn empty).
 *
 * Everything listens on and talks to 127.0.0.1 only; every loop is bounded; the run kills its children and drops its
 * database however it ends.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { summarise } from "./profile-summary";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import type { JSONContent } from "@tiptap/core";
import { createSession } from "../app/auth/session.server";
import { hashPassword } from "../app/auth/password.server";
import { tiptapJsonToYDocUpdate } from "../app/editor/document-tools.server";
import { createProposal, createThread, addComment } from "../app/threads/threads.server";
import { findDocumentForUser } from "../db/access";
import { upsertMembership } from "../db/memberships";
import { insertUser } from "../db/users";
import { launchBrowser } from "../tests/support/browser";
import { integerOption, log, out } from "./cli";
import { createBenchDatabase, createDocuments, type BenchDatabase } from "./database";
import { killAllChildren, startAccord, startWorkers, type Server, type WorkerProcess } from "./processes";
import { now } from "./protocol";
import { runWorkload, type Context, type WorkloadParams, type WorkloadResult } from "./scenarios";
import { fmt, percentile, sortedOf, table } from "./stats";
import { ensureBuild } from "../server/build";
import { ROOT } from "./processes";

const PARAGRAPHS = 300;
const EDITORS = 5;
const COMMENTERS = 20;
const THREAD_EVERY_MS = 2000;
const PANEL_THREADS = 500;
const AIM_CREATE_P99_MS = 50;
const AIM_PROPAGATION_RATIO = 1.2;
const AIM_PANEL_MS = 300;

let interrupted = false;

function options() {
  const { values } = parseArgs({
    options: {
      rounds: { type: "string", default: "3" },
      seconds: { type: "string", default: "10" },
      warmup: { type: "string", default: "5" },
      opens: { type: "string", default: "5" },
      only: { type: "string" },
      "cpu-prof": { type: "boolean", default: false },
      "threads-elsewhere": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    out("npm run bench:comments -- [--rounds 3] [--seconds 10] [--warmup 5] [--opens 5] [--only live,panel] [--cpu-prof] [--threads-elsewhere]");
    process.exit(0);
  }
  const sections = new Set((values.only ?? "live,panel").split(","));
  for (const x of sections) if (!["live", "panel"].includes(x)) throw new Error(`--only takes live, panel (comma-separated), not ${x}`);
  return {
    rounds: integerOption("rounds", values.rounds, 1, 9),
    seconds: integerOption("seconds", values.seconds, 2, 120),
    warmup: integerOption("warmup", values.warmup, 0, 60),
    opens: integerOption("opens", values.opens, 1, 20),
    sections,
    cpuProf: values["cpu-prof"],
    /**
     * The commenters start their threads on another document of the same server, which no room holds: no hold of the
     * editors' log place, no relay to their sockets, no marks in their text — the same HTTP, SQL and Yjs work. The
     * editors' p99 then shows what the threads' work costs them through the process's CPU alone (an experiment, not
     * the issue's figure).
     */
    threadsElsewhere: values["threads-elsewhere"],
  };
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* The document and the people                                                                                      */
/* ---------------------------------------------------------------------------------------------------------------- */

const WORDS = (
  "police harm reduction policy public health decriminalisation drug use community safety evidence reform " +
  "regulation services outreach trust prevention treatment law enforcement discretion people rights"
).split(" ");

/** 300 paragraphs of ~250 characters, each starting "Clause N." (so "Clause N. word word" is found exactly once). */
function clauseDocument(): { update: Uint8Array; quotes: { exact: string }[] } {
  let a = 13;
  const next = () => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
  const content: JSONContent[] = [];
  const quotes: { exact: string }[] = [];
  for (let n = 1; n <= PARAGRAPHS; n++) {
    const words: string[] = [];
    while (words.join(" ").length < 240) words.push(WORDS[Math.floor(next() * WORDS.length)]!);
    const text = `Clause ${n}. ${words.join(" ")}.`;
    content.push({ type: "paragraph", content: [{ type: "text", text }] });
    quotes.push({ exact: `Clause ${n}. ${words.slice(0, 3).join(" ")}` });
  }
  return { update: tiptapJsonToYDocUpdate({ type: "doc", content }), quotes };
}

interface Member {
  id: string;
  token: string;
}

async function createMembers(db: BenchDatabase, role: "editor" | "commenter", count: number): Promise<Member[]> {
  const hash = await hashPassword("bench password that nobody types 7");
  const run = randomBytes(3).toString("hex");
  const members: Member[] = [];
  for (let i = 0; i < count; i++) {
    const user = await insertUser({ email: `bench-${role}-${run}-${i}@example.org`, name: `Bench ${role} ${i}`, passwordHash: hash, verified: true });
    if (!user) throw new Error("createMembers: e-mail taken");
    await upsertMembership(db.workshopId, user.id, role);
    const { token } = await createSession(user.id, "accord-bench");
    members.push({ id: user.id, token });
  }
  return members;
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* Live: editors typing, commenters starting threads                                                                */
/* ---------------------------------------------------------------------------------------------------------------- */

interface Creations {
  ms: number[];
  statuses: Record<string, number>;
  /** The server's `accord_log_place_hold_seconds` over the measured window: how long the threads held the editors' commits. */
  holds: Hold[];
}

interface Hold {
  count: number;
  seconds: number;
  /** Holds of at most 2.5 ms (the histogram's bucket). */
  short: number;
}

/** Each Accord server of the live section serves /metrics on a port of its own (loopback): the log-place holds are read there. */
const metricsPorts = new WeakMap<Server, number>();

async function holdSoFar(server: Server): Promise<Hold | null> {
  const port = metricsPorts.get(server);
  if (port === undefined) return null;
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const value = (line: string) => Number(text.split("\n").find((l) => l.startsWith(line + " "))?.slice(line.length + 1) ?? NaN);
  return {
    count: value("accord_log_place_hold_seconds_count"),
    seconds: value("accord_log_place_hold_seconds_sum"),
    short: value('accord_log_place_hold_seconds_bucket{le="0.0025"}'),
  };
}

function httpBase(server: Server): string {
  return server.wsUrl.replace(/^ws:/, "http:").replace(/\/collab$/, "");
}

async function startThread(server: Server, token: string, documentId: string, quote: { exact: string }, body: string): Promise<{ status: number; ms: number }> {
  const t0 = now();
  const response = await fetch(`${httpBase(server)}/api/documents/${documentId}/threads`, {
    method: "POST",
    headers: { cookie: `__Host-accord_session=${token}`, origin: server.origin, "content-type": "application/json" },
    body: JSON.stringify({ body, quote }),
    signal: AbortSignal.timeout(30_000),
  });
  await response.arrayBuffer();
  return { status: response.status, ms: now() - t0 };
}

/** Each commenter starts a thread every 2 s (a random phase each), open loop: a slow answer does not delay the next. */
function commenters(commenterTokens: string[], documentId: string, quotes: { exact: string }[], into: Creations) {
  return async (server: Server, startAt: number, seconds: number): Promise<void> => {
    const before = await holdSoFar(server);
    const perCommenter = Math.floor((seconds * 1000) / THREAD_EVERY_MS);
    const pending: Promise<void>[] = [];
    let k = 0;
    for (const token of commenterTokens) {
      const phase = Math.random() * THREAD_EVERY_MS;
      for (let i = 0; i < perCommenter; i++) {
        const quote = quotes[(k++ * 37) % quotes.length]!;
        const at = startAt + phase + i * THREAD_EVERY_MS;
        pending.push(
          (async () => {
            await new Promise((r) => setTimeout(r, Math.max(0, at - now())));
            try {
              const { status, ms } = await startThread(server, token, documentId, quote, `Why this wording? (${k})`);
              into.statuses[status] = (into.statuses[status] ?? 0) + 1;
              if (status === 201) into.ms.push(ms);
            } catch (error) {
              const key = error instanceof Error ? error.name : "error";
              into.statuses[key] = (into.statuses[key] ?? 0) + 1;
            }
          })(),
        );
      }
    }
    await Promise.all(pending);
    const after = await holdSoFar(server);
    if (before && after) into.holds.push({ count: after.count - before.count, seconds: after.seconds - before.seconds, short: after.short - before.short });
  };
}

async function liveSection(ctx: Context, db: BenchDatabase, opts: ReturnType<typeof options>, commenterTokens: string[]) {
  const { update, quotes } = clauseDocument();
  const params: WorkloadParams = { docs: 1, clients: EDITORS + COMMENTERS, writers: EDITORS, rate: 10, seconds: opts.seconds, warmup: opts.warmup };
  const without: WorkloadResult[] = [];
  const withC: WorkloadResult[] = [];
  const creations: Creations = { ms: [], statuses: {}, holds: [] };
  const perRound: { without: number; with: number; createP99: number }[] = [];
  let stored = 0;
  let attempted = 0;
  for (let round = 0; round < opts.rounds; round++) {
    const order = round % 2 === 0 ? (["without", "with"] as const) : (["with", "without"] as const);
    const figures = { without: NaN, with: NaN, createP99: NaN };
    for (const variant of order) {
      const [documentId] = await createDocuments(db, `live-${variant}-${round}`, 1, () => update);
      const [warmDoc] = await createDocuments(db, `warm-${variant}-${round}`, 1, () => update);
      const mine: Creations = { ms: [], statuses: {}, holds: [] };
      const threadsOn = opts.threadsElsewhere ? warmDoc! : documentId!;
      // Both variants' servers create the same 40 threads on another document first, so both ran that code.
      const ready = async (server: Server) => {
        ctx.log(`accord: warming up thread creation (40 threads on another document)`);
        for (let i = 0; i < 40; i++) await startThread(server, commenterTokens[i % commenterTokens.length]!, warmDoc!, quotes[i]!, "warm-up");
      };
      ctx.log(`round ${round + 1}/${opts.rounds}: ${variant === "with" ? "with" : "without"} commenters`);
      const result = await runWorkload(ctx, "accord", params, [documentId!], variant === "with" ? { ready, during: commenters(commenterTokens, threadsOn, quotes, mine) } : { ready });
      if (variant === "with") {
        withC.push(result);
        creations.ms.push(...mine.ms);
        creations.holds.push(...mine.holds);
        for (const [s, n] of Object.entries(mine.statuses)) creations.statuses[s] = (creations.statuses[s] ?? 0) + n;
        attempted += Object.values(mine.statuses).reduce((a, b) => a + b, 0);
        const [row]: [{ n: number }?] = await db.sql`select count(*)::int as n from comment_threads t where t.document_id = ${threadsOn}
          and not exists (select 1 from thread_comments c where c.thread_id = t.id and c.body = 'warm-up')`;
        stored += row?.n ?? 0;
        figures.with = result.p99;
        figures.createP99 = percentile(sortedOf(mine.ms), 99);
      } else {
        without.push(result);
        figures.without = result.p99;
      }
      if (result.problems.length) out(`accord logged ${result.problems.length} warning/error line(s), first: ${result.problems.slice(0, 2).join(" | ")}`);
    }
    perRound.push(figures);
  }
  const med = (xs: number[]) => percentile(sortedOf(xs), 50);
  const create = sortedOf(creations.ms);
  const p99Without = med(without.map((r) => r.p99));
  const p99With = med(withC.map((r) => r.p99));
  const savedWith = med(withC.map((r) => r.savedP99));
  const createP99 = percentile(create, 99);
  out();
  out(
    `Live: ${PARAGRAPHS} paragraphs; ${EDITORS} editors × 10 edits/s; ${COMMENTERS} commenters × a thread every ${THREAD_EVERY_MS / 1000} s; ` +
      `${opts.seconds} s; medians of ${opts.rounds} round(s) (fresh server and document each)` +
      (opts.threadsElsewhere ? "; --threads-elsewhere: the threads on another document (no hold, relay or marks in the editors' room)" : ""),
  );
  out(
    table(
      ["", "without commenters", "with commenters", "with/without"],
      [
        ["editors' propagation p50 (ms)", fmt(med(without.map((r) => r.p50))), fmt(med(withC.map((r) => r.p50))), `${fmt(med(withC.map((r) => r.p50)) / med(without.map((r) => r.p50)))}×`],
        ["editors' propagation p99 (ms)", fmt(p99Without), fmt(p99With), `${fmt(p99With / p99Without)}×`],
        ["editors' time to \"saved\" p99 (ms)", fmt(med(without.map((r) => r.savedP99))), fmt(savedWith), `${fmt(savedWith / med(without.map((r) => r.savedP99)))}×`],
        ["deliveries made / expected", without.map((r) => `${r.deliveries}/${r.expected}`).join(", "), withC.map((r) => `${r.deliveries}/${r.expected}`).join(", "), ""],
        ["server CPU (s)", fmt(med(without.map((r) => r.serverCpuSeconds))), fmt(med(withC.map((r) => r.serverCpuSeconds))), `${fmt(med(withC.map((r) => r.serverCpuSeconds)) / med(without.map((r) => r.serverCpuSeconds)))}×`],
        ["PostgreSQL backends CPU (s)", fmt(med(without.map((r) => r.postgresCpuSeconds ?? NaN))), fmt(med(withC.map((r) => r.postgresCpuSeconds ?? NaN))), ""],
        // The load generator shares the machine: its clients apply every mark and read every event, as editors' browsers would elsewhere.
        ["load generator's clients CPU (s)", fmt(med(without.map((r) => r.clientCpuSeconds))), fmt(med(withC.map((r) => r.clientCpuSeconds))), ""],
        ["clients' event-loop delay p99 (ms)", fmt(med(without.map((r) => r.clientLoopDelayP99))), fmt(med(withC.map((r) => r.clientLoopDelayP99))), ""],
        ["machine busy, not this benchmark (CPU s)", fmt(med(without.map(othersCpu))), fmt(med(withC.map(othersCpu))), ""],
      ],
    ),
  );
  out(
    `thread creation as the commenter sees it (HTTP POST → 201, mark committed): ${create.length} created, ` +
      `p50 ${fmt(percentile(create, 50))} ms, p95 ${fmt(percentile(create, 95))} ms, p99 ${fmt(createP99)} ms, max ${fmt(percentile(create, 100))} ms; ` +
      `answers ${Object.entries(creations.statuses).map(([s, n]) => `${n}× ${s}`).join(", ")}; threads stored ${stored}/${attempted}`,
  );
  const held = creations.holds.reduce((t, h) => ({ count: t.count + h.count, seconds: t.seconds + h.seconds, short: t.short + h.short }), { count: 0, seconds: 0, short: 0 });
  if (held.count > 0) {
    out(
      `  the log's next place held for the editors' commits (accord_log_place_hold_seconds): ${held.count} holds, mean ${fmt((held.seconds * 1000) / held.count)} ms, ` +
        `${fmt((100 * held.short) / held.count, 0)} % ≤ 2.5 ms; ${fmt((held.seconds * 1000) / creations.holds.length, 0)} ms per ${opts.seconds}-s round`,
    );
  }
  const perThread = ((med(withC.map((r) => r.serverCpuSeconds)) - med(without.map((r) => r.serverCpuSeconds))) * 1000 * opts.rounds) / Math.max(1, create.length);
  out(`  server CPU per thread (with minus without commenters, over the threads created): ${fmt(perThread, 1)} ms — the figure the machine's load moves least`);
  out(`  p99 = ${fmt(createP99 / AIM_CREATE_P99_MS)}× the aim of ${AIM_CREATE_P99_MS} ms; ${fmt(createP99 / savedWith)}× the editors' time to "saved" p99 in the same runs (${fmt(savedWith)} ms)`);
  if (opts.rounds > 1) {
    out(`per round: ${perRound.map((r, i) => `${i + 1}: p99 ${fmt(r.without, 1)} → ${fmt(r.with, 1)} ms (${fmt(r.with / r.without)}×), creation p99 ${fmt(r.createP99, 1)} ms`).join("; ")}`);
  }
  return { ratio: p99With / p99Without, createP99, measured: [...without, ...withC].map((r) => r.measuredMicros) };
}

function othersCpu(r: WorkloadResult): number {
  return Math.max(0, r.machineBusySeconds - r.serverCpuSeconds - r.clientCpuSeconds - (r.postgresCpuSeconds ?? 0));
}

/* ---------------------------------------------------------------------------------------------------------------- */
/* Panel: opening a document with 500 threads in Chromium                                                           */
/* ---------------------------------------------------------------------------------------------------------------- */

/** 500 open threads on the document, as the API makes them: every 5th a proposal, every 4th with a reply. */
async function fillThreads(documentId: string, people: Member[], quotes: { exact: string }[]): Promise<void> {
  for (let i = 0; i < PANEL_THREADS; i++) {
    const who = people[i % people.length]!;
    const document = await findDocumentForUser(documentId, who.id);
    if (!document) throw new Error("fillThreads: not a member");
    const quote = quotes[(i * 7) % quotes.length]!;
    const { id } =
      i % 5 === 4
        ? await createProposal({ document, userId: who.id, anchoring: { quote }, proposed: `${quote.exact} and more (${i})`, body: "A clearer wording." })
        : await createThread({ document, userId: who.id, anchoring: { quote }, body: `Thread ${i}: is this what we mean? The police and the health services disagree on it.` });
    if (i % 4 === 0) await addComment({ threadId: id, userId: people[(i + 1) % people.length]!.id, body: `A reply to thread ${i}.` });
    if ((i + 1) % 100 === 0) log(`${i + 1} threads`);
  }
}

interface Open {
  ms: number;
  /** ms from the threads list's answer (its last byte) until the panel was drawn: the browser's own work. */
  renderMs: number;
  httpBytes: number;
  threadsJsonBytes: number;
  socketBytes: number;
  cards: number;
}

async function panelSection(db: BenchDatabase, opts: ReturnType<typeof options>, people: Member[], running: Set<Server>) {
  const { update, quotes } = clauseDocument();
  const [empty] = await createDocuments(db, "panel-empty", 1, () => update);
  const [full] = await createDocuments(db, "panel-full", 1, () => update);
  log(`creating ${PANEL_THREADS} threads on the panel document`);
  await fillThreads(full!, people, quotes);
  // Chromium signs in with a plain session cookie: the server runs with an http public URL (NODE_ENV=test).
  const port = await freePort();
  const server = await startAccord(db.url, { env: { NODE_ENV: "test", PORT: String(port), ACCORD_PUBLIC_URL: `http://127.0.0.1:${port}`, ACCORD_PUBLIC_CACHE_MS: "0" } });
  running.add(server);
  const base = `http://127.0.0.1:${port}`;
  const browser = await launchBrowser();
  try {
    const open = async (documentId: string, expected: number): Promise<Open> => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addCookies([{ name: "accord_session", value: people[0]!.token, url: base }]);
      const page = await context.newPage();
      let httpBytes = 0;
      let threadsJsonBytes = 0;
      let socketBytes = 0;
      const sizes: Promise<void>[] = [];
      page.on("requestfinished", (request) => {
        sizes.push(
          request.sizes().then((s) => {
            httpBytes += s.responseBodySize + s.responseHeadersSize;
            if (request.url().includes("/threads")) threadsJsonBytes += s.responseBodySize;
          }, () => {}),
        );
      });
      page.on("websocket", (ws) => ws.on("framereceived", (f) => (socketBytes += typeof f.payload === "string" ? Buffer.byteLength(f.payload) : f.payload.length)));
      await page.goto(`${base}/documents/${documentId}`, { waitUntil: "commit" });
      const handle = await page.waitForFunction(
        (n) => {
          const cards = document.querySelectorAll(".thread-list > li").length;
          const emptyShown = [...document.querySelectorAll(".thread-panel__empty")].some((p) => !p.textContent?.startsWith("Loading"));
          if (!(n === 0 ? emptyShown : cards >= n)) return null;
          const at = performance.now();
          const list = performance.getEntriesByType("resource").filter((e) => e.name.includes("/threads")) as PerformanceResourceTiming[];
          return { ms: at, cards, listEnd: list.length > 0 ? list[list.length - 1]!.responseEnd : NaN };
        },
        expected,
        { polling: "raf", timeout: 60_000 },
      );
      const drawn = (await handle.jsonValue()) as { ms: number; cards: number; listEnd: number };
      await page.waitForTimeout(300);
      await Promise.all(sizes);
      await context.close();
      return { ms: drawn.ms, renderMs: drawn.ms - drawn.listEnd, httpBytes, threadsJsonBytes, socketBytes, cards: drawn.cards };
    };
    // One unmeasured open of each warms the server (routes, the build's modules) and the disk cache.
    await open(empty!, 0);
    await open(full!, PANEL_THREADS);
    const none: Open[] = [];
    const many: Open[] = [];
    for (let i = 0; i < opts.opens; i++) {
      if (i % 2 === 0) {
        none.push(await open(empty!, 0));
        many.push(await open(full!, PANEL_THREADS));
      } else {
        many.push(await open(full!, PANEL_THREADS));
        none.push(await open(empty!, 0));
      }
    }
    const med = (xs: number[]) => percentile(sortedOf(xs), 50);
    const msNone = med(none.map((o) => o.ms));
    const msMany = med(many.map((o) => o.ms));
    const kb = (x: number) => fmt(x / 1000, 1);
    out();
    out(`Panel: opening the ${PARAGRAPHS}-paragraph document in Chromium (1280×900, fresh browser context each time), medians of ${opts.opens}`);
    out(
      table(
        ["", "no threads", `${PANEL_THREADS} threads`, "ratio"],
        [
          ["navigation → panel drawn (ms)", fmt(msNone, 0), fmt(msMany, 0), `${fmt(msMany / msNone)}×`],
          ["  each open (ms)", none.map((o) => fmt(o.ms, 0)).join(", "), many.map((o) => fmt(o.ms, 0)).join(", "), ""],
          ["threads list answered → panel drawn (ms)", fmt(med(none.map((o) => o.renderMs)), 0), fmt(med(many.map((o) => o.renderMs)), 0), `${fmt(med(many.map((o) => o.renderMs)) / med(none.map((o) => o.renderMs)))}×`],
          ["thread cards drawn", String(none[0]!.cards), String(many[0]!.cards), ""],
          ["HTTP received (kB)", kb(med(none.map((o) => o.httpBytes))), kb(med(many.map((o) => o.httpBytes))), `${fmt(med(many.map((o) => o.httpBytes)) / med(none.map((o) => o.httpBytes)))}×`],
          ["  of which the threads list (kB)", kb(med(none.map((o) => o.threadsJsonBytes))), kb(med(many.map((o) => o.threadsJsonBytes))), ""],
          ["socket received (kB)", kb(med(none.map((o) => o.socketBytes))), kb(med(many.map((o) => o.socketBytes))), `${fmt(med(many.map((o) => o.socketBytes)) / med(none.map((o) => o.socketBytes)))}×`],
        ],
      ),
    );
    const renderMany = med(many.map((o) => o.renderMs));
    out(
      `  ${PANEL_THREADS} threads: navigation → drawn ${fmt(msMany / AIM_PANEL_MS)}× the aim of ${AIM_PANEL_MS} ms (${fmt(msMany - msNone, 0)} ms more than with ` +
        `no threads); list answered → drawn ${fmt(renderMany, 0)} ms = ${fmt(renderMany / AIM_PANEL_MS)}× the aim`,
    );
    return { msMany, msNone, renderMany };
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
    running.delete(server);
  }
}

async function freePort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/* ---------------------------------------------------------------------------------------------------------------- */

async function main(): Promise<void> {
  const opts = options();
  // The in-process thread creation (panel section) queues reply e-mails: keep their info lines out of the output.
  process.env.ACCORD_LOG_LEVEL ??= "warn";
  const started = Date.now();
  const running = new Set<Server>();
  let db: BenchDatabase | null = null;
  let workers: WorkerProcess[] = [];
  const shutdown = async () => {
    for (const s of running) await s.stop().catch(() => {});
    for (const w of workers) await w.stop().catch(() => {});
    await db?.drop();
  };
  const abort = (why: string, code: number) => {
    interrupted = true;
    log(why);
    setTimeout(() => {
      killAllChildren();
      process.exit(code);
    }, 20_000).unref();
    void shutdown().finally(() => process.exit(code));
  };
  process.on("SIGINT", () => abort("interrupted: stopping", 130));
  process.on("SIGTERM", () => abort("terminated: stopping", 143));
  process.on("exit", () => killAllChildren());
  const limitMs = (opts.rounds * 2 * (opts.seconds + opts.warmup + 60) + 300) * 1000;
  setTimeout(() => abort(`the benchmark took more than ${fmt(limitMs / 60_000, 0)} min: stopping`, 1), limitMs).unref();
  try {
    ensureBuild(ROOT, log);
    db = await createBenchDatabase(log);
    log(`database: ${db.description}`);
    out(`Accord discussion benchmark (issue 13) — ${db.description}; node ${process.version}; load average before ${loadavg().map((x) => fmt(x)).join(" ")}`);
    const editors = await createMembers(db, "editor", EDITORS);
    const commenterMembers = await createMembers(db, "commenter", COMMENTERS);
    const summary: string[] = [];
    if (opts.sections.has("live")) {
      workers = await startWorkers(2);
      const cpuProfDir = opts.cpuProf ? mkdtempSync(path.join(tmpdir(), "accord-comments-prof-")) : null;
      const liveDb = db;
      const startWithMetrics = async () => {
        const port = await freePort();
        const server = await startAccord(liveDb.url, { cpuProfDir: cpuProfDir ?? undefined, root: ROOT, env: { ACCORD_METRICS_PORT: String(port) } });
        metricsPorts.set(server, port);
        return server;
      };
      const ctx: Context = { db, workers, tokens: [...editors, ...commenterMembers].map((m) => m.token), cpuProfDir, serverRoot: ROOT, log, running, startAccord: startWithMetrics };
      const live = await liveSection(ctx, db, opts, commenterMembers.map((m) => m.token));
      if (cpuProfDir) {
        // One profile per server process, in the order they ran (rounds alternate which variant goes first): the
        // measured phase only (each server's samples fall in its own run's window).
        for (const file of readdirSync(cpuProfDir).filter((f) => f.endsWith(".cpuprofile")).sort()) {
          out(`\nCPU profile of a server (${file}), the measured phase only:`);
          out(summarise(path.join(cpuProfDir, file), 25, live.measured));
        }
      }
      summary.push(
        `thread creation p99 ${fmt(live.createP99)} ms (aim ≤ ${AIM_CREATE_P99_MS}${live.createP99 <= AIM_CREATE_P99_MS ? "" : " — ABOVE AIM"})`,
        `editors' propagation p99 with/without commenters ${fmt(live.ratio)}× (aim ≤ ${AIM_PROPAGATION_RATIO}${live.ratio <= AIM_PROPAGATION_RATIO ? "" : " — ABOVE AIM"})`,
      );
      for (const w of workers) await w.stop().catch(() => {});
      workers = [];
    }
    if (opts.sections.has("panel")) {
      const panel = await panelSection(db, opts, [...editors, ...commenterMembers], running);
      summary.push(
        `panel with ${PANEL_THREADS} threads: navigation → drawn ${fmt(panel.msMany, 0)} ms (${fmt(panel.msMany / panel.msNone)}× no threads), ` +
          `list answered → drawn ${fmt(panel.renderMany, 0)} ms (aim ≤ ${AIM_PANEL_MS}${panel.renderMany <= AIM_PANEL_MS ? "" : " — ABOVE AIM"})`,
      );
    }
    out();
    out(`finished in ${fmt((Date.now() - started) / 1000, 0)} s; load average after ${loadavg().map((x) => fmt(x)).join(" ")}`);
    out(summary.join("; "));
  } finally {
    await shutdown();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (interrupted) return;
    process.stderr.write(`\nbench:comments failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAllChildren();
    process.exit(1);
  },
);
