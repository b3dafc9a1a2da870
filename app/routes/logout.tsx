import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { serializeBlankSessionCookie } from "../auth/cookie.server";
import { invalidateSession } from "../auth/session.server";

/** Sign out: POST only (a GET never changes state). */
export async function action({ context }: ActionFunctionArgs) {
  const auth = await context.auth();
  if (auth?.via === "session") await invalidateSession(auth.session.id);
  return redirect("/", { headers: { "Set-Cookie": serializeBlankSessionCookie() } });
}

export async function loader() {
  return redirect("/");
}
