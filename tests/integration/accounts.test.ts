/**
 * Account flows at the domain level (app/auth/accounts.server.ts) on a real PostgreSQL: sign-up, e-mail
 * verification, password reset and change, password rules, and enumeration-safe timing.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { getSql } from "../../db/client";
import {
  changePassword,
  login,
  peekEmailToken,
  requestPasswordReset,
  resetPassword,
  signup,
} from "../../app/auth/accounts.server";
import { confirmEmail } from "../../app/auth/email-confirmation.server";
import { inEnglish } from "../../app/auth/field-english.server";
import { resendVerificationEmail } from "../../app/auth/resend-verification.server";
import { createSession, validateSessionToken } from "../../app/auth/session.server";
import { getConfig, resetConfigCache } from "../../app/config.server";
import { findUserByEmail } from "../../db/users";
import { createUser, TEST_PASSWORD, uniqueEmail } from "../support/factories";

const GOOD_PASSWORD = "plum lantern orbit 7 fjord";

beforeAll(() => {
  // Mails are printed to the log outside production; keep the test output readable.
  process.env.ACCORD_LOG_LEVEL = "error";
  resetConfigCache();
});

interface Mail {
  id: number;
  subject: string;
  text: string;
}

async function mailsTo(address: string): Promise<Mail[]> {
  return getSql()<Mail[]>`select id, subject, text_body as text from outbox where to_address = ${address} order by id`;
}

async function lastMailTo(address: string): Promise<Mail> {
  const mails = await mailsTo(address);
  const last = mails.at(-1);
  if (!last) throw new Error(`no mail to ${address}`);
  return last;
}

/** The token of the link in a mail: `<publicUrl><path>?token=…`. */
function tokenFrom(mail: Mail, path: "/verify-email" | "/reset-password"): string {
  const prefix = `${getConfig().publicUrl}${path}?token=`;
  const start = mail.text.indexOf(prefix);
  if (start === -1) throw new Error(`no ${path} link in "${mail.subject}"`);
  return decodeURIComponent(mail.text.slice(start + prefix.length).split(/\s/)[0]!);
}

/** Confirm from a browser that is not signed in to the account: the confirmer chooses name and password. */
const verifyEmail = (token: string, password = GOOD_PASSWORD) => confirmEmail({ token, session: null, chosen: { name: "Confirmer", password } });

async function countUsers(email: string): Promise<number> {
  const [row] = await getSql()<{ n: number }[]>`select count(*)::int as n from users where email = ${email}`;
  return row!.n;
}

async function loginOk(email: string, password: string): Promise<boolean> {
  const result = await login({ email, password, ip: null, userAgent: "test" });
  return result.ok;
}

