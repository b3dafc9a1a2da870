/**
 * Rate limits, one rule for every limited request: sign-up and password reset (per IP and per target address, so
 * nobody can flood a victim's inbox or the server's CPU; the same whether or not the address has an account, so it
 * reveals nothing) and endorsing (per account and per IP; app/models/endorsement-writer.server.ts).
 *
 * Each limit is "at most `max` in any `windowSeconds`", estimated from two fixed-window counters (db/request-limits.ts):
 * the current window's hits plus the previous window's, weighted by how much of it still overlaps the sliding
 * window. Every attempt counts, refused ones too, so hammering keeps a client waiting; keys are hashed, so no
 * e-mail, account id or IP is stored.
 */
import { countHits, deleteOldWindows, type WindowCount } from "../../db/request-limits";
import { hashedKey } from "./hashed-key.server";

export interface Limit {
  max: number;
  windowSeconds: number;
}

export const LIMITS = {
  signupPerIp: { max: 20, windowSeconds: 3600 },
  signupPerAddress: { max: 5, windowSeconds: 3600 },
  resetPerIp: { max: 20, windowSeconds: 3600 },
  resetPerAddress: { max: 5, windowSeconds: 3600 },
  /** Invitation mails one organiser may send (app/models/invitation-mail.server.ts). */
  invitationMailsPerOrganiser: { max: 50, windowSeconds: 3600 },
} satisfies Record<string, Limit>;

/** The state of one key for one attempt: its place among the current window's hits (1 = the first). */
export interface AttemptCount {
  position: number;
  previousHits: number;
  elapsedSeconds: number;
}

/**
 * 0 when the attempt at `position` is within the limit; otherwise the seconds until one more attempt would be
 * (assuming none is made meanwhile): later in this window if only the previous window's weight is in the way, else
 * in the next window once this window's hits have faded enough.
 */
export function secondsToWait(count: AttemptCount, limit: Limit): number {
  const w = limit.windowSeconds;
  const e = Math.min(Math.max(count.elapsedSeconds, 0), w);
  const previous = count.previousHits * (1 - e / w);
  if (previous + count.position <= limit.max) return 0;
  const next = count.position + 1; // the retry is one more hit in this window
  let wait: number;
  if (next <= limit.max && count.previousHits > 0) {
    wait = w * (1 - (limit.max - next) / count.previousHits) - e;
  } else {
    wait = w - e + w * Math.max(0, 1 - (limit.max - 1) / count.position);
  }
  return Math.max(1, Math.ceil(wait));
}

/** Occasionally forget windows no limit looks at any more (two days covers every window we use). */
export function pruneNowAndThen(): void {
  if (Math.random() < 0.01) void deleteOldWindows(2 * 24 * 3600).catch(() => undefined);
}

/**
 * Count this request against each (key, limit), as `n` hits (default 1, e.g. one per mail it sends); the seconds
 * to wait when any is exceeded, else 0.
 */
export async function spendRequest(checks: { key: string; limit: Limit; n?: number }[]): Promise<number> {
  let wait = 0;
  const byWindow = new Map<number, { key: string; limit: Limit; n: number }[]>();
  for (const check of checks) {
    const hashed = { key: hashedKey("request", check.key), limit: check.limit, n: check.n ?? 1 };
    byWindow.set(check.limit.windowSeconds, [...(byWindow.get(check.limit.windowSeconds) ?? []), hashed]);
  }
  for (const [windowSeconds, group] of byWindow) {
    const counts = await countHits(group.map((c) => ({ key: c.key, n: c.n })), windowSeconds);
    for (const { key, limit, n } of group) {
      const c = counts.get(key);
      if (c) wait = Math.max(wait, secondsToWait(positionOf(c, n, n), limit));
    }
  }
  pruneNowAndThen();
  return wait;
}

/**
 * Every mail Accord sends to an address nobody has confirmed — a sign-up, a confirmation link sent again, a changed
 * address — counts against that address's sign-up allowance (and, for sign-ups and changed addresses, the IP's):
 * nobody can make Accord write to a stranger's mailbox more often than sign-ups allow. Seconds to wait, or 0.
 */
export function spendSignupAllowance(input: { email: string; ip?: string }): Promise<number> {
  const checks = [{ key: `signup:email:${input.email}`, limit: LIMITS.signupPerAddress }];
  if (input.ip !== undefined) checks.unshift({ key: `signup:ip:${input.ip}`, limit: LIMITS.signupPerIp });
  return spendRequest(checks);
}

/** The attempt at `rank` (1-based) among `n` hits just counted for a key. */
export function positionOf(c: WindowCount, rank: number, n = 1): AttemptCount {
  return { position: c.hits - n + rank, previousHits: c.previousHits, elapsedSeconds: c.elapsedSeconds };
}
