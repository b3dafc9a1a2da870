/**
 * A fresh database migrated only up to (not including) a given migration, for testing what that migration does to
 * data the older code wrote. `migrateRest()` then applies the remaining migrations; `drop()` removes everything.
 */
import { copyFile, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { createSql, type Sql } from "../../db/client";
import { migrate } from "../../db/migrate";
import { databaseUrl } from "./global-setup";

const MIGRATIONS = path.resolve(import.meta.dirname, "../../db/migrations");

export interface PartlyMigrated {
  sql: Sql;
  /** Apply the migrations from `version` on; returns their names. */
  migrateRest(): Promise<string[]>;
  drop(): Promise<void>;
}

export async function databaseMigratedBefore(version: number): Promise<PartlyMigrated> {
  const name = `accord_mig_${randomBytes(4).toString("hex")}`;
  const admin = postgres(inject("adminUrl"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const sql = createSql(databaseUrl(inject("adminUrl"), name), { max: 1 });
  const dir = await mkdtemp(path.join(tmpdir(), "accord-migrations-"));
  const files = (await readdir(MIGRATIONS)).filter((f) => /^\d{4}_/.test(f)).sort();
  const copy = (keep: (n: number) => boolean) =>
    Promise.all(files.filter((f) => keep(Number(f.slice(0, 4)))).map((f) => copyFile(path.join(MIGRATIONS, f), path.join(dir, f))));
  await copy((n) => n < version);
  await migrate(sql, dir);
  return {
    sql,
    migrateRest: async () => {
      await copy((n) => n >= version);
      return migrate(sql, dir);
    },
    drop: async () => {
      await sql.end();
      const admin = postgres(inject("adminUrl"), { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
