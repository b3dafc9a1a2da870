/**
 * /join/:token — an invitation link. GET only shows what the link offers (it never changes anything);
 * POST joins the workshop with the link's role and goes to the workshop. Someone already a member keeps
 * their role. Invalid link: 404; expired or revoked: 410. The token is in the URL, so this page sends
 * `Referrer-Policy: same-origin` (never sent to other sites) and is never cached.
 */
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, isRouteErrorResponse, Link, useLoaderData, useLocation, useNavigation, useRouteError } from "@remix-run/react";
import { findWorkshopForUser } from "../models/workshops.server";
import { acceptInvitation, lookupInvitation, type InvitationLookup } from "../models/memberships.server";
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from "../models/roles";
import { formatDateTime, isoString } from "../utils/dates";
import { getUser, requireUser } from "../utils/guards.server";

export const meta: MetaFunction = () => [{ title: "Join a workshop — Accord" }];

// `same-origin`, not `no-referrer`: the token must not leak to other sites, but with `no-referrer` Chromium sends
// `Origin: null` on this page's POST, which the cross-origin checks (ours and Remix's) rightly refuse.
export const headers: HeadersFunction = () => ({ "Referrer-Policy": "same-origin", "Cache-Control": "no-store" });

const INVALID =
  "This invitation link is not valid. Check that you copied the whole link, or ask an organiser of the workshop for a new one.";

function refuse(found: Exclude<InvitationLookup, { status: "valid" }>): Response {
  if (found.status === "expired") {
    return new Response(
      `This invitation link to “${found.workshopTitle}” has expired or was revoked. Ask one of the workshop's organisers for a new link.`,
      { status: 410, statusText: "Gone", headers: { "Content-Type": "text/plain; charset=utf-8" } },
    );
  }
  return new Response(INVALID, { status: 404, statusText: "Not Found", headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

export async function loader({ context, params }: LoaderFunctionArgs) {
  const found = await lookupInvitation(params.token ?? "");
  if (found.status !== "valid") throw refuse(found);
  const user = await getUser(context);
  const membership = user ? await findWorkshopForUser(found.workshopSlug, user.id) : null;
  return {
    workshop: { slug: found.workshopSlug, title: found.workshopTitle },
    role: found.role,
    expiresAt: found.expiresAt,
    signedIn: user != null,
    currentRole: membership?.role ?? null,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user } = await requireUser(request, context);
  const outcome = await acceptInvitation(params.token ?? "", user.id);
  if (outcome.status !== "valid") throw refuse(outcome);
  return redirect(`/workshops/${outcome.workshopSlug}`);
}

export default function Join() {
  const { workshop, role, expiresAt, signedIn, currentRole } = useLoaderData<typeof loader>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="page narrow">
      <h1>Join “{workshop.title}”</h1>
      <p>
        You have been invited to join the workshop <strong>{workshop.title}</strong> on Accord as{" "}
        <strong>{ROLE_LABELS[role]}</strong>. The link works until{" "}
        <time dateTime={isoString(expiresAt)}>{formatDateTime(expiresAt)}</time>.
      </p>
      {!signedIn ? <SignedOut /> : currentRole ? (
        <div className="card">
          <p>
            You are already a member of this workshop as <strong>{ROLE_LABELS[currentRole]}</strong>. This link does not
            change your role.
          </p>
          <p><Link className="button" to={`/workshops/${workshop.slug}`}>Go to the workshop</Link></p>
        </div>
      ) : (
        <Form method="post" className="card stack">
          <p>
            {ROLE_LABELS[role]}: {ROLE_DESCRIPTIONS[role].toLowerCase()}. The workshop&apos;s organisers will see your name
            and e-mail address.
          </p>
          <div className="actions">
            <button type="submit" disabled={busy}>{`Join ${workshop.title} as ${ROLE_LABELS[role]}`}</button>
            <Link to="/workshops">Not now</Link>
          </div>
        </Form>
      )}
    </div>
  );
}

function SignedOut() {
  const { pathname } = useLocation();
  const back = encodeURIComponent(pathname);
  return (
    <div className="card">
      <p>To join, sign in to Accord first. You will come back to this page afterwards.</p>
      <div className="actions">
        <Link className="button" to={`/login?redirectTo=${back}`}>Sign in</Link>
        <Link className="button secondary" to={`/signup?redirectTo=${back}`}>Create an account</Link>
      </div>
      <p className="muted small">New to Accord? After you create your account and confirm your e-mail address, open this invitation link again.</p>
    </div>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  let title = "Something went wrong";
  let message = "An unexpected error happened on our side. Please try the link again.";
  if (isRouteErrorResponse(error)) {
    if (error.status === 410) title = "This invitation has expired";
    else if (error.status === 404) title = "This invitation link is not valid";
    message = typeof error.data === "string" && error.data ? error.data : error.status === 404 ? INVALID : message;
  }
  return (
    <div className="page narrow">
      <h1>{title}</h1>
      <p>{message}</p>
      <p><Link to="/workshops">Go to your workshops</Link></p>
    </div>
  );
}
