/**
 * /api/threads/:id — a whole thread (issue 13). Editors and organisers delete any thread; a token needs the "write"
 * scope.
 *
 *   DELETE → 204: the thread, its comments and its proposal are erased and its anchor is taken off the words, in one
 *            transaction; every connected client is told ("thread-deleted").
 *
 * 401, 403 a commenter or viewer, 404 no such thread (or already deleted) or not a member of its workshop.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { apiError, withApiUser } from "../utils/api.server";
import { deleteThread } from "../threads/threads.server";
import { threadErrorResponse } from "../threads/api.server";

export const loader = () => apiError(405, "Use DELETE to delete the thread.", { Allow: "DELETE" });

export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== "DELETE") return apiError(405, "Use DELETE to delete the thread.", { Allow: "DELETE" });
  return withApiUser(context, "write", async ({ user }) => {
    try {
      await deleteThread({ threadId: params.id ?? "", userId: user.id });
      return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
    } catch (error) {
      return threadErrorResponse(error);
    }
  });
}
