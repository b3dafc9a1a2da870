/**
 * Account flows: sign up, verify e-mail, sign in, reset and change password, rename.
 * Answers never reveal whether an e-mail is registered: sign-up and reset give the same words and spend the
 * same work (one Argon2 hash or verification, one e-mail) in both cases.
 */
import { getSql } from "../../db/client";
import { consumeEmailToken, findEmailToken, insertEmailToken, retireEmailTokens, type EmailTokenPurpose } from "../../db/email-tokens";
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
import { hashPassword, passwordProblem, verifyAgainstDummy, verifyPassword } from "./password.server";
import { createSecretToken, parseSecretToken, secretMatches } from "./secret-token.server";
import { createSession, invalidateUserSessions } from "./session.server";
import { serializeDeviceCookie } from "./device-cookie.server";
import { releaseSignInAttempt, reserveSignInAttempt, signInAttempt } from "./throttle.server";

const VERIFY_TTL_MS = 48 * 3600 * 1000;
const RESET_TTL_MS = 3600 * 1000;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

async function issueEmailToken(user: { id: string; email: string }, purpose: EmailTokenPurpose): Promise<string> {
  const ttl = purpose === "verify_email" ? VERIFY_TTL_MS : RESET_TTL_MS;
  const { id, token, secretHash } = createSecretToken();
  await retireEmailTokens(user.id, purpose);
  await insertEmailToken({ id, secretHash, userId: user.id, purpose, email: user.email, expiresAt: new Date(Date.now() + ttl) });
  return token;
}

const link = (path: string, token: string) => `${getConfig().publicUrl}${path}?token=${encodeURIComponent(token)}`;

export async function sendVerificationEmail(user: { id: string; email: string; name: string }): Promise<void> {
  const token = await issueEmailToken(user, "verify_email");
  await sendMail({
    to: user.email,
    subject: "Confirm your e-mail address for Accord",
    text: `Hello ${user.name},\n\nPlease confirm your e-mail address by opening this link (valid for 48 hours):\n\n${link("/verify-email", token)}\n\nIf you did not create an Accord account, ignore this message.\n`,
  });
}

export type SignupResult = { ok: true } | { ok: false; fieldErrors: Partial<Record<"name" | "email" | "password", string>> };

export async function signup(input: { name: string; email: string; password: string }): Promise<SignupResult> {
  const email = normaliseEmail(input.email);
  const problem = passwordProblem(input.password, { email, name: input.name });
  if (problem) return { ok: false, fieldErrors: { password: problem } };
  const passwordHash = await hashPassword(input.password);
  const user = await insertUser({ email, name: input.name.trim(), passwordHash });
  if (user) {
    await sendVerificationEmail(user);
  } else {
    await sendMail({
      to: email,
      subject: "Someone tried to create an Accord account with your e-mail",
      text: `Someone (perhaps you) tried to create an Accord account with this e-mail address, which already has one.\n\nSign in: ${getConfig().publicUrl}/login\nForgot your password? ${getConfig().publicUrl}/forgot-password\n\nIf it was not you, you can ignore this message.\n`,
    });
  }
  return { ok: true };
}

export type VerifyResult = { ok: true; userId: string } | { ok: false; reason: "invalid" | "expired" };

async function checkEmailToken(token: string, purpose: EmailTokenPurpose) {
  const parsed = parseSecretToken(token);
  if (!parsed) return null;
  const row = await findEmailToken(parsed.id, purpose);
  if (!row || !secretMatches(parsed.secret, row.secretHash)) return null;
  return row;
}

/** Is this link still usable? (Read-only: the GET page uses it to choose what to show.) */
export async function peekEmailToken(token: string, purpose: EmailTokenPurpose): Promise<"valid" | "invalid" | "expired"> {
  const row = await checkEmailToken(token, purpose);
  if (!row) return "invalid";
  if (row.usedAt || row.expiresAt.getTime() <= Date.now()) return "expired";
  return "valid";
}

