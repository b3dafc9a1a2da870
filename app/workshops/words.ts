/**
 * The workshop pages' recurring words in the page's language (issue 14): roles (their names from app/workshops/names.ts,
 * and what each may do), document kinds and statuses, and a workshop's dates. Pure (server and browser).
 */
import type { Translate } from "../i18n/instance";
import type { Locale } from "../i18n/locales";
import type { Role } from "../models/roles";
import { formatDate, formatDateRange, formatDateTime } from "../utils/dates";
import { formatDateTimeIn, formatDayIn } from "../i18n/format";

export { kindName, roleName, statusName } from "./names";

/** What a role may do, in a sentence (the members page and invitations). */
export function roleDescription(t: Translate, role: Role): string {
  switch (role) {
    case "organizer":
      return t("workshop:roles.organizerDoes");
    case "editor":
      return t("workshop:roles.editorDoes");
    case "commenter":
      return t("workshop:roles.commenterDoes");
    default:
      return t("workshop:roles.viewerDoes");
  }
}

const utcDay = (iso: string): Date | null => {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  return date && !Number.isNaN(date.getTime()) ? date : null;
};

/** A workshop's days from two ISO dates, as the language writes a range: "19–20 May 2023", "19-20 de mayo de 2023". */
export function dateRangeIn(locale: Locale, startsOn: string, endsOn: string): string {
  if (locale === "en") return formatDateRange(startsOn, endsOn);
  const a = utcDay(startsOn);
  const b = utcDay(endsOn);
  if (!a || !b) return startsOn === endsOn ? startsOn : `${startsOn} – ${endsOn}`;
  const format = new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  return a.getTime() === b.getTime() ? format.format(a) : format.formatRange(a, b);
}

/** A moment, "12 March 2025, 14:05 UTC" in English as before, else the language's own ("12 mars 2025, 14:05 UTC"). */
export function dateTimeIn(locale: Locale, value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (locale === "en" || Number.isNaN(date.getTime())) return formatDateTime(value);
  return formatDateTimeIn(locale, date);
}

/** A day, "12 March 2025" in English as before, else the language's own. */
export function dayIn(locale: Locale, value: Date | string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (locale === "en" || Number.isNaN(date.getTime())) return formatDate(value);
  return formatDayIn(locale, date);
}
