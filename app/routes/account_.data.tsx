/**
 * GET /account/data — download your data as JSON: your account, sessions (when and from which browser; no ids or
 * secrets), personal access tokens (names and dates), memberships and endorsements (every field you gave, with
 * their receipts). Only ever the caller's own data; never cached.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { buildAccountData } from "../models/account-data.server";
import { requireUser } from "../utils/guards.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireUser(request, context);
  const body = JSON.stringify(await buildAccountData(user), null, 2);
  return new Response(body, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="accord-my-data-${new Date().toISOString().slice(0, 10)}.json"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
