import { describe, expect, it } from "vitest";
import { formatDate, isoString as isoStringOfDates } from "../../app/utils/dates";
import { isoString } from "../../app/i18n/format";

describe("a date's machine-readable value", () => {
  it("is the ISO instant of a date or of a date written as text, and what was written when it is no date", () => {
    expect(isoString(new Date(Date.UTC(2026, 11, 6, 11, 5)))).toBe("2026-12-06T11:05:00.000Z");
    expect(isoString("2026-12-06T12:05:00+01:00")).toBe("2026-12-06T11:05:00.000Z");
    expect(isoString("not a date")).toBe("not a date");
  });

  it("is the same through app/utils/dates.ts (app/i18n/format.ts holds it), whose English dates read the same values", () => {
    expect(isoStringOfDates).toBe(isoString);
    expect(formatDate("2026-12-06T23:30:00Z")).toBe("6 December 2026");
    expect(formatDate("not a date")).toBe("not a date");
  });
});
