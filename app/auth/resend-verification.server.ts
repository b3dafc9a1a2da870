/**
 * "Send the confirmation link again", rate-limited to one mail a minute per person (a mailbox is not a
 * megaphone); each mail sent also counts against the address's sign-up allowance (5 an hour, with the sign-ups).
 * The minute is read from email_tokens.created_at, so it holds across restarts. Requests for the same person are
 * queued in this process, so a double click cannot pass the check twice; no database connection is held while waiting (a transaction-scoped lock held across the send would need a second
 * pooled connection and could starve the pool). Several app instances could, in a race of milliseconds,
 * each send one mail: harmless, and Accord runs as one process.
 */
import type { UserRow } from "../../db/users";
import { secondsSinceLastEmailToken } from "../../db/email-token-activity";
import { sendConfirmationMail } from "./email-confirmation.server";
import type { Locale } from "../i18n/locales";
import { spendSignupAllowance } from "./request-limits.server";

export const RESEND_INTERVAL_SECONDS = 60;

export type ResendResult =
  | { ok: true }
  | { ok: false; reason: "already-verified" }
  | { ok: false; reason: "too-soon" | "too-many"; retryAfterSeconds: number };

const queues = new Map<string, Promise<unknown>>();

/** Run `fn` after every earlier call with the same key has finished. */
function serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}

/** `locale`: the asking request's language (the mail is in it unless the account chose one). */
export function resendVerificationEmail(user: Pick<UserRow, "id" | "email" | "emailVerifiedAt"> & { language?: string | null }, locale?: Locale): Promise<ResendResult> {
  if (user.emailVerifiedAt) return Promise.resolve({ ok: false, reason: "already-verified" });
  return serialised(user.id, async (): Promise<ResendResult> => {
    const since = await secondsSinceLastEmailToken(user.id, "verify_email");
    if (since != null && since < RESEND_INTERVAL_SECONDS) {
      return { ok: false, reason: "too-soon", retryAfterSeconds: Math.max(1, Math.ceil(RESEND_INTERVAL_SECONDS - since)) };
    }
    const wait = await spendSignupAllowance({ email: user.email });
    if (wait > 0) return { ok: false, reason: "too-many", retryAfterSeconds: wait };
    await sendConfirmationMail(user, {}, locale);
    return { ok: true };
  });
}
