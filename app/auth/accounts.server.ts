/**
 * Account flows: sign up, sign in, reset and change password, rename (confirming an address, and changing an
 * unconfirmed one: email-confirmation.server.ts).
 * Answers never reveal whether an e-mail is registered: sign-up and reset give the same words and spend the
 * same work (one Argon2 hash or verification, one e-mail) in both cases.
 * A password reset or change ends every session and personal access token of the account (a change keeps only the
 * browser that made it, with a fresh session) and retires outstanding reset links.
 */
import { getSql } from "../../db/client";
import { consumeEmailToken, retireEmailTokens } from "../../db/email-tokens";
import {
  findPasswordHashByEmail,
  findPasswordHashById,
  findUserByEmail,
  insertUser,
  markEmailVerified,
  updatePasswordHash,
  updateUserName,
  type UserRow,
} from "../../db/users";
import { getConfig } from "../config.server";
import { sendMail } from "../mail/mailer.server";
import type { Translate } from "../i18n/instance";
import { tFor } from "../i18n/strings.server";
import type { Locale } from "../i18n/locales";
import { recipientLocale } from "../mail/recipient-locale";
import { endAccountAccess } from "./account-access.server";
import { checkEmailToken, emailLink, issueEmailToken } from "./email-links.server";
import { sendConfirmationMail } from "./email-confirmation.server";
import type { FieldProblem, PasswordProblem } from "./field-problems";
import { hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from "./password.server";
import { createSession } from "./session.server";
import { beginPendingSignIn } from "./pending-sign-in.server";
import { hasSecondFactor } from "./second-factor.server";
import { signupSecretHash } from "./signup-browser.server";
import { serializeDeviceCookie } from "./device-cookie.server";
import { releaseSignInAttempt, reserveSignInAttempt, signInAttempt } from "./throttle.server";

export { peekEmailToken } from "./email-links.server";

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Names are chosen by whoever signed up: mails to an address nobody has confirmed do not repeat them. */
const greeting = (t: Translate, user: Pick<UserRow, "name" | "emailVerifiedAt">) =>
  user.emailVerifiedAt ? t("mail:greeting.named", { name: user.name }) : t("mail:greeting.plain");

/** Refusals are codes (app/auth/field-problems.ts), said in words by app/auth/field-words.ts. */
export type SignupResult = { ok: true } | { ok: false; fieldErrors: Partial<Record<"name" | "email" | "password", FieldProblem>> };

/**
 * `browserSecret`: the signing-up browser's secret (app/auth/signup-browser.server.ts), bound to a NEW account's link
 * only — its password is the one this browser chose. `next`: an on-site path to return to after confirming.
 */
export async function signup(input: {
  name: string;
  email: string;
  password: string;
  browserSecret?: string | null;
  next?: string | null;
  /** The sign-up request's language: the mails answering it are in it (unless the account chose one). */
  locale?: Locale;
}): Promise<SignupResult> {
  const email = normaliseEmail(input.email);
  const problem = passwordProblem(input.password, { email, name: input.name });
  if (problem) return { ok: false, fieldErrors: { password: problem } };
  const passwordHash = await hashPassword(input.password);
  const user = await insertUser({ email, name: input.name.trim(), passwordHash });
  const existing = user ? null : await findUserByEmail(email);
  if (user) {
    await sendConfirmationMail(user, { browserHash: input.browserSecret ? signupSecretHash(input.browserSecret) : null, nextPath: input.next ?? null }, input.locale);
  } else if (existing && !existing.emailVerifiedAt) {
    // A second sign-up for an unconfirmed address gets the link too: whoever confirms chooses the password.
    await sendConfirmationMail(existing, { nextPath: input.next ?? null }, input.locale);
  } else {
    const t = tFor(recipientLocale(existing?.language, input.locale));
    await sendMail({
      to: email,
      subject: t("mail:existing.subject"),
      text: t("mail:existing.body", { signIn: `${getConfig().publicUrl}/login`, forgot: `${getConfig().publicUrl}/forgot-password` }),
    });
  }
  return { ok: true };
}

export type LoginResult =
  | { ok: true; next: "session"; token: string; expiresAt: Date; user: UserRow; deviceCookie: string }
  | { ok: true; next: "second-factor"; pendingCookie: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * Sign in. The attempt is counted before the password is checked (app/auth/throttle.server.ts); `ip` is the network
 * per-IP limits count on, `cookie` the request's Cookie header (a device cookie lifts others' throttles). On success
 * `deviceCookie` is a fresh device cookie for the browser (Set-Cookie). An account with a second factor gets no session
 * yet: a pending sign-in bound to this browser (`pendingCookie`), finished at /login/second-factor with a code.
 */
export async function login(input: {
  email: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
  cookie?: string | null;
  /** Where to go once signed in (already checked to be on-site), kept with a pending sign-in. */
  redirectTo?: string | null;
}): Promise<LoginResult> {
  const email = normaliseEmail(input.email);
  const attempt = signInAttempt({ email, network: input.ip, cookie: input.cookie });
  const reserved = await reserveSignInAttempt(attempt);
  if (!reserved.allowed) return { ok: false, reason: "throttled", retryAfterSeconds: reserved.retryAfterSeconds };
  const found = await findPasswordHashByEmail(email);
  const valid = found ? await verifyPassword(found.passwordHash, input.password) : (await verifyAgainstDummy(input.password), false);
  if (!found || !valid) return { ok: false, reason: "invalid" };
  await releaseSignInAttempt(attempt);
  const user = await findUserByEmail(email);
  if (!user) return { ok: false, reason: "invalid" };
  if (await hasSecondFactor(user.id)) {
    return { ok: true, next: "second-factor", pendingCookie: await beginPendingSignIn(user.id, input.redirectTo ?? null) };
  }
  const { token, session } = await createSession(user.id, input.userAgent);
  return { ok: true, next: "session", token, expiresAt: session.expiresAt, user, deviceCookie: serializeDeviceCookie(email) };
}

/** `locale`: the asking request's language, used unless the account chose one. */
export async function requestPasswordReset(emailInput: string, locale?: Locale): Promise<void> {
  const email = normaliseEmail(emailInput);
  const user = await findUserByEmail(email);
  if (!user) {
    // Same work as the other branch, minus the mail to nobody: an outbox insert costs about what a token does.
    await verifyAgainstDummy(email);
    return;
  }
  await verifyAgainstDummy(email);
  const token = await issueEmailToken(user, "reset_password");
  const t = tFor(recipientLocale(user.language, locale));
  await sendMail({
    to: user.email,
    subject: t("mail:reset.subject"),
    text: t("mail:reset.body", { greeting: greeting(t, user), link: emailLink("/reset-password", token) }),
  });
}

export type ResetResult = { ok: true } | { ok: false; reason: "invalid" | "expired" } | { ok: false; reason: "weak"; problem: PasswordProblem };

export async function resetPassword(token: string, password: string): Promise<ResetResult> {
  const row = await checkEmailToken(token, "reset_password");
  if (!row) return { ok: false, reason: "invalid" };
  const problem = passwordProblem(password, { email: row.email });
  if (problem) return { ok: false, reason: "weak", problem };
  const passwordHash = await hashPassword(password);
  const ok = await getSql().begin(async (tx) => {
    if (!(await consumeEmailToken(row.id, tx))) return false;
    await updatePasswordHash(row.userId, passwordHash, tx);
    await markEmailVerified(row.userId, row.email, tx); // they proved they read this mailbox
    await endAccountAccess(row.userId, null, tx);
    return true;
  });
  return ok ? { ok: true } : { ok: false, reason: "expired" };
}

export type ChangePasswordResult =
  | { ok: true; token: string; expiresAt: Date }
  | { ok: false; fieldErrors: Partial<Record<"currentPassword" | "newPassword", FieldProblem>> };

/** Change the password, end every session and token, retire reset links, and open a fresh session for this browser. */
export async function changePassword(
  user: { id: string; email: string; name: string },
  input: { currentPassword: string; newPassword: string; userAgent: string | null; secondFactorVerified?: boolean },
): Promise<ChangePasswordResult> {
  const hash = await findPasswordHashById(user.id);
  if (!hash || !(await verifyPassword(hash, input.currentPassword))) {
    return { ok: false, fieldErrors: { currentPassword: "currentPasswordWrong" } };
  }
  const problem = passwordProblem(input.newPassword, user);
  if (problem) return { ok: false, fieldErrors: { newPassword: problem } };
  const passwordHash = await hashPassword(input.newPassword);
  await getSql().begin(async (tx) => {
    await updatePasswordHash(user.id, passwordHash, tx);
    await retireEmailTokens(user.id, "reset_password", tx);
    await endAccountAccess(user.id, null, tx);
  });
  // The new session of this browser keeps what the old one had proved (the second factor).
  const { token, session } = await createSession(user.id, input.userAgent, new Date(), { secondFactorVerified: input.secondFactorVerified ?? false });
  return { ok: true, token, expiresAt: session.expiresAt };
}

export async function renameUser(userId: string, name: string): Promise<void> {
  await updateUserName(userId, name.trim());
}
