import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { signup } from "../auth/accounts.server";
import { passwordProblem } from "../auth/password.server";
import { emailField, nameField, passwordField } from "../auth/fields";
import { Field, FormError } from "../components/field";
import { getConfig } from "../config.server";
import { outboxIsTheDelivery } from "../deployment.server";
import { formToObject, parseWith } from "../utils/forms.server";
import { getUser, safeRedirectTarget } from "../utils/guards.server";
import { newSignupSecret, serializeSignupCookie } from "../auth/signup-browser.server";
import { spendSignupAllowance } from "../auth/request-limits.server";
import { forwardHeaders } from "../utils/route-headers";
import { pleaseWaitIn } from "../utils/wait-words";
import { fieldErrorsIn, fieldProblemWords } from "../auth/field-words";
import { Trans, useT } from "../i18n/react";
import { requestLocale, requestT, routeStrings, tFor } from "../i18n/strings.server";

export const headers = forwardHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Accord" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const redirectTo = safeRedirectTarget(new URL(request.url).searchParams.get("redirectTo"), "");
  if (await getUser(context)) throw redirect(redirectTo || "/workshops");
  const config = getConfig();
  const t = await requestT(request, context);
  const sent = new URL(request.url).searchParams.get("sent") === "1";
  return {
    title: sent ? t("auth:signup.sentMetaTitle") : t("auth:signup.metaTitle"),
    i18n: await routeStrings(request, context, ["auth"]),
    sent,
    redirectTo,
    // On a machine without a mail server the message waits in the outbox page: say where.
    devOutbox: outboxIsTheDelivery(config, context.fromThisMachine),
  };
}

const schema = z.object({ name: nameField, email: emailField, password: passwordField, redirectTo: z.string().max(500).optional() });

export async function action({ request, context }: ActionFunctionArgs) {
  const locale = await requestLocale(request, context);
  const t = tFor(locale);
  let form: Record<string, string>;
  try {
    form = formToObject(await request.formData());
  } catch {
    return data({ fieldErrors: { form: fieldProblemWords(t, "formUnreadable") } as Record<string, string> }, { status: 400 });
  }
  const parsed = parseWith(schema, form);
  if (!parsed.ok) {
    // Say everything that is wrong at once: the password rules too, not only after the other fields are fixed.
    const fieldErrors: Record<string, string> = { ...parsed.fieldErrors };
    if (!fieldErrors.password && typeof form.password === "string") {
      const problem = passwordProblem(form.password, { email: form.email?.trim().toLowerCase(), name: form.name });
      if (problem) fieldErrors.password = problem;
    }
    return data({ fieldErrors: fieldErrorsIn(t, fieldErrors) }, { status: 400 });
  }
  const wait = await spendSignupAllowance({ email: parsed.data.email, ip: context.clientIp ?? "unknown" });
  if (wait > 0) {
    return data(
      { fieldErrors: { form: t("auth:signup.throttled", { wait: pleaseWaitIn(t, wait) }) } as Record<string, string> },
      { status: 429, headers: { "Retry-After": String(wait) } },
    );
  }
  // Whoever confirms from this browser chose the password (app/auth/signup-browser.server.ts).
  const browserSecret = newSignupSecret();
  const next = parsed.data.redirectTo ? safeRedirectTarget(parsed.data.redirectTo, "") || null : null;
  const result = await signup({ ...parsed.data, browserSecret, next, locale });
  if (!result.ok) return data({ fieldErrors: fieldErrorsIn(t, result.fieldErrors) }, { status: 400 });
  // The same answer whether or not the address already had an account (the mail itself tells the owner).
  return redirect("/signup?sent=1", { headers: { "Set-Cookie": serializeSignupCookie(browserSecret) } });
}

export default function Signup() {
  const { sent, devOutbox, redirectTo } = useLoaderData<typeof loader>();
  const { t } = useT();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const fieldErrors: Record<string, string> = result?.fieldErrors ?? {};

  if (sent) {
    return (
      <div className="page narrow">
        <h1>{t("auth:signup.sentTitle")}</h1>
        <div className="alert ok" role="status">
          {t("auth:signup.sentBody")}
        </div>
        <p>{t("auth:signup.sentExisting")}</p>
        <p><Trans k="auth:signup.sentNothing" tags={{ go: (c) => <Link to="/signup">{c}</Link> }} /></p>
        {devOutbox ? (
          <p className="muted small">
            <Trans k="auth:signup.devOutbox" tags={{ go: (c) => <Link to="/dev/outbox">{c}</Link> }} />
          </p>
        ) : null}
        <p><Link to="/login">{t("auth:signup.goSignIn")}</Link></p>
      </div>
    );
  }

  const count = Object.keys(fieldErrors).filter((k) => k !== "form").length;
  return (
    <div className="page narrow">
      <h1>{t("auth:signup.title")}</h1>
      <FormError message={fieldErrors.form ?? (count > 0 ? t("auth:signup.fix", { count }) : null)} />
      <Form method="post" action="/signup" className="stack card" noValidate>
        {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
        <Field name="name" label={t("auth:signup.name")} type="text" autoComplete="name" required maxLength={120} error={fieldErrors.name} />
        <Field
          name="email"
          label={t("auth:login.email")}
          type="email"
          autoComplete="email"
          hint={t("auth:signup.emailHint")}
          required
          maxLength={254}
          error={fieldErrors.email}
        />
        <Field
          name="password"
          label={t("auth:login.password")}
          type="password"
          autoComplete="new-password"
          hint={t("auth:fields.passwordHint")}
          required
          error={fieldErrors.password}
        />
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? t("auth:signup.submitting") : t("auth:signup.submit")}</button>
        </div>
      </Form>
      <p><Trans k="auth:signup.haveAccount" tags={{ go: (c) => <Link to="/login">{c}</Link> }} /></p>
    </div>
  );
}
