/** SQL for personal access tokens. */
import { getSql, type Queryable } from "./client";
import { joinedUserColumns, userFromJoin, type UserRow } from "./users";

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

/** A token's secret hash and last use, with its user, in one round trip. */
export async function findAccessTokenWithUser(
  id: string,
  sql: Queryable = getSql(),
): Promise<{ secretHash: Uint8Array; lastUsedAt: Date | null; user: UserRow } | null> {
  const [row]: [({ secretHash: Uint8Array; lastUsedAt: Date | null } & Record<string, unknown>)?] = await sql`
    select t.secret_hash as "secretHash", t.last_used_at as "lastUsedAt", ${joinedUserColumns(sql)}
    from personal_access_tokens t join users u on u.id = t.user_id
    where t.id = ${id}`;
  return row ? { secretHash: row.secretHash, lastUsedAt: row.lastUsedAt, user: userFromJoin(row) } : null;
}

/** Note that these tokens were used now (one statement for every token used since the last call). */
export async function markAccessTokensUsed(ids: string[], sql: Queryable = getSql()): Promise<void> {
  await sql`update personal_access_tokens set last_used_at = now() where id = any(${ids}::text[])`;
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
