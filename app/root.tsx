import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, isRouteErrorResponse, Link, Links, Meta, NavLink, Outlet, Scripts, ScrollRestoration, useLocation, useMatches, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { useEffect, type FormEvent, type ReactNode } from "react";
import { deleteDeviceCopies, deleteDeviceCopy, forgetOtherAccountsPages, unsavedChanges } from "./collab/device-copies";
import { DOCUMENT_PAGE } from "./collab/offline-pages";
import { deviceCopyPrefix } from "./collab/device-key.server";
import { timeZoneCookie, timeZoneFromCookies, validTimeZone } from "./auth/session-place";
import styles from "./styles/app.css";
import { languageDirection } from "./declarations/languages";
import { I18nProvider, useT } from "./i18n/react";
import { LOCALE_NAMES, LOCALES, type Locale } from "./i18n/locales";
import { requestLocale, stringsFor } from "./i18n/strings.server";
import { getUser } from "./utils/guards.server";
import { useNonce } from "./utils/nonce";
import { isStaticPage } from "./utils/static-page";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

/** The product's name, the same in every language. */
const BRAND = "Accord";

export const meta: MetaFunction = () => [{ title: BRAND }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(context);
  const locale = await requestLocale(request, context);
  return {
    user: user ? { name: user.name, emailVerified: user.emailVerifiedAt != null, deviceCopies: deviceCopyPrefix(user.id) } : null,
    locale,
    i18n: stringsFor(locale, ["common"]),
  };
}

/**
 * Signing out deletes the documents kept on this device for offline editing (every account's): not while offline
 * (the sign-out could not reach the server, and the copies are all that holds the changes), and only once the
 * person agreed when the open document has changes the server has not confirmed.
 */
function useSignOut(): (event: FormEvent<HTMLFormElement>) => void {
  const { t } = useT();
  return (event) => {
    if (!navigator.onLine) {
      event.preventDefault();
      window.alert(t("common:signOut.offline"));
      return;
    }
    const unsaved = unsavedChanges.get();
    if (unsaved > 0 && !window.confirm(t("common:signOut.unsaved", { count: unsaved }))) {
      event.preventDefault();
      return;
    }
    deleteDeviceCopies().catch(() => undefined);
  };
}

function Header({ user }: { user: { name: string; emailVerified: boolean } | null }) {
  const { t } = useT();
  const onSignOut = useSignOut();
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link to="/" className="brand" aria-label={t("common:header.home")}>
          {BRAND}
        </Link>
        <nav aria-label={t("common:header.main")}>
          <ul className="nav">
            <li><NavLink to="/declarations">{t("common:header.declarations")}</NavLink></li>
            {user ? (
              <>
                {user.emailVerified ? (
                  <>
                    <li><NavLink to="/workshops">{t("common:header.workshops")}</NavLink></li>
                    <li><NavLink to="/account">{t("common:header.account")}</NavLink></li>
                  </>
                ) : (
                  <li><NavLink to="/verify-email/resend">{t("common:header.confirmEmail")}</NavLink></li>
                )}
                <li>
                  <Form method="post" action="/logout" onSubmit={onSignOut}>
                    <button type="submit" className="link-button">{t("common:header.signOut")}</button>
                  </Form>
                </li>
              </>
            ) : (
              <>
                <li><NavLink to="/login">{t("common:header.signIn")}</NavLink></li>
                <li><NavLink to="/signup">{t("common:header.createAccount")}</NavLink></li>
              </>
            )}
          </ul>
        </nav>
      </div>
    </header>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const data = useRouteLoaderData<typeof loader>("root");
  // Public reading pages carry no JavaScript at all (app/utils/static-page.ts).
  const scripts = !isStaticPage(useMatches());
  const locale = data?.locale ?? null;
  return (
    <html lang={locale ?? "en"} dir={languageDirection(locale ?? "en")}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <I18nProvider locale={locale}>
          <SkipLink />
          <Header user={data?.user ?? null} />
          <main id="main" tabIndex={-1}>
            {children}
          </main>
          <Footer />
        </I18nProvider>
        {scripts ? (
          <>
            <ScrollRestoration nonce={nonce} />
            <Scripts nonce={nonce} />
          </>
        ) : null}
      </body>
    </html>
  );
}