export async function verifyEmail(token: string): Promise<VerifyResult> {
  const row = await checkEmailToken(token, "verify_email");
  if (!row) return { ok: false, reason: "invalid" };
  const ok = await getSql().begin(async (tx) => {
    if (!(await consumeEmailToken(row.id, tx))) return false;
    return markEmailVerified(row.userId, row.email, tx);
  });
  return ok ? { ok: true, userId: row.userId } : { ok: false, reason: "expired" };
}

export type LoginResult =
  | { ok: true; token: string; expiresAt: Date; user: UserRow; deviceCookie: string }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

/**
 * Sign in. The attempt is counted before the password is checked (app/auth/throttle.server.ts); `ip` is the network
 * per-IP limits count on, `cookie` the request's Cookie header (a device cookie lifts others' throttles). On success
 * `deviceCookie` is a fresh device cookie for the browser (Set-Cookie).
 */
export async function login(input: {
  email: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
  cookie?: string | null;
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
  const { token, session } = await createSession(user.id, input.userAgent);
  return { ok: true, token, expiresAt: session.expiresAt, user, deviceCookie: serializeDeviceCookie(email) };
}

export async function requestPasswordReset(emailInput: string): Promise<void> {
  const email = normaliseEmail(emailInput);
  const user = await findUserByEmail(email);
  if (!user) {
    // Same work as the other branch, minus the mail to nobody: an outbox insert costs about what a token does.
    await verifyAgainstDummy(email);
    return;
  }
  await verifyAgainstDummy(email);
  const token = await issueEmailToken(user, "reset_password");
  await sendMail({
    to: user.email,
    subject: "Reset your Accord password",
    text: `Hello ${user.name},\n\nTo choose a new password, open this link (valid for one hour):\n\n${link("/reset-password", token)}\n\nIf you did not ask for this, ignore this message: your password stays as it is.\n`,
  });
}

export type ResetResult = { ok: true } | { ok: false; reason: "invalid" | "expired" } | { ok: false; reason: "weak"; message: string };

export async function resetPassword(token: string, password: string): Promise<ResetResult> {
  const row = await checkEmailToken(token, "reset_password");
  if (!row) return { ok: false, reason: "invalid" };
  const problem = passwordProblem(password, { email: row.email });
  if (problem) return { ok: false, reason: "weak", message: problem };
  const passwordHash = await hashPassword(password);
  const ok = await getSql().begin(async (tx) => {
    if (!(await consumeEmailToken(row.id, tx))) return false;
    await updatePasswordHash(row.userId, passwordHash, tx);
    await markEmailVerified(row.userId, row.email, tx); // they proved they read this mailbox
    return true;
  });
  if (!ok) return { ok: false, reason: "expired" };
  await invalidateUserSessions(row.userId);
  return { ok: true };
}

export type ChangePasswordResult =
  | { ok: true; token: string; expiresAt: Date }
  | { ok: false; fieldErrors: Partial<Record<"currentPassword" | "newPassword", string>> };

/** Change the password, end every session, and open a fresh one for the browser that asked. */
export async function changePassword(
  user: { id: string; email: string; name: string },
  input: { currentPassword: string; newPassword: string; userAgent: string | null },
): Promise<ChangePasswordResult> {
  const hash = await findPasswordHashById(user.id);
  if (!hash || !(await verifyPassword(hash, input.currentPassword))) {
    return { ok: false, fieldErrors: { currentPassword: "That is not your current password." } };
  }
  const problem = passwordProblem(input.newPassword, user);
  if (problem) return { ok: false, fieldErrors: { newPassword: problem } };
  await updatePasswordHash(user.id, await hashPassword(input.newPassword));
  await invalidateUserSessions(user.id);
  const { token, session } = await createSession(user.id, input.userAgent);
  return { ok: true, token, expiresAt: session.expiresAt };
}

export async function renameUser(userId: string, name: string): Promise<void> {
  await updateUserName(userId, name.trim());
}
