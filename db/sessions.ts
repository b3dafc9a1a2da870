/** SQL for sessions (see app/auth/session.server.ts for the rules). */
import { getSql, type Queryable } from "./client";

export interface SessionRow {
  id: string;
  secretHash: Uint8Array;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  userAgent: string | null;
}

const columns = (sql: Queryable) => sql`
  id, secret_hash as "secretHash", user_id as "userId", created_at as "createdAt", last_used_at as "lastUsedAt",
  expires_at as "expiresAt", absolute_expires_at as "absoluteExpiresAt", user_agent as "userAgent"`;

export async function insertSession(
  s: { id: string; secretHash: Uint8Array; userId: string; expiresAt: Date; absoluteExpiresAt: Date; userAgent: string | null },
  sql: Queryable = getSql(),
): Promise<void> {
  await sql`
    insert into sessions (id, secret_hash, user_id, expires_at, absolute_expires_at, user_agent)
    values (${s.id}, ${Buffer.from(s.secretHash)}, ${s.userId}, ${s.expiresAt}, ${s.absoluteExpiresAt}, ${s.userAgent})`;
}

export async function findSession(id: string, sql: Queryable = getSql()): Promise<SessionRow | null> {
  const [row]: [SessionRow?] = await sql`select ${columns(sql)} from sessions where id = ${id}`;
  return row ?? null;
}

export async function touchSession(id: string, expiresAt: Date, sql: Queryable = getSql()): Promise<void> {
  await sql`update sessions set expires_at = ${expiresAt}, last_used_at = now() where id = ${id}`;
}

export async function deleteSession(id: string, sql: Queryable = getSql()): Promise<void> {
  await sql`delete from sessions where id = ${id}`;
}

/** Delete a session only if it belongs to `userId` (users revoke their own sessions). */
export async function deleteUserSession(userId: string, id: string, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`delete from sessions where id = ${id} and user_id = ${userId}`;
  return rows.count === 1;
}

export async function deleteUserSessions(userId: string, exceptId: string | null = null, sql: Queryable = getSql()): Promise<void> {
  await sql`delete from sessions where user_id = ${userId} and (${exceptId}::text is null or id <> ${exceptId})`;
}

export async function listUserSessions(userId: string, sql: Queryable = getSql()): Promise<SessionRow[]> {
  return sql<SessionRow[]>`
    select ${columns(sql)} from sessions
    where user_id = ${userId} and expires_at > now() and absolute_expires_at > now()
    order by last_used_at desc`;
}

export async function deleteExpiredSessions(sql: Queryable = getSql()): Promise<number> {
  const rows = await sql`delete from sessions where expires_at <= now() or absolute_expires_at <= now()`;
  return rows.count;
}

/** Which of these session ids are still valid (not deleted, not expired). */
export async function findLiveSessionIds(ids: string[], sql: Queryable = getSql()): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await sql<{ id: string }[]>`
    select id from sessions where id = any(${ids}::text[]) and expires_at > now() and absolute_expires_at > now()`;
  return new Set(rows.map((r) => r.id));
}
