/**
 * The `public` namespace is large and read by pages anyone opens without an account: each page sends only the
 * sections it shows (e.g. the receipt sends the withdrawal's words to the signer alone), so a page's data never
 * carries another page's words or examples.
 */
import type { AppLoadContext } from "@remix-run/node";
import type englishPublic from "../locales/en/public.json";
import { routeStrings } from "../i18n/strings.server";
import type { Strings } from "../i18n/instance";

export type PublicSection = keyof typeof englishPublic;

/** For a public route's loader: `i18n: await publicStrings(request, context, ["receipt"])`. */
export async function publicStrings(request: Request, context: AppLoadContext, sections: readonly PublicSection[]): Promise<Strings> {
  const all = (await routeStrings(request, context, ["public"])).public ?? {};
  const part: Record<string, unknown> = {};
  for (const section of sections) part[section] = all[section];
  return { public: part };
}
