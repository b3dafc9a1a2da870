/**
 * TOTP (RFC 6238) with @oslojs/otp: 20-byte keys, HMAC-SHA-1, 30-second steps, 6 digits — what every authenticator
 * app reads from an `otpauth://` URI. A code is accepted for the step before, the current and the one after (clock
 * drift), and the step it matched is returned so that the caller can refuse it a second time (replay).
 * The enrolment QR code is drawn on the server as inline SVG (uqr): the key never leaves for another site.
 */
import { createTOTPKeyURI, generateHOTP } from "@oslojs/otp";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { encodeBase32NoPadding } from "@oslojs/encoding";
import { getRandomValues } from "node:crypto";
import { renderSVG } from "uqr";

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
const ISSUER = "Accord";

export function generateTotpKey(): Uint8Array {
  const key = new Uint8Array(20);
  getRandomValues(key);
  return key;
}

export const stepAt = (now: Date): number => Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);

/** The step (`now`'s, or one either side) whose code `code` is; null when none. `code` must already be 6 digits. */
export function matchingStep(key: Uint8Array, code: string, now = new Date()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const here = stepAt(now);
  const given = new TextEncoder().encode(code);
  let found: number | null = null;
  for (const step of [here - 1, here, here + 1]) {
    const expected = new TextEncoder().encode(generateHOTP(key, BigInt(step), TOTP_DIGITS));
    if (constantTimeEqual(expected, given) && found === null) found = step; // every step is computed: no timing hint
  }
  return found;
}

/** The otpauth:// URI an authenticator app reads, naming the account by its e-mail. */
export function totpUri(key: Uint8Array, accountName: string): string {
  return createTOTPKeyURI(ISSUER, accountName, key, TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

/** The key as people type it into an app: base32 in groups of four. */
export function formatKeyForTyping(key: Uint8Array): string {
  return encodeBase32NoPadding(key).replace(/(.{4})(?=.)/g, "$1 ");
}

/** The enrolment QR code as an SVG document (our own markup: safe to inline). */
export function qrSvg(text: string): string {
  return renderSVG(text, { ecc: "M", pixelSize: 6, border: 2 });
}
