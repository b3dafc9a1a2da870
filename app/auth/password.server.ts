/**
 * Passwords: Argon2id (@node-rs/argon2, OWASP parameters), 12–256 characters, never truncated, and refused
 * when they appear in a list of ~49,000 common passwords (the zxcvbn-ts common list) or merely repeat the
 * person's name or e-mail.
 */
import { hash, verify } from "@node-rs/argon2";
import { dictionary } from "@zxcvbn-ts/language-common";
import { PASSWORD_MAX, PASSWORD_MIN, type PasswordProblem } from "./field-problems";

export { PASSWORD_MAX, PASSWORD_MIN };

// Algorithm.Argon2id is a const enum (2); isolatedModules cannot read it, so name the value here.
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

let common: Set<string> | null = null;
function commonPasswords(): Set<string> {
  if (!common) common = new Set((dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase()));
  return common;
}

/** Why the password is refused, as a code (words: app/auth/field-words.ts), or null when it is acceptable. */
export function passwordProblem(password: string, context: { email?: string; name?: string } = {}): PasswordProblem | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return "passwordShort";
  if (length > PASSWORD_MAX) return "passwordLong";
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return "passwordCommon";
  if (new Set(lower).size <= 2) return "passwordRepetitive";
  const local = context.email?.split("@")[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return "passwordFromEmail";
  const name = context.name?.toLowerCase().replace(/\s+/g, "");
  if (name && name.length >= 4 && lower.replace(/\s+/g, "") === name) return "passwordIsName";
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
