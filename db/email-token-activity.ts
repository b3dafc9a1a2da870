/**
 * When a user was last sent an e-mail link of one purpose (rate-limiting "send it again"), and a per-user
 * lock so two simultaneous requests cannot both pass that check. Read-only over email_tokens.
 */
import { getSql, type Queryable } from "./client";
import type { EmailTokenPurpose } from "./email-tokens";

/** Seconds since the newest link of this purpose was issued to the user, or null if none ever was. */
export async function secondsSinceLastEmailToken(userId: string, purpose: EmailTokenPurpose, sql: Queryable = getSql()): Promise<number | null> {
  const [row]: [{ seconds: number | null }?] = await sql`
    select extract(epoch from now() - max(created_at))::float8 as seconds
    from email_tokens where user_id = ${userId} and purpose = ${purpose}`;
  return row?.seconds ?? null;
}

/**
 * Run `fn` holding a transaction-scoped advisory lock named after the user and purpose; returns
 * `{ locked: false }` at once (without waiting, so no pool connection is held hostage) when another
 * request holds it. `fn` receives the transaction so its reads see what the lock holder committed.
 */
export async function withEmailSendLock<T>(
  userId: string,
  purpose: EmailTokenPurpose,
  fn: (tx: Queryable) => Promise<T>,
): Promise<{ locked: true; value: T } | { locked: false }> {
  return getSql().begin(async (tx) => {
    const [row]: [{ locked: boolean }?] = await tx`
      select pg_try_advisory_xact_lock(hashtextextended(${`accord:email-send:${purpose}:${userId}`}, 0)) as locked`;
    if (!row?.locked) return { locked: false as const };
    return { locked: true as const, value: await fn(tx) };
  }) as Promise<{ locked: true; value: T } | { locked: false }>;
}
