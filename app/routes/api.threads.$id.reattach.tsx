/**
 * /api/threads/:id/reattach — anchor an orphaned thread (none of its words are in the text any more) to new words
 * (issue 13). Editors and organisers; a token needs the "write" scope.
 *
 *   POST {quote: {exact, prefix?, suffix?}} or {range: {from, to}} → 200 {id, quote}: the words are marked in the same
 *        transaction as the thread's new quote, and every connected client is told ("thread-reattached").
 *
 * 400 bad input {error, fields}, 401, 403 a commenter or viewer, 404 no such thread or not a member of its workshop,
 * 409 the thread is not orphaned, or the words are not found exactly once.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { apiJson, withApiUser } from "../utils/api.server";
import { checkReattach, reattachThread } from "../threads/threads.server";
import { parseBody, postOnly, reattachSchema, threadErrorResponse } from "../threads/api.server";

export const loader = () => postOnly("re-attach the thread");

export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return postOnly("re-attach the thread");
  return withApiUser(context, "write", async ({ user }) => {
    const threadId = params.id ?? "";
    try {
      await checkReattach(threadId, user.id);
      const parsed = await parseBody(request, reattachSchema);
      if (!parsed.ok) return parsed.response;
      const { quote } = await reattachThread({ threadId, userId: user.id, anchoring: parsed.data.anchoring });
      return apiJson({ id: threadId, quote });
    } catch (error) {
      return threadErrorResponse(error);
    }
  });
}
