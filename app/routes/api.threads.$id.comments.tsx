/**
 * /api/threads/:id/comments — reply to a thread (issue 13).
 *
 *   POST {body} → 201 {id} (commenters, editors and organisers; a token needs the "write" scope).
 *
 * 400 bad input {error, fields}, 401, 403 a viewer, 404 no such thread or not a member of its workshop.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { apiJson, methodNotAllowed, withApiUser } from "../utils/api.server";
import { addComment, checkReply } from "../threads/threads.server";
import { commentSchema, parseBody, postOnly, threadErrorResponse } from "../threads/api.server";

export const loader = () => methodNotAllowed(["POST"]);

export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return postOnly("reply");
  return withApiUser(context, "write", async ({ user }) => {
    try {
      await checkReply(params.id ?? "", user.id);
      const parsed = await parseBody(request, commentSchema);
      if (!parsed.ok) return parsed.response;
      const { id } = await addComment({ threadId: params.id ?? "", userId: user.id, body: parsed.data.body });
      return apiJson({ id }, 201);
    } catch (error) {
      return threadErrorResponse(error);
    }
  });
}
