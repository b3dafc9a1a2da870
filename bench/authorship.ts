/**
 * `npm run bench:authorship [-- --updates 30000 --authors 5 --rounds 5]`
 *
 * What opening the authorship view (GET /api/documents/:id/authorship) costs the server on a document with a long log:
 * - a fresh database (dropped at the end); a document whose log holds N updates from A authors, written through the
 *   same db functions the collaboration server uses (appendUpdates, in batches; a snapshot every 1,000 rows, as a
 *   room takes them). Authors take turns: each moves its caret somewhere in the text and makes 1–40 edits there,
 *   each what its editor sends for one transaction (a word or a few characters typed, a backspace of 1–3, or Enter),
 *   from that author's own Y.Doc kept in step with the others;
 * - cold: the process's cache forgotten, getAuthorship and its JSON (the route's whole work after the membership
 *   check: reading the log, decoding every row, rebuilding the document, attributing every character, the authors'
 *   names) — wall and CPU time of this process, R rounds;
 * - unchanged: asked again with nothing new (one query for rows after the cached seq);
 * - incremental: one more update appended by one author, then asked again (reads and applies that row only).
 * Prints each figure and its ratio to the 500 ms aim, and the longest event-loop delay during a cold computation (the
 * collaboration server shares the process). Only 127.0.0.1; every loop bounded.
 */
import { loadavg } from "node:os";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import * as Y from "yjs";
import { forgetAuthorship, getAuthorship } from "../app/models/authorship.server";
import { hashPassword } from "../app/auth/password.server";
import { appendUpdates, insertSnapshot } from "../db/document-log";
import { listAuthoredRowsAfter } from "../db/authorship";
import { upsertMembership } from "../db/memberships";
import { insertUser } from "../db/users";
import { createBenchDatabase, type BenchDatabase } from "./database";
import { fmt, percentile, sortedOf, table } from "./stats";

const AIM_MS = 500;
const SNAPSHOT_EVERY = 1000;
const log = (m: string) => process.stderr.write(`· ${m}\n`);
const out = (t = "") => process.stdout.write(`${t}\n`);

function options() {
  const { values } = parseArgs({
    options: { updates: { type: "string", default: "30000" }, authors: { type: "string", default: "5" }, rounds: { type: "string", default: "5" } },
  });
  const int = (v: string, min: number, max: number, name: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
    return n;
  };
  return { updates: int(values.updates!, 10, 200_000, "updates"), authors: int(values.authors!, 1, 50, "authors"), rounds: int(values.rounds!, 1, 20, "rounds") };
}

/** mulberry32: repeatable runs. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = "police harm reduction public health drug policy evidence community trust services outreach law rights people".split(" ");

/**
 * Each author's editor: its own Y.Doc, kept in step with the others as a connected browser would be, and a caret.
 * An edit is what the editor sends for one transaction: a few characters typed at the caret (most), a backspace, or
 * Enter (a new paragraph); `moveCaret` puts the caret somewhere else in the text, as a writer does between stretches.
 */
class Authors {
  readonly docs: Y.Doc[];
  private readonly carets: { paragraph: Y.XmlElement | null; offset: number }[];
  private readonly next: () => number;
  constructor(count: number) {
    this.docs = Array.from({ length: count }, () => new Y.Doc());
    this.carets = this.docs.map(() => ({ paragraph: null, offset: 0 }));
    this.next = random(42);
  }

  moveCaret(a: number): void {
    const fragment = this.docs[a]!.getXmlFragment("default");
    const caret = this.carets[a]!;
    if (fragment.length === 0) return void (caret.paragraph = null);
    caret.paragraph = fragment.get(Math.floor(this.next() * fragment.length)) as Y.XmlElement;
    caret.offset = Math.floor(this.next() * ((caret.paragraph.get(0) as Y.XmlText).length + 1));
  }

