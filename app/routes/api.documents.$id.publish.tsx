/**
 * POST /api/documents/:id/publish `{versionId, slug?, hash?}` → 201 `{slug, number, hash}` (organisers).
 * Seals a named version of the document as its next published version (app/models/publishing.server.ts). With
 * `hash` (the SHA-256 the caller checked), any other text is refused with 409.
 * Errors are JSON `{error, fields?}`: 400 bad body, 401 not signed in, 403 not an organiser, 404 no such document
 * (or not a member of its workshop) or no such version of it, 409 slug taken / slug cannot change / same text / not the `hash` given.
 * A translation document (app/models/translations.server.ts) is sealed as its next published translation, bound to
 * the source version it translates: 201 `{slug, language, number, hash, sourceVersion: {number, hash}}`.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { isSlug, publishVersion, PublishError } from "../models/publishing.server";
import { apiError, apiJson, methodNotAllowed } from "../utils/api.server";
import { organiserJsonAction } from "../utils/organiser-api.server";
import { findTranslationBinding, publishTranslation } from "../models/translations.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const body = z.object({
  versionId: z.string({ message: "Give the id of a named version (versionId)." }).regex(UUID, "versionId must be the id of a named version."),
  slug: z
    .string({ message: "slug must be a string." })
    .trim()
    .refine((s) => s === "" || isSlug(s), "A public address may use lower-case letters, digits and single hyphens (at most 80 characters).")
    .nullish(),
  hash: z.string({ message: "hash must be a string." }).regex(/^[0-9a-f]{64}$/, "hash must be a SHA-256 in lower-case hexadecimal.").nullish(),
});

export const loader = () => methodNotAllowed(["POST"]);

export function action({ request, context, params }: ActionFunctionArgs) {
  return organiserJsonAction(
    { request, context, documentId: params.id, body, forbidden: "Only the organisers of this workshop can publish its documents.", example: '{"versionId": "…", "slug": "…"} (slug optional)' },
    async ({ auth, document, input }) => {
      try {
        if (await findTranslationBinding(document.id)) {
          const sealed = await publishTranslation({
            documentId: document.id,
            versionId: input.versionId,
            slug: input.slug || null,
            actorId: auth.user.id,
            expectedHash: input.hash ?? null,
          });
          return apiJson(sealed, 201);
        }
        const published = await publishVersion({
          documentId: document.id,
          versionId: input.versionId,
          slug: input.slug || null,
          actorId: auth.user.id,
          expectedHash: input.hash ?? null,
        });
        return apiJson({ slug: published.slug, number: published.number, hash: published.hash }, 201);
      } catch (error) {
        if (error instanceof PublishError) return apiError(error.status, error.message);
        throw error;
      }
    },
  );
}
