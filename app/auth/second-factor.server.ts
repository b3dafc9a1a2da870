/**
 * The second factor of an account: a TOTP key (app/auth/totp.server.ts) and/or passkeys (app/auth/passkeys.server.ts),
 * and ten single-use recovery codes. An account with either has a second factor.
 * - Enrolment stores a new key unconfirmed and shows it (QR code and text); a first right code confirms it, gives the
 *   recovery codes once, marks this session as having proved it and ends the account's other sessions (they signed
 *   in without it).
 * - A code is taken once: the last accepted time step is stored per account and only a later one is accepted.
 * - Codes are throttled like passwords (app/auth/throttle.server.ts, SECOND_FACTOR_POLICIES).
 * - Recovery codes can be replaced by ten new ones (the old ones stop working) with the password or a code.
 * - Turning it off (the app, every passkey and the recovery codes) needs the password or a code; another organiser of a workshop where the person is an organiser
 *   may reset it (recorded in that workshop's audit log, and the person is told by e-mail).
 */
import { sha256 } from "@oslojs/crypto/sha2";
import { getRandomValues } from "node:crypto";
import { getSql, type Queryable } from "../../db/client";
import { findMemberRole, insertAudit } from "../../db/memberships";
import { countPasskeys, listPasskeys, type PasskeyListing } from "../../db/passkeys";
import {
  acceptTotpStep,
  countUnusedRecoveryCodes,
  deleteSecondFactor,
  findTotp,
  markSessionSecondFactor,
  replaceRecoveryCodes,
  upsertUnconfirmedTotp,
  spendRecoveryCode,
} from "../../db/second-factor";
import { deleteUserSessions } from "../../db/sessions";
import { findPasswordHashById, findUserById, type UserRow } from "../../db/users";
import { getConfig } from "../config.server";
import { sendMail } from "../mail/mailer.server";
import { recipientLocale } from "../mail/recipient-locale";
import type { Locale } from "../i18n/locales";
import { tFor } from "../i18n/strings.server";
import { verifyPassword } from "./password.server";
import { SecondFactorResetError, type SecurityRefusal } from "./security-refusals";
import { releaseSecondFactorAttempt, reserveSecondFactorAttempt, secondFactorAttempt } from "./throttle.server";
import { formatKeyForTyping, generateTotpKey, matchingStep, qrSvg, totpUri } from "./totp.server";

export const RECOVERY_CODE_COUNT = 10;
const RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"; // 32 letters, no 0/o, 1/l: 16 of them are 80 bits
const RECOVERY_LENGTH = 16;
/** Longer input than this is refused before any work (a code with spaces and hyphens is far shorter). */
export const MAX_CODE_INPUT = 64;

export type CodeInput = { kind: "totp"; code: string } | { kind: "recovery"; code: string };

/** What someone typed, as a TOTP code (6 digits) or a recovery code (16 letters and digits); null for anything else. */
export function readCode(raw: unknown): CodeInput | null {
  if (typeof raw !== "string" || raw.length > MAX_CODE_INPUT) return null;
  const compact = raw.replace(/[\s-]/g, "").toLowerCase();
  if (/^\d{6}$/.test(compact)) return { kind: "totp", code: compact };
  if (compact.length === RECOVERY_LENGTH && [...compact].every((c) => RECOVERY_ALPHABET.includes(c))) return { kind: "recovery", code: compact };
  return null;
}

const hashRecoveryCode = (code: string): Uint8Array => sha256(new TextEncoder().encode(code));

function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const bytes = new Uint8Array(RECOVERY_LENGTH);
    getRandomValues(bytes);
    const code = [...bytes].map((b) => RECOVERY_ALPHABET[b >> 3]).join("");
    return code.replace(/(.{4})(?=.)/g, "$1-");
  });
}

export interface SecondFactorStatus {
  /** The account has a second factor: the app, or at least one passkey. */
  enabled: boolean;
  totp: boolean;
  passkeys: PasskeyListing[];
  recoveryCodesLeft: number;
}

export async function getSecondFactorStatus(userId: string): Promise<SecondFactorStatus> {
  const [totpRow, passkeys] = await Promise.all([findTotp(userId), listPasskeys(userId)]);
  const totp = Boolean(totpRow?.confirmedAt);
  const enabled = totp || passkeys.length > 0;
  return { enabled, totp, passkeys, recoveryCodesLeft: enabled ? await countUnusedRecoveryCodes(userId) : 0 };
}

export async function hasSecondFactor(userId: string, sql: Queryable = getSql()): Promise<boolean> {
  return Boolean((await findTotp(userId, sql))?.confirmedAt) || (await countPasskeys(userId, sql)) > 0;
}

