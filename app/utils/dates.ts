/**
 * Dates as people read them ("19–20 May 2023"), the same on the server and in the browser:
 * formatted by hand in UTC so server rendering and hydration always agree.
 */
import { formatDateTimeIn as formatDateTimeInLocale, formatDayIn, toDate } from "../i18n/format";
import type { Locale } from "../i18n/locales";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

interface Ymd {
  year: number;
  month: number;
  day: number;
}

function parseIsoDate(value: string): Ymd | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return { year, month, day };
}

const monthName = (month: number) => MONTHS[month - 1]!;

/** "19 May 2023" from "2023-05-19". */
export function formatDay(iso: string): string {
  const d = parseIsoDate(iso);
  return d ? `${d.day} ${monthName(d.month)} ${d.year}` : iso;
}

/**
 * A workshop's dates from two ISO dates: "24 May 2023", "19–20 May 2023", "30 May – 2 June 2023",
 * "30 December 2023 – 2 January 2024".
 */
export function formatDateRange(startsOn: string, endsOn: string): string {
  const a = parseIsoDate(startsOn);
  const b = parseIsoDate(endsOn);
  if (!a || !b) return startsOn === endsOn ? startsOn : `${startsOn} – ${endsOn}`;
  if (a.year === b.year && a.month === b.month && a.day === b.day) return formatDay(startsOn);
  if (a.year === b.year && a.month === b.month) return `${a.day}–${b.day} ${monthName(a.month)} ${a.year}`;
  if (a.year === b.year) return `${a.day} ${monthName(a.month)} – ${b.day} ${monthName(b.month)} ${a.year}`;
  return `${formatDay(startsOn)} – ${formatDay(endsOn)}`;
}

/** "12 March 2025" (UTC). */
export function formatDate(value: Date | string): string {
  const date = toDate(value);
  if (!date) return String(value);
  return `${date.getUTCDate()} ${monthName(date.getUTCMonth() + 1)} ${date.getUTCFullYear()}`;
}

/** "12 March 2025, 14:05 UTC". */
export function formatDateTime(value: Date | string): string {
  const date = toDate(value);
  if (!date) return String(value);
  const hh = String(date.getUTCHours()).padStart(2, "0");
  const mm = String(date.getUTCMinutes()).padStart(2, "0");
  return `${formatDate(date)}, ${hh}:${mm} UTC`;
}

/** Machine-readable value for <time dateTime> (in app/i18n/format.ts: the editor's page needs no more of this module). */
export { isoString } from "../i18n/format";

/* In the page's language ------------------------------------------------------------------------------------ */
// English keeps the forms above; the other languages are written by Intl (app/i18n/format.ts), in UTC as well.

/** "12 March 2025", "12 mars 2025", "12 de marzo de 2025", "12 mars 2025"… */
export function formatDateIn(locale: Locale, value: Date | string): string {
  const date = toDate(value);
  if (!date || locale === "en") return formatDate(value);
  return formatDayIn(locale, date);
}

/** "12 March 2025, 14:05 UTC" in the page's language. */
export function formatDateTimeIn(locale: Locale, value: Date | string): string {
  const date = toDate(value);
  if (!date || locale === "en") return formatDateTime(value);
  return formatDateTimeInLocale(locale, date);
}

/** A workshop's dates in the page's language ("19–20 mai 2023"). */
export function formatDateRangeIn(locale: Locale, startsOn: string, endsOn: string): string {
  const a = parseIsoDate(startsOn);
  const b = parseIsoDate(endsOn);
  if (locale === "en" || !a || !b) return formatDateRange(startsOn, endsOn);
  const format = new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  return format.formatRange(new Date(Date.UTC(a.year, a.month - 1, a.day)), new Date(Date.UTC(b.year, b.month - 1, b.day)));
}
