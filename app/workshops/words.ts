/**
 * The workshop pages' recurring words in the page's language (issue 14): roles, document kinds and statuses, and a
 * workshop's dates. Pure (server and browser); each key is written whole so tests/unit/locales.test.ts can find it.
 */
import type { Translate } from "../i18n/instance";
import type { Locale } from "../i18n/locales";
import type { Role } from "../models/roles";
import { formatDate, formatDateRange, formatDateTime } from "../utils/dates";
import { formatDateTimeIn, formatDayIn } from "../i18n/format";

export function roleName(t: Translate, role: Role): string {
  switch (role) {
    case "organizer":
      return t("workshop:roles.organizer");
    case "editor":
      return t("workshop:roles.editor");
    case "commenter":
      return t("workshop:roles.commenter");
    default:
      return t("workshop:roles.viewer");
  }
}

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

export function kindName(t: Translate, kind: string): string {
  switch (kind) {
    case "declaration":
      return t("workshop:kinds.declaration");
    case "statement":
      return t("workshop:kinds.statement");
    case "guidance":
      return t("workshop:kinds.guidance");
    case "discussion_paper":
      return t("workshop:kinds.discussionPaper");
    default:
      return kind;
  }
}

export function statusName(t: Translate, status: string): string {
  switch (status) {
    case "draft":
      return t("workshop:statuses.draft");
    case "published":
      return t("workshop:statuses.published");
    case "archived":
      return t("workshop:statuses.archived");
    default:
      return status;
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
