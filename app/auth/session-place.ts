/**
 * Where a session is used from, in words a person recognises, without an IP address: the browser reports its own
 * time zone in a cookie (set by the page once signed in), and the server keeps a keyed hash of the network
 * (app/auth/session-place.server.ts). Browser-safe: the page sets the cookie with these helpers.
 */
export const TIME_ZONE_COOKIE = "accord_tz";

const checked = new Map<string, boolean>();

/** An IANA time zone name (or alias) this runtime knows ("Europe/Stockholm", "UTC"), else null. */
export function validTimeZone(value: string | null | undefined): string | null {
  if (!value || value.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(value)) return null;
  let ok = checked.get(value);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: value });
      ok = true;
    } catch {
      ok = false; // RangeError: not a time zone
    }
    if (checked.size < 2000) checked.set(value, ok); // names are few; a flood of made-up ones is not kept
  }
  return ok ? value : null;
}

/** The Set-Cookie value the page writes with `document.cookie` (a year; Lax; Secure on https). */
export function timeZoneCookie(timeZone: string, https: boolean): string {
  return `${TIME_ZONE_COOKIE}=${encodeURIComponent(timeZone)}; Path=/; Max-Age=31536000; SameSite=Lax${https ? "; Secure" : ""}`;
}

/** The time zone a Cookie header carries, if it is a valid one. */
export function timeZoneFromCookies(cookieHeader: string | null | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name !== TIME_ZONE_COOKIE) continue;
    try {
      return validTimeZone(decodeURIComponent(rest.join("=")));
    } catch {
      return null; // malformed percent-encoding
    }
  }
  return null;
}

/** "Europe/Stockholm" → "Stockholm (Europe)", "America/Argentina/Buenos_Aires" → "Buenos Aires (America)". */
export function describeTimeZone(timeZone: string): string {
  const parts = timeZone.split("/");
  if (parts.length === 1) return timeZone.replace(/_/g, " ");
  const city = parts[parts.length - 1]!.replace(/_/g, " ");
  return `${city} (${parts[0]!.replace(/_/g, " ")})`;
}