/** Ten new recovery codes for the account (the previous ones stop working); returned to be shown once. */
export async function issueRecoveryCodes(userId: string, sql: Queryable): Promise<string[]> {
  const codes = newRecoveryCodes();
  await replaceRecoveryCodes(userId, codes.map((c) => hashRecoveryCode(readCode(c)!.code)), sql);
  return codes;
}

export interface Enrolment {
  qrSvg: string;
  typedKey: string;
}

function enrolmentView(key: Uint8Array, user: Pick<UserRow, "email">): Enrolment {
  return { qrSvg: qrSvg(totpUri(key, user.email)), typedKey: formatKeyForTyping(key) };
}

/** A new key to scan; null when the account already has a confirmed key. */
export async function startEnrolment(user: Pick<UserRow, "id" | "email">): Promise<Enrolment | null> {
  const key = generateTotpKey();
  if (!(await upsertUnconfirmedTotp(user.id, key))) return null;
  return enrolmentView(key, user);
}

/** The key being enrolled (after a reload, or a wrong first code); null when none is. */
export async function enrolmentInProgress(user: Pick<UserRow, "id" | "email">): Promise<Enrolment | null> {
  const totp = await findTotp(user.id);
  return totp && !totp.confirmedAt ? enrolmentView(totp.key, user) : null;
}

export type ConfirmResult = { ok: true; recoveryCodes: string[] } | { ok: false; refusal: SecurityRefusal };

const WRONG_CODE = { ok: false, refusal: { code: "wrongCode" } } as const;

/** Confirm enrolment with a first code from the app. */
export async function confirmEnrolment(user: Pick<UserRow, "id" | "email">, sessionId: string, raw: unknown, now = new Date()): Promise<ConfirmResult> {
  const input = readCode(raw);
  if (!input || input.kind !== "totp") return { ok: false, refusal: { code: "typeSixDigits" } };
  const totp = await findTotp(user.id);
  if (!totp || totp.confirmedAt) return { ok: false, refusal: { code: "enrolmentClosed" } };
  const step = matchingStep(totp.key, input.code, now);
  if (step === null) return WRONG_CODE;
  const codes = await getSql().begin(async (tx) => {
    if (!(await acceptTotpStep(user.id, step, true, tx))) return null;
    const issued = await issueRecoveryCodes(user.id, tx);
    await markSessionSecondFactor(sessionId, tx);
    await deleteUserSessions(user.id, sessionId, tx);
    await insertAudit({ workshopId: null, actorId: user.id, action: "account.second_factor_enabled", details: { userId: user.id } }, tx);
    return issued;
  });
  return codes ? { ok: true, recoveryCodes: codes } : WRONG_CODE;
}

export type CodeCheck = { ok: true; via: "totp" | "recovery" } | { ok: false; reason: "invalid" } | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * Check a code of an account's confirmed second factor: a TOTP code not used before, or an unused recovery code
 * (then spent). Counted under the throttle before it is checked; a right code gives its attempt back.
 */
export async function checkSecondFactorCode(userId: string, raw: unknown, network: string | null, now = new Date()): Promise<CodeCheck> {
  const attempt = secondFactorAttempt({ userId, network });
  const reserved = await reserveSecondFactorAttempt(attempt);
  if (!reserved.allowed) return { ok: false, reason: "throttled", retryAfterSeconds: reserved.retryAfterSeconds };
  const input = readCode(raw);
  if (!input) return { ok: false, reason: "invalid" };
  let ok = false;
  if (input.kind === "totp") {
    const totp = await findTotp(userId);
    const step = totp?.confirmedAt ? matchingStep(totp.key, input.code, now) : null;
    ok = step !== null && (await acceptTotpStep(userId, step, false));
  } else {
    ok = (await hasSecondFactor(userId)) && (await spendRecoveryCode(userId, hashRecoveryCode(input.code)));
  }
  if (!ok) return { ok: false, reason: "invalid" };
  await releaseSecondFactorAttempt(attempt);
  return { ok: true, via: input.kind };
}

export type DisableResult = { ok: true } | { ok: false; refusal: SecurityRefusal };
export type ProofResult = DisableResult;

/**
 * Check that the person at the keyboard is the account's owner: its password, or a code (TOTP or recovery; a
 * recovery code is spent). Throttled like codes.
 */
