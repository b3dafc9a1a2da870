/**
 * The backup and restore drill of docs/operations.md, performed: a running Accord with a live-edited document, a
 * published declaration and endorsements is dumped with `pg_dump --format=custom`, restored with `pg_restore` into a
 * fresh, empty database, and a new Accord started on the copy serves the same declaration: the CLI's `verify`
 * recomputes the same SHA-256 from the restored text, every endorsement is still bound to it, each document's update
 * log is an intact hash chain ending where the original's does, and an editor opening the document sees every edit.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { chainHash } from "../../db/document-log";
import { createSql, getSql, type Sql } from "../../db/client";
import { connectClient, sessionCookie, typeParagraph, waitFor, type TestClient } from "../support/collab-client";
import { call, organisation, person, publishDeclaration, signer, type Declaration } from "../support/endorsement-fixtures";
import { databaseUrl } from "../support/global-setup";
import { startServerProcess, type ServerProcess } from "../support/server-process";
import { testDatabaseUrl } from "../support/worker-database";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const restoredName = `${inject("templateDb")}_restored_${randomBytes(4).toString("hex")}`;
const restoredUrl = databaseUrl(inject("adminUrl"), restoredName);
const processes: ServerProcess[] = [];
const clients: TestClient[] = [];
let dir = "";
/** Why the drill cannot run here, or null: pg_dump refuses a server of a newer major version than its own. */
let cannotRun: string | null = null;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "accord-drill-"));
  const { stdout } = await run("pg_dump", ["--version"]).catch(() => ({ stdout: "" }));
  const dumpMajor = Number(/(\d+)\.\d+/.exec(stdout)?.[1] ?? 0);
  const admin = postgres(inject("adminUrl"), { max: 1, onnotice: () => {} });
  const [row] = await admin<{ v: number }[]>`select current_setting('server_version_num')::int / 10000 as v`;
  await admin.end();
  if (!dumpMajor) cannotRun = "pg_dump is not installed";
  else if (dumpMajor < row!.v) cannotRun = `pg_dump ${dumpMajor} cannot dump PostgreSQL ${row!.v}`;
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  for (const p of processes) await p.kill();
  const admin = postgres(inject("adminUrl"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${restoredName} with (force)`);
  await admin.end();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Each document's log: rows, and whether every row is chained to the one before it; the tail's hash. */
async function chains(sql: Sql): Promise<Map<string, { rows: number; intact: boolean; tail: string }>> {
  const rows = await sql<{ documentId: string; seq: number; update: Buffer; prevHash: Buffer | null; hash: Buffer }[]>`
    select document_id as "documentId", seq::int as seq, update, prev_hash as "prevHash", hash from document_updates order by document_id, seq`;
  const result = new Map<string, { rows: number; intact: boolean; tail: string }>();
  let prev: Buffer | null = null;
  for (const row of rows) {
    const entry = result.get(row.documentId) ?? { rows: 0, intact: true, tail: "" };
    if (entry.rows === 0) prev = null;
    const chained = row.seq === entry.rows + 1 && (row.prevHash ? Buffer.from(row.prevHash).equals(prev ?? Buffer.alloc(0)) : prev === null);
    const hashed = Buffer.from(row.hash).equals(chainHash(prev, row.update));
    result.set(row.documentId, { rows: entry.rows + 1, intact: entry.intact && chained && hashed, tail: Buffer.from(row.hash).toString("hex") });
    prev = Buffer.from(row.hash);
  }
  return result;
}

describe("the backup and restore drill", () => {
  it("restores a dump into a fresh database on which Accord serves the same declaration, endorsements and document, all verifying", { timeout: 180_000 }, async (ctx) => {
    if (cannotRun) return ctx.skip(cannotRun);
    const original = await startServerProcess(testDatabaseUrl);
    processes.push(original);
    const declaration: Declaration = await publishDeclaration();
    const organiserCookie = await sessionCookie(declaration.organiser.id);

    // Live edits (the update log), and endorsements by an individual and an organisation.
    const editor = connectClient(original.url, declaration.documentId, organiserCookie);
    clients.push(editor);
    await waitFor(() => editor.provider.synced, "the editor synced");
    for (const words of ["First restored paragraph.", "Second restored paragraph.", "Third restored paragraph."]) typeParagraph(editor, words);
    await waitFor(() => editor.isSaved(), "the edits saved");
    const individual = await signer();
    const org = await signer();
    for (const [who, body] of [
      [individual, person({ name: "Drill Signer", publicFields: ["name", "country"] })],
      [org, organisation({ organisationName: "Drill Police Service" })],
    ] as const) {
      const res = await call(original.url, "POST", `/api/declarations/${declaration.slug}/endorsements`, { cookie: who.cookie, json: body });
      expect(res.status, await res.clone().text()).toBe(201);
    }
    const before = (await (await fetch(`${original.url}/api/declarations/${declaration.slug}`)).json()) as { version: { hash: string }; text: string };
    const chainsBefore = await chains(getSql());
    expect(chainsBefore.get(declaration.documentId)?.rows).toBeGreaterThanOrEqual(1);

    // The drill, as docs/operations.md writes it (while the original keeps running).
    const dump = path.join(dir, "accord.dump");
    await run("pg_dump", ["--format=custom", "--no-owner", "--file", dump, testDatabaseUrl]);
    const admin = postgres(inject("adminUrl"), { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${restoredName} template template0`);
    await admin.end();
    await run("pg_restore", ["--no-owner", "--exit-on-error", "--dbname", restoredUrl, dump]);

    const restored = await startServerProcess(restoredUrl);
    processes.push(restored);
    const after = (await (await fetch(`${restored.url}/api/declarations/${declaration.slug}`)).json()) as { version: { hash: string }; text: string };
    expect(after).toEqual(before);

    // The CLI recomputes the hash from the restored server's text, and from the restored database.
    const verify = (args: string[], env: Record<string, string> = {}) =>
      run(path.join(ROOT, "node_modules/.bin/tsx"), ["server/cli.ts", "verify", ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000 });
    const viaServer = await verify([`${restored.url}/d/${declaration.slug}`, "--hash", before.version.hash]);
    expect(viaServer.stdout).toMatch(new RegExp(`^OK: version 1 of .* has SHA-256 ${before.version.hash}\\n$`));
    const viaDatabase = await verify([declaration.slug], { DATABASE_URL: restoredUrl });
    expect(viaDatabase.stdout).toContain(`has SHA-256 ${before.version.hash}`);

    const copy = createSql(restoredUrl, { max: 1 });
    try {
      const bound = await copy<{ n: number; bound: number }[]>`
        select count(*)::int as n, count(*) filter (where e.version_sha256 = pv.sha256)::int as bound
        from endorsements e join published_versions pv on pv.id = e.published_version_id
        join declarations dl on dl.document_id = pv.document_id where dl.slug = ${declaration.slug}`;
      expect(bound[0]).toEqual({ n: 2, bound: 2 });
      const chainsAfter = await chains(copy);
      expect(chainsAfter).toEqual(chainsBefore);
      for (const [, chain] of chainsAfter) expect(chain.intact).toBe(true);
    } finally {
      await copy.end();
    }
    const listed = await (await fetch(`${restored.url}/api/declarations/${declaration.slug}/endorsements`)).text();
    expect(listed).toContain("Drill Signer");
    expect(listed).toContain("Drill Police Service");

    // An editor opening the restored document sees every committed edit, and can go on writing.
    const reader = connectClient(restored.url, declaration.documentId, organiserCookie);
    clients.push(reader);
    await waitFor(() => reader.provider.synced && reader.text().includes("Third restored paragraph."), "the restored document");
    expect(reader.text()).toBe(editor.text());
    typeParagraph(reader, "Written after the restore.");
    await waitFor(() => reader.isSaved(), "a new edit saved on the restored database");
  });
});
