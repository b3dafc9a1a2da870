import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { login } from "../auth/accounts.server";
import { serializeSessionCookie } from "../auth/cookie.server";
import { emailField, passwordField } from "../auth/fields";
import { Field, FormError } from "../components/field";
import { parseForm } from "../utils/forms.server";
import { getUser, safeRedirectTarget } from "../utils/guards.server";
import { forwardHeaders } from "../utils/route-headers";
import { pleaseWaitIn } from "../utils/wait-words";
import { Trans, useT } from "../i18n/react";
import { requestT, routeStrings } from "../i18n/strings.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Accord" }];
// Without a `headers` export Remix keeps only Set-Cookie from `data()`: this lets Retry-After through.
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getUser(context)) throw redirect(safeRedirectTarget(new URL(request.url).searchParams.get("redirectTo")));
  const t = await requestT(request, context);
  return { title: t("auth:login.metaTitle"), i18n: await routeStrings(request, context, ["auth"]) };
}

const schema = z.object({ email: emailField, password: passwordField, redirectTo: z.string().optional() });

export async function action({ request, context }: ActionFunctionArgs) {
  const t = await requestT(request, context);
  const parsed = await parseForm(request, schema, t);
  // An unreadable form has no field to show its words beside: they go above the form.
  if (!parsed.ok) return data({ error: parsed.fieldErrors.form ?? null, fieldErrors: parsed.fieldErrors }, { status: 400 });
  const result = await login({
    email: parsed.data.email,
    password: parsed.data.password,
    ip: context.clientIp,
    userAgent: request.headers.get("user-agent"),
    cookie: request.headers.get("cookie"),
    redirectTo: safeRedirectTarget(parsed.data.redirectTo),
  });
  if (!result.ok && result.reason === "throttled") {
    return data(
      { error: t("auth:login.throttled", { wait: pleaseWaitIn(t, result.retryAfterSeconds) }), fieldErrors: {} },
      { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } },
    );
  }
  if (!result.ok) return data({ error: t("auth:login.mismatch"), fieldErrors: {} }, { status: 400 });
  if (result.next === "second-factor") {
    return redirect("/login/second-factor", { headers: { "Set-Cookie": result.pendingCookie, "Cache-Control": "no-store" } });
  }
  const headers = new Headers();
  headers.append("Set-Cookie", serializeSessionCookie(result.token, result.expiresAt));
  headers.append("Set-Cookie", result.deviceCookie);
  return redirect(safeRedirectTarget(parsed.data.redirectTo), { headers });
}

export default function Login() {
  const { t } = useT();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const fieldErrors: Record<string, string> = result?.fieldErrors ?? {};
  return (
    <div className="page narrow">
      <h1>{t("auth:login.title")}</h1>
      {params.get("reset") === "1" ? <div className="alert ok" role="status">{t("auth:login.resetDone")}</div> : null}
      {params.get("expired") === "1" ? <div className="alert error" role="alert">{t("auth:login.expired")}</div> : null}
      {params.get("verified") === "1" ? <div className="alert ok" role="status">{t("auth:login.verified")}</div> : null}
      <FormError message={result?.error} />
      <Form method="post" className="stack card" noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <Field name="email" label={t("auth:login.email")} type="email" autoComplete="email" required error={fieldErrors.email} />
        <Field name="password" label={t("auth:login.password")} type="password" autoComplete="current-password" required error={fieldErrors.password} />
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? t("auth:login.submitting") : t("auth:login.submit")}</button>
          <Link to="/forgot-password">{t("auth:login.forgot")}</Link>
        </div>
      </Form>
      <p>
        <Trans
          k="auth:login.newHere"
          tags={{
            go: (c) => <Link to={params.get("redirectTo") ? `/signup?redirectTo=${encodeURIComponent(params.get("redirectTo") ?? "")}` : "/signup"}>{c}</Link>,
          }}
        />
      </p>
    </div>
  );
}
