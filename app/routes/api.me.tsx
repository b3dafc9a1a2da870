/** GET /api/me: the caller's own account (session cookie or personal access token). */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { apiJson, methodNotAllowed, withApiUser } from "../utils/api.server";

export async function loader({ context }: LoaderFunctionArgs) {
  return withApiUser(context, async ({ user }) =>
    apiJson({
      id: user.id,
      name: user.name,
      email: user.email,
      emailVerified: user.emailVerifiedAt != null,
      isAdmin: user.isAdmin,
    }),
  );
}

export const action = () => methodNotAllowed();
