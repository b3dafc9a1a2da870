/** Who is calling an Express request, for Remix's load context and the routes answered before Remix. */
import type { Request, Response } from "express";
import { gate, refusalResponse, type Door } from "../app/auth/access-gate.server";
import { authenticate, type RequestAuth } from "../app/auth/request-auth.server";
import { requestPlace } from "../app/auth/session-place.server";

/**
 * The caller of this request, resolved once (renewing the session cookie when due) and passed through the access gate
 * (app/auth/access-gate.server.ts) for this door: a refusal is thrown as a Response, so no loader or action runs for
 * a caller the gate turns away. Each throw is a fresh Response (a body can be read once).
 */
export function requestAuth(req: Request, res: Response, door: Door): () => Promise<RequestAuth | null> {
  return async () => {
    const pending = (res.locals.auth as Promise<RequestAuth | null> | undefined) ??
      authenticate({ cookie: req.get("cookie"), authorization: req.get("authorization"), place: () => requestPlace(req.ip, req.get("cookie")) }).then((auth) => {
        if (auth?.renewedCookie && !res.headersSent) res.append("Set-Cookie", auth.renewedCookie);
        return auth;
      });
    res.locals.auth = pending;
    const auth = await pending;
    const refusal = gate(auth, { door, method: req.method, path: req.path });
    if (refusal) throw refusalResponse(refusal, door);
    return auth;
  };
}
