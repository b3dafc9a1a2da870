/**
 * /api/threads/:id/resolve — set a thread's status to "resolved" (issue 13): a commenter their own threads, editors and
 * organisers any. A token needs the "write" scope.
 *
 *   POST → 200 {id, status: "resolved", changed} (changed is false when it already was)
 *
 * 401, 403 a viewer or someone else's thread (commenter), 404 no such thread or not a member of its workshop.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { apiJson, methodNotAllowed, withApiUser } from "../utils/api.server";
import { setThreadStatus } from "../threads/threads.server";
import { postOnly, threadErrorResponse } from "../threads/api.server";

export const loader = () => methodNotAllowed(["POST"]);

export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return postOnly("resolve the thread");
  return withApiUser(context, "write", async ({ user }) => {
    try {
      const { changed } = await setThreadStatus({ threadId: params.id ?? "", userId: user.id, status: "resolved" });
      return apiJson({ id: params.id, status: "resolved", changed });
    } catch (error) {
      return threadErrorResponse(error);
    }
  });
}
