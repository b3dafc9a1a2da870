/**
 * Device cookies (OWASP, "Slow down online guessing attacks with device cookies"): after a successful sign-in the
 * browser gets `accord_device` (`__Host-accord_device` behind https), "<random id>.<HMAC of the id and the address>"
 * under the server's key (ACCORD_KEY_SECRET). A later sign-in to that address from that browser is throttled on its own
 * key only (app/auth/throttle.server.ts), so a person who knows their password is not locked out by someone else's
 * failures on the same network or against their account. The cookie grants nothing else: it is no credential, and a
 * stolen one buys only its own small allowance of guesses.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { cookieAttributes, cookieName, readCookie } from "./cookie.server";
import { hashedKey } from "./hashed-key.server";

const LIFETIME_MS = 365 * 24 * 3600 * 1000;

function macOf(id: string, email: string): string {
  const key = hashedKey("device", `${id}\n${email}`);
  return key.slice(key.indexOf(":") + 1);
}

function deviceCookieName(): string {
  return cookieName("accord_device");
}

/** The id of this browser's device cookie when it was issued for `email` (normalised), else null. */
export function readKnownDevice(cookieHeader: string | null | undefined, email: string): string | null {
  const value = readCookie(cookieHeader, deviceCookieName());
  const match = value ? /^([A-Za-z0-9_-]{20})\.([0-9a-f]{32})$/.exec(value) : null;
  if (!match) return null;
  const [, id, mac] = match as unknown as [string, string, string];
  const expected = Buffer.from(macOf(id, email));
  return timingSafeEqual(expected, Buffer.from(mac)) ? id : null;
}

/** A fresh device cookie for `email` (normalised), as a Set-Cookie value. */
export function serializeDeviceCookie(email: string): string {
  const id = randomBytes(15).toString("base64url");
  return `${deviceCookieName()}=${id}.${macOf(id, email)}; ${cookieAttributes(new Date(Date.now() + LIFETIME_MS))}`;
}
