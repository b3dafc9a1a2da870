/**
 * /api/comments/:id — change or erase a comment (issue 13): its author, or an editor or organiser.
 *
 *   PATCH {body} → 200 {id}
 *   DELETE → 204 (the body is erased)
 *
 * A token needs the "write" scope. 400 bad input {error, fields}, 401, 403 someone else's comment (commenter) or a
 * viewer, 404 no such comment or not a member of its workshop.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { apiError, apiJson, methodNotAllowed, withApiUser } from "../utils/api.server";
import { checkCommentChange, deleteComment, editComment } from "../threads/threads.server";
import { commentSchema, parseBody, threadErrorResponse } from "../threads/api.server";

export const loader = () => methodNotAllowed(["PATCH", "DELETE"]);

export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== "PATCH" && request.method !== "DELETE") {
    return apiError(405, "Use PATCH to change a comment or DELETE to erase it.", { Allow: "PATCH, DELETE" });
  }
  return withApiUser(context, "write", async ({ user }) => {
    const commentId = params.id ?? "";
    try {
      if (request.method === "DELETE") {
        await deleteComment({ commentId, userId: user.id });
        return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
      }
      await checkCommentChange(commentId, user.id);
      const parsed = await parseBody(request, commentSchema);
      if (!parsed.ok) return parsed.response;
      await editComment({ commentId, userId: user.id, body: parsed.data.body });
      return apiJson({ id: commentId });
    } catch (error) {
      return threadErrorResponse(error);
    }
  });
}
