/**
 * Numbers and dates in the page's language with Intl. Dates are formatted in UTC (with "UTC" said) so the server's
 * render and the browser's hydration always agree. Also a date's machine-readable value for <time dateTime>
 * (`isoString`, re-exported by app/utils/dates.ts), here so that a page needing no more of app/utils/dates.ts (the
 * document page) does not load its English month names.
 */
import type { Locale } from "./locales";

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function dateFormat(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d ${locale} ${JSON.stringify(options)}`;
  let format = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!format) cache.set(key, (format = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : locale, { ...options, timeZone: "UTC" })));
  return format;
}

/** "5 Dec 2026, 14:03 UTC", "5 déc. 2026, 14:03 UTC"… */
export function formatDateTimeIn(locale: Locale, date: Date): string {
  return `${dateFormat(locale, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }).format(date)} UTC`;
}

/** "5 December 2026", "5 décembre 2026"… (a calendar day, from a Date or an ISO date). */
export function formatDayIn(locale: Locale, date: Date | string): string {
  const value = typeof date === "string" ? new Date(`${date.slice(0, 10)}T00:00:00Z`) : date;
  if (Number.isNaN(value.getTime())) return String(date);
  return dateFormat(locale, { day: "numeric", month: "long", year: "numeric" }).format(value);
}

/** "1,234" / "1 234" / "1.234" as the language writes it. */
export function formatNumberIn(locale: Locale, value: number): string {
  const key = `n ${locale}`;
  let format = cache.get(key) as Intl.NumberFormat | undefined;
  if (!format) cache.set(key, (format = new Intl.NumberFormat(locale === "en" ? "en-GB" : locale)));
  return format.format(value);
}

/** "5 minutes ago", "il y a 5 minutes"…, else the date, for a moment in the past. */
export function timeAgoIn(locale: Locale, date: Date, now: Date = new Date()): string {
  const seconds = Math.max(0, Math.round((now.getTime() - date.getTime()) / 1000));
  const words = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  if (seconds < 60) return words.format(0, "second");
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return words.format(-minutes, "minute");
  const hours = Math.round(minutes / 60);
  if (hours < 24) return words.format(-hours, "hour");
  const days = Math.round(hours / 24);
  if (days < 14) return words.format(-days, "day");
  return formatDateTimeIn(locale, date);
}

/** The date a value stands for; null when it stands for none. */
export function toDate(value: Date | string): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Machine-readable value for <time dateTime>; a value that is no date is given back as written. */
export function isoString(value: Date | string): string {
  const date = toDate(value);
  return date ? date.toISOString() : String(value);
}
