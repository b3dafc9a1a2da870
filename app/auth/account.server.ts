/**
 * What the account page shows and does beyond accounts.server.ts: this person's sessions in words, their
 * personal access tokens, and revoking either — always scoped to the signed-in user in the query itself.
 */
import { deleteUserSession, listUserSessions } from "../../db/sessions";
import { describeTimeZone } from "./session-place";
import { describeNetwork } from "./session-place.server";
import { describeUserAgent } from "../utils/user-agent";
import { formatDateTime, timeAgo } from "../utils/when";
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

function placeLabel(timeZone: string | null, network: string | null): string {
  const words = [timeZone ? `${describeTimeZone(timeZone)} time zone` : null, network].filter((w) => w !== null);
  return words.length > 0 ? words.join(", ") : "not known yet";
}

export async function listSessionViews(userId: string, currentSessionId: string, now = new Date()): Promise<SessionView[]> {
  const rows = await listUserSessions(userId);
  // The current session's place was brought up to date by this very request (app/auth/session.server.ts).
  const currentNetwork = rows.find((s) => s.id === currentSessionId)?.networkKey ?? null;
  const views = rows.map((s) => ({
    id: s.id,
    browser: describeUserAgent(s.userAgent),
    current: s.id === currentSessionId,
    createdAt: s.createdAt.toISOString(),
    createdLabel: formatDateTime(s.createdAt),
    lastUsedAt: s.lastUsedAt.toISOString(),
    lastUsedLabel: s.id === currentSessionId ? "now" : timeAgo(s.lastUsedAt, now),
    placeLabel: placeLabel(s.timeZone, describeNetwork(s.networkKey, currentNetwork)),
  }));
  // This browser first, then the most recently used.
  return views.sort((a, b) => Number(b.current) - Number(a.current));
}

export async function listAccessTokenViews(userId: string, now = new Date()): Promise<AccessTokenView[]> {
  const rows = await listAccessTokens(userId);
  return rows.map((t) => ({
    id: t.id,
    name: t.name,
    scopes: t.scopes.filter(isScope),
    createdAt: t.createdAt.toISOString(),
    createdLabel: formatDateTime(t.createdAt),
    expiresAt: t.expiresAt.toISOString(),
    expiresLabel: formatDateTime(t.expiresAt),
    expired: t.expiresAt.getTime() <= now.getTime(),
    lastUsedLabel: t.lastUsedAt ? timeAgo(t.lastUsedAt, now) : "never",
    lastUsedAt: t.lastUsedAt ? t.lastUsedAt.toISOString() : null,
  }));
}

/** End one of the user's own sessions; false when the id is not theirs (or already gone). */
export function revokeOwnSession(userId: string, sessionId: string): Promise<boolean> {
  return deleteUserSession(userId, sessionId);
}
