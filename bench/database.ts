/**
 * The benchmark's PostgreSQL: a fresh database `accord_bench_<random>` on DATABASE_URL's server (which must be on
 * this machine), or on an embedded PostgreSQL in a temporary directory under /var/tmp. Migrated and seeded through
 * the app's own functions, and dropped (the embedded server stopped and its directory removed) at the end.
 * Also: users, memberships, sessions and documents for the workloads, and what PostgreSQL's backends cost.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import postgres from "postgres";
import * as Y from "yjs";
import { createSession } from "../app/auth/session.server";
import { hashPassword } from "../app/auth/password.server";
import { loadDocument } from "../app/models/document-content.server";
import { seed } from "../app/models/seed.server";
import { closeDatabase, getSql, openDatabase, type Sql } from "../db/client";
import { appendAfterTail, appendUpdates, notifyDocumentUpdated, type LogTail } from "../db/document-log";
import { migrate } from "../db/migrate";
import { upsertMembership } from "../db/memberships";
import { insertUser } from "../db/users";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../server/embedded-postgres";
import { cpuSeconds } from "./processes";

export const WORKSHOP_SLUG = "harm-reduction-policing-2023";
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

export interface BenchDatabase {
  /** Where it runs, for the report. */
  description: string;
  name: string;
  url: string;
  sql: Sql;
  workshopId: string;
  drop(): Promise<void>;
}

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export async function createBenchDatabase(log: (m: string) => void): Promise<BenchDatabase> {
  let embedded: EmbeddedPostgres | null = null;
  let dataDir: string | null = null;
  let adminUrl = process.env.DATABASE_URL;
  let description: string;
  if (adminUrl) {
    const host = new URL(adminUrl).hostname;
    if (!LOCAL_HOSTS.has(host)) throw new Error(`DATABASE_URL must point at this machine (127.0.0.1), not ${host}: the benchmark only talks to 127.0.0.1.`);
    description = `DATABASE_URL server (${host}:${new URL(adminUrl).port || 5432})`;
  } else {
    dataDir = mkdtempSync("/var/tmp/accord-bench-");
    chmodSync(dataDir, 0o755);
    const port = await freePort();
    log(`DATABASE_URL is not set: starting an embedded PostgreSQL in ${dataDir} on port ${port}…`);
    try {
      embedded = await startEmbeddedPostgres({ dataDir, port });
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
    adminUrl = embedded.url;
    description = `embedded PostgreSQL (${dataDir})`;
  }
  const name = `accord_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const stopEmbedded = async () => {
    await admin.end({ timeout: 5 }).catch(() => {});
    if (embedded) await embedded.stop().catch(() => {});
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (error) {
    await stopEmbedded();
    throw error;
  }
  const url = withDatabase(adminUrl, name);
  const sql = openDatabase(url, { max: 10, applicationName: "accord-bench" });
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await closeDatabase().catch(() => {});
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch((e: unknown) => log(`could not drop ${name}: ${String(e)}`));
    await stopEmbedded();
  };
  try {
    await migrate(sql);
    await seed();
    const [workshop]: [{ id: string }?] = await sql`select id from workshops where slug = ${WORKSHOP_SLUG}`;
    if (!workshop) throw new Error(`seed did not create the workshop ${WORKSHOP_SLUG}`);
    return { description: `${description}, database ${name}`, name, url, sql, workshopId: workshop.id, drop };
  } catch (error) {
    await drop();
    throw error;
  }
}

/** Run `fn` over `items` with at most `limit` at a time. */
export async function inBatches<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!, i);
      }
    }),
  );
  return results;
}

let passwordHash: Promise<string> | null = null;

/** `count` verified users, each an editor of the workshop with one session; returns their session tokens. */
export async function createEditors(db: BenchDatabase, count: number): Promise<string[]> {
  const hash = await (passwordHash ??= hashPassword("bench password that nobody types 7"));
  const run = randomBytes(3).toString("hex");
  return inBatches(Array.from({ length: count }, (_, i) => i), 8, async (i) => {
    const user = await insertUser({ email: `bench-${run}-${i}@example.org`, name: `Bench ${i}`, passwordHash: hash, verified: true });
    if (!user) throw new Error("createEditors: e-mail taken");
    await upsertMembership(db.workshopId, user.id, "editor");
    const { token } = await createSession(user.id, "accord-bench");
    return token;
  });
}

/** Documents of the workshop, each with `initialUpdate(i)` as its first log row. */
export async function createDocuments(db: BenchDatabase, label: string, count: number, initialUpdate: (i: number) => Uint8Array): Promise<string[]> {
  const ids: string[] = [];
  const run = randomBytes(3).toString("hex");
  for (let start = 0; start < count; start += 100) {
    const end = Math.min(count, start + 100);
    await db.sql.begin(async (tx) => {
      for (let i = start; i < end; i++) {
        const [row]: [{ id: string }?] = await tx`
          insert into documents (workshop_id, slug, title, kind)
          values (${db.workshopId}, ${`bench-${label}-${run}-${i}`}, ${`Benchmark ${label} ${i}`}, 'discussion_paper') returning id`;
        if (!row) throw new Error("createDocuments: insert failed");
        await appendUpdates(tx, row.id, [{ update: initialUpdate(i), userId: null }]);
        ids.push(row.id);
      }
    });
  }
  return ids;
}

export async function lastSeqs(documentIds: string[]): Promise<Map<string, number>> {
  const rows = await getSql()<{ id: string; seq: number }[]>`
    select d.id, coalesce(max(u.seq), 0)::bigint as seq from documents d left join document_updates u on u.document_id = d.id
    where d.id = any(${documentIds}::uuid[]) group by d.id`;
  return new Map(rows.map((r) => [r.id, r.seq]));
}

export interface RowCounts {
  rows: number;
  /** Rows whose update is the empty update (2 bytes: no structs, empty delete set). */
  empty: number;
}

export async function rowsAfter(before: Map<string, number>): Promise<RowCounts> {
  let rows = 0;
  let empty = 0;
  for (const [id, seq] of before) {
    const [r]: [{ rows: number; empty: number }?] = await getSql()`
      select count(*)::int as rows, count(*) filter (where octet_length(update) <= 2)::int as empty
      from document_updates where document_id = ${id} and seq > ${seq}`;
    rows += r?.rows ?? 0;
    empty += r?.empty ?? 0;
  }
  return { rows, empty };
}

/** Texts of the stored document's paragraphs (first text child of each top-level paragraph). */
export async function storedParagraphTexts(documentId: string): Promise<Set<string>> {
  const { doc } = await loadDocument(documentId);
  const texts = new Set<string>();
  for (const node of doc.getXmlFragment("default").toArray()) {
    if (!(node instanceof Y.XmlElement) || node.nodeName !== "paragraph") continue;
    const first = node.get(0);
    if (first instanceof Y.XmlText) texts.add(first.toString());
  }
  doc.destroy();
  return texts;
}

/** CPU seconds of the PostgreSQL backends serving `database` (best effort: those alive now). */
export async function backendCpu(db: BenchDatabase): Promise<Map<number, number>> {
  const rows = await db.sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${db.name}`;
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      cpu.set(pid, cpuSeconds(pid));
    } catch {
      /* ended meanwhile, or not on this machine's /proc */
    }
  }
  return cpu;
}

