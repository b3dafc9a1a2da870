/**
 * Passkeys (WebAuthn, @simplewebauthn/server) as a second factor beside the authenticator app:
 * - The relying party is the configured public URL: its host is the RP ID and its origin the only accepted origin.
 * - Each ceremony gets a random challenge stored in the database (webauthn_challenges), bound to the session that
 *   registers or to the pending sign-in that authenticates, valid two minutes and taken once (an answer, right or
 *   wrong, deletes it; asking again replaces it).
 * - Registration: the signed-in person names the passkey; an account that already has a second factor registers one
 *   only from a session that proved it. The first second factor of an account (no app, no passkey yet) gives the ten
 *   recovery codes, marks this session as having proved it and ends the other sessions, as the app's set-up does.
 * - Authentication: only the pending sign-in's own account's credentials are accepted; the signature counter must go
 *   up (or stay 0 for authenticators without one) and is stored with a compare-and-set, so an assertion counts once.
 *   Attempts are throttled with the codes' policies (app/auth/throttle.server.ts).
 * Credential ids, public keys and the browser's answers are never logged.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { z } from "zod";
import { lockUser } from "../../db/account-data";
import { getSql } from "../../db/client";
import { insertAudit } from "../../db/memberships";
import {
  countPasskeys,
  deleteUserPasskey,
  findUserPasskey,
  insertPasskey,
  listPasskeyCredentials,
  recordPasskeyUse,
  replaceChallenge,
  takeChallenge,
  type ChallengeBinding,
} from "../../db/passkeys";
import { deleteSecondFactor, findTotp, markSessionSecondFactor } from "../../db/second-factor";
import { deleteUserSessions } from "../../db/sessions";
import type { UserRow } from "../../db/users";
import { getConfig } from "../config.server";
import { sendMail } from "../mail/mailer.server";
import { recipientLocale } from "../mail/recipient-locale";
import type { Locale } from "../i18n/locales";
import { tFor } from "../i18n/strings.server";
import { releaseSecondFactorAttempt, reserveSecondFactorAttempt, secondFactorAttempt } from "./throttle.server";
import { hasSecondFactor, issueRecoveryCodes } from "./second-factor.server";
import type { SecurityRefusal } from "./security-refusals";

export const CHALLENGE_MS = 2 * 60 * 1000;
export const MAX_PASSKEYS = 10;
export const MAX_PASSKEY_NAME = 60;
/** A browser's answer is a few hundred bytes to a few kB; anything past this is refused unread. */
export const MAX_RESPONSE_JSON = 32 * 1024;

/** The relying party: our public URL's host and origin. */
export function relyingParty(): { id: string; origin: string; name: string } {
  const url = new URL(getConfig().publicUrl);
  return { id: url.hostname, origin: url.origin, name: "Accord" };
}

const b64url = z.string().max(16 * 1024).regex(/^[A-Za-z0-9_-]*={0,2}$/);
const common = {
  id: b64url.min(1),
  rawId: b64url.min(1),
  type: z.literal("public-key"),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
};
const registrationSchema = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url,
    attestationObject: b64url,
    authenticatorData: b64url.optional(),
    transports: z.array(z.string().max(32)).max(8).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    publicKey: b64url.optional(),
  }),
});
const authenticationSchema = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url,
    authenticatorData: b64url,
    signature: b64url,
    userHandle: b64url.optional(),
  }),
});

/** A browser's answer, as JSON text: parsed and shape-checked, or null. */
function readAnswer<T extends z.ZodTypeAny>(raw: unknown, schema: T): z.infer<T> | null {
  if (typeof raw !== "string" || raw.length > MAX_RESPONSE_JSON) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? (parsed.data as z.infer<T>) : null;
}

const KNOWN_TRANSPORTS: ReadonlySet<string> = new Set<AuthenticatorTransportFuture>(["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"]);

/** The transports WebAuthn knows, from what was stored or sent (anything else is dropped). */
function knownTransports(list: readonly string[]): AuthenticatorTransportFuture[] {
  return list.filter((t): t is AuthenticatorTransportFuture => KNOWN_TRANSPORTS.has(t));
}

