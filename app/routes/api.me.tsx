/**
 * GET /api/me: the caller's own account (session cookie or personal access token, "read" scope), and how the caller
 * is signed in: `access: {via: "session", scopes: [all four]}` or `{via: "token", scopes, expiresAt}`.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { SCOPES } from "../auth/token-scopes";
import { apiJson, methodNotAllowed, withApiUser } from "../utils/api.server";

export async function loader({ context }: LoaderFunctionArgs) {
  return withApiUser(context, "read", async (auth) =>
    apiJson({
      id: auth.user.id,
      name: auth.user.name,
      email: auth.user.email,
      emailVerified: auth.user.emailVerifiedAt != null,
      isAdmin: auth.user.isAdmin,
      access:
        auth.via === "token"
          ? { via: "token", scopes: auth.token.scopes, expiresAt: auth.token.expiresAt.toISOString() }
          : { via: "session", scopes: [...SCOPES] },
    }),
  );
}

export const action = () => methodNotAllowed();
