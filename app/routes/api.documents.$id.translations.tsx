/**
 * POST /api/documents/:id/translations `{language, versionNumber}` → 201 `{documentId}` (organisers).
 * Starts a translation of published version `versionNumber` of the document into `language` (a BCP 47 tag): a new
 * document of the same workshop pre-filled with that version's text, bound to its number and SHA-256
 * (app/models/translations.server.ts). Errors are JSON `{error, fields?}`: 400 bad body or language tag, 401 not
 * signed in, 403 not an organiser, 404 no such document (or not a member of its workshop) or no such published
 * version, 409 the document is itself a translation, or already in that language.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { findDocumentForUser } from "../models/workshops.server";
import { canPublish } from "../models/roles";
import { createTranslation, TranslationError } from "../models/translations.server";
import { canonicalLanguage, LANGUAGE_TAG_ERROR, LANGUAGE_TAG_MAX } from "../declarations/languages";
import { apiError, apiJson, methodNotAllowed, withApiUser } from "../utils/api.server";
import { parseWith } from "../utils/forms.server";
import { requireSecondFactorFor } from "../auth/second-factor-gate.server";

const body = z.object({
  language: z
    .string({ message: LANGUAGE_TAG_ERROR })
    .max(LANGUAGE_TAG_MAX, LANGUAGE_TAG_ERROR)
    .refine((s) => canonicalLanguage(s) !== null, LANGUAGE_TAG_ERROR),
  versionNumber: z
    .number({ message: "Give the number of a published version (versionNumber)." })
    .int("versionNumber must be a whole number.")
    .min(1, "versionNumber must be 1 or more.")
    .max(1_000_000, "This document has no published version with that number."),
});

const postOnly = () => methodNotAllowed(["POST"]);

export const loader = postOnly;

export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return postOnly();
  return withApiUser(context, "admin", async (auth) => {
    const { user } = auth;
    const document = await findDocumentForUser(params.id ?? "", user.id);
    if (!document) return apiError(404, "No such document, or you are not a member of its workshop.");
    if (!canPublish(document.role)) return apiError(403, "Only the organisers of this workshop can start translations of its documents.");
    await requireSecondFactorFor(auth, { id: document.workshopId, title: document.workshopTitle }, "api");
    let input: unknown;
    try {
      input = await request.json();
    } catch {
      return apiError(400, "Send a JSON body: {\"language\": \"fr\", \"versionNumber\": 1}.");
    }
    const parsed = parseWith(body, input);
    if (!parsed.ok) {
      const first = Object.values(parsed.fieldErrors)[0] ?? "Please check the request.";
      return apiJson({ error: first, fields: parsed.fieldErrors }, 400);
    }
    try {
      const created = await createTranslation({ sourceDocumentId: document.id, versionNumber: parsed.data.versionNumber, language: parsed.data.language, actorId: user.id });
      return apiJson({ documentId: created.documentId }, 201);
    } catch (error) {
      if (error instanceof TranslationError) return apiError(error.status, error.message);
      throw error;
    }
  });
}
