/**
 * Migration 0012 makes a document's version names distinct. Run on a database migrated up to 0011 that holds names
 * saved twice (as the old code allowed), it keeps the oldest as it was, renames the later ones by their save time,
 * and from then on the database refuses a repeated name.
 */
import { copyFile, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createSql, type Sql } from "../../db/client";
import { migrate } from "../../db/migrate";
import { databaseUrl } from "../support/global-setup";

const MIGRATIONS = path.resolve(import.meta.dirname, "../../db/migrations");
const name = `accord_mig_${randomBytes(4).toString("hex")}`;
let sql: Sql | null = null;
let dir = "";

afterAll(async () => {
  await sql?.end();
  const admin = postgres(inject("adminUrl"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("migration 0012 (distinct version names)", () => {
  it("renames the later of two versions that share a name, keeps the oldest, and then refuses repeats", async () => {
    const admin = postgres(inject("adminUrl"), { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    sql = createSql(databaseUrl(inject("adminUrl"), name), { max: 1 });
    dir = await mkdtemp(path.join(tmpdir(), "accord-migrations-"));
    const files = (await readdir(MIGRATIONS)).filter((f) => /^\d{4}_/.test(f)).sort();
    for (const f of files.filter((f) => Number(f.slice(0, 4)) < 12)) await copyFile(path.join(MIGRATIONS, f), path.join(dir, f));
    await migrate(sql, dir);

    const [ws] = await sql`insert into workshops (slug, title, starts_on, ends_on) values ('w', 'W', '2023-06-01', '2023-06-02') returning id`;
    const [doc] = await sql`insert into documents (workshop_id, slug, title, kind) values (${ws!.id}, 'd', 'D', 'declaration') returning id`;
    const insert = (n: string, at: string) => sql!`
      insert into document_versions (document_id, name, log_seq, yjs_state, tiptap_json, html, plain_text, created_at)
      values (${doc!.id}, ${n}, 0, ${Buffer.from([0, 0])}, '{}'::jsonb, '', '', ${at}::timestamptz) returning id`;
    const [first] = await insert("After session 2", "2023-06-01T10:00:00Z");
    const [second] = await insert("after session 2", "2023-06-01T11:30:00Z");
    const [other] = await insert("Final", "2023-06-01T12:00:00Z");

    for (const f of files.filter((f) => Number(f.slice(0, 4)) >= 12)) await copyFile(path.join(MIGRATIONS, f), path.join(dir, f));
    expect(await migrate(sql, dir)).toContain("0012_version_names_unique");

    const names = Object.fromEntries((await sql`select id, name from document_versions`).map((r) => [r.id, r.name]));
    expect(names[first!.id]).toBe("After session 2");
    expect(names[second!.id]).toBe("after session 2 (saved 2023-06-01 11:30:00.000000 UTC)");
    expect(names[other!.id]).toBe("Final");
    await expect(insert("FINAL", "2023-06-02T00:00:00Z")).rejects.toMatchObject({ constraint_name: "document_versions_name_key" });
  });
});