export async function checkOwnerProof(user: Pick<UserRow, "id">, proof: { password?: string; code?: string }, network: string | null): Promise<ProofResult> {
  if (proof.code) {
    const check = await checkSecondFactorCode(user.id, proof.code, network);
    if (!check.ok && check.reason === "throttled") return { ok: false, refusal: { code: "tooManyAttempts", retryAfterSeconds: check.retryAfterSeconds } };
    if (!check.ok) return WRONG_CODE;
  } else {
    const attempt = secondFactorAttempt({ userId: user.id, network });
    const reserved = await reserveSecondFactorAttempt(attempt);
    if (!reserved.allowed) return { ok: false, refusal: { code: "tooManyAttempts", retryAfterSeconds: reserved.retryAfterSeconds } };
    const hash = await findPasswordHashById(user.id);
    if (!hash || !proof.password || !(await verifyPassword(hash, proof.password))) {
      return { ok: false, refusal: { code: "notPassword" } };
    }
    await releaseSecondFactorAttempt(attempt);
  }
  return { ok: true };
}

/**
 * Turn the second factor off (the app, every passkey, the recovery codes): with the account's password, or a code.
 * `locale`: the asking request's language, for the mail unless the account chose one.
 */
export async function disableSecondFactor(
  user: Pick<UserRow, "id" | "email" | "name" | "language">,
  proof: { password?: string; code?: string },
  network: string | null,
  locale?: Locale,
): Promise<DisableResult> {
  const proved = await checkOwnerProof(user, proof, network);
  if (!proved.ok) return proved;
  await getSql().begin(async (tx) => {
    await deleteSecondFactor(user.id, tx);
    await insertAudit({ workshopId: null, actorId: user.id, action: "account.second_factor_disabled", details: { userId: user.id } }, tx);
  });
  const t = tFor(recipientLocale(user.language, locale));
  await sendMail({
    to: user.email,
    subject: t("security:mail.off.subject"),
    text: t("security:mail.off.body", { greeting: t("mail:greeting.named", { name: user.name }), link: `${getConfig().publicUrl}/account/second-factor` }),
  });
  return { ok: true };
}

export type RegenerateResult = { ok: true; recoveryCodes: string[] } | { ok: false; refusal: SecurityRefusal };

/**
 * Ten new recovery codes, with the password or a code; the old ones stop working. Only for an account with a second
 * factor. `locale`: the asking request's language, for the mail unless the account chose one.
 */
export async function regenerateRecoveryCodes(
  user: Pick<UserRow, "id" | "email" | "name" | "language">,
  proof: { password?: string; code?: string },
  network: string | null,
  locale?: Locale,
): Promise<RegenerateResult> {
  if (!(await hasSecondFactor(user.id))) return { ok: false, refusal: { code: "noSecondFactor" } };
  const proved = await checkOwnerProof(user, proof, network);
  if (!proved.ok) return proved;
  const codes = await getSql().begin(async (tx) => {
    const issued = await issueRecoveryCodes(user.id, tx);
    await insertAudit({ workshopId: null, actorId: user.id, action: "account.recovery_codes_replaced", details: { userId: user.id } }, tx);
    return issued;
  });
  const t = tFor(recipientLocale(user.language, locale));
  await sendMail({
    to: user.email,
    subject: t("security:mail.newCodes.subject"),
    text: t("security:mail.newCodes.body", { greeting: t("mail:greeting.named", { name: user.name }), link: `${getConfig().publicUrl}/account/second-factor` }),
  });
  return { ok: true, recoveryCodes: codes };
}

/**
 * Another organiser of the workshop resets a person's second factor (they lost their phone and their recovery
 * codes). Only for organisers of this workshop, never one's own, and only by an organiser who has proved a second
 * factor themselves (`actorVerified`). Recorded in the workshop's audit log; the person is told by e-mail.
 */
export async function resetSecondFactorByOrganiser(input: { workshopId: string; workshopTitle: string; actorId: string; actorVerified: boolean; userId: string }): Promise<void> {
  if (!input.actorVerified) {
    throw new SecondFactorResetError("ownFirstReset");
  }
  if (input.userId === input.actorId) throw new SecondFactorResetError("notYourOwn");
  const reset = await getSql().begin(async (tx) => {
    if ((await findMemberRole(input.workshopId, input.userId, tx)) !== "organizer") {
      throw new SecondFactorResetError("onlyOrganisers");
    }
    if (!(await deleteSecondFactor(input.userId, tx))) return false;
    await insertAudit({ workshopId: input.workshopId, actorId: input.actorId, action: "member.second_factor_reset", details: { userId: input.userId } }, tx);
    return true;
  });
  if (!reset) throw new SecondFactorResetError("noneToReset");
  const person = await findUserById(input.userId);
  if (person) {
    // Not the person's own request: their account's language, else English.
    const t = tFor(recipientLocale(person.language));
    await sendMail({
      to: person.email,
      subject: t("security:mail.reset.subject"),
      text: t("security:mail.reset.body", {
        greeting: t("mail:greeting.named", { name: person.name }),
        workshop: input.workshopTitle,
        link: `${getConfig().publicUrl}/account/second-factor`,
      }),
    });
  }
}
