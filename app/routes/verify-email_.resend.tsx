/** /verify-email/resend (the trailing "_" keeps it out of /verify-email's layout): send the confirmation link again. */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { resendVerificationEmail } from "../auth/resend-verification.server";
import { getConfig } from "../config.server";
import { outboxIsTheDelivery } from "../deployment.server";
import { requireSessionUser } from "../utils/guards.server";
import { forwardHeaders } from "../utils/route-headers";

export const meta: MetaFunction = () => [{ title: "Confirm your e-mail address — Accord" }];
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireSessionUser(request, context);
  const config = getConfig();
  return {
    verified: user.emailVerifiedAt != null,
    sent: new URL(request.url).searchParams.get("sent") === "1",
    devOutbox: outboxIsTheDelivery(config, context.fromThisMachine),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireSessionUser(request, context);
  const result = await resendVerificationEmail(user);
  if (!result.ok && result.reason === "too-soon") {
    return data(
      {
        error: `We sent you a link less than a minute ago. Please wait ${result.retryAfterSeconds} seconds before asking for another one, and look in your spam folder meanwhile.`,
      },
      { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } },
    );
  }
  if (!result.ok) return redirect("/verify-email/resend");
  return redirect("/verify-email/resend?sent=1");
}

export default function ResendVerification() {
  const { verified, sent, devOutbox } = useLoaderData<typeof loader>();
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
          We sent a new link to your address. It works for 48 hours and replaces the links we sent before.
        </div>
      ) : null}
      {result?.error ? <div className="alert error" role="alert">{result.error}</div> : null}
      <p>We send a link to the address of your account. Open it to confirm that the address is yours.</p>
      {devOutbox ? (
        <p className="muted small">
          This Accord has no mail server configured: read the message in the <Link to="/dev/outbox">development outbox</Link>.
        </p>
      ) : null}
      <Form method="post" action="/verify-email/resend" className="card">
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? "Sending…" : sent ? "Send another link" : "Send me a new link"}</button>
          <Link to="/workshops">Not now</Link>
        </div>
      </Form>
    </div>
  );
}
