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
import { createTranslation, TranslationError } from "../models/translations.server";
import { canonicalLanguage, LANGUAGE_TAG_ERROR, LANGUAGE_TAG_MAX } from "../declarations/languages";
import { apiError, apiJson, methodNotAllowed } from "../utils/api.server";
import { organiserJsonAction } from "../utils/organiser-api.server";

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

export const loader = () => methodNotAllowed(["POST"]);

export function action({ request, context, params }: ActionFunctionArgs) {
  return organiserJsonAction(
    { request, context, documentId: params.id, body, forbidden: "Only the organisers of this workshop can start translations of its documents.", example: '{"language": "fr", "versionNumber": 1}' },
    async ({ auth, document, input }) => {
      try {
        const created = await createTranslation({ sourceDocumentId: document.id, versionNumber: input.versionNumber, language: input.language, actorId: auth.user.id });
        return apiJson({ documentId: created.documentId }, 201);
      } catch (error) {
        if (error instanceof TranslationError) return apiError(error.status, error.message);
        throw error;
      }
    },
  );
}
