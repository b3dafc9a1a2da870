/**
 * Every language's strings, on the server only (the browser receives one language's strings for the page it shows:
 * `strings()` in route loaders). The server renders pages, e-mails and error messages in the reader's language.
 */
import type { AppLoadContext } from "@remix-run/node";
import en_common from "../locales/en/common.json";
import en_public from "../locales/en/public.json";
import en_auth from "../locales/en/auth.json";
import en_account from "../locales/en/account.json";
import en_mail from "../locales/en/mail.json";
import en_workshop from "../locales/en/workshop.json";
import en_editor from "../locales/en/editor.json";
import en_security from "../locales/en/security.json";
import fr_common from "../locales/fr/common.json";
import fr_public from "../locales/fr/public.json";
import fr_auth from "../locales/fr/auth.json";
import fr_account from "../locales/fr/account.json";
import fr_mail from "../locales/fr/mail.json";
import fr_workshop from "../locales/fr/workshop.json";
import fr_editor from "../locales/fr/editor.json";
import fr_security from "../locales/fr/security.json";
import es_common from "../locales/es/common.json";
import es_public from "../locales/es/public.json";
import es_auth from "../locales/es/auth.json";
import es_account from "../locales/es/account.json";
import es_mail from "../locales/es/mail.json";
import es_workshop from "../locales/es/workshop.json";
import es_editor from "../locales/es/editor.json";
import es_security from "../locales/es/security.json";
import sv_common from "../locales/sv/common.json";
import sv_public from "../locales/sv/public.json";
import sv_auth from "../locales/sv/auth.json";
import sv_account from "../locales/sv/account.json";
import sv_mail from "../locales/sv/mail.json";
import sv_workshop from "../locales/sv/workshop.json";
import sv_editor from "../locales/sv/editor.json";
import sv_security from "../locales/sv/security.json";
import { createI18n, type Strings, type Translate } from "./instance";
import { chooseLocale, type Locale, type Namespace } from "./locales";

const ALL: Record<Locale, Record<Namespace, Record<string, unknown>>> = {
  en: { common: en_common, public: en_public, auth: en_auth, account: en_account, mail: en_mail, workshop: en_workshop, editor: en_editor, security: en_security },
  fr: { common: fr_common, public: fr_public, auth: fr_auth, account: fr_account, mail: fr_mail, workshop: fr_workshop, editor: fr_editor, security: fr_security },
  es: { common: es_common, public: es_public, auth: es_auth, account: es_account, mail: es_mail, workshop: es_workshop, editor: es_editor, security: es_security },
  sv: { common: sv_common, public: sv_public, auth: sv_auth, account: sv_account, mail: sv_mail, workshop: sv_workshop, editor: sv_editor, security: sv_security },
};

/** The JSON of each language and namespace (tests compare them). */
export const allStrings = ALL;

/** The strings a page needs: `common` and the route's namespaces, in one language. */
export function stringsFor(locale: Locale, namespaces: readonly Namespace[]): Strings {
  const strings: Strings = {};
  for (const ns of namespaces) strings[ns] = ALL[locale][ns];
  return strings;
}

const servers = new Map<Locale, Translate>();

/** A translation function with every namespace of one language (e-mails, server messages, page titles). */
export function tFor(locale: Locale): Translate {
  let t = servers.get(locale);
  if (!t) servers.set(locale, (t = createI18n(locale, ALL[locale]).t));
  return t;
}

const chosen = new WeakMap<Request, Promise<Locale>>();

/**
 * The interface language of a request (app/i18n/locales.ts `chooseLocale`): the signed-in account's preference, the
 * footer switch's cookie, Accept-Language, English. Computed once per request.
 */
export function requestLocale(request: Request, context: AppLoadContext): Promise<Locale> {
  let locale = chosen.get(request);
  if (!locale) {
    locale = (async () => {
      // A refused session (unconfirmed address, token on a page) still reads the page in its browser's language.
      const auth = await context.auth().catch(() => null);
      return chooseLocale({
        account: auth?.user.language ?? null,
        cookieHeader: request.headers.get("Cookie"),
        acceptLanguage: request.headers.get("Accept-Language"),
      });
    })();
    chosen.set(request, locale);
  }
  return locale;
}

/** For a route loader: the page's strings (`common` comes from the root) — `return { …, i18n: await routeStrings(request, context, ["editor"]) }`. */
export async function routeStrings(request: Request, context: AppLoadContext, namespaces: readonly Exclude<Namespace, "common" | "mail">[]): Promise<Strings> {
  return stringsFor(await requestLocale(request, context), namespaces);
}

/** The translation function for a request's language (actions' error messages, meta titles computed in loaders). */
export async function requestT(request: Request, context: AppLoadContext): Promise<Translate> {
  return tFor(await requestLocale(request, context));
}
