/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { signup } from "../auth/accounts.server";
import { passwordProblem } from "../auth/password.server";
import { emailField, nameField, passwordField } from "../auth/fields";
import { Field, FormError } from "../components/field";
import { PASSWORD_HINT } from "../components/password-hint";
import { getConfig } from "../config.server";
import { outboxIsTheDelivery } from "../deployment.server";
import { formToObject, parseWith } from "../utils/forms.server";
import { getUser, safeRedirectTarget } from "../utils/guards.server";
import { newSignupSecret, serializeSignupCookie } from "../auth/signup-browser.server";
import { spendSignupAllowance } from "../auth/request-limits.server";
import { forwardHeaders } from "../utils/route-headers";
import { pleaseWait } from "../utils/wait-words";

export const headers = forwardHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.sent ? "Check your e-mail — Accord" : "Create an account — Accord" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const redirectTo = safeRedirectTarget(new URL(request.url).searchParams.get("redirectTo"), "");
  if (await getUser(context)) throw redirect(redirectTo || "/workshops");
  const config = getConfig();
  return {
    sent: new URL(request.url).searchParams.get("sent") === "1",
    redirectTo,
    // On a machine without a mail server the message waits in the outbox page: say where.
    devOutbox: outboxIsTheDelivery(config, context.fromThisMachine),
  };
}

const schema = z.object({ name: nameField, email: emailField, password: passwordField, redirectTo: z.string().max(500).optional() });

export async function action({ request, context }: ActionFunctionArgs) {
  let form: Record<string, string>;
  try {
    form = formToObject(await request.formData());
  } catch {
    return data({ fieldErrors: { form: "The form could not be read. Please try again." } as Record<string, string> }, { status: 400 });
  }
  const parsed = parseWith(schema, form);
  if (!parsed.ok) {
    // Say everything that is wrong at once: the password rules too, not only after the other fields are fixed.
    const fieldErrors: Record<string, string> = { ...parsed.fieldErrors };
    if (!fieldErrors.password && typeof form.password === "string") {
      const problem = passwordProblem(form.password, { email: form.email?.trim().toLowerCase(), name: form.name });
      if (problem) fieldErrors.password = problem;
    }
    return data({ fieldErrors }, { status: 400 });
  }
  const wait = await spendSignupAllowance({ email: parsed.data.email, ip: context.clientIp ?? "unknown" });
  if (wait > 0) {
    return data(
      { fieldErrors: { form: `Too many sign-up attempts. ${pleaseWait(wait)}` } as Record<string, string> },
      { status: 429, headers: { "Retry-After": String(wait) } },
    );
  }
  // Whoever confirms from this browser chose the password (app/auth/signup-browser.server.ts).
  const browserSecret = newSignupSecret();
  const next = parsed.data.redirectTo ? safeRedirectTarget(parsed.data.redirectTo, "") || null : null;
  const result = await signup({ ...parsed.data, browserSecret, next });
  if (!result.ok) return data({ fieldErrors: result.fieldErrors as Record<string, string> }, { status: 400 });
  // The same answer whether or not the address already had an account (the mail itself tells the owner).
  return redirect("/signup?sent=1", { headers: { "Set-Cookie": serializeSignupCookie(browserSecret) } });
}

export default function Signup() {
  const { sent, devOutbox, redirectTo } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const fieldErrors: Record<string, string> = result?.fieldErrors ?? {};

  if (sent) {
    return (
      <div className="page narrow">
        <h1>Check your e-mail</h1>
        <div className="alert ok" role="status">
          We sent a message to the address you gave. Open the link in it to confirm your address; the link works for 48 hours.
        </div>
        <p>If that address already has an Accord account, the message says so and tells you how to sign in instead.</p>
        <p>No message after a few minutes? Look in your spam folder, or <Link to="/signup">try again</Link> with the address spelled differently.</p>
        {devOutbox ? (
          <p className="muted small">
            This Accord has no mail server configured: read the message in the <Link to="/dev/outbox">development outbox</Link>.
          </p>
        ) : null}
        <p><Link to="/login">Go to sign in</Link></p>
      </div>
    );
  }

  const count = Object.keys(fieldErrors).filter((k) => k !== "form").length;
  return (
    <div className="page narrow">
      <h1>Create an account</h1>
      <FormError message={fieldErrors.form ?? (count > 0 ? (count === 1 ? "Please correct the field marked below." : "Please correct the fields marked below.") : null)} />
      <Form method="post" action="/signup" className="stack card" noValidate>
        {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
        <Field name="name" label="Your name" type="text" autoComplete="name" required maxLength={120} error={fieldErrors.name} />
        <Field
          name="email"
          label="E-mail"
          type="email"
          autoComplete="email"
          hint="We send a link to confirm it. It is never shown to other people."
          required
          maxLength={254}
          error={fieldErrors.email}
        />
        <Field
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          hint={PASSWORD_HINT}
          required
          error={fieldErrors.password}
        />
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? "Creating your account…" : "Create account"}</button>
        </div>
      </Form>
      <p>Already have an account? <Link to="/login">Sign in</Link>.</p>
    </div>
  );
}
