/**
 * What the account page shows and does beyond accounts.server.ts: this person's sessions in words, their
 * personal access tokens, and revoking either — always scoped to the signed-in user in the query itself.
 */
import { deleteUserSession, listUserSessions } from "../../db/sessions";
import { describeTimeZone } from "./session-place";
import type { Translate } from "../i18n/instance";
import { describeNetwork, type NetworkPlace } from "./session-place.server";
import { describeUserAgentIn } from "../utils/user-agent";
import { formatDateTimeIn, timeAgoIn } from "../i18n/format";
import type { Locale } from "../i18n/locales";
import { tFor } from "../i18n/strings.server";
import { listAccessTokens } from "./access-tokens.server";
import { isScope, type Scope } from "./token-scopes";

export interface SessionView {
  id: string;
  browser: string;
  current: boolean;
  createdAt: string;
  createdLabel: string;
  lastUsedAt: string;
  lastUsedLabel: string;
  /** Where it was last used, approximately: "Stockholm (Europe) time zone, this network"; "not known yet". */
  placeLabel: string;
}

export interface AccessTokenView {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: string;
  createdLabel: string;
  expiresAt: string;
  expiresLabel: string;
  expired: boolean;
  lastUsedLabel: string;
  /** For the page to say it in its language (app/components/access-tokens.tsx). */
  lastUsedAt: string | null;
}

/** "just now" (under a minute), else "5 minutes ago", "yesterday"… or the date, in the page's language. */
function ago(locale: Locale, t: Translate, date: Date, now: Date): string {
  return now.getTime() - date.getTime() < 60_000 ? t("account:sessions.justNow") : timeAgoIn(locale, date, now);
}

function placeLabel(t: Translate, timeZone: string | null, network: NetworkPlace): string {
  const words = [
    timeZone ? t("account:sessions.timeZone", { zone: describeTimeZone(timeZone) }) : null,
    network === null ? null : network.same ? t("account:sessions.thisNetwork") : t("account:sessions.otherNetwork", { tag: network.tag }),
  ].filter((w) => w !== null);
  return words.length > 0 ? words.join(", ") : t("account:sessions.placeUnknown");
}

/** The sessions list, its dates and words in the page's language (`locale`). */
export async function listSessionViews(userId: string, currentSessionId: string, locale: Locale = "en", now = new Date()): Promise<SessionView[]> {
  const t = tFor(locale);
  const rows = await listUserSessions(userId);
  // The current session's place was brought up to date by this very request (app/auth/session.server.ts).
  const currentNetwork = rows.find((s) => s.id === currentSessionId)?.networkKey ?? null;
  const views = rows.map((s) => ({
    id: s.id,
    browser: describeUserAgentIn(t, s.userAgent),
    current: s.id === currentSessionId,
    createdAt: s.createdAt.toISOString(),
    createdLabel: formatDateTimeIn(locale, s.createdAt),
    lastUsedAt: s.lastUsedAt.toISOString(),
    lastUsedLabel: s.id === currentSessionId ? t("account:sessions.now") : ago(locale, t, s.lastUsedAt, now),
    placeLabel: placeLabel(t, s.timeZone, describeNetwork(s.networkKey, currentNetwork)),
  }));
  // This browser first, then the most recently used.
  return views.sort((a, b) => Number(b.current) - Number(a.current));
}

/** The personal access tokens, their dates in the page's language (`locale`). */
export async function listAccessTokenViews(userId: string, locale: Locale = "en", now = new Date()): Promise<AccessTokenView[]> {
  const words = tFor(locale);
  const rows = await listAccessTokens(userId);
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    scopes: t.scopes.filter(isScope),
    createdAt: t.createdAt.toISOString(),
    createdLabel: formatDateTimeIn(locale, t.createdAt),
    expiresAt: t.expiresAt.toISOString(),
    expiresLabel: formatDateTimeIn(locale, t.expiresAt),
    expired: t.expiresAt.getTime() <= now.getTime(),
    lastUsedLabel: t.lastUsedAt ? ago(locale, words, t.lastUsedAt, now) : words("account:sessions.never"),
    lastUsedAt: t.lastUsedAt ? t.lastUsedAt.toISOString() : null,
  }));
}

/** End one of the user's own sessions; false when the id is not theirs (or already gone). */
export function revokeOwnSession(userId: string, sessionId: string): Promise<boolean> {
  return deleteUserSession(userId, sessionId);
}
