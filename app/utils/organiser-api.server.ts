/**
 * The JSON API actions only a workshop's organisers may take on one of its documents (publish, start a
 * translation): POST only, a signed-in caller with the admin scope, a member (404 otherwise) who organises (403),
 * the workshop's second-factor rule, then a JSON body validated with zod (400 `{error, fields}`).
 */
import type { AppLoadContext } from "@remix-run/node";
import type { z } from "zod";
import { requireSecondFactorFor } from "../auth/second-factor-gate.server";
import type { RequestAuth } from "../auth/request-auth.server";
import { canPublish } from "../models/roles";
import { findDocumentForUser } from "../models/workshops.server";
import { apiError, apiJson, methodNotAllowed, withApiUser } from "./api.server";
import { parseWith } from "./forms.server";

type DocumentOfUser = NonNullable<Awaited<ReturnType<typeof findDocumentForUser>>>;

export interface OrganiserAction<S extends z.ZodType> {
  request: Request;
  context: AppLoadContext;
  documentId: string | undefined;
  body: S;
  /** What a member who is not an organiser is told (403). */
  forbidden: string;
  /** An example body, for a request whose body is not JSON (400). */
  example: string;
}

export function organiserJsonAction<S extends z.ZodType>(
  o: OrganiserAction<S>,
  handler: (caller: { auth: RequestAuth; document: DocumentOfUser; input: z.infer<S> }) => Promise<Response>,
): Promise<Response> {
  if (o.request.method !== "POST") return Promise.resolve(methodNotAllowed(["POST"]));
  return withApiUser(o.context, "admin", async (auth) => {
    const document = await findDocumentForUser(o.documentId ?? "", auth.user.id);
    if (!document) return apiError(404, "No such document, or you are not a member of its workshop.");
    if (!canPublish(document.role)) return apiError(403, o.forbidden);
    await requireSecondFactorFor(auth, { id: document.workshopId, title: document.workshopTitle }, "api");
    let input: unknown;
    try {
      input = await o.request.json();
    } catch {
      return apiError(400, `Send a JSON body: ${o.example}.`);
    }
    const parsed = parseWith(o.body, input);
    if (!parsed.ok) {
      const first = Object.values(parsed.fieldErrors)[0] ?? "Please check the request.";
      return apiJson({ error: first, fields: parsed.fieldErrors }, 400);
    }
    return handler({ auth, document, input: parsed.data as z.infer<S> });
  });
}
