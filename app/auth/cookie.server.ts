/**
 * Accord's cookies (the session, and the sign-in device cookie of app/auth/device-cookie.server.ts): HttpOnly,
 * SameSite=Lax, Path=/, and, when the public URL is https (ACCORD_PUBLIC_URL, not NODE_ENV), Secure with the
 * `__Host-` name prefix, which browsers only accept from a secure origin with no Domain attribute.
 */
import { getConfig } from "../config.server";

/** The cookie's name on this deployment: `__Host-<base>` behind an https public URL, else `<base>`. */
export function cookieName(base: string): string {
  return getConfig().isHttps ? `__Host-${base}` : base;
}

export function sessionCookieName(): string {
  return cookieName("accord_session");
}

/** The attributes after `name=value`: expiring at `expires`, or removed (Max-Age=0) when null. */
export function cookieAttributes(expires: Date | null): string {
  const parts = ["Path=/", "HttpOnly", "SameSite=Lax"];
  if (getConfig().isHttps) parts.push("Secure");
  if (expires) parts.push(`Expires=${expires.toUTCString()}`);
  else parts.push("Max-Age=0");
  return parts.join("; ");
}

export function serializeSessionCookie(token: string, expiresAt: Date): string {
  return `${sessionCookieName()}=${token}; ${cookieAttributes(expiresAt)}`;
}

export function serializeBlankSessionCookie(): string {
  return `${sessionCookieName()}=; ${cookieAttributes(null)}`;
}

/** The raw session token from a Cookie header, or null. */
export function readSessionToken(cookieHeader: string | null | undefined): string | null {
  return readCookie(cookieHeader, sessionCookieName());
}

/** One cookie's value (1–200 characters) from a Cookie header, or null. */
export function readCookie(cookieHeader: string | null | undefined, name: string): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return value.length > 0 && value.length <= 200 ? value : null;
    }
  }
  return null;
}
