/**
 * The browser that signs up keeps a random secret in a cookie (`accord_signup`, HttpOnly, 48 hours; Path=/ because
 * Remix posts the confirmation to `/verify-email.data`, which a narrower path would not reach); a new account's confirmation link stores its SHA-256. Whoever confirms from that browser is the
 * person who chose the account's password, so confirming needs no second password and signs them in. Anyone else
 * who confirms chooses the name and password (app/auth/email-confirmation.server.ts). The cookie is set on every
 * sign-up answer, whether or not the address already had an account, so it tells nothing.
 */
import { sha256 } from "@oslojs/crypto/sha2";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";
import { getConfig } from "../config.server";
import { cookieName, readCookie } from "./cookie.server";

const BASE_NAME = "accord_signup";
const MAX_AGE_SECONDS = 48 * 3600;

function attributes(maxAgeSeconds: number): string {
  return `Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${getConfig().isHttps ? "; Secure" : ""}`;
}

export function newSignupSecret(): string {
  return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(20)));
}

export const signupSecretHash = (secret: string): Uint8Array => sha256(new TextEncoder().encode(secret));

export function serializeSignupCookie(secret: string): string {
  return `${cookieName(BASE_NAME)}=${secret}; ${attributes(MAX_AGE_SECONDS)}`;
}

/** Forget the secret once the account is confirmed. */
export function clearSignupCookie(): string {
  return `${cookieName(BASE_NAME)}=; ${attributes(0)}`;
}

export function readSignupSecret(cookieHeader: string | null | undefined): string | null {
  const value = readCookie(cookieHeader, cookieName(BASE_NAME));
  return value && /^[a-z2-7]{32}$/.test(value) ? value : null;
}

/** Did this browser sign up for the account the link was made for? */
export function isSigningUpBrowser(linkBrowserHash: Uint8Array | null, secret: string | null): boolean {
  return linkBrowserHash !== null && secret !== null && constantTimeEqual(new Uint8Array(linkBrowserHash), signupSecretHash(secret));
}
