/** SQL for single-use e-mail links (verification, password reset). */
import { getSql, type Queryable } from "./client";

export type EmailTokenPurpose = "verify_email" | "reset_password";

export interface EmailTokenRow {
  id: string;
  secretHash: Uint8Array;
  userId: string;
  purpose: EmailTokenPurpose;
  email: string;
  expiresAt: Date;
  usedAt: Date | null;
  /** SHA-256 of the signing-up browser's secret (new accounts' confirmation links only). */
  browserHash: Uint8Array | null;
  /** Where to go after confirming (an on-site path). */
  nextPath: string | null;
}

export async function insertEmailToken(
  t: {
    id: string;
    secretHash: Uint8Array;
    userId: string;
    purpose: EmailTokenPurpose;
    email: string;
    expiresAt: Date;
    browserHash?: Uint8Array | null;
    nextPath?: string | null;
  },
  sql: Queryable = getSql(),
): Promise<void> {
  await sql`
    insert into email_tokens (id, secret_hash, user_id, purpose, email, expires_at, browser_hash, next_path)
    values (${t.id}, ${Buffer.from(t.secretHash)}, ${t.userId}, ${t.purpose}, ${t.email}, ${t.expiresAt},
            ${t.browserHash ? Buffer.from(t.browserHash) : null}, ${t.nextPath ?? null})`;
}

export async function findEmailToken(id: string, purpose: EmailTokenPurpose, sql: Queryable = getSql()): Promise<EmailTokenRow | null> {
  const [row]: [EmailTokenRow?] = await sql`
    select id, secret_hash as "secretHash", user_id as "userId", purpose, email, expires_at as "expiresAt", used_at as "usedAt",
           browser_hash as "browserHash", next_path as "nextPath"
    from email_tokens where id = ${id} and purpose = ${purpose}`;
  return row ?? null;
}

/** Mark a token used; false if it was already used (so a link works once, even under a race). */
export async function consumeEmailToken(id: string, sql: Queryable = getSql()): Promise<boolean> {
  const rows = await sql`update email_tokens set used_at = now() where id = ${id} and used_at is null and expires_at > now()`;
  return rows.count === 1;
}

/** Retire a user's outstanding links of one purpose (a new link supersedes older ones). */
export async function retireEmailTokens(userId: string, purpose: EmailTokenPurpose, sql: Queryable = getSql()): Promise<void> {
  await sql`update email_tokens set used_at = now() where user_id = ${userId} and purpose = ${purpose} and used_at is null`;
}

/** Forget links used, superseded or expired more than `days` ago (their rows hold an address). */
export async function deleteSpentEmailTokens(days: number, sql: Queryable = getSql()): Promise<number> {
  const result = await sql`
    delete from email_tokens
    where least(coalesce(used_at, expires_at), expires_at) < now() - make_interval(days => ${days})`;
  return result.count;
}