function SkipLink() {
  const { t } = useT();
  return <a href="#main" className="skip-link">{t("common:skipToContent")}</a>;
}

/** The language switch works without JavaScript: a form posting to /language, back to this page. */
function Footer() {
  const { t, locale } = useT();
  const location = useLocation();
  return (
    <footer className="site-footer">
      <p>{t("common:footer.tagline")}</p>
      <Form method="post" action="/language" className="language-switch" reloadDocument>
        <input type="hidden" name="back" value={location.pathname + location.search} />
        <label htmlFor="language-switch">{t("common:footer.language")}</label>{" "}
        <select id="language-switch" name="locale" defaultValue={locale}>
          {LOCALES.map((l: Locale) => (
            <option key={l} value={l} lang={l}>
              {LOCALE_NAMES[l]}
            </option>
          ))}
        </select>{" "}
        <button type="submit" className="secondary">{t("common:footer.change")}</button>
      </Form>
    </footer>
  );
}

export default function App() {
  // An account with an unconfirmed address only reaches the pages about confirming it (app/auth/access-gate.server.ts).
  const data = useRouteLoaderData<typeof loader>("root");
  const signedIn = data?.user != null;
  const deviceCopies = data?.user?.deviceCopies ?? null;
  useEffect(() => {
    // Pages kept for offline use are shown to the account that kept them only (app/collab/device-copies.ts).
    forgetOtherAccountsPages(deviceCopies).catch(() => undefined);
  }, [deviceCopies]);
  useEffect(() => {
    // The page is interactive from here: browser tests wait for this before typing (input during React's
    // interruptible hydration can abort it: "Root did not complete").
    document.documentElement.dataset.hydrated = "true";
  }, []);
  useEffect(() => {
    // The sessions list says where each session was used: the browser's own time zone, never an address.
    if (!signedIn) return;
    const timeZone = validTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone);
    if (timeZone && timeZoneFromCookies(document.cookie) !== timeZone) {
      document.cookie = timeZoneCookie(timeZone, location.protocol === "https:");
    }
  }, [signedIn]);
  return <Outlet />;
}

/** A document page answering 404 (gone, or no longer ours): its device copy can never be saved, so it goes, with its kept page. */
function useForgetLostDocument(status: number | null) {
  const prefix = useRouteLoaderData<typeof loader>("root")?.user?.deviceCopies;
  useEffect(() => {
    const id = DOCUMENT_PAGE.exec(window.location.pathname)?.[1];
    if (status === 404 && prefix && id) deleteDeviceCopy(prefix, id).catch(() => undefined);
  }, [status, prefix]);
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useT();
  useForgetLostDocument(isRouteErrorResponse(error) ? error.status : null);
  let title = t("common:error.title");
  let message = t("common:error.message");
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) {
      title = t("common:error.notFoundTitle");
      message = t("common:error.notFound");
    } else if (error.status === 403) {
      title = t("common:error.forbiddenTitle");
      message = typeof error.data === "string" && error.data ? error.data : t("common:error.forbidden");
    } else {
      title = `${error.status} ${error.statusText}`;
      message = typeof error.data === "string" && error.data ? error.data : message;
    }
  }
  // Remix passes an error's stack only where details may be shown (outside production, to this machine:
  // app/deployment.server.ts); everyone else gets a sanitised error without one. A page with JavaScript carries it in
  // Remix's own data; a page without (app/utils/static-page.ts) never runs in a browser, so it shows it here.
  const staticPage = isStaticPage(useMatches());
  const details = staticPage && error instanceof Error && error.stack ? error.stack : null;
  return (
    <div className="page narrow">
      <h1>{title}</h1>
      <p>{message}</p>
      {details ? (
        <details className="error-details" open>
          <summary>{t("common:error.details")}</summary>
          <pre>{details}</pre>
        </details>
      ) : null}
      {message.includes("/account/second-factor") ? <p><Link to="/account/second-factor">{t("common:error.setUpSecondFactor")}</Link></p> : null}
      <p><Link to="/">{t("common:error.backHome")}</Link></p>
    </div>
  );
}
