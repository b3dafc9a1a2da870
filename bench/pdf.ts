/**
 * `npm run bench:pdf [-- --signatories 1000 --rounds 5]`
 *
 * What a published version's PDF (GET /d/<slug>/v/<n>/pdf) costs on this machine, against serving the declaration's
 * public page (GET /d/<slug>, which lists the same signatories) in the same run, on the same server process:
 * - the seeded declaration published through the app's own code, with N visible endorsements (bench:public's setup);
 * - each round: the page (median of 5 requests), then one new endorsement (so the annex changes and the next PDF is
 *   rendered afresh), the PDF (a fresh render), and the PDF again (from the cache). Wall time and the server's CPU
 *   time (/proc) for each; ratios to the page;
 * - the event loop while rendering: a cheap request (/d/<slug>/v/<n>/text) every 5 ms during each fresh render, and
 *   its worst latency, against the same request on an idle server; then the same read + render in the benchmark's own
 *   process (no HTTP, no second process on the CPUs) with the event loop's longest delay (perf_hooks).
 *
 * Fresh database (dropped at the end), the server as its own process (NODE_ENV=production, micro-cache off), only
 * 127.0.0.1, every loop bounded, children killed however the run ends.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { clearDeclarationPdfCache, loadDeclarationPdf } from "../app/models/declaration-pdf.server";
import { ensureBuild } from "../server/build";
import { createBenchDatabase, type BenchDatabase } from "./database";
import { cpuSeconds, killAllChildren, ROOT, startAccord, type Server } from "./processes";
import { fetchOnce } from "./public-load";
import { insertVisibleEndorsements, publishSeededDeclaration } from "./public-setup";
import { fmt, percentile, sortedOf, table } from "./stats";
import { loadavg } from "node:os";

const log = (m: string) => process.stderr.write(`· ${m}\n`);
const out = (t = "") => process.stdout.write(`${t}\n`);

function options() {
  const { values } = parseArgs({ options: { signatories: { type: "string", default: "1000" }, rounds: { type: "string", default: "5" } } });
  const int = (v: string, min: number, max: number, name: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
    return n;
  };
  return { signatories: int(values.signatories!, 0, 20_000, "signatories"), rounds: int(values.rounds!, 1, 20, "rounds") };
}

interface Timing {
  ms: number;
  cpuMs: number;
  bytes: number;
  /** A PDF's page count (its page tree's /Count), else 0. */
  pages: number;
}

async function timed(server: Server, url: string, path: string, expectType: string): Promise<Timing> {
  const cpu = cpuSeconds(server.pid);
  const started = performance.now();
  const res = await fetchOnce(url, path);
  const ms = performance.now() - started;
  if (res.status !== 200 || !String(res.headers["content-type"]).startsWith(expectType)) throw new Error(`GET ${path} answered ${res.status} ${String(res.headers["content-type"])}`);
  const pages = Math.max(0, ...[...res.body.toString("latin1").matchAll(/\/Type \/Pages\s*\/Count (\d+)/g)].map((m) => Number(m[1])));
  return { ms, cpuMs: (cpuSeconds(server.pid) - cpu) * 1000, bytes: res.body.length, pages };
}

/** Request `path` every 5 ms until `done` settles; the latencies. */
async function probe(url: string, path: string, done: Promise<unknown>): Promise<number[]> {
  let finished = false;
  void done.finally(() => (finished = true));
  const latencies: number[] = [];
  for (let i = 0; i < 2000 && !finished; i++) {
    const started = performance.now();
    await fetchOnce(url, path);
    latencies.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 5));
  }
  return latencies;
}

const median = (values: number[]) => percentile(sortedOf(values), 50);

