/**
 * /api/documents/:id/proposals — propose new wording for words of the text (issue 13).
 *
 *   POST {quote: {exact, prefix?, suffix?}} or {range: {from, to}}, plus {proposed, body?} → 201 {id}: a thread of
 *        kind "proposal" (its id is also the proposal's: /api/proposals/:id/accept|reject). `proposed` is plain text
 *        within one paragraph; empty deletes the words. Commenters, editors and organisers; a token needs "write".
 *
 * 400 bad input {error, fields}, 401, 403 a viewer, 404 no such document or not a member, 409 words not found once.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { findDocumentForUser } from "../models/workshops.server";
import { apiError, apiJson, methodNotAllowed, withApiUser } from "../utils/api.server";
import { createProposal } from "../threads/threads.server";
import { createProposalSchema, parseBody, postOnly, threadErrorResponse } from "../threads/api.server";
import { refusal } from "../threads/refusals";

export const loader = () => methodNotAllowed(["POST"]);

export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return postOnly("propose a change");
  return withApiUser(context, "write", async ({ user }) => {
    const document = await findDocumentForUser(params.id ?? "", user.id);
    if (!document) return apiError(404, "No document with that id, or you are not a member of its workshop.");
    if (document.role === "viewer") return apiJson(refusal("viewerCannotPropose"), 403);
    const parsed = await parseBody(request, createProposalSchema);
    if (!parsed.ok) return parsed.response;
    try {
      const { id } = await createProposal({ document, userId: user.id, ...parsed.data });
      return apiJson({ id }, 201);
    } catch (error) {
      return threadErrorResponse(error);
    }
  });
}
