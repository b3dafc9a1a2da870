/**
 * `POST /api/declarations/<slug>/endorsements`, answered here in Express rather than by the Remix route
 * (app/routes/api.declarations.$slug.endorsements.tsx keeps the GET): this is the request of a signing spike, and
 * Remix spends more CPU matching its routes and converting the request than the endorsement itself costs.
 * The rules are the same functions the form uses (app/models/endorsements.server.ts); the contract's body check and
 * refusals are app/declarations/endorsement-api.server.ts. It runs after the security headers and the cross-origin
 * guard (a session cookie needs our Origin; a personal access token does not).
 */
import type { NextFunction, Request, Response } from "express";
import { requireScope } from "../app/auth/access-gate.server";
import { MAX_BODY_BYTES, NOT_SIGNED_IN, parseJsonBody, refusal } from "../app/declarations/endorsement-api.server";
import { createEndorsement, EndorsementError } from "../app/models/endorsements.server";
import { log } from "../app/utils/log.server";
import { requestAuth } from "./request-caller";

function answer(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.status(status);
  res.setHeader("Cache-Control", "no-store");
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.json(body);
}

/** The body as text, or null when it is larger than the contract allows (the rest is not read). */
function readBody(req: Request): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.get("content-length") ?? "0");
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners("data");
        req.resume();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.once("error", reject);
  });
}

/** The caller, through the same gate and scope rule as every API route; a refusal is answered here. */
async function endorser(req: Request, res: Response) {
  try {
    const auth = await requestAuth(req, res, "api")();
    if (!auth) answer(res, 401, { error: NOT_SIGNED_IN });
    else requireScope(auth, "endorse");
    return auth;
  } catch (refusal) {
    if (!(refusal instanceof globalThis.Response)) throw refusal;
    answer(res, refusal.status, JSON.parse(await refusal.text()));
    return null;
  }
}

async function endorse(req: Request, res: Response): Promise<void> {
  const auth = await endorser(req, res);
  if (!auth) {
    req.resume();
    return;
  }
  const text = await readBody(req);
  const parsed = text === null ? ({ ok: false, error: "The body is too large." } as const) : parseJsonBody(req.get("content-type"), text);
  if (!parsed.ok) return answer(res, 400, { error: parsed.error });
  try {
    const created = await createEndorsement({ user: auth.user, slug: req.params.slug, body: parsed.body, ip: (res.locals.clientNetwork as string | null) ?? null });
    answer(res, 201, { id: created.id, receiptUrl: created.receiptUrl }, { Location: created.receiptUrl });
  } catch (error) {
    if (!(error instanceof EndorsementError)) throw error;
    const r = refusal(error);
    answer(res, r.status, r.body, r.headers);
  }
}

export function endorsementPost(req: Request, res: Response, next: NextFunction): void {
  endorse(req, res).catch((error: unknown) => {
    log.error(`API request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (res.headersSent) return next(error);
    answer(res, 500, { error: "Something went wrong on our side. Please try again." });
  });
}
