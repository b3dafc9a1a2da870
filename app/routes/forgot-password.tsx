import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requestPasswordReset } from "../auth/accounts.server";
import { Trans, useT } from "../i18n/react";
import { requestLocale, requestT, routeStrings } from "../i18n/strings.server";
import { emailField } from "../auth/fields";
import { Field, FormError } from "../components/field";
import { getConfig } from "../config.server";
import { outboxIsTheDelivery } from "../deployment.server";
import { LIMITS, spendRequest } from "../auth/request-limits.server";
import { forwardHeaders } from "../utils/route-headers";
import { pleaseWaitIn } from "../utils/wait-words";

export const headers = forwardHeaders;
import { parseForm } from "../utils/forms.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Accord" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const config = getConfig();
  const t = await requestT(request, context);
  return {
    title: t("auth:forgot.metaTitle"),
    i18n: await routeStrings(request, context, ["auth"]),
    sent: new URL(request.url).searchParams.get("sent") === "1",
    devOutbox: outboxIsTheDelivery(config, context.fromThisMachine),
  };
}

const schema = z.object({ email: emailField });

export async function action({ request, context }: ActionFunctionArgs) {
  const t = await requestT(request, context);
  const parsed = await parseForm(request, schema, t);
  if (!parsed.ok) return data({ fieldErrors: parsed.fieldErrors }, { status: 400 });
  const wait = await spendRequest([
    { key: `reset:ip:${context.clientIp ?? "unknown"}`, limit: LIMITS.resetPerIp },
    { key: `reset:email:${parsed.data.email}`, limit: LIMITS.resetPerAddress },
  ]);
  if (wait > 0) {
    return data(
      { fieldErrors: { form: t("auth:forgot.throttled", { wait: pleaseWaitIn(t, wait) }) } as Record<string, string> },
      { status: 429, headers: { "Retry-After": String(wait) } },
    );
  }
  await requestPasswordReset(parsed.data.email, await requestLocale(request, context));
  // The same answer, after the same work, whether or not an account uses the address.
  return redirect("/forgot-password?sent=1");
}

export default function ForgotPassword() {
  const { t } = useT();
  const { sent, devOutbox } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const fieldErrors: Record<string, string> = result?.fieldErrors ?? {};
  return (
    <div className="page narrow">
      <h1>{t("auth:forgot.title")}</h1>
      {sent && !result ? (
        <>
          <div className="alert ok" role="status">
            {t("auth:forgot.sent")}
          </div>
          {devOutbox ? (
            <p className="muted small">
              <Trans k="auth:forgot.devOutbox" tags={{ go: (c) => <Link to="/dev/outbox">{c}</Link> }} />
            </p>
          ) : null}
          <p>{t("auth:forgot.noMessage")}</p>
        </>
      ) : (
        <p>{t("auth:forgot.intro")}</p>
      )}
      <FormError message={fieldErrors.form} />
      <Form method="post" action="/forgot-password" className="stack card" noValidate>
        <Field name="email" label={t("auth:forgot.email")} type="email" autoComplete="email" required maxLength={254} error={fieldErrors.email} />
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? t("auth:forgot.sending") : t("auth:forgot.send")}</button>
          <Link to="/login">{t("auth:forgot.back")}</Link>
        </div>
      </Form>
    </div>
  );
}