export function backendCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, t] of after) total += t - (before.get(pid) ?? 0);
  return total;
}

/** Transactions committed in the benchmark database so far (pg_stat_database; flushed within about a second). */
export async function committedTransactions(db: BenchDatabase): Promise<number> {
  const [row]: [{ n: number }?] = await db.sql`select xact_commit::bigint as n from pg_stat_database where datname = ${db.name}`;
  return row?.n ?? NaN;
}

export interface CommitProbe {
  /** The server's commit: the rows as one autocommit statement (appendAfterTail). */
  asServer: Float64Array;
  /** The same, one commit every `spacingMs` (as the workload's edits arrive) instead of back to back: what a commit
   * costs when PostgreSQL's backend and this process have gone idle in between and must be woken. */
  spaced: Float64Array;
  /** The locked path of server-side changes (BEGIN, advisory lock + tail read, insert, NOTIFY, COMMIT), for comparison. */
  locked: Float64Array;
  /** CPU of this process (postgres.js, hashing) per commit, µs, for each way. */
  asServerCpuMicros: number;
  lockedCpuMicros: number;
}

/**
 * Time `count` sequential commits of one small update, each way, on a document nobody else writes to; then `count`
 * more as the server does them, one every `spacingMs`.
 */
export async function probeCommits(db: BenchDatabase, documentId: string, count: number, spacingMs: number): Promise<CommitProbe> {
  const sql = db.sql;
  const doc = new Y.Doc();
  const text = doc.getText("probe");
  const updates: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < 3 * count; i++) text.insert(text.length, ` e${i}`);
  doc.destroy();
  const locked = new Float64Array(count);
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await sql.begin(async (tx) => {
      const result = await appendUpdates(tx, documentId, [{ update: updates[i]!, userId: null }]);
      await notifyDocumentUpdated(tx, documentId, result.lastSeq, "accord-bench-probe");
    });
    locked[i] = performance.now() - t;
  }
  const cpu1 = process.cpuUsage(cpu0);
  const [row]: [{ seq: number; hash: Buffer }?] = await sql`
    select seq, hash from document_updates where document_id = ${documentId} order by seq desc limit 1`;
  let tail: LogTail = row ?? { seq: 0, hash: null };
  const asServer = new Float64Array(count);
  const cpu2 = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const result = await appendAfterTail(documentId, tail, [{ update: updates[count + i]!, userId: null }], sql);
    asServer[i] = performance.now() - t;
    if (!result.ok) throw new Error("the commit probe lost a race on its own document");
    tail = result.tail;
  }
  const cpu3 = process.cpuUsage(cpu2);
  const spaced = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, spacingMs));
    const t = performance.now();
    const result = await appendAfterTail(documentId, tail, [{ update: updates[2 * count + i]!, userId: null }], sql);
    spaced[i] = performance.now() - t;
    if (!result.ok) throw new Error("the commit probe lost a race on its own document");
    tail = result.tail;
  }
  return {
    asServer,
    spaced,
    locked,
    asServerCpuMicros: (cpu3.user + cpu3.system) / count,
    lockedCpuMicros: (cpu1.user + cpu1.system) / count,
  };
}
