/**
 * Retention: what Accord forgets, and when. Every instance runs `runRetention` at start and then every hour
 * (server/maintenance.ts); one transaction under an advisory lock lets one instance at a time do it (another finds
 * the lock taken and skips that run), and running it again changes nothing. The schedule is in docs/operations.md.
 *
 * - sessions: deleted once expired (idle or absolute expiry);
 * - e-mail links (verification, password reset): deleted a day after they were used, superseded or expired;
 * - pending second-factor sign-ins: deleted once past their five minutes; passkey challenges once past their two;
 * - sign-in throttle keys nobody has tried for a day (and that hold no running wait);
 * - request-limit windows (endorsements, invitations, resends…) older than two days: every limit's window is shorter;
 * - mail bodies (reset and verification links, the diff mailed to signers): blanked 7 days after sending; the outbox
 *   row keeps the recipient, subject and dates.
 */
import { getSql, type Sql } from "../../db/client";
import { deleteSpentEmailTokens } from "../../db/email-tokens";
import { deleteExpiredChallenges } from "../../db/passkeys";
import { tryTransactionLock } from "../../db/locks";
import { deleteQuietThrottles } from "../../db/login-throttles";
import { removeOldOutboxBodies } from "../../db/outbox";
import { deleteOldWindows } from "../../db/request-limits";
import { deleteExpiredPendingSignIns } from "../../db/second-factor";
import { deleteExpiredSessions } from "../../db/sessions";

const DAY = 24 * 3600;

export const RETENTION = {
  spentEmailTokenDays: 1,
  quietSignInKeySeconds: DAY,
  requestLimitWindowSeconds: 2 * DAY,
  mailBodyDays: 7,
} as const;

export const RETENTION_LOCK = "accord.retention";

/** How many rows each purge removed (mail bodies: blanked). */
export interface RetentionReport {
  sessions: number;
  emailTokens: number;
  pendingSignIns: number;
  passkeyChallenges: number;
  signInKeys: number;
  requestLimitWindows: number;
  mailBodies: number;
}

/** Run every purge once; null when another instance holds the lock (it is doing the same work). */
export async function runRetention(sql: Sql = getSql()): Promise<RetentionReport | null> {
  return sql.begin(async (tx) => {
    if (!(await tryTransactionLock(RETENTION_LOCK, tx))) return null;
    return {
      sessions: await deleteExpiredSessions(tx),
      emailTokens: await deleteSpentEmailTokens(RETENTION.spentEmailTokenDays, tx),
      pendingSignIns: await deleteExpiredPendingSignIns(tx),
      passkeyChallenges: await deleteExpiredChallenges(tx),
      signInKeys: await deleteQuietThrottles(RETENTION.quietSignInKeySeconds, tx),
      requestLimitWindows: await deleteOldWindows(RETENTION.requestLimitWindowSeconds, tx),
      mailBodies: await removeOldOutboxBodies(RETENTION.mailBodyDays, tx),
    };
  });
}
