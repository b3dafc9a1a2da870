import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { setUserLanguage } from "../../db/users";
import { getConfig } from "../config.server";
import { LOCALES, localeCookie } from "../i18n/locales";
import { safeRedirectTarget } from "../utils/guards.server";

const choice = z.object({ locale: z.enum(LOCALES), back: z.string().max(2048).optional() });

/**
 * The footer's language switch (works without JavaScript): remembers the choice in a cookie, and on the account of
 * whoever is signed in; then back to the page it was made on (our own pages only). Origin is checked for every
 * POST by the server (server/http-app.ts).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = Object.fromEntries(await request.formData());
  const parsed = choice.safeParse(form);
  const back = safeRedirectTarget(typeof form.back === "string" ? form.back : null, "/");
  if (!parsed.success) return redirect(back, 303);
  const auth = await context.auth().catch(() => null);
  if (auth?.via === "session") await setUserLanguage(auth.user.id, parsed.data.locale);
  return redirect(back, { status: 303, headers: { "Set-Cookie": localeCookie(parsed.data.locale, getConfig().isHttps) } });
}

export async function loader() {
  return redirect("/");
}
