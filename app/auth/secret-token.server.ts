/**
 * Secret tokens as Lucia's guide builds them: "<id>.<secret>", two random strings of 24 characters from a
 * 32-letter alphabet (120 bits each). The id finds the row; only SHA-256(secret) is stored and it is compared
 * in constant time. Used for sessions, personal access tokens, e-mail links and invitations.
 */
import { sha256 } from "@oslojs/crypto/sha2";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { getRandomValues } from "node:crypto";

const ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"; // no 0/o, 1/l: readable when copied by hand

export function generateSecureRandomString(): string {
  const bytes = new Uint8Array(24);
  getRandomValues(bytes);
  let out = "";
  for (const byte of bytes) out += ALPHABET[byte >> 3];
  return out;
}

export function hashSecret(secret: string): Uint8Array {
  return sha256(new TextEncoder().encode(secret));
}

export interface NewSecretToken {
  id: string;
  token: string;
  secretHash: Uint8Array;
}

export function createSecretToken(prefix = ""): NewSecretToken {
  const id = generateSecureRandomString();
  const secret = generateSecureRandomString();
  return { id, token: `${prefix}${id}.${secret}`, secretHash: hashSecret(secret) };
}

const TOKEN_PART = /^[a-z2-9]{24}$/;

/** Split a presented token; null for anything malformed (never throws). */
export function parseSecretToken(token: string, prefix = ""): { id: string; secret: string } | null {
  if (typeof token !== "string" || token.length > 200 || !token.startsWith(prefix)) return null;
  const parts = token.slice(prefix.length).split(".");
  if (parts.length !== 2) return null;
  const [id, secret] = parts as [string, string];
  if (!TOKEN_PART.test(id) || !TOKEN_PART.test(secret)) return null;
  return { id, secret };
}

export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
  return constantTimeEqual(hashSecret(secret), new Uint8Array(storedHash));
}