describe("signing up", () => {
  it("creates an unverified user and an outbox mail with a verification link", async () => {
    const email = uniqueEmail("new");
    expect(await signup({ name: "Ada Lovelace", email, password: GOOD_PASSWORD })).toEqual({ ok: true });
    const user = await findUserByEmail(email);
    expect(user).not.toBeNull();
    expect(user!.name).toBe("Ada Lovelace");
    expect(user!.emailVerifiedAt).toBeNull();
    const mail = await lastMailTo(email);
    expect(mail.subject).toMatch(/confirm your e-mail/i);
    expect(mail.text).toContain(`${getConfig().publicUrl}/verify-email?token=`);
    expect(await peekEmailToken(tokenFrom(mail, "/verify-email"), "verify_email")).toBe("valid");
  });

  it("stores the e-mail trimmed and lower-cased, so the same person cannot sign up twice by changing case", async () => {
    const email = uniqueEmail("case");
    await signup({ name: "Case", email: `  ${email.toUpperCase()} `, password: GOOD_PASSWORD });
    expect(await countUsers(email)).toBe(1);
    expect(await signup({ name: "Case again", email, password: GOOD_PASSWORD })).toEqual({ ok: true });
    expect(await countUsers(email)).toBe(1);
  });

  it("answers the same for a confirmed e-mail already registered, creates no second user, and tells the owner someone tried", async () => {
    const email = uniqueEmail("taken");
    const first = await signup({ name: "Owner", email, password: GOOD_PASSWORD });
    await verifyEmail(tokenFrom(await lastMailTo(email), "/verify-email"));
    const second = await signup({ name: "Intruder", email, password: "another decent passphrase 9" });
    expect(second).toEqual(first);
    expect(await countUsers(email)).toBe(1);
    const user = await findUserByEmail(email);
    expect(user!.name).toBe("Confirmer");
    const mails = await mailsTo(email);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.subject).toMatch(/someone tried/i);
    expect(mails[1]!.text).toContain("/forgot-password");
    expect(mails[1]!.text).not.toContain("token=");
    // The intruder's password does not open the account; the owner's still does.
    expect(await loginOk(email, "another decent passphrase 9")).toBe(false);
    expect(await loginOk(email, GOOD_PASSWORD)).toBe(true);
  });

  it("sends a second sign-up for an unconfirmed address a confirmation link, and whoever confirms sets the password", async () => {
    const email = uniqueEmail("squatted");
    await signup({ name: "First comer", email, password: "first comer passphrase 31" });
    expect(await signup({ name: "Real owner", email, password: "real owner passphrase 42" })).toEqual({ ok: true });
    expect(await countUsers(email)).toBe(1);
    const mails = await mailsTo(email);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.subject).toMatch(/confirm your e-mail/i);
    // The newest link replaced the first one; confirming it needs a new password, which then is the only one.
    expect(await peekEmailToken(tokenFrom(mails[0]!, "/verify-email"), "verify_email")).toBe("expired");
    const token = tokenFrom(mails[1]!, "/verify-email");
    expect(await confirmEmail({ token, session: null, chosen: null })).toEqual({ ok: false, reason: "choose-password" });
    expect(await confirmEmail({ token, session: null, chosen: { name: "Real Owner", password: "real owner passphrase 42" } })).toMatchObject({ ok: true });
    expect(await loginOk(email, "first comer passphrase 31")).toBe(false);
    expect(await loginOk(email, "real owner passphrase 42")).toBe(true);
    expect((await findUserByEmail(email))!.name).toBe("Real Owner");
  });

  it("never repeats the chosen name in mails to an unconfirmed address", async () => {
    const email = uniqueEmail("phish");
    const name = "Accord security notice: re-verify at https://accord-verify.example/login";
    await signup({ name, email, password: GOOD_PASSWORD });
    await signup({ name, email, password: GOOD_PASSWORD });
    await requestPasswordReset(email);
    const mails = await mailsTo(email);
    expect(mails).toHaveLength(3);
    for (const mail of mails) {
      expect(mail.text).not.toContain("accord-verify.example");
      expect(mail.text).not.toContain("security notice");
      expect(mail.text).toMatch(/^Hello,\n/);
    }
  });
});

