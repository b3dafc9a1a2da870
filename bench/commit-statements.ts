/**
 * `npm run bench:commit [-- --count 1000 --spacing 20]`: what the commit statement itself costs, told apart from
 * everything else a server does. One PostgreSQL connection (a commit lane) sends, one at a time, one small Yjs
 * update every `spacing` ms (as the main workload's edits arrive: 5 writers × 10/s), taking turns between:
 *
 *   - accord:          Accord's commit as the rooms send it (`appendPlanned`: the checked insert alone, ADR 0006),
 *                      with the NOTIFY to other instances sent after it returned, on another connection (as rooms do);
 *   - notify inside:   the statement as every commit was before ADR 0006: the same insert, a `documents` timestamp
 *                      touch and `pg_notify`, in one statement;
 *   - floor:           the one-row INSERT of bench/commit-relay-server.ts (no foreign keys, hash, touch or NOTIFY).
 *
 * A LISTEN connection is open on the channel, as every Accord instance has one. Prints p50/p90/p99/mean of each
 * (round trip as the caller sees it, planning included) and each one's p99 against the floor's.
 */
import { parseArgs } from "node:util";
import * as Y from "yjs";
import { getSql, openSingleConnections, type Sql } from "../db/client";
import {
  appendPlanned,
  DOCUMENT_UPDATES_CHANNEL,
  notifyDocumentUpdated,
  planAppend,
  type LogTail,
  type PlannedAppend,
} from "../db/document-log";
import { tiptapJsonToYDocUpdate } from "../app/editor/document-tools.server";
import { createBenchDatabase, createDocuments, createEditors } from "./database";
import { fmt, percentile, sortedOf, table } from "./stats";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "1000" },
    spacing: { type: "string", default: "20" },
  },
});
const count = Number(values.count);
const spacingMs = Number(values.spacing);

if (!Number.isInteger(count) || count < 10 || count > 100_000) throw new Error("--count must be an integer from 10 to 100000");
if (!(spacingMs >= 0 && spacingMs <= 1000)) throw new Error("--spacing must be 0–1000 ms");

const log = (m: string) => process.stderr.write(`· ${m}\n`);

/** The pre-ADR-0006 statement: the checked insert, the touch of `documents` and the NOTIFY, in one statement. */
async function appendWithNotifyInside(sql: Sql, documentId: string, plan: PlannedAppend): Promise<boolean> {
  const r = plan.rows[0]!;
  const [result] = await sql<{ rows: number }[]>`
    with appended as (
      insert into document_updates (document_id, seq, update, user_id, prev_hash, hash)
      select ${documentId}::uuid, ${r.seq}::bigint, ${r.update}::bytea, ${r.user_id}::uuid, ${r.prev_hash}::bytea, ${r.hash}::bytea
      where exists (select 1 from document_updates where document_id = ${documentId} and seq = ${plan.after.seq} and hash = ${plan.after.hash})
      returning seq
    ),
    touched as (
      update documents set updated_at = now() where id = ${documentId} and exists (select 1 from appended) returning id
    )
    select (select count(*) from appended) as rows, (select count(*) from touched) as documents,
      case when exists (select 1 from appended)
        then pg_notify(${DOCUMENT_UPDATES_CHANNEL}, ${`${documentId} ${plan.tail.seq} accord-bench`}) end as notified`;
  return result?.rows === 1;
}

const db = await createBenchDatabase(log);
const [lane, other] = openSingleConnections(2, "accord-bench-commit-statements", db.url);
try {
  const small = tiptapJsonToYDocUpdate({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "Benchmark document." }] }] });
  const [accordDoc, insideDoc] = await createDocuments(db, "statements", 2, () => small);
  await createEditors(db, 1);
  const [user] = await getSql()<{ id: string }[]>`select id from users where email like 'bench-%' limit 1`;
  const userId = user!.id;
  await lane!`create table if not exists bench_commit_relay (room text not null, seq bigint not null, data bytea not null, primary key (room, seq))`;
  const listener = await getSql().listen(DOCUMENT_UPDATES_CHANNEL, () => {});

  const tails = new Map<string, LogTail>();
  for (const id of [accordDoc!, insideDoc!]) {
    const [row] = await getSql()<{ seq: number; hash: Buffer }[]>`
      select seq, hash from document_updates where document_id = ${id} order by seq desc limit 1`;
    tails.set(id, row!);
  }
  // Small updates as the workload writes them: four characters appended, each a new update.
  const doc = new Y.Doc();
  const text = doc.getText("t");
  const updates: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => updates.push(u));
  let next = 0;
  const nextUpdate = () => {
    text.insert(text.length, "abcd");
    return updates[next++]!;
  };

  const plan = (documentId: string) => planAppend(documentId, tails.get(documentId)!, [{ update: nextUpdate(), userId }]);
  let floorSeq = 0;
  const variants: { name: string; run: () => Promise<void>; times: number[] }[] = [
    {
      name: "accord (NOTIFY after)",
      times: [],
      run: async () => {
        const p = plan(accordDoc!);
        const outcome = await appendPlanned(accordDoc!, p, lane!);
        if (!outcome.ok) throw new Error("the accord statement was refused");
        tails.set(accordDoc!, p.tail);
        void notifyDocumentUpdated(other!, accordDoc!, p.tail.seq, "accord-bench");
      },
    },
    {
      name: "NOTIFY inside (before ADR 0006)",
      times: [],
      run: async () => {
        const p = plan(insideDoc!);
        if (!(await appendWithNotifyInside(lane!, insideDoc!, p))) throw new Error("the NOTIFY-inside statement was refused");
        tails.set(insideDoc!, p.tail);
      },
    },
    {
      name: "floor (one-row INSERT)",
      times: [],
      run: async () => {
        floorSeq += 1;
        await lane!`insert into bench_commit_relay (room, seq, data) values (${"statements"}, ${floorSeq}, ${Buffer.from(nextUpdate())})`;
      },
    },
  ];
  for (const v of variants) for (let i = 0; i < 5; i++) await v.run(); // parsed, planned, tables cached
  log(`${variants.length} statements × ${count}, taking turns, one every ${spacingMs} ms`);
  for (let i = 0; i < count; i++) {
    for (const v of variants) {
      await new Promise((resolve) => setTimeout(resolve, spacingMs));
      const t = performance.now();
      await v.run();
      v.times.push(performance.now() - t);
    }
  }

  await listener.unlisten();

  const floor = sortedOf(variants[2]!.times);
  const rows = variants.map((v) => {
    const s = sortedOf(v.times);
    const mean = v.times.reduce((a, b) => a + b, 0) / v.times.length;
    return [v.name, fmt(percentile(s, 50)), fmt(percentile(s, 90)), fmt(percentile(s, 99)), fmt(mean), `${fmt(percentile(s, 99) / percentile(floor, 99))}×`];
  });
  process.stdout.write(`Commit statements on one connection, ${count} each, taking turns, one every ${spacingMs} ms — ${db.description}\n`);
  process.stdout.write(table(["statement", "p50 (ms)", "p90 (ms)", "p99 (ms)", "mean (ms)", "p99/floor"], rows) + "\n");
} finally {
  await Promise.all([lane!, other!].map((sql) => sql.end({ timeout: 5 })));
  await db.drop();
}
