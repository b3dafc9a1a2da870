/**
 * /api/documents/:id/authorship — who wrote what in the document as it is now, computed from the update log.
 *
 *   GET → 200 {seq, authors: [{name, characters}], paragraphs: [{size, runs: [{author, from, to, at}],
 *         authors: [{author, first, last}]}]} (any member, viewers included; a token needs the "read" scope)
 *
 * Authors are display names only (never e-mails or account ids), referred to by their index in `authors`.
 * Errors are JSON `{error}`: 401 not signed in, 403 a token without the "read" scope, 404 no such document or not a
 * member (the same answer), 405 any other method.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { findDocumentForUser } from "../models/workshops.server";
import { getAuthorship } from "../models/authorship.server";
import { apiError, apiJson, methodNotAllowed, withApiUser } from "../utils/api.server";

export async function loader({ context, params }: LoaderFunctionArgs) {
  return withApiUser(context, "read", async ({ user }) => {
    const document = await findDocumentForUser(params.id ?? "", user.id);
    if (!document) return apiError(404, "No document with that id, or you are not a member of its workshop.");
    return apiJson(await getAuthorship(document.id));
  });
}

export const action = () => methodNotAllowed();
