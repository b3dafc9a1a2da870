/**
 * Rate limits for unauthenticated requests that send e-mail or spend an Argon2 hash (sign-up, password reset),
 * per IP and per target address, so nobody can flood a victim's inbox or the server's CPU. The limit applies the
 * same whether or not the address has an account, so it reveals nothing.
 */
import { createHash } from "node:crypto";
import { deleteOldWindows, hitWindow } from "../../db/request-limits";

export interface Limit {
  max: number;
  windowSeconds: number;
}

export const LIMITS = {
  signupPerIp: { max: 20, windowSeconds: 3600 },
  signupPerAddress: { max: 5, windowSeconds: 3600 },
  resetPerIp: { max: 20, windowSeconds: 3600 },
  resetPerAddress: { max: 5, windowSeconds: 3600 },
} satisfies Record<string, Limit>;

const hashed = (value: string) => createHash("sha256").update(value).digest("hex").slice(0, 32);

/** Count this request against each (key, limit); the seconds to wait when any is exceeded, else 0. */
export async function spendRequest(checks: { key: string; limit: Limit }[]): Promise<number> {
  let wait = 0;
  for (const { key, limit } of checks) {
    const { hits, resetsAt } = await hitWindow(hashed(key), limit.windowSeconds);
    if (hits > limit.max) wait = Math.max(wait, Math.ceil((resetsAt.getTime() - Date.now()) / 1000));
  }
  if (Math.random() < 0.01) await deleteOldWindows(2 * 24 * 3600);
  return wait;
}
