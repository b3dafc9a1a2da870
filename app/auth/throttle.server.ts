/**
 * Sign-in throttling (also for the password check of account deletion), stored in PostgreSQL so it holds across
 * restarts and instances. An attempt is counted on its keys BEFORE the slow password check, in one statement that also
 * says whether it may go ahead (db/login-throttles.ts), so a hundred parallel guesses are a hundred counted attempts,
 * of which only the free ones are checked. A correct password then takes its attempt back.
 *
 * Keys (HMACs, app/auth/hashed-key.server.ts; the network is an IPv4 address or an IPv6 /64, app/auth/client-network.ts):
 * - from a browser holding a device cookie issued to this account (app/auth/device-cookie.server.ts): that device
 *   alone, 5 free attempts, then waits doubling from 2 s to 60 s. Nobody else's failures can lock it out;
 * - from anywhere else: the account on this network first (5 free, then 2 s … 60 s: the owner's typos), the account
 *   from every network (20 free, then up to 15 min: guessing spread over many addresses), and the network across
 *   every account (20 free, then up to 15 min: password spraying).
 * Every attempt counts, refused ones too; a key quiet for a day starts afresh. Success clears the account's keys and
 * gives the network back its attempt (clearing it would let one good account reset a sprayer's count).
 */
import { releaseAttempts, reserveAttempts, type ThrottlePolicy } from "../../db/login-throttles";
import { readKnownDevice } from "./device-cookie.server";
import { hashedKey } from "./hashed-key.server";

const DAY = 24 * 3600;
export const SIGN_IN_POLICIES = {
  device: { free: 5, capSeconds: 60, forgetAfterSeconds: DAY },
  pair: { free: 5, capSeconds: 60, forgetAfterSeconds: DAY },
  account: { free: 20, capSeconds: 15 * 60, forgetAfterSeconds: DAY },
  network: { free: 20, capSeconds: 15 * 60, forgetAfterSeconds: DAY },
} satisfies Record<string, ThrottlePolicy>;

type Kind = keyof typeof SIGN_IN_POLICIES;

/** The keys one sign-in attempt is counted on. */
export interface SignInAttempt {
  keys: { kind: Kind; key: string }[];
}

/**
 * The keys for an attempt on `email` (normalised) from `network` (null when unknown), by a browser sending `cookie`
 * (its Cookie header, for the device cookie).
 */
export function signInAttempt(input: { email: string; network: string | null; cookie?: string | null }): SignInAttempt {
  const device = readKnownDevice(input.cookie, input.email);
  if (device) return { keys: [{ kind: "device", key: hashedKey("login:device", `${device}\n${input.email}`) }] };
  const keys: SignInAttempt["keys"] = [{ kind: "account", key: hashedKey("login:account", input.email) }];
  if (input.network) {
    keys.push({ kind: "pair", key: hashedKey("login:pair", `${input.email}\n${input.network}`) });
    keys.push({ kind: "network", key: hashedKey("login:ip", input.network) });
  }
  return { keys };
}

export type ReserveResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Count the attempt on every key; it goes ahead only if every key allows it. */
export async function reserveSignInAttempt(attempt: SignInAttempt): Promise<ReserveResult> {
  const rows = await reserveAttempts(attempt.keys.map(({ kind, key }) => ({ key, policy: SIGN_IN_POLICIES[kind] })));
  const refused = rows.filter((r) => !r.allowed);
  if (refused.length === 0) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, ...refused.map((r) => Math.ceil(r.waitSeconds))) };
}

/** The password was right: forget the account's (or device's) count, and give the network back its attempt. */
export async function releaseSignInAttempt(attempt: SignInAttempt): Promise<void> {
  await releaseAttempts({
    clear: attempt.keys.filter((k) => k.kind !== "network").map((k) => k.key),
    giveBack: attempt.keys.filter((k) => k.kind === "network").map((k) => ({ key: k.key, free: SIGN_IN_POLICIES.network.free })),
  });
}

/**
 * Second-factor codes (after the password at sign-in, and to turn the second factor off) are throttled the same way,
 * on their own keys: the account (5 free, then 2 s … 15 min: a 6-digit code cannot be guessed online) and the network
 * across every account (20 free, then up to 15 min). A right code releases them as a right password does.
 */
export const SECOND_FACTOR_POLICIES = {
  account: { free: 5, capSeconds: 15 * 60, forgetAfterSeconds: DAY },
  network: { free: 20, capSeconds: 15 * 60, forgetAfterSeconds: DAY },
} satisfies Record<string, ThrottlePolicy>;

export interface SecondFactorAttempt {
  keys: { kind: keyof typeof SECOND_FACTOR_POLICIES; key: string }[];
}

export function secondFactorAttempt(input: { userId: string; network: string | null }): SecondFactorAttempt {
  const keys: SecondFactorAttempt["keys"] = [{ kind: "account", key: hashedKey("2fa:account", input.userId) }];
  if (input.network) keys.push({ kind: "network", key: hashedKey("2fa:ip", input.network) });
  return { keys };
}

export async function reserveSecondFactorAttempt(attempt: SecondFactorAttempt): Promise<ReserveResult> {
  const rows = await reserveAttempts(attempt.keys.map(({ kind, key }) => ({ key, policy: SECOND_FACTOR_POLICIES[kind] })));
  const refused = rows.filter((r) => !r.allowed);
  if (refused.length === 0) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, ...refused.map((r) => Math.ceil(r.waitSeconds))) };
}

export async function releaseSecondFactorAttempt(attempt: SecondFactorAttempt): Promise<void> {
  await releaseAttempts({
    clear: attempt.keys.filter((k) => k.kind === "account").map((k) => k.key),
    giveBack: attempt.keys.filter((k) => k.kind === "network").map((k) => ({ key: k.key, free: SECOND_FACTOR_POLICIES.network.free })),
  });
}
