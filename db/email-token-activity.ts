/** When a user was last sent an e-mail link of one purpose (to rate-limit "send it again"). Read-only. */
import { getSql, type Queryable } from "./client";
import type { EmailTokenPurpose } from "./email-tokens";

/** Seconds since the newest link of this purpose was issued to the user, or null if none ever was. */
export async function secondsSinceLastEmailToken(userId: string, purpose: EmailTokenPurpose, sql: Queryable = getSql()): Promise<number | null> {
  const [row]: [{ seconds: number | null }?] = await sql`
    select extract(epoch from clock_timestamp() - max(created_at))::float8 as seconds
    from email_tokens where user_id = ${userId} and purpose = ${purpose}`;
  return row?.seconds ?? null;
}
