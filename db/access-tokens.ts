/** SQL for personal access tokens. */
import { getSql, type Queryable } from "./client";
import { joinedUserColumns, userFromJoin, type UserRow } from "./users";

export interface AccessTokenRow {
  id: string;
  userId: string;
  name: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
}

export async function insertAccessToken(
  t: { id: string; secretHash: Uint8Array; userId: string; name: string; scopes: string[]; lifetimeDays: number; secondFactor: boolean },
  sql: Queryable = getSql(),
): Promise<{ expiresAt: Date }> {
  const [row]: [{ expiresAt: Date }?] = await sql`
    insert into personal_access_tokens (id, secret_hash, user_id, name, scopes, expires_at, second_factor)
    values (${t.id}, ${Buffer.from(t.secretHash)}, ${t.userId}, ${t.name}, ${t.scopes}::text[], now() + make_interval(days => ${t.lifetimeDays}),
            ${t.secondFactor})
    returning expires_at as "expiresAt"`;
  if (!row) throw new Error("insertAccessToken: no row returned");
  return row;
}

export interface AccessTokenWithUser {
  secretHash: Uint8Array;
  scopes: string[];
  expiresAt: Date;
  lastUsedAt: Date | null;
  /** Created from a session with a verified second factor, and the account still has one. */
  secondFactor: boolean;
  user: UserRow;
}

/**
 * Tokens' secret hashes, scopes, expiry and last use, with their users, in one statement (tokens presented at the
 * same time are read together): by id; unknown ids are absent.
 */
export async function findAccessTokensWithUsers(ids: string[], sql: Queryable = getSql()): Promise<Map<string, AccessTokenWithUser>> {
  if (ids.length === 0) return new Map();
  const rows: (Omit<AccessTokenWithUser, "user"> & { id: string } & Record<string, unknown>)[] = await sql`
    select t.id, t.secret_hash as "secretHash", t.scopes, t.expires_at as "expiresAt", t.last_used_at as "lastUsedAt",
           (t.second_factor and exists (
             select 1 from totp_credentials c where c.user_id = t.user_id and c.confirmed_at is not null
        union all select 1 from passkeys k where k.user_id = t.user_id)) as "secondFactor",
           ${joinedUserColumns(sql)}
    from personal_access_tokens t join users u on u.id = t.user_id
    where t.id = any(${ids}::text[])`;
  return new Map(
    rows.map((row) => [
      row.id,
      { secretHash: row.secretHash, scopes: row.scopes, expiresAt: row.expiresAt, lastUsedAt: row.lastUsedAt, secondFactor: row.secondFactor, user: userFromJoin(row) },
    ]),
  );
}

/** Note that these tokens were used now (one statement for every token used since the last call). */
export async function markAccessTokensUsed(ids: string[], sql: Queryable = getSql()): Promise<void> {
  await sql`update personal_access_tokens set last_used_at = now() where id = any(${ids}::text[])`;
}

export async function listAccessTokens(userId: string, sql: Queryable = getSql()): Promise<AccessTokenRow[]> {
  return sql<AccessTokenRow[]>`
    select id, user_id as "userId", name, scopes, created_at as "createdAt", expires_at as "expiresAt", last_used_at as "lastUsedAt"
    from personal_access_tokens where user_id = ${userId} order by created_at desc`;
}

export async function deleteAccessToken(userId: string, id: string, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`delete from personal_access_tokens where id = ${id} and user_id = ${userId}`;
  return rows.count === 1;
}

/** Revoke every token of a user (a password reset or change, a confirmed address). */
export async function deleteUserAccessTokens(userId: string, sql: Queryable = getSql()): Promise<void> {
  await sql`delete from personal_access_tokens where user_id = ${userId}`;
}

/** Which of these token ids still work (not revoked, not expired): the collaboration server's re-check. */
export async function findLiveAccessTokenIds(ids: string[], sql: Queryable = getSql()): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await sql<{ id: string }[]>`
    select id from personal_access_tokens where id = any(${ids}::text[]) and expires_at > now()`;
  return new Set(rows.map((r) => r.id));
}
