/**
 * The session cookie: HttpOnly, SameSite=Lax, Path=/, Secure in production (there named with the
 * `__Host-` prefix, which browsers only accept from a secure origin with no Domain attribute).
 */
import { getConfig } from "../config.server";

export function sessionCookieName(): string {
  return getConfig().isProduction ? "__Host-accord_session" : "accord_session";
}

function attributes(expires: Date | null): string {
  const parts = ["Path=/", "HttpOnly", "SameSite=Lax"];
  if (getConfig().isProduction) parts.push("Secure");
  if (expires) parts.push(`Expires=${expires.toUTCString()}`);
  else parts.push("Max-Age=0");
  return parts.join("; ");
}

export function serializeSessionCookie(token: string, expiresAt: Date): string {
  return `${sessionCookieName()}=${token}; ${attributes(expiresAt)}`;
}

export function serializeBlankSessionCookie(): string {
  return `${sessionCookieName()}=; ${attributes(null)}`;
}

/** The raw session token from a Cookie header, or null. */
export function readSessionToken(cookieHeader: string | null | undefined): string | null {
  if (!cookieHeader) return null;
  const name = sessionCookieName();
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
