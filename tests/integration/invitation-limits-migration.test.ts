/**
 * Migration 0011 gives invitation links a use limit. Run on a database migrated up to 0010 that holds reusable links
 * (as the old code made them), it keeps them working with at most 100 uses minus the joins already recorded, turns
 * those joins into join records, remembers past removals, and revokes links whose creator is no longer a member.
 */
import { afterAll, describe, expect, it } from "vitest";
import { databaseMigratedBefore, type PartlyMigrated } from "../support/migration-database";

let db: PartlyMigrated | null = null;

afterAll(async () => {
  await db?.drop();
});

describe("migration 0011 (invitation use limits)", () => {
  it("bounds old links, keeps their joins, remembers removals and revokes links of creators who left", async () => {
    db = await databaseMigratedBefore(11);
    const sql = db.sql;
    const [ws] = await sql`insert into workshops (slug, title, starts_on, ends_on) values ('w', 'W', '2023-06-01', '2023-06-02') returning id`;
    const user = async (email: string) => (await sql`insert into users (email, name, password_hash) values (${email}, ${email}, 'x') returning id`)[0]!.id as string;
    const [olive, gone, joiner] = [await user("olive@example.org"), await user("gone@example.org"), await user("joiner@example.org")];
    await sql`insert into memberships (workshop_id, user_id, role) values (${ws!.id}, ${olive}, 'organizer'), (${ws!.id}, ${joiner}, 'editor')`;
    const link = (id: string, by: string) => sql`
      insert into invitations (id, secret_hash, workshop_id, role, created_by, created_at, expires_at)
      values (${id}, ${Buffer.alloc(32)}, ${ws!.id}, 'editor', ${by}, '2026-11-01T10:00:00Z', now() + interval '7 days')`;
    await link("a".repeat(24), olive);
    await link("b".repeat(24), gone);
    const audit = (action: string, actor: string | null, details: object, at: string) =>
      sql`insert into audit_log (workshop_id, actor_id, action, details, created_at) values (${ws!.id}, ${actor}, ${action}, ${sql.json(details as never)}, ${at}::timestamptz)`;
    await audit("member.joined_by_invitation", joiner, { invitationId: "a".repeat(24), role: "editor" }, "2026-11-02T10:00:00Z");
    await audit("member.joined_by_invitation", gone, { invitationId: "a".repeat(24), role: "editor" }, "2026-11-02T11:00:00Z");
    await audit("member.removed", olive, { userId: gone, role: "editor" }, "2026-11-03T10:00:00Z");

    expect(await db.migrateRest()).toContain("0011_invitation_limits");

    const links = await sql`select id, max_uses as "maxUses", uses, revoked_at is not null as revoked from invitations order by id`;
    expect(links).toEqual([
      { id: "a".repeat(24), maxUses: 100, uses: 2, revoked: false },
      { id: "b".repeat(24), maxUses: 100, uses: 0, revoked: true },
    ]);
    const joins = await sql`select user_id as "userId", joined_at as "joinedAt" from invitation_joins order by joined_at`;
    expect(joins).toEqual([
      { userId: joiner, joinedAt: new Date("2026-11-02T10:00:00Z") },
      { userId: gone, joinedAt: new Date("2026-11-02T11:00:00Z") },
    ]);
    const removals = await sql`select user_id as "userId", removed_at as "removedAt" from membership_removals`;
    expect(removals).toEqual([{ userId: gone, removedAt: new Date("2026-11-03T10:00:00Z") }]);
    // From now on a new link starts with one use.
    await sql`insert into invitations (id, secret_hash, workshop_id, role, created_by, expires_at) values (${"c".repeat(24)}, ${Buffer.alloc(32)}, ${ws!.id}, 'viewer', ${olive}, now() + interval '1 day')`;
    const [fresh] = await sql`select max_uses as "maxUses", uses from invitations where id = ${"c".repeat(24)}`;
    expect(fresh).toEqual({ maxUses: 1, uses: 0 });
    await expect(sql`update invitations set uses = 2 where id = ${"c".repeat(24)}`).rejects.toMatchObject({ constraint_name: "invitations_uses_within_limit" });
  });
});
