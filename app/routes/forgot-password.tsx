/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { requestPasswordReset } from "../auth/accounts.server";
import { requestLocale } from "../i18n/strings.server";
import { emailField } from "../auth/fields";
import { Field, FormError } from "../components/field";
import { getConfig } from "../config.server";
import { outboxIsTheDelivery } from "../deployment.server";
import { LIMITS, spendRequest } from "../auth/request-limits.server";
import { forwardHeaders } from "../utils/route-headers";
import { pleaseWait } from "../utils/wait-words";

export const headers = forwardHeaders;
import { parseForm } from "../utils/forms.server";

export const meta: MetaFunction = () => [{ title: "Reset your password — Accord" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const config = getConfig();
  return {
    sent: new URL(request.url).searchParams.get("sent") === "1",
    devOutbox: outboxIsTheDelivery(config, context.fromThisMachine),
  };
}

const schema = z.object({ email: emailField });

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = await parseForm(request, schema);
  if (!parsed.ok) return data({ fieldErrors: parsed.fieldErrors as Record<string, string> }, { status: 400 });
  const wait = await spendRequest([
    { key: `reset:ip:${context.clientIp ?? "unknown"}`, limit: LIMITS.resetPerIp },
    { key: `reset:email:${parsed.data.email}`, limit: LIMITS.resetPerAddress },
  ]);
  if (wait > 0) {
    return data(
      { fieldErrors: { form: `Too many requests. ${pleaseWait(wait)}` } as Record<string, string> },
      { status: 429, headers: { "Retry-After": String(wait) } },
    );
  }
  await requestPasswordReset(parsed.data.email, await requestLocale(request, context));
  // The same answer, after the same work, whether or not an account uses the address.
  return redirect("/forgot-password?sent=1");
}

export default function ForgotPassword() {
  const { sent, devOutbox } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const fieldErrors: Record<string, string> = result?.fieldErrors ?? {};
  return (
    <div className="page narrow">
      <h1>Reset your password</h1>
      {sent && !result ? (
        <>
          <div className="alert ok" role="status">
            If an account uses that address, we sent a link to it. The link works once, for one hour.
          </div>
          {devOutbox ? (
            <p className="muted small">
              This Accord has no mail server configured: read the message in the <Link to="/dev/outbox">development outbox</Link>.
            </p>
          ) : null}
          <p>No message after a few minutes? Look in your spam folder, or ask again below.</p>
        </>
      ) : (
        <p>Tell us the e-mail address of your account and we will send you a link to choose a new password.</p>
      )}
      <FormError message={fieldErrors.form} />
      <Form method="post" action="/forgot-password" className="stack card" noValidate>
        <Field name="email" label="E-mail" type="email" autoComplete="email" required maxLength={254} error={fieldErrors.email} />
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? "Sending…" : "Send me a link"}</button>
          <Link to="/login">Back to sign in</Link>
        </div>
      </Form>
    </div>
  );
}