export type RegistrationStart = { ok: true; options: PublicKeyCredentialCreationOptionsJSON } | { ok: false; refusal: SecurityRefusal };

/** Options for `navigator.credentials.create`, with a new challenge bound to this session. */
export async function startPasskeyRegistration(user: Pick<UserRow, "id" | "email" | "name">, session: { id: string; secondFactor: boolean }): Promise<RegistrationStart> {
  if (!session.secondFactor && (await hasSecondFactor(user.id))) {
    return { ok: false, refusal: { code: "signInAgain" } };
  }
  const existing = await listPasskeyCredentials(user.id);
  if (existing.length >= MAX_PASSKEYS) return { ok: false, refusal: { code: "tooManyPasskeys", max: MAX_PASSKEYS } };
  const rp = relyingParty();
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userDisplayName: user.name,
    userID: new TextEncoder().encode(user.id),
    attestationType: "none",
    timeout: CHALLENGE_MS,
    excludeCredentials: existing.map((c) => ({ id: c.credentialId, transports: knownTransports(c.transports) })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
  });
  await replaceChallenge({ challenge: options.challenge, userId: user.id, binding: { purpose: "register", sessionId: session.id }, expiresAt: new Date(Date.now() + CHALLENGE_MS) });
  return { ok: true, options };
}

export type RegistrationResult = { ok: true; recoveryCodes: string[] | null } | { ok: false; refusal: SecurityRefusal };

const REGISTRATION_FAILED = { ok: false, refusal: { code: "registrationFailed" } } as const;

/**
 * Check the browser's answer to the registration challenge and store the passkey under `name`. `locale`: the asking
 * request's language, for the mail unless the account chose one.
 */
export async function finishPasskeyRegistration(
  user: Pick<UserRow, "id" | "email" | "name" | "language">,
  session: { id: string; secondFactor: boolean },
  input: { name: string; response: unknown },
  locale?: Locale,
): Promise<RegistrationResult> {
  const name = input.name.trim();
  if (!name || name.length > MAX_PASSKEY_NAME) return { ok: false, refusal: { code: "passkeyNameBounds", max: MAX_PASSKEY_NAME } };
  // The challenge goes first, whatever the answer: a challenge is never tried twice.
  const challenge = await takeChallenge(user.id, { purpose: "register", sessionId: session.id });
  if (!challenge) return { ok: false, refusal: { code: "requestClosed" } };
  const answer = readAnswer(input.response, registrationSchema);
  if (!answer) return REGISTRATION_FAILED;
  const rp = relyingParty();
  let info;
  try {
    const verified = await verifyRegistrationResponse({
      response: answer as RegistrationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: false,
    });
    if (!verified.verified) return REGISTRATION_FAILED;
    info = verified.registrationInfo;
  } catch {
    return REGISTRATION_FAILED;
  }
  const transports = knownTransports(info.credential.transports ?? []);
  const result = await getSql().begin(async (tx) => {
    // The account row is locked: of two first registrations at once, only one gives recovery codes and ends sessions.
    if (!(await lockUser(user.id, tx))) return null;
    const wasFirst = !(await hasSecondFactor(user.id, tx));
    const id = await insertPasskey(
      { userId: user.id, credentialId: info.credential.id, publicKey: info.credential.publicKey, counter: info.credential.counter, transports, name },
      tx,
    );
    if (!id) return null;
    let codes: string[] | null = null;
    if (wasFirst) {
      codes = await issueRecoveryCodes(user.id, tx);
      await markSessionSecondFactor(session.id, tx);
      await deleteUserSessions(user.id, session.id, tx);
      await insertAudit({ workshopId: null, actorId: user.id, action: "account.second_factor_enabled", details: { userId: user.id, via: "passkey" } }, tx);
    } else {
      await insertAudit({ workshopId: null, actorId: user.id, action: "account.passkey_added", details: { userId: user.id, passkeyId: id } }, tx);
    }
    return { codes };
  });
  if (!result) return { ok: false, refusal: { code: "alreadyRegistered" } };
  const t = tFor(recipientLocale(user.language, locale));
  await sendMail({
    to: user.email,
    subject: t("security:mail.passkeyAdded.subject"),
    text: t("security:mail.passkeyAdded.body", { greeting: t("mail:greeting.named", { name: user.name }), name, link: `${getConfig().publicUrl}/account/second-factor` }),
  });
  return { ok: true, recoveryCodes: result.codes };
}

