/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * /verify-email/resend (the trailing "_" keeps it out of /verify-email's layout): the "confirm your e-mail" page.
 * Every page sends an account whose address is not confirmed here (app/auth/access-gate.server.ts); it sends the
 * link again, links to changing the address, and signs out.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { resendVerificationEmail } from "../auth/resend-verification.server";
import { requestLocale } from "../i18n/strings.server";
import { getConfig } from "../config.server";
import { outboxIsTheDelivery } from "../deployment.server";
import { requireSessionUser } from "../utils/guards.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";
import { waitWords } from "../utils/wait-words";

export const meta: MetaFunction = () => [{ title: "Confirm your e-mail address — Accord" }];
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireSessionUser(request, context);
  const config = getConfig();
  const sent = new URL(request.url).searchParams.get("sent");
  return data(
    {
      verified: user.emailVerifiedAt != null,
      email: user.email,
      sent: sent === "1" ? "again" : sent === "changed" ? "changed" : null,
      devOutbox: outboxIsTheDelivery(config, context.fromThisMachine),
    },
    { headers: NO_STORE },
  );
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireSessionUser(request, context);
  const result = await resendVerificationEmail(user, await requestLocale(request, context));
  if (!result.ok && result.reason !== "already-verified") {
    const error =
      result.reason === "too-soon"
        ? `We sent you a link less than a minute ago. Please wait ${waitWords(result.retryAfterSeconds)} before asking for another one, and look in your spam folder meanwhile.`
        : `Too many mails were sent to this address in the last hour. Please wait ${waitWords(result.retryAfterSeconds)} before asking for another link.`;
    return data({ error }, { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds), ...NO_STORE } });
  }
  if (!result.ok) return redirect("/verify-email/resend");
  return redirect("/verify-email/resend?sent=1");
}

export default function ResendVerification() {
  const { verified, email, sent, devOutbox } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (verified) {
    return (
      <div className="page narrow">
        <h1>Your e-mail address is confirmed</h1>
        <p>There is nothing more to do. <Link to="/workshops">Go to your workshops</Link>.</p>
      </div>
    );
  }
  return (
    <div className="page narrow">
      <h1>Confirm your e-mail address</h1>
      {sent && !result ? (
        <div className="alert ok" role="status">
          {`${sent === "changed" ? "Your address was changed. " : ""}We sent a new link to ${email}. It works for 48 hours and replaces the links we sent before.`}
        </div>
      ) : null}
      {result?.error ? <div className="alert error" role="alert">{result.error}</div> : null}
      <p>
        Until you confirm <strong>{email}</strong>, this account can do nothing else: no workshops, endorsements or access
        tokens. Open the link we sent to that address to confirm it.
      </p>
      {devOutbox ? (
        <p className="muted small">
          This Accord has no mail server configured: read the message in the <Link to="/dev/outbox">development outbox</Link>.
        </p>
      ) : null}
      <Form method="post" action="/verify-email/resend" className="card">
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? "Sending…" : sent ? "Send another link" : "Send me a new link"}</button>
          <Link to="/verify-email/change">Change your address</Link>
        </div>
      </Form>
      <Form method="post" action="/logout" className="actions">
        <button type="submit" className="secondary">Sign out</button>
      </Form>
    </div>
  );
}