  /** One edit by author `a`: the update its editor sends (already applied to every other author's copy). */
  edit(a: number): Uint8Array {
    const doc = this.docs[a]!;
    const caret = this.carets[a]!;
    let update: Uint8Array | null = null;
    const capture = (u: Uint8Array) => (update = u);
    doc.on("update", capture);
    const fragment = doc.getXmlFragment("default");
    const roll = this.next();
    if (!caret.paragraph || caret.paragraph._item?.deleted || roll < 0.04) {
      const p = new Y.XmlElement(roll < 0.005 ? "heading" : "paragraph");
      if (p.nodeName === "heading") p.setAttribute("level", 2 as unknown as string);
      const text = this.word();
      p.insert(0, [new Y.XmlText(text)]);
      const at = caret.paragraph && !caret.paragraph._item?.deleted ? fragment.toArray().indexOf(caret.paragraph) + 1 : fragment.length;
      fragment.insert(at, [p]);
      caret.paragraph = p;
      caret.offset = text.length;
    } else {
      const text = caret.paragraph.get(0) as Y.XmlText;
      caret.offset = Math.min(caret.offset, text.length);
      if (roll < 0.14 && caret.offset > 0) {
        const n = Math.min(caret.offset, 1 + Math.floor(this.next() * 3));
        text.delete(caret.offset - n, n);
        caret.offset -= n;
      } else {
        const typed = roll < 0.5 ? " " + this.word() : this.word().slice(0, 1 + Math.floor(this.next() * 4));
        text.insert(caret.offset, typed);
        caret.offset += typed.length;
      }
    }
    doc.off("update", capture);
    if (!update) throw new Error("an edit produced no update");
    this.docs.forEach((other, i) => i !== a && Y.applyUpdate(other, update!));
    return update;
  }

  private word(): string {
    return WORDS[Math.floor(this.next() * WORDS.length)]!;
  }
}

async function buildDocument(db: BenchDatabase, updates: number, authorCount: number): Promise<{ documentId: string; authorIds: string[]; authors: Authors }> {
  const hash = await hashPassword("bench password that nobody types 7");
  const authorIds: string[] = [];
  for (let i = 0; i < authorCount; i++) {
    const user = await insertUser({ email: `bench-author-${i}-${Date.now()}@example.org`, name: `Author ${i + 1}`, passwordHash: hash, verified: true });
    if (!user) throw new Error("could not create an author");
    await upsertMembership(db.workshopId, user.id, "editor");
    authorIds.push(user.id);
  }
  const [row]: [{ id: string }?] = await db.sql`
    insert into documents (workshop_id, slug, title, kind) values (${db.workshopId}, ${`bench-authorship-${Date.now()}`}, 'Authorship benchmark', 'discussion_paper') returning id`;
  const documentId = row!.id;
  const authors = new Authors(authorCount);
  const next = random(7);
  let written = 0;
  while (written < updates) {
    const batch: { update: Uint8Array; userId: string }[] = [];
    // A stretch of one author typing, then another: how co-editing looks in the log.
    while (batch.length < SNAPSHOT_EVERY && written + batch.length < updates) {
      const a = Math.floor(next() * authorCount);
      const stretch = 1 + Math.floor(next() * 40);
      authors.moveCaret(a);
      for (let k = 0; k < stretch && batch.length < SNAPSHOT_EVERY && written + batch.length < updates; k++) batch.push({ update: authors.edit(a), userId: authorIds[a]! });
    }
    const { lastSeq } = await db.sql.begin((tx) => appendUpdates(tx, documentId, batch));
    written += batch.length;
    if (written % SNAPSHOT_EVERY === 0) await insertSnapshot(documentId, lastSeq, Y.encodeStateAsUpdate(authors.docs[0]!));
    if (written % 5000 === 0) log(`${written} updates logged`);
  }
  return { documentId, authorIds, authors };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await fn();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, value };
}

