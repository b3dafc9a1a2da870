/** SQL for the second factor: TOTP keys, recovery codes, pending sign-ins (rules: app/auth/second-factor.server.ts). */
import { getSql, type Queryable } from "./client";

export interface TotpRow {
  key: Uint8Array;
  confirmedAt: Date | null;
  lastUsedStep: number | null;
}

export async function findTotp(userId: string, sql: Queryable = getSql()): Promise<TotpRow | null> {
  const [row]: [{ key: Uint8Array; confirmedAt: Date | null; lastUsedStep: string | null }?] = await sql`
    select key, confirmed_at as "confirmedAt", last_used_step::text as "lastUsedStep" from totp_credentials where user_id = ${userId}`;
  if (!row) return null;
  return { key: new Uint8Array(row.key), confirmedAt: row.confirmedAt, lastUsedStep: row.lastUsedStep === null ? null : Number(row.lastUsedStep) };
}

/** A new, unconfirmed key; refused (false) while a confirmed one exists. */
export async function upsertUnconfirmedTotp(userId: string, key: Uint8Array, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`
    insert into totp_credentials (user_id, key) values (${userId}, ${Buffer.from(key)})
    on conflict (user_id) do update set key = excluded.key, created_at = now(), last_used_step = null
      where totp_credentials.confirmed_at is null`;
  return rows.count === 1;
}

/**
 * Accept `step` for this account: only when it is later than the last accepted one (a code is never taken twice,
 * even by two requests at once). `confirm`: also confirm an unconfirmed key. False when refused.
 */
export async function acceptTotpStep(userId: string, step: number, confirm: boolean, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`
    update totp_credentials set last_used_step = ${step}, confirmed_at = coalesce(confirmed_at, case when ${confirm} then now() end)
    where user_id = ${userId} and (last_used_step is null or last_used_step < ${step})
      and (confirmed_at is not null or ${confirm})`;
  return rows.count === 1;
}

/**
 * Remove the key, every passkey and every recovery code, and what its sessions and tokens had proved with them (a
 * second factor enrolled later does not make them count again); true when the account had a confirmed key or a passkey.
 */
export async function deleteSecondFactor(userId: string, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql<{ confirmed: boolean }[]>`
    delete from totp_credentials where user_id = ${userId} returning confirmed_at is not null as confirmed`;
  const passkeys = await sql`delete from passkeys where user_id = ${userId}`;
  await sql`delete from webauthn_challenges where user_id = ${userId}`;
  await sql`delete from recovery_codes where user_id = ${userId}`;
  await sql`delete from pending_sign_ins where user_id = ${userId}`;
  await sql`update sessions set second_factor_verified_at = null where user_id = ${userId} and second_factor_verified_at is not null`;
  await sql`update personal_access_tokens set second_factor = false where user_id = ${userId} and second_factor`;
  return rows.some((r) => r.confirmed) || passkeys.count > 0;
}

export async function replaceRecoveryCodes(userId: string, hashes: Uint8Array[], sql: Queryable = getSql()): Promise<void> {
  await sql`delete from recovery_codes where user_id = ${userId}`;
  await sql`
    insert into recovery_codes (user_id, code_hash)
    select ${userId}, decode(h, 'hex') from unnest(${hashes.map((h) => Buffer.from(h).toString("hex"))}::text[]) as h`;
}

/** Use one recovery code (once: the update is the check). */
export async function spendRecoveryCode(userId: string, hash: Uint8Array, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`
    update recovery_codes set used_at = now() where user_id = ${userId} and code_hash = ${Buffer.from(hash)} and used_at is null`;
  return rows.count === 1;
}

export async function countUnusedRecoveryCodes(userId: string, sql: Queryable = getSql()): Promise<number> {
  const [row]: [{ n: number }?] = await sql`select count(*)::int as n from recovery_codes where user_id = ${userId} and used_at is null`;
  return row?.n ?? 0;
}

/** Mark a session as having proved the second factor. */
export async function markSessionSecondFactor(sessionId: string, sql: Queryable = getSql()): Promise<void> {
  await sql`update sessions set second_factor_verified_at = now() where id = ${sessionId}`;
}

// ── Pending sign-ins ─────────────────────────────────────────────────────────────────────────────────────

export interface PendingSignInRow {
  id: string;
  secretHash: Uint8Array;
  userId: string;
  redirectTo: string | null;
  failures: number;
  expiresAt: Date;
}

export async function insertPendingSignIn(
  p: { id: string; secretHash: Uint8Array; userId: string; redirectTo: string | null; expiresAt: Date },
  sql: Queryable = getSql(),
): Promise<void> {
  await sql`
    insert into pending_sign_ins (id, secret_hash, user_id, redirect_to, expires_at)
    values (${p.id}, ${Buffer.from(p.secretHash)}, ${p.userId}, ${p.redirectTo}, ${p.expiresAt})`;
}

export async function findPendingSignIn(id: string, sql: Queryable = getSql()): Promise<PendingSignInRow | null> {
  const [row]: [PendingSignInRow?] = await sql`
    select id, secret_hash as "secretHash", user_id as "userId", redirect_to as "redirectTo", failures, expires_at as "expiresAt"
    from pending_sign_ins where id = ${id}`;
  return row ?? null;
}

/** Count a wrong code; the row goes once it has `max` failures. */
export async function failPendingSignIn(id: string, max: number, sql: Queryable = getSql()): Promise<void> {
  await sql`update pending_sign_ins set failures = failures + 1 where id = ${id}`;
  await sql`delete from pending_sign_ins where id = ${id} and failures >= ${max}`;
}

/** Take the pending sign-in (once: two requests cannot both complete it). */
export async function consumePendingSignIn(id: string, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`delete from pending_sign_ins where id = ${id} and expires_at > now()`;
  return rows.count === 1;
}

export async function deletePendingSignIn(id: string, sql: Queryable = getSql()): Promise<void> {
  await sql`delete from pending_sign_ins where id = ${id}`;
}

export async function deleteExpiredPendingSignIns(sql: Queryable = getSql()): Promise<number> {
  const rows = await sql`delete from pending_sign_ins where expires_at <= now()`;
  return rows.count;
}

/** Whether a workshop requires its organisers to use a second factor (null: no such workshop). */
export async function findWorkshopSecondFactorRule(workshopId: string, sql: Queryable = getSql()): Promise<boolean | null> {
  const [row]: [{ required: boolean }?] = await sql`select organisers_need_second_factor as required from workshops where id = ${workshopId}`;
  return row ? row.required : null;
}

export async function updateWorkshopSecondFactorRule(workshopId: string, required: boolean, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`
    update workshops set organisers_need_second_factor = ${required} where id = ${workshopId} and organisers_need_second_factor <> ${required}`;
  return rows.count === 1;
}

/** Which of these accounts have a second factor (a confirmed TOTP key, or a passkey). */
export async function findUsersWithSecondFactor(userIds: string[], sql: Queryable = getSql()): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await sql<{ userId: string }[]>`
    select user_id as "userId" from totp_credentials where user_id = any(${userIds}::uuid[]) and confirmed_at is not null
    union
    select user_id as "userId" from passkeys where user_id = any(${userIds}::uuid[])`;
  return new Set(rows.map((r) => r.userId));
}
