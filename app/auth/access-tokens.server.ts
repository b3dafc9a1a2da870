/**
 * Personal access tokens ("accord_pat_<id>.<secret>"), for scripts and integrations; stored hashed. Each has scopes
 * (app/auth/token-scopes.ts) and an expiry, both chosen at creation; an expired token is refused like a revoked one.
 */
import { deleteAccessToken, findAccessTokensWithUsers, insertAccessToken, listAccessTokens, markAccessTokensUsed, type AccessTokenWithUser } from "../../db/access-tokens";
import type { UserRow } from "../../db/users";
import { createMicroBatcher } from "../utils/micro-batch.server";
import { log } from "../utils/log.server";
import { createSecretToken, parseSecretToken, secretMatches } from "./secret-token.server";
import { isScope, SCOPES, type Scope } from "./token-scopes";

export const ACCESS_TOKEN_PREFIX = "accord_pat_";

export { listAccessTokens };

export interface TokenGrant {
  name: string;
  /** At least one; repeated ones count once. */
  scopes: readonly Scope[];
  /** One of TOKEN_LIFETIMES_DAYS (the form offers no other). */
  lifetimeDays: number;
  /** Created from a session that proved the second factor (such a token counts as one: docs/security.md). */
  secondFactor?: boolean;
}

export async function createAccessToken(userId: string, grant: TokenGrant): Promise<{ id: string; token: string; expiresAt: Date }> {
  const scopes = SCOPES.filter((s) => grant.scopes.includes(s));
  if (scopes.length === 0) throw new Error("createAccessToken: a token needs at least one scope");
  const { id, token, secretHash } = createSecretToken(ACCESS_TOKEN_PREFIX);
  const { expiresAt } = await insertAccessToken({ id, secretHash, userId, name: grant.name.trim(), scopes, lifetimeDays: grant.lifetimeDays, secondFactor: grant.secondFactor ?? false });
  return { id, token, expiresAt };
}

export async function revokeAccessToken(userId: string, id: string): Promise<boolean> {
  return deleteAccessToken(userId, id);
}

/**
 * "Last used" is kept to the minute; tokens used at the same time are marked in one statement, and under a spike at
 * most one such statement a second per instance (each is a commit of its own: a WAL flush in PostgreSQL).
 */
const LAST_USED_PRECISION_MS = 60_000;
const markUsed = createMicroBatcher<string, null>(
  async (ids) => {
    await markAccessTokensUsed([...new Set(ids)]);
    return ids.map(() => null);
  },
  { maxBatch: 5000, maxConcurrent: 1, minIntervalMs: 1000 },
);

/**
 * Tokens presented at the same time (a spike of API calls) are read in one statement instead of one each: the row
 * is read when the request arrives, as before, only together with the others (app/utils/micro-batch.server.ts).
 */
const findTokenRow = createMicroBatcher<string, AccessTokenWithUser | null>(
  async (ids) => {
    const rows = await findAccessTokensWithUsers([...new Set(ids)]);
    return ids.map((id) => rows.get(id) ?? null);
  },
  { maxBatch: 200, maxConcurrent: 1 },
);

/** What a valid token is: its id (the socket re-check follows it), scopes and expiry. */
export interface AccessTokenGrant {
  id: string;
  scopes: Scope[];
  expiresAt: Date;
  /** Created after a second-factor sign-in, and the account still has a second factor. */
  secondFactor: boolean;
}

/** The user a presented token belongs to and what it may do, or null for anything invalid, revoked or expired. */
export async function validateAccessToken(token: string, now = new Date()): Promise<{ user: UserRow; token: AccessTokenGrant } | null> {
  const parsed = parseSecretToken(token, ACCESS_TOKEN_PREFIX);
  if (!parsed) return null;
  const row = await findTokenRow(parsed.id);
  if (!row || !secretMatches(parsed.secret, row.secretHash)) return null;
  if (row.expiresAt.getTime() <= now.getTime()) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    // Not awaited: the request does not wait for bookkeeping; a failure is logged and the next use marks it again.
    markUsed(parsed.id).catch((error: unknown) => log.warn(`could not mark an access token used: ${error instanceof Error ? error.message : String(error)}`));
  }
  return { user: row.user, token: { id: parsed.id, scopes: row.scopes.filter(isScope), expiresAt: row.expiresAt, secondFactor: row.secondFactor } };
}
