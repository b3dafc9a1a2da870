/**
 * /verify-email/resend (the trailing "_" keeps it out of /verify-email's layout): the "confirm your e-mail" page.
 * Every page sends an account whose address is not confirmed here (app/auth/access-gate.server.ts); it sends the
 * link again, links to changing the address, and signs out.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { resendVerificationEmail } from "../auth/resend-verification.server";
import { requestLocale, requestT, routeStrings } from "../i18n/strings.server";
import { Trans, useT } from "../i18n/react";
import { getConfig } from "../config.server";
import { outboxIsTheDelivery } from "../deployment.server";
import { requireSessionUser } from "../utils/guards.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";
import { waitWordsIn } from "../utils/wait-words";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Accord" }];
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireSessionUser(request, context);
  const config = getConfig();
  const sent = new URL(request.url).searchParams.get("sent");
  const t = await requestT(request, context);
  const verified = user.emailVerifiedAt != null;
  return data(
    {
      title: t("auth:resend.metaTitle"),
      i18n: await routeStrings(request, context, ["auth"]),
      verified,
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
    const t = await requestT(request, context);
    const wait = waitWordsIn(t, result.retryAfterSeconds);
    const error = result.reason === "too-soon" ? t("auth:resend.tooSoon", { wait }) : t("auth:resend.tooMany", { wait });
    return data({ error }, { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds), ...NO_STORE } });
  }
  if (!result.ok) return redirect("/verify-email/resend");
  return redirect("/verify-email/resend?sent=1");
}

export default function ResendVerification() {
  const { t } = useT();
  const { verified, email, sent, devOutbox } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (verified) {
    return (
      <div className="page narrow">
        <h1>{t("auth:resend.confirmedTitle")}</h1>
        <p><Trans k="auth:resend.nothingMore" tags={{ go: (c) => <Link to="/workshops">{c}</Link> }} /></p>
      </div>
    );
  }
  return (
    <div className="page narrow">
      <h1>{t("auth:resend.title")}</h1>
      {sent && !result ? (
        <div className="alert ok" role="status">
          {sent === "changed" ? t("auth:resend.sentChanged", { email }) : t("auth:resend.sent", { email })}
        </div>
      ) : null}
      {result?.error ? <div className="alert error" role="alert">{result.error}</div> : null}
      <p>
        <Trans k="auth:resend.until" values={{ email }} tags={{ strong: (c) => <strong>{c}</strong> }} />
      </p>
      {devOutbox ? (
        <p className="muted small">
          <Trans k="auth:signup.devOutbox" tags={{ go: (c) => <Link to="/dev/outbox">{c}</Link> }} />
        </p>
      ) : null}
      <Form method="post" action="/verify-email/resend" className="card">
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? t("auth:resend.sending") : sent ? t("auth:resend.another") : t("auth:resend.newLink")}</button>
          <Link to="/verify-email/change">{t("auth:resend.change")}</Link>
        </div>
      </Form>
      <Form method="post" action="/logout" className="actions">
        <button type="submit" className="secondary">{t("common:header.signOut")}</button>
      </Form>
    </div>
  );
}