export async function hasPasskeys(userId: string): Promise<boolean> {
  return (await countPasskeys(userId)) > 0;
}

/** Options for `navigator.credentials.get` for a pending sign-in: this account's passkeys, a new challenge bound to it. */
export async function startPasskeySignIn(pending: { id: string; userId: string }): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  const credentials = await listPasskeyCredentials(pending.userId);
  if (credentials.length === 0) return null;
  const options = await generateAuthenticationOptions({
    rpID: relyingParty().id,
    allowCredentials: credentials.map((c) => ({ id: c.credentialId, transports: knownTransports(c.transports) })),
    userVerification: "preferred",
    timeout: CHALLENGE_MS,
  });
  await replaceChallenge({ challenge: options.challenge, userId: pending.userId, binding: { purpose: "authenticate", pendingSignInId: pending.id }, expiresAt: new Date(Date.now() + CHALLENGE_MS) });
  return options;
}

export type PasskeyCheck = { ok: true } | { ok: false; reason: "invalid" } | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * Check an assertion (the browser's answer, as JSON text) against the challenge of `binding` and one of this
 * account's passkeys; on success the passkey's counter and last use are stored. Throttled like codes.
 */
export async function checkPasskeyAssertion(userId: string, binding: ChallengeBinding, raw: unknown, network: string | null): Promise<PasskeyCheck> {
  const attempt = secondFactorAttempt({ userId, network });
  const reserved = await reserveSecondFactorAttempt(attempt);
  if (!reserved.allowed) return { ok: false, reason: "throttled", retryAfterSeconds: reserved.retryAfterSeconds };
  const challenge = await takeChallenge(userId, binding);
  const answer = readAnswer(raw, authenticationSchema);
  if (!challenge || !answer) return { ok: false, reason: "invalid" };
  const passkey = await findUserPasskey(userId, answer.id);
  if (!passkey) return { ok: false, reason: "invalid" };
  const rp = relyingParty();
  let newCounter: number;
  try {
    const verified = await verifyAuthenticationResponse({
      response: answer as AuthenticationResponseJSON,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: { id: passkey.credentialId, publicKey: new Uint8Array(passkey.publicKey), counter: passkey.counter, transports: knownTransports(passkey.transports) },
      requireUserVerification: false,
    });
    if (!verified.verified) return { ok: false, reason: "invalid" };
    newCounter = verified.authenticationInfo.newCounter;
  } catch {
    return { ok: false, reason: "invalid" };
  }
  if (!(await recordPasskeyUse(passkey.id, passkey.counter, newCounter))) return { ok: false, reason: "invalid" };
  await releaseSecondFactorAttempt(attempt);
  return { ok: true };
}

/**
 * Remove one passkey (the caller has checked the password or a code). When it was the account's last second factor
 * (no app, no other passkey), the second factor is off: recovery codes go and sessions no longer count as having proved it.
 */
export async function removePasskey(user: Pick<UserRow, "id" | "email" | "name" | "language">, passkeyId: string, locale?: Locale): Promise<boolean> {
  const removed = await getSql().begin(async (tx) => {
    if (!(await deleteUserPasskey(user.id, passkeyId, tx))) return false;
    const totp = await findTotp(user.id, tx);
    if (!totp?.confirmedAt && (await countPasskeys(user.id, tx)) === 0) await deleteSecondFactor(user.id, tx);
    await insertAudit({ workshopId: null, actorId: user.id, action: "account.passkey_removed", details: { userId: user.id, passkeyId } }, tx);
    return true;
  });
  if (removed) {
    const t = tFor(recipientLocale(user.language, locale));
    await sendMail({
      to: user.email,
      subject: t("security:mail.passkeyRemoved.subject"),
      text: t("security:mail.passkeyRemoved.body", { greeting: t("mail:greeting.named", { name: user.name }), link: `${getConfig().publicUrl}/account/second-factor` }),
    });
  }
  return removed;
}
