/**
 * A date as the machine-readable value of <time dateTime>, apart from app/utils/dates.ts (which re-exports it) so that
 * a page needing only this does not load the English month names and date ranges with it.
 */

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
