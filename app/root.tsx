import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, isRouteErrorResponse, Link, Links, Meta, NavLink, Outlet, Scripts, ScrollRestoration, useMatches, useRouteError, useRouteLoaderData } from "@remix-run/react";
import { useEffect, type ReactNode } from "react";
import { deleteDeviceCopies } from "./collab/device-copies";
import { deviceCopyPrefix } from "./collab/device-key.server";
import { timeZoneCookie, timeZoneFromCookies, validTimeZone } from "./auth/session-place";
import styles from "./styles/app.css";
import { getUser } from "./utils/guards.server";
import { useNonce } from "./utils/nonce";
import { isStaticPage } from "./utils/static-page";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [{ title: "Accord" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const user = await getUser(context);
  return { user: user ? { name: user.name, emailVerified: user.emailVerifiedAt != null, deviceCopies: deviceCopyPrefix(user.id) } : null };
}

/** Signing out deletes the documents kept on this device for offline editing (every account's). */
function onSignOut() {
  deleteDeviceCopies().catch(() => undefined);
}

function Header({ user }: { user: { name: string; emailVerified: boolean } | null }) {
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link to="/" className="brand" aria-label="Accord, home">
          Accord
        </Link>
        <nav aria-label="Main">
          <ul className="nav">
            <li><NavLink to="/declarations">Declarations</NavLink></li>
            {user ? (
              <>
                {user.emailVerified ? (
                  <>
                    <li><NavLink to="/workshops">Workshops</NavLink></li>
                    <li><NavLink to="/account">Account</NavLink></li>
                  </>
                ) : (
                  <li><NavLink to="/verify-email/resend">Confirm your e-mail</NavLink></li>
                )}
                <li>
                  <Form method="post" action="/logout" onSubmit={onSignOut}>
                    <button type="submit" className="link-button">Sign out</button>
                  </Form>
                </li>
              </>
            ) : (
              <>
                <li><NavLink to="/login">Sign in</NavLink></li>
                <li><NavLink to="/signup">Create account</NavLink></li>
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
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <a href="#main" className="skip-link">Skip to content</a>
        <Header user={data?.user ?? null} />
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <footer className="site-footer">
          <p>Accord — draft together, endorse in public.</p>
        </footer>
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

export default function App() {
  // An account with an unconfirmed address only reaches the pages about confirming it (app/auth/access-gate.server.ts).
  const data = useRouteLoaderData<typeof loader>("root");
  const signedIn = data?.user != null;
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

/** A document page answering 404 (gone, or no longer ours): its device copy can never be saved, so it goes. */
function useForgetLostDocument(status: number | null) {
  const prefix = useRouteLoaderData<typeof loader>("root")?.user?.deviceCopies;
  useEffect(() => {
    const id = /^\/documents\/([\w-]{36})$/.exec(window.location.pathname)?.[1];
    if (status === 404 && prefix && id) indexedDB.deleteDatabase(prefix + id);
  }, [status, prefix]);
}

export function ErrorBoundary() {
  const error = useRouteError();
  useForgetLostDocument(isRouteErrorResponse(error) ? error.status : null);
  let title = "Something went wrong";
  let message = "An unexpected error happened on our side. Nothing you sent was lost; please try again.";
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) {
      title = "Page not found";
      message = "There is nothing here, or you do not have access to it.";
    } else if (error.status === 403) {
      title = "Not allowed";
      message = typeof error.data === "string" && error.data ? error.data : "You do not have access to this.";
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
          <summary>Error details (shown only on this machine, outside production)</summary>
          <pre>{details}</pre>
        </details>
      ) : null}
      {message.includes("/account/second-factor") ? <p><Link to="/account/second-factor">Set up a second factor</Link></p> : null}
      <p><Link to="/">Back to the start page</Link></p>
    </div>
  );
}
