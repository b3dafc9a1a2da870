/**
 * Between the password and the second factor: a pending sign-in, bound to the browser that gave the password by a
 * cookie (`accord_pending`, "<id>.<secret>" like a session; only SHA-256(secret) is stored). It lasts five minutes and
 * five wrong codes, and is taken once; another browser (no cookie, or another pending sign-in's) gets nothing. No
 * session exists until the code (or a passkey's answer to a challenge bound to this pending sign-in) is right: then one
 * is made that records the second factor was verified.
 */
import { consumePendingSignIn, deletePendingSignIn, failPendingSignIn, findPendingSignIn, insertPendingSignIn, type PendingSignInRow } from "../../db/second-factor";
import { findUserById } from "../../db/users";
import { cookieAttributes, cookieName, readCookie } from "./cookie.server";
import { serializeDeviceCookie } from "./device-cookie.server";
import { checkPasskeyAssertion, startPasskeySignIn } from "./passkeys.server";
import { checkSecondFactorCode } from "./second-factor.server";
import { createSecretToken, parseSecretToken, secretMatches } from "./secret-token.server";
import { createSession } from "./session.server";

export const PENDING_MS = 5 * 60 * 1000;
export const PENDING_MAX_FAILURES = 5;

const pendingCookieName = () => cookieName("accord_pending");

export function serializePendingCookie(token: string | null, expiresAt: Date | null): string {
  return `${pendingCookieName()}=${token ?? ""}; ${cookieAttributes(token ? expiresAt : null)}`;
}

/** Start a pending sign-in for `userId`; returns its Set-Cookie value. */
export async function beginPendingSignIn(userId: string, redirectTo: string | null, now = new Date()): Promise<string> {
  const { id, token, secretHash } = createSecretToken();
  const expiresAt = new Date(now.getTime() + PENDING_MS);
  await insertPendingSignIn({ id, secretHash, userId, redirectTo, expiresAt });
  return serializePendingCookie(token, expiresAt);
}

/** This browser's pending sign-in, if it has one that is still open. */
export async function readPendingSignIn(cookieHeader: string | null | undefined, now = new Date()): Promise<PendingSignInRow | null> {
  const token = readCookie(cookieHeader, pendingCookieName());
  const parsed = token ? parseSecretToken(token) : null;
  if (!parsed) return null;
  const row = await findPendingSignIn(parsed.id);
  if (!row || !secretMatches(parsed.secret, row.secretHash)) return null;
  if (row.expiresAt.getTime() <= now.getTime()) {
    await deletePendingSignIn(row.id);
    return null;
  }
  return row;
}

export type CompleteResult =
  | { ok: true; sessionCookie: { token: string; expiresAt: Date }; deviceCookie: string; redirectTo: string | null }
  | { ok: false; reason: "missing" }
  | { ok: false; reason: "invalid"; attemptsLeft: number }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/** Options for the browser to sign this pending sign-in in with a passkey; null when it has none open, or the account no passkey. */
export async function passkeyOptionsForPending(cookie: string | null) {
  const pending = await readPendingSignIn(cookie);
  return pending ? await startPasskeySignIn(pending) : null;
}

/** Finish signing in with a code (TOTP or recovery), or with a passkey's answer (JSON text) to this sign-in's challenge. */
export async function completePendingSignIn(
  input: { cookie: string | null; network: string | null; userAgent: string | null } & ({ code: unknown } | { passkey: unknown }),
): Promise<CompleteResult> {
  const pending = await readPendingSignIn(input.cookie);
  if (!pending) return { ok: false, reason: "missing" };
  const check =
    "passkey" in input
      ? await checkPasskeyAssertion(pending.userId, { purpose: "authenticate", pendingSignInId: pending.id }, input.passkey, input.network)
      : await checkSecondFactorCode(pending.userId, input.code, input.network);
  if (!check.ok && check.reason === "throttled") return check;
  if (!check.ok) {
    await failPendingSignIn(pending.id, PENDING_MAX_FAILURES);
    const left = PENDING_MAX_FAILURES - pending.failures - 1;
    return left > 0 ? { ok: false, reason: "invalid", attemptsLeft: left } : { ok: false, reason: "missing" };
  }
  if (!(await consumePendingSignIn(pending.id))) return { ok: false, reason: "missing" };
  const user = await findUserById(pending.userId);
  if (!user) return { ok: false, reason: "missing" };
  const { token, session } = await createSession(user.id, input.userAgent, new Date(), { secondFactorVerified: true });
  return { ok: true, sessionCookie: { token, expiresAt: session.expiresAt }, deviceCookie: serializeDeviceCookie(user.email), redirectTo: pending.redirectTo };
}
