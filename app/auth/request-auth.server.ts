/**
 * Who is making a request: a session cookie, or `Authorization: Bearer <personal access token>`.
 * One function for HTTP routes (through the load context) and for the collaboration socket's upgrade.
 */
import type { SessionPlace } from "../../db/sessions";
import type { UserRow } from "../../db/users";
import { parseBearer } from "./bearer";
import { ACCESS_TOKEN_PREFIX, validateAccessToken, type AccessTokenGrant } from "./access-tokens.server";
import { readSessionToken, serializeSessionCookie } from "./cookie.server";
import { validateSessionToken, type Session } from "./session.server";

export type RequestAuth =
  | { via: "session"; user: UserRow; session: Session; renewedCookie: string | null }
  | { via: "token"; user: UserRow; session: null; renewedCookie: null; token: AccessTokenGrant };

export interface AuthHeaders {
  cookie?: string | null;
  authorization?: string | null;
  /**
   * Where the request comes from, approximately: a session keeps it for its owner's sessions list. A function, called
   * only once a session cookie is found, so anonymous requests (the public pages) never compute it.
   */
  place?: () => SessionPlace | null;
}

export async function authenticate(headers: AuthHeaders): Promise<RequestAuth | null> {
  const bearer = parseBearer(headers.authorization);
  if (bearer) {
    if (!bearer.startsWith(ACCESS_TOKEN_PREFIX)) return null;
    const valid = await validateAccessToken(bearer);
    return valid ? { via: "token", user: valid.user, session: null, renewedCookie: null, token: valid.token } : null;
  }
  const token = readSessionToken(headers.cookie);
  if (!token) return null;
  const result = await validateSessionToken(token, new Date(), headers.place?.() ?? null);
  if (!result) return null;
  return {
    via: "session",
    user: result.user,
    session: result.session,
    renewedCookie: result.fresh ? serializeSessionCookie(token, result.session.expiresAt) : null,
  };
}
