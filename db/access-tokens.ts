/** SQL for personal access tokens. */
import { getSql, type Queryable } from "./client";

export interface AccessTokenRow {
  id: string;
  userId: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export async function insertAccessToken(
  t: { id: string; secretHash: Uint8Array; userId: string; name: string },
  sql: Queryable = getSql(),
): Promise<void> {
  await sql`
    insert into personal_access_tokens (id, secret_hash, user_id, name)
    values (${t.id}, ${Buffer.from(t.secretHash)}, ${t.userId}, ${t.name})`;
}

export async function findAccessTokenSecret(
  id: string,
  sql: Queryable = getSql(),
): Promise<{ userId: string; secretHash: Uint8Array; lastUsedAt: Date | null } | null> {
  const [row]: [{ userId: string; secretHash: Uint8Array; lastUsedAt: Date | null }?] = await sql`
    select user_id as "userId", secret_hash as "secretHash", last_used_at as "lastUsedAt"
    from personal_access_tokens where id = ${id}`;
  return row ?? null;
}

export async function markAccessTokenUsed(id: string, sql: Queryable = getSql()): Promise<void> {
  await sql`update personal_access_tokens set last_used_at = now() where id = ${id}`;
}

export async function listAccessTokens(userId: string, sql: Queryable = getSql()): Promise<AccessTokenRow[]> {
  return sql<AccessTokenRow[]>`
    select id, user_id as "userId", name, created_at as "createdAt", last_used_at as "lastUsedAt"
    from personal_access_tokens where user_id = ${userId} order by created_at desc`;
}

export async function deleteAccessToken(userId: string, id: string, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`delete from personal_access_tokens where id = ${id} and user_id = ${userId}`;
  return rows.count === 1;
}
