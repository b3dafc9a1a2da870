/**
 * DELETE /api/endorsements/:id — the signer withdraws their endorsement → 204 (again: 204, nothing changes).
 * Anyone else, an unknown or malformed id: 404 (whether the endorsement exists is not revealed by this endpoint;
 * its public receipt is /e/:id). Session cookie from our Origin, or a personal access token.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { withdrawOwnEndorsement } from "../models/endorsements.server";
import { apiError, apiNotFound, withApiUser } from "../utils/api.server";

const onlyDelete = () => apiError(405, "Withdraw an endorsement with DELETE. Its public receipt is at /e/<id>.", { Allow: "DELETE" });

export const loader = onlyDelete;

export async function action({ request, context, params }: ActionFunctionArgs) {
  if (request.method !== "DELETE") return onlyDelete();
  return withApiUser(context, "endorse", async ({ user }) => {
    if (!(await withdrawOwnEndorsement(user.id, params.id))) return apiNotFound("You have no endorsement with that id.");
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  });
}
