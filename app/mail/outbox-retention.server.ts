/**
 * Outbox retention: a mail's body (reset and verification links, the diff mailed to signers) is kept 7 days after it
 * was sent, then blanked; the row keeps the recipient, subject and dates. Each instance runs the purge at start and
 * every hour (server/maintenance.ts); an advisory lock lets one of them do it at a time, and running it again changes
 * nothing.
 */
import { removeOldOutboxBodies } from "../../db/outbox";
import { log } from "../utils/log.server";

export const OUTBOX_BODY_DAYS = 7;

/** Blank the bodies due; how many were blanked, or null when another instance was doing it. */
export async function purgeOldMailBodies(): Promise<number | null> {
  const removed = await removeOldOutboxBodies(OUTBOX_BODY_DAYS);
  if (removed) log.info(`outbox: removed the bodies of ${removed} mail(s) sent more than ${OUTBOX_BODY_DAYS} days ago`);
  return removed;
}
