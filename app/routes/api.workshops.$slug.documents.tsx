/**
 * GET /api/workshops/:slug/documents: a workshop's documents with the caller's role.
 * An unknown workshop and one the caller does not belong to get the same 404 (existence is never revealed).
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { findWorkshopForUser, listDocumentsForUser } from "../models/workshops.server";
import { apiJson, apiNotFound, methodNotAllowed, withApiUser } from "../utils/api.server";

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export async function loader({ context, params }: LoaderFunctionArgs) {
  return withApiUser(context, "read", async ({ user }) => {
    const slug = params.slug ?? "";
    const missing = () => apiNotFound("No workshop with that name, or you are not a member of it.");
    if (slug.length > 100 || !SLUG.test(slug)) return missing();
    const workshop = await findWorkshopForUser(slug, user.id);
    if (!workshop) return missing();
    const documents = await listDocumentsForUser(workshop.slug, user.id);
    return apiJson(documents.map((d) => ({ id: d.id, slug: d.slug, title: d.title, kind: d.kind, status: d.status, role: d.role })));
  });
}

export const action = () => methodNotAllowed();
