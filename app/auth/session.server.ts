/**
 * Sessions, exactly as Lucia's guide (lucia-auth.com, "Sessions") teaches them, on @oslojs/*:
 * - the cookie holds "<id>.<secret>"; the database stores the id and SHA-256(secret) only, so a copy of the
 *   sessions table cannot be replayed as a cookie;
 * - validation compares the secret hash in constant time and returns null for every invalid case;
 * - expiry slides (IDLE_MS after last use, renewed when half spent) and is capped by an absolute lifetime;
 * - a new session (new token) at every sign-in; all sessions die when the password changes;
 * - a session records whether it proved the second factor (Lucia's "two-factor authentication" guide): at sign-in,
 *   after the code (app/auth/pending-sign-in.server.ts), or at enrolment (app/auth/second-factor.server.ts).
 * See docs/decisions/0002-sessions-after-lucia.md.
 */
import { findSessionWithUser, insertSession, touchSession, deleteSession, deleteUserSessions, type SessionPlace } from "../../db/sessions";
import type { UserRow } from "../../db/users";
import { createSecretToken, parseSecretToken, secretMatches } from "./secret-token.server";
import { placeChanged } from "./session-place.server";

export const IDLE_MS = 7 * 24 * 60 * 60 * 1000;
export const ABSOLUTE_MS = 30 * 24 * 60 * 60 * 1000;
const LAST_USED_PRECISION_MS = 60 * 60 * 1000;

export interface Session {
  id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  /** This session proved the second factor, and the account still has one. */
  secondFactor: boolean;
}

export type SessionValidation = { session: Session; user: UserRow; fresh: boolean } | null;

export async function createSession(
  userId: string,
  userAgent: string | null,
  now = new Date(),
  options: { secondFactorVerified?: boolean } = {},
): Promise<{ token: string; session: Session }> {
  const secondFactor = options.secondFactorVerified ?? false;
  const { id, token, secretHash } = createSecretToken();
  const absoluteExpiresAt = new Date(now.getTime() + ABSOLUTE_MS);
  const expiresAt = new Date(Math.min(now.getTime() + IDLE_MS, absoluteExpiresAt.getTime()));
  await insertSession({ id, secretHash, userId, expiresAt, absoluteExpiresAt, userAgent: userAgent?.slice(0, 300) ?? null, secondFactorVerified: secondFactor });
  return { token, session: { id, userId, createdAt: now, expiresAt, absoluteExpiresAt, secondFactor } };
}

/**
 * The session and user a token belongs to, renewing its idle expiry when half spent; null if invalid. With `place`
 * (where this request comes from, approximately), the session's stored place follows it when it changed.
 */
export async function validateSessionToken(token: string, now = new Date(), place: SessionPlace | null = null): Promise<SessionValidation> {
  const parsed = parseSecretToken(token);
  if (!parsed) return null;
  const found = await findSessionWithUser(parsed.id);
  if (!found || !secretMatches(parsed.secret, found.session.secretHash)) return null;
  const { session: row, user, secondFactor } = found;
  const t = now.getTime();
  if (row.expiresAt.getTime() <= t || row.absoluteExpiresAt.getTime() <= t) {
    await deleteSession(row.id);
    return null;
  }
  let expiresAt = row.expiresAt;
  let fresh = false;
  const moved = place !== null && placeChanged(row, place) ? place : null;
  if (expiresAt.getTime() - t < IDLE_MS / 2) {
    expiresAt = new Date(Math.min(t + IDLE_MS, row.absoluteExpiresAt.getTime()));
    await touchSession(row.id, expiresAt, moved);
    fresh = true;
  } else if (moved || t - row.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    // Keeps "last used" on the sessions list roughly true (one write an hour) and its place current.
    await touchSession(row.id, expiresAt, moved);
  }
  return {
    session: { id: row.id, userId: row.userId, createdAt: row.createdAt, expiresAt, absoluteExpiresAt: row.absoluteExpiresAt, secondFactor },
    user,
    fresh,
  };
}

export async function invalidateSession(sessionId: string): Promise<void> {
  await deleteSession(sessionId);
}

/** Sign out everywhere (optionally keeping the current session). */
export async function invalidateUserSessions(userId: string, exceptSessionId: string | null = null): Promise<void> {
  await deleteUserSessions(userId, exceptSessionId);
}
