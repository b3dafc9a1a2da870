/**
 * Migration 0012 makes a document's version names distinct. Run on a database migrated up to 0011 that holds names
 * saved twice (as the old code allowed), it keeps the oldest as it was, renames the later ones by their save time,
 * and from then on the database refuses a repeated name.
 */
import { afterAll, describe, expect, it } from "vitest";
import { databaseMigratedBefore, type PartlyMigrated } from "../support/migration-database";

let db: PartlyMigrated | null = null;

afterAll(async () => {
  await db?.drop();
});

describe("migration 0012 (distinct version names)", () => {
  it("renames the later of two versions that share a name, keeps the oldest, and then refuses repeats", async () => {
    db = await databaseMigratedBefore(12);
    const sql = db.sql;
    const [ws] = await sql`insert into workshops (slug, title, starts_on, ends_on) values ('w', 'W', '2023-06-01', '2023-06-02') returning id`;
    const [doc] = await sql`insert into documents (workshop_id, slug, title, kind) values (${ws!.id}, 'd', 'D', 'declaration') returning id`;
    const insert = (n: string, at: string) => sql`
      insert into document_versions (document_id, name, log_seq, yjs_state, tiptap_json, html, plain_text, created_at)
      values (${doc!.id}, ${n}, 0, ${Buffer.from([0, 0])}, '{}'::jsonb, '', '', ${at}::timestamptz) returning id`;
    const [first] = await insert("After session 2", "2023-06-01T10:00:00Z");
    const [second] = await insert("after session 2", "2023-06-01T11:30:00Z");
    const [other] = await insert("Final", "2023-06-01T12:00:00Z");

    expect(await db.migrateRest()).toContain("0012_version_names_unique");

    const names = Object.fromEntries((await sql`select id, name from document_versions`).map((r) => [r.id, r.name]));
    expect(names[first!.id]).toBe("After session 2");
    expect(names[second!.id]).toBe("after session 2 (saved 2023-06-01 11:30:00.000000 UTC)");
    expect(names[other!.id]).toBe("Final");
    await expect(insert("FINAL", "2023-06-02T00:00:00Z")).rejects.toMatchObject({ constraint_name: "document_versions_name_key" });
  });
});
