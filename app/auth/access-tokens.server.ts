/** Personal access tokens ("accord_pat_<id>.<secret>"), for scripts and integrations; stored hashed. */
import { deleteAccessToken, findAccessTokenWithUser, insertAccessToken, listAccessTokens, markAccessTokensUsed } from "../../db/access-tokens";
import type { UserRow } from "../../db/users";
import { createMicroBatcher } from "../utils/micro-batch.server";
import { log } from "../utils/log.server";
import { createSecretToken, parseSecretToken, secretMatches } from "./secret-token.server";

export const ACCESS_TOKEN_PREFIX = "accord_pat_";

export { listAccessTokens };

export async function createAccessToken(userId: string, name: string): Promise<{ id: string; token: string }> {
  const { id, token, secretHash } = createSecretToken(ACCESS_TOKEN_PREFIX);
  await insertAccessToken({ id, secretHash, userId, name: name.trim() });
  return { id, token };
}

export async function revokeAccessToken(userId: string, id: string): Promise<boolean> {
  return deleteAccessToken(userId, id);
}

/** "Last used" is kept to the minute; tokens used at the same time are marked in one statement. */
const LAST_USED_PRECISION_MS = 60_000;
const markUsed = createMicroBatcher<string, null>(
  async (ids) => {
    await markAccessTokensUsed([...new Set(ids)]);
    return ids.map(() => null);
  },
  { maxBatch: 500, maxConcurrent: 1 },
);

/** The user a presented token belongs to, or null for anything invalid. */
export async function validateAccessToken(token: string): Promise<UserRow | null> {
  const parsed = parseSecretToken(token, ACCESS_TOKEN_PREFIX);
  if (!parsed) return null;
  const row = await findAccessTokenWithUser(parsed.id);
  if (!row || !secretMatches(parsed.secret, row.secretHash)) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    // Not awaited: the request does not wait for bookkeeping; a failure is logged and the next use marks it again.
    markUsed(parsed.id).catch((error: unknown) => log.warn(`could not mark an access token used: ${error instanceof Error ? error.message : String(error)}`));
  }
  return row.user;
}
