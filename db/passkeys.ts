/** SQL for passkeys (WebAuthn credentials) and their ceremonies' challenges (rules: app/auth/passkeys.server.ts). */
import { getSql, type Queryable } from "./client";

export interface PasskeyRow {
  id: string;
  userId: string;
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** What the account page shows of a passkey (never its key or credential id). */
export interface PasskeyListing {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

type RawPasskey = Omit<PasskeyRow, "counter" | "publicKey"> & { counter: string; publicKey: Uint8Array };
const toRow = (r: RawPasskey): PasskeyRow => ({ ...r, counter: Number(r.counter), publicKey: new Uint8Array(r.publicKey) });

export async function insertPasskey(
  p: { userId: string; credentialId: string; publicKey: Uint8Array; counter: number; transports: string[]; name: string },
  sql: Queryable = getSql(),
): Promise<string | null> {
  const rows = await sql<{ id: string }[]>`
    insert into passkeys (user_id, credential_id, public_key, counter, transports, name)
    values (${p.userId}, ${p.credentialId}, ${Buffer.from(p.publicKey)}, ${p.counter}, ${p.transports}, ${p.name})
    on conflict (credential_id) do nothing
    returning id`;
  return rows[0]?.id ?? null;
}

export async function listPasskeys(userId: string, sql: Queryable = getSql()): Promise<PasskeyListing[]> {
  return await sql<PasskeyListing[]>`
    select id, name, created_at as "createdAt", last_used_at as "lastUsedAt" from passkeys where user_id = ${userId} order by created_at, id`;
}

/** The account's credentials, for the ceremonies' allow/exclude lists. */
export async function listPasskeyCredentials(userId: string, sql: Queryable = getSql()): Promise<{ credentialId: string; transports: string[] }[]> {
  return await sql<{ credentialId: string; transports: string[] }[]>`
    select credential_id as "credentialId", transports from passkeys where user_id = ${userId} order by created_at, id`;
}

export async function countPasskeys(userId: string, sql: Queryable = getSql()): Promise<number> {
  const [row]: [{ n: number }?] = await sql`select count(*)::int as n from passkeys where user_id = ${userId}`;
  return row?.n ?? 0;
}

/** A credential of this account (another account's credential id finds nothing). */
export async function findUserPasskey(userId: string, credentialId: string, sql: Queryable = getSql()): Promise<PasskeyRow | null> {
  const [row]: [RawPasskey?] = await sql`
    select id, user_id as "userId", credential_id as "credentialId", public_key as "publicKey", counter::text as counter, transports, name,
      created_at as "createdAt", last_used_at as "lastUsedAt"
    from passkeys where user_id = ${userId} and credential_id = ${credentialId}`;
  return row ? toRow(row) : null;
}

/**
 * Record a use: the new counter only if the stored one is still the one the assertion was checked against (two
 * answers at once cannot both pass) and it went up (or both are 0: authenticators without a counter). False when refused.
 */
export async function recordPasskeyUse(id: string, expectedCounter: number, newCounter: number, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`
    update passkeys set counter = ${newCounter}, last_used_at = now()
    where id = ${id} and counter = ${expectedCounter} and (${newCounter}::bigint > counter or (${newCounter}::bigint = 0 and counter = 0))`;
  return rows.count === 1;
}

export async function deleteUserPasskey(userId: string, id: string, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`delete from passkeys where user_id = ${userId} and id = ${id}`;
  return rows.count === 1;
}

export async function deleteUserPasskeys(userId: string, sql: Queryable = getSql()): Promise<number> {
  const rows = await sql`delete from passkeys where user_id = ${userId}`;
  return rows.count;
}

// ── Challenges ────────────────────────────────────────────────────────────────────────────────────────────

export type ChallengeBinding = { purpose: "register"; sessionId: string } | { purpose: "authenticate"; pendingSignInId: string };

/** A new challenge for this binding; the binding's previous one (if any) goes. */
export async function replaceChallenge(p: { challenge: string; userId: string; binding: ChallengeBinding; expiresAt: Date }, sql: Queryable = getSql()): Promise<void> {
  const sessionId = p.binding.purpose === "register" ? p.binding.sessionId : null;
  const pendingId = p.binding.purpose === "authenticate" ? p.binding.pendingSignInId : null;
  if (sessionId) await sql`delete from webauthn_challenges where session_id = ${sessionId}`;
  if (pendingId) await sql`delete from webauthn_challenges where pending_sign_in_id = ${pendingId}`;
  await sql`
    insert into webauthn_challenges (challenge, purpose, user_id, session_id, pending_sign_in_id, expires_at)
    values (${p.challenge}, ${p.binding.purpose}, ${p.userId}, ${sessionId}, ${pendingId}, ${p.expiresAt})`;
}

/**
 * Take this binding's challenge (once: the delete is the check, whatever the answer turns out to be); null when it
 * has none, or it has expired.
 */
export async function takeChallenge(userId: string, binding: ChallengeBinding, sql: Queryable = getSql()): Promise<string | null> {
  const rows =
    binding.purpose === "register"
      ? await sql<{ challenge: string; live: boolean }[]>`
          delete from webauthn_challenges where session_id = ${binding.sessionId} and user_id = ${userId} and purpose = 'register'
          returning challenge, expires_at > now() as live`
      : await sql<{ challenge: string; live: boolean }[]>`
          delete from webauthn_challenges where pending_sign_in_id = ${binding.pendingSignInId} and user_id = ${userId} and purpose = 'authenticate'
          returning challenge, expires_at > now() as live`;
  return rows.find((r) => r.live)?.challenge ?? null;
}

export async function deleteExpiredChallenges(sql: Queryable = getSql()): Promise<number> {
  const rows = await sql`delete from webauthn_challenges where expires_at <= now()`;
  return rows.count;
}
