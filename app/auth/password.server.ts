/**
 * Passwords: Argon2id (@node-rs/argon2, OWASP parameters), 12–256 characters, never truncated, and refused
 * when they appear in a list of ~49,000 common passwords (the zxcvbn-ts common list) or merely repeat the
 * person's name or e-mail.
 */
import { hash, verify } from "@node-rs/argon2";
import { dictionary } from "@zxcvbn-ts/language-common";

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

// Algorithm.Argon2id is a const enum (2); isolatedModules cannot read it, so name the value here.
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

let common: Set<string> | null = null;
function commonPasswords(): Set<string> {
  if (!common) common = new Set((dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase()));
  return common;
}

/** A sentence for the person, or null when the password is acceptable. */
export function passwordProblem(password: string, context: { email?: string; name?: string } = {}): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`;
  if (length > PASSWORD_MAX) return `Use at most ${PASSWORD_MAX} characters.`;
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return "This password is one of the most commonly used; choose another.";
  if (new Set(lower).size <= 2) return "This password repeats too few characters; choose another.";
  const local = context.email?.split("@")[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return "Do not build the password from your e-mail address.";
  const name = context.name?.toLowerCase().replace(/\s+/g, "");
  if (name && name.length >= 4 && lower.replace(/\s+/g, "") === name) return "Do not use your name as the password.";
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | null = null;
/** Spend the same time as a real verification (used when the account does not exist). */
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummy ??= hashPassword("accord-dummy-password-for-timing");
  await verifyPassword(await dummy, password);
}