async function main(): Promise<void> {
  const opts = options();
  process.env.NODE_ENV = "production";
  process.env.ACCORD_PUBLIC_CACHE_MS = "0"; // measure renders, not the one-second micro-cache
  const limit = setTimeout(() => {
    log("the benchmark took more than 10 minutes: stopping");
    killAllChildren();
    process.exit(1);
  }, 10 * 60_000);
  limit.unref();
  process.on("SIGINT", () => {
    killAllChildren();
    process.exit(130);
  });
  let db: BenchDatabase | null = null;
  let accord: Server | null = null;
  try {
    ensureBuild(ROOT, log);
    db = await createBenchDatabase(log);
    const declaration = await publishSeededDeclaration(db);
    await insertVisibleEndorsements(db, declaration, opts.signatories);
    log(`published /d/${declaration.slug} with ${opts.signatories} visible endorsements`);
    accord = await startAccord(db.url);
    const url = accord.origin.replace(/^https:/, "http:");
    const page = `/d/${declaration.slug}`;
    const pdf = `/d/${declaration.slug}/v/1/pdf`;
    const text = `/d/${declaration.slug}/v/1/text`;
    // Warm-up: the first PDF also parses the fonts and compiles pdfkit's code.
    for (let i = 0; i < 3; i++) await timed(accord, url, page, "text/html");
    await timed(accord, url, pdf, "application/pdf");
    const idle = await probe(url, text, new Promise((r) => setTimeout(r, 300)));

    const rows: { page: Timing; fresh: Timing; cached: Timing; worst: number }[] = [];
    for (let round = 0; round < opts.rounds; round++) {
      const pages: Timing[] = [];
      for (let i = 0; i < 5; i++) pages.push(await timed(accord, url, page, "text/html"));
      await insertVisibleEndorsements(db, declaration, 1);
      const rendering = timed(accord, url, pdf, "application/pdf");
      const during = await probe(url, text, rendering);
      const fresh = await rendering;
      const cached = await timed(accord, url, pdf, "application/pdf");
      const mid = (f: (t: Timing) => number) => median(pages.map(f));
      rows.push({ page: { ms: mid((t) => t.ms), cpuMs: mid((t) => t.cpuMs), bytes: pages[0]!.bytes, pages: 0 }, fresh, cached, worst: Math.max(0, ...during) });
      log(`round ${round + 1}: page ${fmt(rows.at(-1)!.page.ms, 1)} ms, fresh PDF ${fmt(fresh.ms, 1)} ms, cached ${fmt(cached.ms, 1)} ms`);
    }

    // The same work in this process, without HTTP or a second process competing for the CPUs: the render's longest
    // stretch without yielding, as the event loop's delay (perf_hooks, 1 ms resolution) shows it.
    const inProcess: { ms: number; maxDelay: number }[] = [];
    await loadDeclarationPdf(declaration.slug, 1);
    for (let round = 0; round < opts.rounds; round++) {
      clearDeclarationPdfCache();
      const histogram = monitorEventLoopDelay({ resolution: 1 });
      histogram.enable();
      const started = performance.now();
      await loadDeclarationPdf(declaration.slug, 1);
      inProcess.push({ ms: performance.now() - started, maxDelay: histogram.max / 1e6 });
      histogram.disable();
    }

    const n = opts.signatories;
    out(`PDF of a published version with ${n.toLocaleString("en-GB")} signatories (+1 a round), ${opts.rounds} rounds; load average ${loadavg().map((l) => fmt(l, 2)).join(" ")} (${db.description})`);
    out(
      table(
        ["round", "page ms", "page cpu ms", "fresh PDF ms", "cpu ms", "× page", "cached PDF ms", "× page", "worst probe ms"],
        rows.map((r, i) => [
          String(i + 1),
          fmt(r.page.ms, 1),
          fmt(r.page.cpuMs, 0),
          fmt(r.fresh.ms, 1),
          fmt(r.fresh.cpuMs, 0),
          fmt(r.fresh.ms / r.page.ms, 1),
          fmt(r.cached.ms, 1),
          fmt(r.cached.ms / r.page.ms, 2),
          fmt(r.worst, 1),
        ]),
      ),
    );
    const ratio = rows.map((r) => r.fresh.ms / r.page.ms).sort((a, b) => a - b);
    out(`fresh PDF / page (wall): median ${fmt(median(ratio), 1)}× (range ${fmt(ratio[0]!, 1)}–${fmt(ratio.at(-1)!, 1)}×); PDF ${fmt(rows[0]!.fresh.bytes / 1024, 0)} KiB (${rows[0]!.fresh.pages} pages), page ${fmt(rows[0]!.page.bytes / 1024, 0)} KiB`);
    out(
      `in this process (no HTTP): read + render ${inProcess.map((r) => fmt(r.ms, 0)).join(", ")} ms; longest event-loop delay ${inProcess.map((r) => fmt(r.maxDelay, 1)).join(", ")} ms`,
    );
    out(`event loop: a cheap request took at most ${fmt(Math.max(...rows.map((r) => r.worst)), 1)} ms during fresh renders (idle: at most ${fmt(Math.max(...idle), 1)} ms, median ${fmt(median(idle), 1)} ms)`);
  } finally {
    await accord?.stop().catch(() => {});
    killAllChildren();
    await db?.drop().catch((e: unknown) => log(`could not drop the database: ${String(e)}`));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    killAllChildren();
    process.exit(1);
  },
);
