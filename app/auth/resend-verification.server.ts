/**
 * "Send the confirmation link again", rate-limited to one mail a minute per person (a mailbox is not a
 * megaphone). A per-user advisory lock makes the check-then-send safe when two requests race.
 */
import type { UserRow } from "../../db/users";
import { secondsSinceLastEmailToken, withEmailSendLock } from "../../db/email-token-activity";
import { sendVerificationEmail } from "./accounts.server";

export const RESEND_INTERVAL_SECONDS = 60;

export type ResendResult = { ok: true } | { ok: false; reason: "already-verified" } | { ok: false; reason: "too-soon"; retryAfterSeconds: number };

export async function resendVerificationEmail(user: Pick<UserRow, "id" | "email" | "name" | "emailVerifiedAt">): Promise<ResendResult> {
  if (user.emailVerifiedAt) return { ok: false, reason: "already-verified" };
  const outcome = await withEmailSendLock(user.id, "verify_email", async (tx) => {
    const since = await secondsSinceLastEmailToken(user.id, "verify_email", tx);
    if (since != null && since < RESEND_INTERVAL_SECONDS) return Math.max(1, Math.ceil(RESEND_INTERVAL_SECONDS - since));
    await sendVerificationEmail(user);
    return 0;
  });
  // Another request is sending right now: that one counts as this minute's mail.
  const wait = outcome.locked ? outcome.value : RESEND_INTERVAL_SECONDS;
  return wait > 0 ? { ok: false, reason: "too-soon", retryAfterSeconds: wait } : { ok: true };
}
