/**
 * Sign-in throttling, stored in PostgreSQL so it holds across restarts and instances.
 * Per account: 5 free failures, then waits doubling from 2 s up to 60 s — slow for a guesser (≈1,400 tries a
 * day at most), never a lock-out for the person who knows the password. Per IP: 20 free failures, then up to
 * 15 minutes. Keys are SHA-256 of the e-mail/IP so the table holds neither. A success clears the account's counter.
 */
import { hashedKey } from "./hashed-key.server";
import { clearThrottle, findBlockedUntil, recordFailure } from "../../db/login-throttles";

const ACCOUNT = { free: 5, capSeconds: 60, forgetAfterSeconds: 24 * 3600 };
const IP = { free: 20, capSeconds: 15 * 60, forgetAfterSeconds: 24 * 3600 };


export function throttleKeys(email: string, ip: string | null): { account: string; ip: string | null } {
  return { account: hashedKey("account", email), ip: ip ? hashedKey("ip", ip) : null };
}

/** Seconds to wait before another attempt is considered, or 0. */
export async function secondsUntilAllowed(keys: { account: string; ip: string | null }, now = Date.now()): Promise<number> {
  const until = await findBlockedUntil([keys.account, ...(keys.ip ? [keys.ip] : [])]);
  if (!until) return 0;
  return Math.max(0, Math.ceil((until.getTime() - now) / 1000));
}

export async function recordLoginFailure(keys: { account: string; ip: string | null }): Promise<void> {
  await recordFailure(keys.account, ACCOUNT);
  if (keys.ip) await recordFailure(keys.ip, IP);
}

export async function recordLoginSuccess(keys: { account: string; ip: string | null }): Promise<void> {
  await clearThrottle(keys.account);
}
