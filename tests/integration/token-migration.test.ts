/**
 * Migration 0010 on a database holding the tokens and sessions of before: existing tokens keep every scope and
 * expire 90 days after the upgrade; what a squatter could have kept (review H2) is gone.
 */
import postgres from "postgres";
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createSql, type Sql } from "../../db/client";
import { migrate } from "../../db/migrate";
import { databaseUrl } from "../support/global-setup";

const MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../db/migrations");
let sql: Sql;
let before: string;

beforeAll(async () => {
  const name = `${inject("templateDb")}_mig_${randomBytes(4).toString("hex")}`;
  const admin = postgres(inject("adminUrl"), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  sql = createSql(databaseUrl(inject("adminUrl"), name), { max: 1 });
  before = await mkdtemp(path.join(tmpdir(), "accord-migrations-"));
  for (const file of await readdir(MIGRATIONS)) if (file < "0010") await cp(path.join(MIGRATIONS, file), path.join(before, file));
});

afterAll(async () => {
  await sql?.end();
  if (before) await rm(before, { recursive: true, force: true });
});

async function user(email: string, verifiedDaysAgo: number | null, passwordChangedDaysAgo: number): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into users (email, name, password_hash, email_verified_at, password_changed_at, created_at)
    values (${email}, 'Someone', 'x', ${verifiedDaysAgo === null ? null : sql`now() - make_interval(days => ${verifiedDaysAgo})`},
            now() - make_interval(days => ${passwordChangedDaysAgo}), now() - interval '60 days')
    returning id`;
  return row!.id;
}

async function token(id: string, userId: string, createdDaysAgo: number): Promise<void> {
  await sql`
    insert into personal_access_tokens (id, secret_hash, user_id, name, created_at)
    values (${id}, ${Buffer.alloc(32)}, ${userId}, ${id}, now() - make_interval(days => ${createdDaysAgo}))`;
}

async function session(id: string, userId: string, createdDaysAgo: number): Promise<void> {
  await sql`
    insert into sessions (id, secret_hash, user_id, created_at, expires_at, absolute_expires_at)
    values (${id}, ${Buffer.alloc(32)}, ${userId}, now() - make_interval(days => ${createdDaysAgo}), now() + interval '1 day', now() + interval '1 day')`;
}

describe("migration 0010", () => {
  it("gives old tokens every scope and 90 days, and ends the tokens and sessions a squatter could have kept", async () => {
    await migrate(sql, before);
    const owner = await user("owner@example.org", 30, 40); // confirmed 30 days ago, password set 40 days ago
    const unconfirmed = await user("squatted@example.org", null, 40);
    const reset = await user("reset@example.org", 30, 5); // password reset 5 days ago
    await token("kept", owner, 10);
    await token("made-before-confirming", owner, 35);
    await token("of-an-unconfirmed-account", unconfirmed, 10);
    await token("made-before-the-reset", reset, 10);
    await token("made-after-the-reset", reset, 2);
    await session("after-confirming", owner, 10);
    await session("before-confirming", owner, 35);

    await migrate(sql, MIGRATIONS);
    const tokens = await sql<{ id: string; scopes: string[]; days: number }[]>`
      select id, scopes, round(extract(epoch from expires_at - now()) / 86400)::int as days from personal_access_tokens order by id`;
    expect(tokens).toEqual([
      { id: "kept", scopes: ["read", "write", "endorse", "admin"], days: 90 },
      { id: "made-after-the-reset", scopes: ["read", "write", "endorse", "admin"], days: 90 },
    ]);
    expect((await sql<{ id: string }[]>`select id from sessions`).map((r) => r.id)).toEqual(["after-confirming"]);

    // From now on a token names its scopes and expiry, from the four known scopes only.
    await expect(sql`insert into personal_access_tokens (id, secret_hash, user_id, name) values ('new', ${Buffer.alloc(32)}, ${owner}, 'new')`).rejects.toThrow(/null value/);
    await expect(
      sql`insert into personal_access_tokens (id, secret_hash, user_id, name, scopes, expires_at)
          values ('root', ${Buffer.alloc(32)}, ${owner}, 'root', array['root'], now() + interval '1 day')`,
    ).rejects.toThrow(/personal_access_tokens_scopes_known/);
    await expect(
      sql`insert into personal_access_tokens (id, secret_hash, user_id, name, scopes, expires_at)
          values ('none', ${Buffer.alloc(32)}, ${owner}, 'none', array[]::text[], now() + interval '1 day')`,
    ).rejects.toThrow(/personal_access_tokens_scopes_known/);
  });
});
