/**
 * Confirming an e-mail address, and changing the address of an account that has not confirmed it.
 *
 * An unconfirmed account belongs to whoever typed the address first, who may not own it (review H2). So the person
 * who confirms decides: unless they are signed in to that very account in this browser, or this browser is the one
 * that signed up for it (app/auth/signup-browser.server.ts) — either way they know its password —, confirming asks for
 * the account's name and a new password, and ends every session and personal access
 * token the account had — the first registrant's included. Until then the account can do nothing but confirm or
 * change its address (app/auth/access-gate.server.ts).
 * Mails to an unconfirmed address never repeat the account's name (anyone can choose it, URLs included), and each
 * one counts against the address's sign-up allowance (app/auth/request-limits.server.ts).
 */
import { getSql } from "../../db/client";
import { consumeEmailToken, retireEmailTokens } from "../../db/email-tokens";
import { markEmailVerified, updatePasswordHash, updateUnconfirmedEmail, updateUserName, type UserRow } from "../../db/users";
import { sendMail } from "../mail/mailer.server";
import { tFor } from "../i18n/strings.server";
import type { Locale } from "../i18n/locales";
import { recipientLocale } from "../mail/recipient-locale";
import { endAccountAccess } from "./account-access.server";
import { checkEmailToken, emailLink, issueEmailToken, linkState, type LinkExtras, type LinkState } from "./email-links.server";
import { isSigningUpBrowser } from "./signup-browser.server";
import type { PasswordProblem } from "./field-problems";
import { hashPassword, passwordProblem } from "./password.server";

/** The confirmation link, to the account's current address, without its name. */
export async function sendConfirmationMail(user: { id: string; email: string; language?: string | null }, extras: LinkExtras = {}, locale?: Locale): Promise<void> {
  const token = await issueEmailToken(user, "verify_email", extras);
  const t = tFor(recipientLocale(user.language, locale));
  await sendMail({
    to: user.email,
    subject: t("mail:confirm.subject"),
    text: t("mail:confirm.body", { link: emailLink("/verify-email", token) }),
  });
}

/**
 * What the link page shows: whether the link works, for which account (to know who is confirming), and whether this
 * browser is the one that signed up for it (then it chose the password).
 */
export async function inspectConfirmationLink(token: string, browserSecret: string | null = null): Promise<{ state: LinkState; userId: string | null; signingUpBrowser: boolean }> {
  const row = await checkEmailToken(token, "verify_email");
  const state = linkState(row);
  const valid = state === "valid" && row !== null;
  return { state, userId: valid ? row.userId : null, signingUpBrowser: valid && isSigningUpBrowser(row.browserHash, browserSecret) };
}

export type ConfirmResult =
  /** `signIn`: confirmed from the browser that signed up (it chose the password): open a session for it. */
  | { ok: true; userId: string; keptSession: boolean; signIn: boolean; next: string | null }
  | { ok: false; reason: "invalid" | "expired" }
  | { ok: false; reason: "choose-password" }
  | { ok: false; reason: "weak"; problem: PasswordProblem };

export interface ConfirmInput {
  token: string;
  /** The browser's session, if any: confirming from the account's own session needs no new password. */
  session: { userId: string; sessionId: string } | null;
  /** The name and new password chosen by whoever confirms (needed unless `session` is the account's). */
  chosen: { name: string; password: string } | null;
  /** The secret of the browser that signed up, from its cookie (app/auth/signup-browser.server.ts). */
  browserSecret?: string | null;
}

export async function confirmEmail(input: ConfirmInput): Promise<ConfirmResult> {
  const row = await checkEmailToken(input.token, "verify_email");
  if (!row) return { ok: false, reason: "invalid" };
  if (linkState(row) !== "valid") return { ok: false, reason: "expired" };
  const keep = input.session?.userId === row.userId ? input.session.sessionId : null;
  const registrant = !keep && isSigningUpBrowser(row.browserHash, input.browserSecret ?? null);
  const chosen = keep || registrant ? null : input.chosen;
  if (!keep && !registrant && !chosen) return { ok: false, reason: "choose-password" };
  let passwordHash: string | null = null;
  if (chosen) {
    const problem = passwordProblem(chosen.password, { email: row.email, name: chosen.name });
    if (problem) return { ok: false, reason: "weak", problem };
    passwordHash = await hashPassword(chosen.password);
  }
  const ok = await getSql().begin(async (tx) => {
    if (!(await consumeEmailToken(row.id, tx))) return false;
    if (!(await markEmailVerified(row.userId, row.email, tx))) return false;
    if (chosen && passwordHash) {
      await updatePasswordHash(row.userId, passwordHash, tx);
      await updateUserName(row.userId, chosen.name.trim(), tx);
      await retireEmailTokens(row.userId, "reset_password", tx);
    }
    await endAccountAccess(row.userId, keep, tx);
    return true;
  });
  return ok ? { ok: true, userId: row.userId, keptSession: keep !== null, signIn: registrant, next: row.nextPath } : { ok: false, reason: "expired" };
}

export type AddressChangeResult = { ok: true } | { ok: false; reason: "confirmed" | "taken" };

/**
 * Move an unconfirmed account to another address and send the link there; the old address is free at once and its
 * links stop working. An address another account uses is refused: like a sign-up followed by a sign-in, this tells
 * the person that the address has an account, so it counts against the same allowances (the route spends them).
 */
export async function changeUnconfirmedAddress(user: Pick<UserRow, "id" | "email" | "emailVerifiedAt">, email: string): Promise<AddressChangeResult> {
  if (user.emailVerifiedAt) return { ok: false, reason: "confirmed" };
  if (email !== user.email && !(await updateUnconfirmedEmail(user.id, email))) return { ok: false, reason: "taken" };
  await sendConfirmationMail({ id: user.id, email });
  return { ok: true };
}
