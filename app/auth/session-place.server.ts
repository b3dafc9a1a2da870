/**
 * A request's approximate place, for the sessions list (app/auth/session-place.ts has the words and the cookie):
 * its network (IPv4 /24, IPv6 /48) as an HMAC under ACCORD_KEY_SECRET, never the address, and the time zone the
 * browser reported. Stored on the session when it changes (db/sessions.ts `touchSession`), only ever compared.
 */
import type { SessionPlace } from "../../db/sessions";
import { approximateNetwork } from "./client-network";
import { hashedKey } from "./hashed-key.server";
import { timeZoneFromCookies } from "./session-place";

export function requestPlace(ip: string | null | undefined, cookieHeader: string | null | undefined): SessionPlace {
  const network = approximateNetwork(ip);
  return { timeZone: timeZoneFromCookies(cookieHeader), networkKey: network ? hashedKey("session-network", network) : null };
}

/** Whether a session's stored place should be updated for a request from `place`. */
export function placeChanged(stored: SessionPlace, place: SessionPlace): boolean {
  return place.networkKey !== stored.networkKey || (place.timeZone !== null && place.timeZone !== stored.timeZone);
}

/** This network, another one with a short tag that tells other sessions' networks apart ("3f9a"), or null when unknown. */
export type NetworkPlace = { same: true } | { same: false; tag: string } | null;

/** Where a session was used compared with this request: put in words by app/auth/account.server.ts. */
export function describeNetwork(networkKey: string | null, currentKey: string | null): NetworkPlace {
  if (!networkKey) return null;
  if (networkKey === currentKey) return { same: true };
  return { same: false, tag: networkKey.slice(networkKey.indexOf(":") + 1, networkKey.indexOf(":") + 5) };
}
