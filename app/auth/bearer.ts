/**
 * The one definition of "this request carries a bearer token": `Authorization: Bearer <token>`, one token of visible
 * characters (at most 512). Authentication (request-auth.server.ts) uses the token it returns; the cross-origin check
 * (server/http-app.ts) exempts exactly these requests, since a bearer token is no ambient credential. Anything else
 * ("Bearer a b", "Bearer", another scheme) is not a bearer request: cookies decide, and so does the Origin check.
 */
const BEARER = /^Bearer[ \t]+([\x21-\x7e]{1,512})[ \t]*$/i;

export function parseBearer(authorization: string | null | undefined): string | null {
  if (!authorization) return null;
  return BEARER.exec(authorization)?.[1] ?? null;
}
