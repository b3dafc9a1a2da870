/**
 * /api/proposals/:id/reject — reject a proposal (issue 13; editors and organisers; a token needs "write").
 *
 *   POST {reason?} → 200 {id, status: "rejected"}; the thread is resolved. 409 {error, status} when already decided.
 *
 * 400 bad input {error, fields}, 401, 403 a commenter or viewer, 404 no such proposal or not a member.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { apiJson, methodNotAllowed, withApiUser } from "../utils/api.server";
import { checkDecision, rejectProposal } from "../threads/threads.server";
import { parseBody, postOnly, rejectSchema, threadErrorResponse } from "../threads/api.server";

export const loader = () => methodNotAllowed(["POST"]);

export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return postOnly("reject the proposal");
  return withApiUser(context, "write", async ({ user }) => {
    try {
      await checkDecision(params.id ?? "", user.id);
      const parsed = await parseBody(request, rejectSchema, true);
      if (!parsed.ok) return parsed.response;
      await rejectProposal({ threadId: params.id ?? "", userId: user.id, reason: parsed.data.reason });
      return apiJson({ id: params.id, status: "rejected" });
    } catch (error) {
      return threadErrorResponse(error);
    }
  });
}