describe("the verification link", () => {
  it("works once: the second use is refused and peeking never consumes it", async () => {
    const email = uniqueEmail("verify");
    await signup({ name: "V", email, password: GOOD_PASSWORD });
    const token = tokenFrom(await lastMailTo(email), "/verify-email");
    // Looking at the link (what GET /verify-email does) changes nothing, however often.
    expect(await peekEmailToken(token, "verify_email")).toBe("valid");
    expect(await peekEmailToken(token, "verify_email")).toBe("valid");
    expect((await findUserByEmail(email))!.emailVerifiedAt).toBeNull();

    const first = await verifyEmail(token);
    expect(first.ok).toBe(true);
    expect((await findUserByEmail(email))!.emailVerifiedAt).toBeInstanceOf(Date);
    expect(await verifyEmail(token)).toEqual({ ok: false, reason: "expired" });
    expect(await peekEmailToken(token, "verify_email")).toBe("expired");
  });

  it("refuses tampered, truncated and foreign tokens as invalid", async () => {
    const email = uniqueEmail("tamper");
    await signup({ name: "T", email, password: GOOD_PASSWORD });
    const token = tokenFrom(await lastMailTo(email), "/verify-email");
    const [id, secret] = token.split(".") as [string, string];
    const flipped = secret.slice(0, -1) + (secret.endsWith("a") ? "b" : "a");
    for (const bad of [`${id}.${flipped}`, id, `${id}.`, token + "x", "", "../../etc/passwd", "' or 1=1 --", `${id}.${secret}.${secret}`]) {
      expect(await peekEmailToken(bad, "verify_email"), bad).toBe("invalid");
      expect(await verifyEmail(bad), bad).toEqual({ ok: false, reason: "invalid" });
    }
    // A verification token is not a reset token.
    expect(await peekEmailToken(token, "reset_password")).toBe("invalid");
    expect(await resetPassword(token, "an entirely new passphrase 1")).toEqual({ ok: false, reason: "invalid" });
    expect(await verifyEmail(token)).toMatchObject({ ok: true });
  });

  it("can be sent again at most once a minute, and the new link replaces the old one", async () => {
    const user = await createUser({ verified: false });
    expect(await resendVerificationEmail(user)).toEqual({ ok: true });
    const firstToken = tokenFrom(await lastMailTo(user.email), "/verify-email");
    const again = await resendVerificationEmail(user);
    expect(again).toMatchObject({ ok: false, reason: "too-soon" });
    expect(again.ok === false && again.reason === "too-soon" && again.retryAfterSeconds).toBeGreaterThan(55);
    expect(await mailsTo(user.email)).toHaveLength(1);

    // A minute later (moved back in time in the database) another is allowed and retires the first.
    await getSql()`update email_tokens set created_at = now() - interval '61 seconds' where user_id = ${user.id}`;
    expect(await resendVerificationEmail(user)).toEqual({ ok: true });
    const secondToken = tokenFrom(await lastMailTo(user.email), "/verify-email");
    expect(secondToken).not.toBe(firstToken);
    expect(await peekEmailToken(firstToken, "verify_email")).toBe("expired");
    expect(await verifyEmail(secondToken)).toMatchObject({ ok: true });
  });

  it("sends only one mail when several resend requests race", async () => {
    const user = await createUser({ verified: false });
    // Open pooled connections first, so the requests truly run side by side (unguarded, all five would send).
    await Promise.all(Array.from({ length: 5 }, () => getSql()`select pg_sleep(0.05)`));
    const results = await Promise.all(Array.from({ length: 5 }, () => resendVerificationEmail(user)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await mailsTo(user.email)).toHaveLength(1);
  });

  it("is not sent to an address already confirmed", async () => {
    const user = await createUser({ verified: true });
    expect(await resendVerificationEmail(user)).toEqual({ ok: false, reason: "already-verified" });
    expect(await mailsTo(user.email)).toHaveLength(0);
  });
});

describe("the password reset link", () => {
  it("changes the password, works once, and ends every existing session", async () => {
    const user = await createUser();
    const a = await createSession(user.id, "laptop");
    const b = await createSession(user.id, "phone");
    await requestPasswordReset(user.email.toUpperCase());
    const mail = await lastMailTo(user.email);
    expect(mail.subject).toMatch(/reset your accord password/i);
    const token = tokenFrom(mail, "/reset-password");

    expect(await resetPassword(token, "a brand new passphrase 77")).toEqual({ ok: true });
    expect(await validateSessionToken(a.token)).toBeNull();
    expect(await validateSessionToken(b.token)).toBeNull();
    expect(await loginOk(user.email, TEST_PASSWORD)).toBe(false);
    expect(await loginOk(user.email, "a brand new passphrase 77")).toBe(true);

    expect(await resetPassword(token, "yet another passphrase 88")).toEqual({ ok: false, reason: "expired" });
    expect(await loginOk(user.email, "a brand new passphrase 77")).toBe(true);
  });

  it("expires: after its hour it no longer works and the password stays as it was", async () => {
    const user = await createUser();
    await requestPasswordReset(user.email);
    const token = tokenFrom(await lastMailTo(user.email), "/reset-password");
    await getSql()`update email_tokens set expires_at = now() - interval '1 second' where user_id = ${user.id} and purpose = 'reset_password'`;
    expect(await peekEmailToken(token, "reset_password")).toBe("expired");
    expect(await resetPassword(token, "a brand new passphrase 77")).toEqual({ ok: false, reason: "expired" });
    expect(await loginOk(user.email, TEST_PASSWORD)).toBe(true);
  });

  it("is valid for one hour, and asking again retires the earlier link", async () => {
    const user = await createUser();
    await requestPasswordReset(user.email);
    const first = tokenFrom(await lastMailTo(user.email), "/reset-password");
    const [row] = await getSql()<{ minutes: number }[]>`
      select extract(epoch from expires_at - created_at)::float8 / 60 as minutes
      from email_tokens where user_id = ${user.id} and purpose = 'reset_password'`;
    expect(row!.minutes).toBeCloseTo(60, 0);
    await requestPasswordReset(user.email);
    const second = tokenFrom(await lastMailTo(user.email), "/reset-password");
    expect(await peekEmailToken(first, "reset_password")).toBe("expired");
    expect(await peekEmailToken(second, "reset_password")).toBe("valid");
  });

  it("keeps the token usable when the new password is refused as weak", async () => {
    const user = await createUser();
    await requestPasswordReset(user.email);
    const token = tokenFrom(await lastMailTo(user.email), "/reset-password");
    expect(await resetPassword(token, "qwerty123456")).toMatchObject({ ok: false, reason: "weak" });
    expect(await peekEmailToken(token, "reset_password")).toBe("valid");
  });

  it("sends nothing for an address no account uses", async () => {
    const email = uniqueEmail("nobody");
    await requestPasswordReset(email);
    expect(await mailsTo(email)).toHaveLength(0);
  });
});

describe("changing the password", () => {
  it("needs the current password, ends the other sessions and returns a fresh one for this browser", async () => {
    const user = await createUser();
    const here = await createSession(user.id, "here");
    const elsewhere = await createSession(user.id, "elsewhere");

    const wrong = await changePassword(user, { currentPassword: "not my password at all", newPassword: "fresh passphrase for me 5", userAgent: null });
    expect(wrong).toEqual({ ok: false, fieldErrors: { currentPassword: "currentPasswordWrong" } });
    expect(await validateSessionToken(elsewhere.token)).not.toBeNull();

    const result = await changePassword(user, { currentPassword: TEST_PASSWORD, newPassword: "fresh passphrase for me 5", userAgent: "here" });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(await validateSessionToken(elsewhere.token)).toBeNull();
    expect(await validateSessionToken(here.token)).toBeNull();
    expect((await validateSessionToken(result.token))?.user.id).toBe(user.id);
    expect(await loginOk(user.email, "fresh passphrase for me 5")).toBe(true);
    expect(await loginOk(user.email, TEST_PASSWORD)).toBe(false);
  });
});

describe("password rules", () => {
  const cases: [string, string, RegExp][] = [
    ["a short one", "short pw", /at least 12 characters/],
    ["an empty one", "", /at least 12 characters/],
    ["257 characters", "abcdefghij".repeat(25) + "abcdefg", /at most 256 characters/],
    ["a common password", "qwerty123456", /most commonly used/],
    ["a common password in other case", "QWERTY123456", /most commonly used/],
    ["one character repeated", "aaaaaaaaaaaaaaaa", /repeats too few characters/],
    ["two characters alternated", "abababababababab", /repeats too few characters/],
    ["one built from the e-mail address", "rosalind.franklin-2024!", /e-mail address/],
  ];
  for (const [label, password, message] of cases) {
    it(`refuses ${label} with a clear message and creates nothing`, async () => {
      const address = password.includes("rosalind") ? `rosalind.franklin@${uniqueEmail("domain").split("@")[0]}.example.org` : uniqueEmail();
      const result = await signup({ name: "Rosalind", email: address, password });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(inEnglish(result.fieldErrors.password!)).toMatch(message);
      expect(await countUsers(address)).toBe(0);
    });
  }

  it("refuses the name itself as the password", async () => {
    const result = await signup({ name: "Grace Brewster Hopper", email: uniqueEmail(), password: "Grace Brewster Hopper" });
    expect(result).toEqual({ ok: false, fieldErrors: { password: "passwordIsName" } });
  });

  it("accepts exactly 256 characters and does not truncate them: changing the last one fails to sign in", async () => {
    const password = Array.from({ length: 256 }, (_, i) => "abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7) % 36]).join("");
    expect(password).toHaveLength(256);
    const email = uniqueEmail("long");
    expect(await signup({ name: "Long", email, password })).toEqual({ ok: true });
    expect(await loginOk(email, password)).toBe(true);
    const lastChanged = password.slice(0, 255) + (password.endsWith("x") ? "y" : "x");
    expect(await loginOk(email, lastChanged)).toBe(false);
    expect(await loginOk(email, password.slice(0, 255))).toBe(false);
  });

  it("counts characters, not bytes: 256 emoji are accepted and the last one matters", async () => {
    const chars = Array.from({ length: 256 }, (_, i) => ["🦊", "🌲", "🔑", "🌊", "🎈", "🧭", "📜", "🐝"][(i * 3) % 8]!);
    const password = chars.join("");
    expect([...password]).toHaveLength(256);
    const email = uniqueEmail("emoji");
    expect(await signup({ name: "Emoji", email, password })).toEqual({ ok: true });
    expect(await loginOk(email, password)).toBe(true);
    expect(await loginOk(email, chars.slice(0, 255).join("") + (chars[255] === "🦊" ? "🌲" : "🦊"))).toBe(false);
  });
});

// Timing on a shared machine is noisy (other processes take the CPU mid-measurement): each comparison
// interleaves the two cases, compares medians, and may be measured again; a real difference fails every time.
describe("similar timing whether or not an e-mail is registered", { retry: 2 }, () => {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  async function time(fn: () => Promise<unknown>): Promise<number> {
    const start = performance.now();
    await fn();
    return performance.now() - start;
  }
  async function medians(registered: () => Promise<unknown>, unregistered: () => Promise<unknown>, rounds = 9) {
    await registered(); // warm both paths (the dummy hash is computed on first use)
    await unregistered();
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < rounds; i++) {
      a.push(await time(registered)); // interleaved, so drift in machine load hits both alike
      b.push(await time(unregistered));
    }
    return { registered: median(a), unregistered: median(b) };
  }

  it("for a wrong password at sign-in", async () => {
    // A fresh account per attempt keeps the account throttle out of the measurement (it would answer fast).
    const users = await Promise.all(Array.from({ length: 10 }, () => createUser()));
    let i = 0;
    const m = await medians(
      () => login({ email: users[i++ % users.length]!.email, password: "wrong password here", ip: null, userAgent: null }),
      () => login({ email: uniqueEmail("ghost"), password: "wrong password here", ip: null, userAgent: null }),
    );
    const ratio = m.registered / m.unregistered;
    expect(ratio, `registered ${m.registered.toFixed(1)} ms, unregistered ${m.unregistered.toFixed(1)} ms`).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it("for a password reset request", async () => {
    const user = await createUser();
    const m = await medians(
      () => requestPasswordReset(user.email),
      () => requestPasswordReset(uniqueEmail("ghost")),
    );
    const ratio = m.registered / m.unregistered;
    expect(ratio, `registered ${m.registered.toFixed(1)} ms, unregistered ${m.unregistered.toFixed(1)} ms`).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it("for a sign-up", async () => {
    const taken = await createUser();
    const m = await medians(
      () => signup({ name: "Again", email: taken.email, password: GOOD_PASSWORD }),
      () => signup({ name: "Fresh", email: uniqueEmail("fresh"), password: GOOD_PASSWORD }),
    );
    const ratio = m.registered / m.unregistered;
    expect(ratio, `registered ${m.registered.toFixed(1)} ms, new ${m.unregistered.toFixed(1)} ms`).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});
