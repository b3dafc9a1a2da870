/**
 * /api/proposals/:id/accept — accept a proposal (issue 13; editors and organisers; a token needs "write").
 *
 *   POST → 200 {id, status: "accepted"}: the live text now holds the proposed words (one committed change,
 *          attributed to the person accepting; the proposal records who proposed and who accepted), and the thread
 *          is resolved.
 *        → 409 {error: "outdated", original, current, proposed} when the marked words changed since the proposal;
 *          409 {error, status} when it was already decided (two people deciding at once: exactly one wins).
 *
 * 401, 403 a commenter or viewer, 404 no such proposal or not a member of its workshop.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { apiJson, methodNotAllowed, withApiUser } from "../utils/api.server";
import { acceptProposal } from "../threads/threads.server";
import { postOnly, threadErrorResponse } from "../threads/api.server";

export const loader = () => methodNotAllowed(["POST"]);

export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return postOnly("accept the proposal");
  return withApiUser(context, "write", async ({ user }) => {
    try {
      await acceptProposal({ threadId: params.id ?? "", userId: user.id });
      return apiJson({ id: params.id, status: "accepted" });
    } catch (error) {
      return threadErrorResponse(error);
    }
  });
}