async function main(): Promise<void> {
  const opts = options();
  const limit = setTimeout(() => {
    log("the benchmark took more than 10 minutes: stopping");
    process.exit(1);
  }, 10 * 60_000);
  limit.unref();
  let db: BenchDatabase | null = null;
  try {
    db = await createBenchDatabase(log);
    const built = await timed(() => buildDocument(db!, opts.updates, opts.authors));
    const { documentId, authorIds, authors } = built.value;
    log(`built a document of ${opts.updates} updates in ${fmt(built.ms / 1000, 1)} s`);
    const [size]: [{ bytes: number }?] = await db.sql`select sum(octet_length(update))::int as bytes from document_updates where document_id = ${documentId}`;

    // Warm-up: V8 compiles the hot functions; not counted.
    forgetAuthorship();
    await getAuthorship(documentId);

    const cold: { ms: number; cpuMs: number }[] = [];
    const longestBlock: number[] = [];
    const readOnly: number[] = [];
    for (let round = 0; round < opts.rounds; round++) {
      forgetAuthorship();
      readOnly.push((await timed(() => listAuthoredRowsAfter(documentId, 0))).ms);
      const histogram = monitorEventLoopDelay({ resolution: 1 });
      histogram.enable();
      cold.push(await timed(async () => JSON.stringify(await getAuthorship(documentId))));
      histogram.disable();
      longestBlock.push(histogram.max / 1e6);
      log(`round ${round + 1}: cold ${fmt(cold.at(-1)!.ms, 0)} ms`);
    }
    const unchanged: number[] = [];
    const incremental: { ms: number; cpuMs: number }[] = [];
    let answer = await getAuthorship(documentId);
    for (let round = 0; round < opts.rounds; round++) {
      unchanged.push((await timed(() => getAuthorship(documentId))).ms);
      await db.sql.begin((tx) => appendUpdates(tx, documentId, [{ update: authors.edit(round % opts.authors), userId: authorIds[round % opts.authors]! }]));
      incremental.push(await timed(async () => JSON.stringify(await getAuthorship(documentId))));
      answer = await getAuthorship(documentId);
    }
    if (answer.seq !== opts.updates + opts.rounds) throw new Error(`the answer reflects seq ${answer.seq}, expected ${opts.updates + opts.rounds}`);
    const characters = answer.authors.reduce((n, a) => n + a.characters, 0);
    const expected = authors.docs[0]!.getXmlFragment("default").toArray().reduce((n, p) => n + ((p as Y.XmlElement).get(0) as Y.XmlText).length, 0);
    if (characters !== expected) throw new Error(`attributed ${characters} characters, the document has ${expected}`);

    const med = (v: number[]) => percentile(sortedOf(v), 50);
    const range = (v: number[]) => `${fmt(Math.min(...v), 0)}–${fmt(Math.max(...v), 0)}`;
    out(
      `Authorship view on a document of ${opts.updates.toLocaleString("en-GB")} logged updates (${fmt((size?.bytes ?? 0) / 1024, 0)} KiB of updates) from ${opts.authors} authors, ` +
        `${answer.paragraphs.length} paragraphs, ${characters.toLocaleString("en-GB")} characters; ${opts.rounds} rounds; load average ${loadavg().map((l) => fmt(l, 2)).join(" ")} (${db.description})`,
    );
    out(
      table(
        ["case", "median ms", "range ms", "median cpu ms", "× 500 ms aim"],
        [
          ["cold (cache empty)", fmt(med(cold.map((c) => c.ms)), 1), range(cold.map((c) => c.ms)), fmt(med(cold.map((c) => c.cpuMs)), 0), fmt(med(cold.map((c) => c.ms)) / AIM_MS, 2)],
          ["  of which reading the log", fmt(med(readOnly), 1), range(readOnly), "", fmt(med(readOnly) / AIM_MS, 2)],
          ["nothing new", fmt(med(unchanged), 2), range(unchanged), "", fmt(med(unchanged) / AIM_MS, 3)],
          ["one more update", fmt(med(incremental.map((c) => c.ms)), 1), range(incremental.map((c) => c.ms)), fmt(med(incremental.map((c) => c.cpuMs)), 0), fmt(med(incremental.map((c) => c.ms)) / AIM_MS, 3)],
        ],
      ),
    );
    out(`longest event-loop delay during a cold computation: ${range(longestBlock)} ms (median ${fmt(med(longestBlock), 0)} ms)`);
    out(`answer: ${fmt(JSON.stringify(answer).length / 1024, 0)} KiB of JSON, ${answer.paragraphs.reduce((n, p) => n + p.runs.length, 0)} runs`);
  } finally {
    await db?.drop().catch((e: unknown) => log(`could not drop the database: ${String(e)}`));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
