/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * /join/:token — an invitation link. GET only shows what the link offers (it never changes anything); POST joins the
 * workshop with the link's role, takes one of its uses and goes to the workshop. The rules (app/models/invitations.server.ts):
 * a member keeps their role; an unconfirmed address must be confirmed first (403, with the way to do it); someone
 * removed after the link was made needs a new one (403). Invalid link: 404; expired, revoked or used up: 410. The
 * token is in the URL, so this page sends `Referrer-Policy: same-origin` (never sent to other sites) and is never cached.
 */
import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, isRouteErrorResponse, Link, useActionData, useLoaderData, useLocation, useNavigation, useRouteError } from "@remix-run/react";
import { acceptInvitation, previewInvitation, type JoinOutcome } from "../models/invitations.server";
import { ROLE_DESCRIPTIONS, ROLE_LABELS, type Role } from "../models/roles";
import { formatDateTime, isoString } from "../utils/dates";
import { getUser, requireUser } from "../utils/guards.server";

export const meta: MetaFunction = () => [{ title: "Join a workshop — Accord" }];

// `same-origin`, not `no-referrer`: the token must not leak to other sites, but with `no-referrer` Chromium sends
// `Origin: null` on this page's POST, which the cross-origin checks (ours and Remix's) rightly refuse.
export const headers: HeadersFunction = () => ({ "Referrer-Policy": "same-origin", "Cache-Control": "no-store" });

const INVALID =
  "This invitation link is not valid. Check that you copied the whole link, or ask an organiser of the workshop for a new one.";

const text = (message: string, status: number, statusText: string) =>
  new Response(message, { status, statusText, headers: { "Content-Type": "text/plain; charset=utf-8" } });

type Shown = Extract<JoinOutcome, { status: "signed_out" | "unverified" | "removed" | "can_join" | "already_member" }>;

/** The outcomes shown on this page; the others are thrown as responses for the error boundary. */
function shown(outcome: JoinOutcome): Shown {
  switch (outcome.status) {
    case "invalid":
      throw text(INVALID, 404, "Not Found");
    case "revoked":
    case "expired":
      throw text(`This invitation link to “${outcome.invitation.workshopTitle}” has expired or was revoked. Ask one of the workshop's organisers for a new link.`, 410, "Gone");
    case "used_up":
      throw text(`This invitation link to “${outcome.invitation.workshopTitle}” has already been used as many times as it allows. Ask one of the workshop's organisers for a new link.`, 410, "Gone");
    case "joined":
      throw redirect(`/workshops/${outcome.invitation.workshopSlug}`);
    default:
      return outcome;
  }
}

function view(outcome: Shown, email: string | null) {
  const { workshopSlug, workshopTitle, role, expiresAt } = outcome.invitation;
  return {
    workshop: { slug: workshopSlug, title: workshopTitle },
    role,
    expiresAt,
    state: outcome.status,
    currentRole: outcome.status === "already_member" ? outcome.role : null,
    email,
  };
}

const statusOf = (state: Shown["status"]) => (state === "unverified" || state === "removed" ? 403 : 200);

export async function loader({ context, params }: LoaderFunctionArgs) {
  const user = await getUser(context);
  const outcome = shown(await previewInvitation(params.token ?? "", user));
  return data(view(outcome, user?.email ?? null), { status: statusOf(outcome.status) });
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const { user } = await requireUser(request, context);
  const outcome = await acceptInvitation(params.token ?? "", user);
  if (outcome.status === "already_member") return redirect(`/workshops/${outcome.invitation.workshopSlug}`);
  const refused = shown(outcome);
  return data(view(refused, user.email), { status: statusOf(refused.status) });
}

export default function Join() {
  const loaded = useLoaderData<typeof loader>();
  const answered = useActionData<typeof action>();
  const { workshop, role, expiresAt, state, currentRole, email } = answered ?? loaded;
  return (
    <div className="page narrow">
      <h1>Join “{workshop.title}”</h1>
      <p>
        You have been invited to join the workshop <strong>{workshop.title}</strong> on Accord as{" "}
        <strong>{ROLE_LABELS[role]}</strong>. The link works until{" "}
        <time dateTime={isoString(expiresAt)}>{formatDateTime(expiresAt)}</time>.
      </p>
      {state === "signed_out" ? <SignedOut /> : null}
      {state === "unverified" ? <ConfirmFirst email={email} /> : null}
      {state === "removed" ? (
        <div className="alert error" role="alert">
          You were removed from this workshop after this link was made, so it no longer lets you in. If you should be back,
          ask one of its organisers for a new invitation.
        </div>
      ) : null}
      {state === "already_member" && currentRole ? <AlreadyMember slug={workshop.slug} currentRole={currentRole} linkRole={role} /> : null}
      {state === "can_join" ? <JoinForm title={workshop.title} role={role} /> : null}
    </div>
  );
}

function JoinForm({ title, role }: { title: string; role: Role }) {
  const busy = useNavigation().state === "submitting";
  return (
    <Form method="post" className="card stack">
      <p>
        {ROLE_LABELS[role]}: {ROLE_DESCRIPTIONS[role].toLowerCase()}. The workshop&apos;s organisers will see your name and
        e-mail address, and that you joined with this link.
      </p>
      <div className="actions">
        <button type="submit" disabled={busy}>{`Join ${title} as ${ROLE_LABELS[role]}`}</button>
        <Link to="/workshops">Not now</Link>
      </div>
    </Form>
  );
}

function AlreadyMember({ slug, currentRole, linkRole }: { slug: string; currentRole: Role; linkRole: Role }) {
  return (
    <div className="card">
      <p>
        You are already a member of this workshop as <strong>{ROLE_LABELS[currentRole]}</strong>.{" "}
        {currentRole === linkRole
          ? "This link does not change your role."
          : `This link does not change your role: to become ${ROLE_LABELS[linkRole]}, ask one of the workshop's organisers to change it.`}
      </p>
      <p><Link className="button" to={`/workshops/${slug}`}>Go to the workshop</Link></p>
    </div>
  );
}

function ConfirmFirst({ email }: { email: string | null }) {
  return (
    <div className="card" role="alert">
      <h2>Confirm your e-mail address first</h2>
      <p>
        Only accounts with a confirmed e-mail address can join a workshop. Open the link in the mail we sent to{" "}
        {email ? <strong>{email}</strong> : "your address"} when you created your account, then open this invitation
        link again.
      </p>
      <p><Link className="button" to="/verify-email/resend">Send me a new confirmation link</Link></p>
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
    if (error.status === 410) title = "This invitation link no longer works";
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
