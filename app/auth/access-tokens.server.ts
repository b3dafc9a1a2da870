/** Personal access tokens ("accord_pat_<id>.<secret>"), for scripts and integrations; stored hashed. */
import { deleteAccessToken, findAccessTokenSecret, insertAccessToken, listAccessTokens, markAccessTokenUsed } from "../../db/access-tokens";
import { findUserById, type UserRow } from "../../db/users";
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

/** The user a presented token belongs to, or null for anything invalid. */
export async function validateAccessToken(token: string): Promise<UserRow | null> {
  const parsed = parseSecretToken(token, ACCESS_TOKEN_PREFIX);
  if (!parsed) return null;
  const row = await findAccessTokenSecret(parsed.id);
  if (!row || !secretMatches(parsed.secret, row.secretHash)) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > 60_000) await markAccessTokenUsed(parsed.id);
  return findUserById(row.userId);
}
