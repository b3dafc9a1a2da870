/** SQL for sessions (see app/auth/session.server.ts for the rules). */
import { getSql, type Queryable } from "./client";
import { joinedUserColumns, userFromJoin, type UserRow } from "./users";

export interface SessionRow {
  id: string;
  secretHash: Uint8Array;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  userAgent: string | null;
  /** Where the session was last used, approximately (migration 0023). */
  timeZone: string | null;
  networkKey: string | null;
  /** When this session proved the second factor; null when it did not. */
  secondFactorVerifiedAt: Date | null;
}

/** The columns of a SessionRow, from the table aliased `s`. */
const columns = (sql: Queryable) => sql`
  s.id, s.secret_hash as "secretHash", s.user_id as "userId", s.created_at as "createdAt", s.last_used_at as "lastUsedAt",
  s.expires_at as "expiresAt", s.absolute_expires_at as "absoluteExpiresAt", s.user_agent as "userAgent",
  s.time_zone as "timeZone", s.network_key as "networkKey", s.second_factor_verified_at as "secondFactorVerifiedAt"`;

export async function insertSession(
  s: {
    id: string; secretHash: Uint8Array; userId: string; expiresAt: Date; absoluteExpiresAt: Date; userAgent: string | null;
    secondFactorVerified: boolean; place?: SessionPlace;
  },
  sql: Queryable = getSql(),
): Promise<void> {
  await sql`
    insert into sessions (id, secret_hash, user_id, expires_at, absolute_expires_at, user_agent, second_factor_verified_at, time_zone, network_key)
    values (${s.id}, ${Buffer.from(s.secretHash)}, ${s.userId}, ${s.expiresAt}, ${s.absoluteExpiresAt}, ${s.userAgent},
            ${s.secondFactorVerified ? sql`now()` : null}, ${s.place?.timeZone ?? null}, ${s.place?.networkKey ?? null})`;
}

/**
 * The session with its user, in one round trip (every signed-in request starts here). `secondFactor`: the session
 * proved the second factor and the account still has one (app/auth/second-factor-gate.server.ts).
 */
export async function findSessionWithUser(id: string, sql: Queryable = getSql()): Promise<{ session: SessionRow; user: UserRow; secondFactor: boolean } | null> {
  const [row]: [(SessionRow & { secondFactor: boolean } & Record<string, unknown>)?] = await sql`
    select ${columns(sql)}, ${joinedUserColumns(sql)},
      (s.second_factor_verified_at is not null and exists (
        select 1 from totp_credentials c where c.user_id = s.user_id and c.confirmed_at is not null
        union all select 1 from passkeys k where k.user_id = s.user_id)) as "secondFactor"
    from sessions s join users u on u.id = s.user_id
    where s.id = ${id}`;
  if (!row) return null;
  const { id: sessionId, secretHash, userId, createdAt, lastUsedAt, expiresAt, absoluteExpiresAt, userAgent, timeZone, networkKey, secondFactorVerifiedAt } = row;
  return {
    session: { id: sessionId, secretHash, userId, createdAt, lastUsedAt, expiresAt, absoluteExpiresAt, userAgent, timeZone, networkKey, secondFactorVerifiedAt },
    user: userFromJoin(row),
    secondFactor: row.secondFactor,
  };
}

/** Where a session is used from: a time zone the browser reported and a keyed hash of its network; null = unknown. */
export interface SessionPlace {
  timeZone: string | null;
  networkKey: string | null;
}

/** Renew the idle expiry and "last used"; with `place`, also where it was used from (a time zone kept if none is known now). */
export async function touchSession(id: string, expiresAt: Date, place: SessionPlace | null = null, sql: Queryable = getSql()): Promise<void> {
  if (!place) {
    await sql`update sessions set expires_at = ${expiresAt}, last_used_at = now() where id = ${id}`;
    return;
  }
  await sql`
    update sessions set expires_at = ${expiresAt}, last_used_at = now(),
      time_zone = coalesce(${place.timeZone}, time_zone), network_key = ${place.networkKey}
    where id = ${id}`;
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
    select ${columns(sql)} from sessions s
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
