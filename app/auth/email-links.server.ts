/**
 * Single-use links sent by e-mail (confirming an address, resetting a password): "<id>.<secret>", only SHA-256 of
 * the secret stored, each bound to the address it was sent to. A new link of a purpose retires the older ones.
 */
import { findEmailToken, insertEmailToken, retireEmailTokens, type EmailTokenPurpose, type EmailTokenRow } from "../../db/email-tokens";
import { getConfig } from "../config.server";
import { createSecretToken, parseSecretToken, secretMatches } from "./secret-token.server";

const TTL_MS: Record<EmailTokenPurpose, number> = { verify_email: 48 * 3600 * 1000, reset_password: 3600 * 1000 };

/** What a link may carry besides its purpose: the signing-up browser's binding, and where to go afterwards. */
export interface LinkExtras {
  browserHash?: Uint8Array | null;
  nextPath?: string | null;
}

export async function issueEmailToken(user: { id: string; email: string }, purpose: EmailTokenPurpose, extras: LinkExtras = {}): Promise<string> {
  const { id, token, secretHash } = createSecretToken();
  await retireEmailTokens(user.id, purpose);
  await insertEmailToken({ id, secretHash, userId: user.id, purpose, email: user.email, expiresAt: new Date(Date.now() + TTL_MS[purpose]), ...extras });
  return token;
}

export const emailLink = (path: string, token: string) => `${getConfig().publicUrl}${path}?token=${encodeURIComponent(token)}`;

/** The row of a presented link whose secret matches (used, expired or not), or null. */
export async function checkEmailToken(token: string, purpose: EmailTokenPurpose): Promise<EmailTokenRow | null> {
  const parsed = parseSecretToken(token);
  if (!parsed) return null;
  const row = await findEmailToken(parsed.id, purpose);
  if (!row || !secretMatches(parsed.secret, row.secretHash)) return null;
  return row;
}

export type LinkState = "valid" | "invalid" | "expired";

export function linkState(row: EmailTokenRow | null, now = Date.now()): LinkState {
  if (!row) return "invalid";
  return row.usedAt || row.expiresAt.getTime() <= now ? "expired" : "valid";
}

/** Is this link still usable? (Read-only: the GET pages use it to choose what to show.) */
export async function peekEmailToken(token: string, purpose: EmailTokenPurpose): Promise<LinkState> {
  return linkState(await checkEmailToken(token, purpose));
}
