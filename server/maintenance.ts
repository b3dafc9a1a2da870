/**
 * Housekeeping every instance runs at start and then every hour: the outbox's 7-day body retention
 * (app/mail/outbox-retention.server.ts; one instance at a time) and forgetting sign-in throttle keys nobody has used
 * for a day, pending second-factor sign-ins past their five minutes, and passkey challenges past their two. Failures are logged and retried at the next run.
 */
import { forgetQuietSignInKeys } from "../app/auth/throttle.server";
import { deleteExpiredPendingSignIns } from "../db/second-factor";
import { deleteExpiredChallenges } from "../db/passkeys";
import { purgeOldMailBodies } from "../app/mail/outbox-retention.server";
import { log } from "../app/utils/log.server";

const EVERY_MS = 3600 * 1000;

async function runOnce(): Promise<void> {
  await purgeOldMailBodies().catch((error: unknown) => log.warn(`maintenance: the outbox retention purge failed: ${(error as Error).message}`));
  await forgetQuietSignInKeys().catch((error: unknown) => log.warn(`maintenance: forgetting quiet sign-in keys failed: ${(error as Error).message}`));
  await deleteExpiredPendingSignIns().catch((error: unknown) => log.warn(`maintenance: deleting expired pending sign-ins failed: ${(error as Error).message}`));
  await deleteExpiredChallenges().catch((error: unknown) => log.warn(`maintenance: deleting expired passkey challenges failed: ${(error as Error).message}`));
}

/** Start the housekeeping; the returned function stops it and waits for a run in progress. */
export function startMaintenance(everyMs = EVERY_MS): () => Promise<void> {
  let running = runOnce();
  const timer = setInterval(() => {
    running = running.then(runOnce);
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
