/**
 * Forward-only migrations: `db/migrations/NNNN_name.sql`, applied in order, each in its own transaction,
 * recorded in `schema_migrations`. An advisory lock lets several instances start at once safely.
 * A migration that was applied is never edited: add a new file instead.
 */
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Sql } from "./client";

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");
const LOCK_ID = 7_220_001;

export interface Migration {
  version: number;
  name: string;
  file: string;
}

export async function listMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f)).sort();
  const migrations = files.map((file) => ({ version: Number(file.slice(0, 4)), name: file.slice(5, -4), file: path.join(dir, file) }));
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new Error(`Two migrations share the number ${migrations[i]!.version}: renumber one of them.`);
    }
  }
  return migrations;
}

/** Apply every pending migration. Returns the names applied. */
export async function migrate(sql: Sql, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await listMigrations(dir);
  const applied: string[] = [];
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${LOCK_ID})`;
    await tx`
      create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        applied_at timestamptz not null default now()
      )`;
    const done = new Set((await tx<{ version: number }[]>`select version from schema_migrations`).map((r) => r.version));
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      const text = await readFile(m.file, "utf8");
      await tx.unsafe(text);
      await tx`insert into schema_migrations (version, name) values (${m.version}, ${m.name})`;
      applied.push(`${String(m.version).padStart(4, "0")}_${m.name}`);
    }
  });
  return applied;
}
