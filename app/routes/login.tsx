/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
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
import { pleaseWait } from "../utils/wait-words";

export const meta: MetaFunction = () => [{ title: "Sign in — Accord" }];
// Without a `headers` export Remix keeps only Set-Cookie from `data()`: this lets Retry-After through.
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getUser(context)) throw redirect(safeRedirectTarget(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

const schema = z.object({ email: emailField, password: passwordField, redirectTo: z.string().optional() });

export async function action({ request, context }: ActionFunctionArgs) {
  const parsed = await parseForm(request, schema);
  if (!parsed.ok) return data({ error: null, fieldErrors: parsed.fieldErrors }, { status: 400 });
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
      { error: `Too many attempts. ${pleaseWait(result.retryAfterSeconds)}`, fieldErrors: {} },
      { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } },
    );
  }
  if (!result.ok) return data({ error: "That e-mail and password do not match an account.", fieldErrors: {} }, { status: 400 });
  if (result.next === "second-factor") {
    return redirect("/login/second-factor", { headers: { "Set-Cookie": result.pendingCookie, "Cache-Control": "no-store" } });
  }
  const headers = new Headers();
  headers.append("Set-Cookie", serializeSessionCookie(result.token, result.expiresAt));
  headers.append("Set-Cookie", result.deviceCookie);
  return redirect(safeRedirectTarget(parsed.data.redirectTo), { headers });
}

export default function Login() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const fieldErrors: Record<string, string> = result?.fieldErrors ?? {};
  return (
    <div className="page narrow">
      <h1>Sign in</h1>
      {params.get("reset") === "1" ? <div className="alert ok" role="status">Your password was changed. Sign in with the new one.</div> : null}
      {params.get("expired") === "1" ? <div className="alert error" role="alert">That sign-in was no longer open (a code is asked for within five minutes, five tries at most, in the browser that gave the password). Sign in again.</div> : null}
      {params.get("verified") === "1" ? <div className="alert ok" role="status">Your e-mail address is confirmed. Sign in to continue.</div> : null}
      <FormError message={result?.error} />
      <Form method="post" className="stack card" noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <Field name="email" label="E-mail" type="email" autoComplete="email" required error={fieldErrors.email} />
        <Field name="password" label="Password" type="password" autoComplete="current-password" required error={fieldErrors.password} />
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? "Signing in…" : "Sign in"}</button>
          <Link to="/forgot-password">Forgot your password?</Link>
        </div>
      </Form>
      <p>
        New to Accord?{" "}
        <Link to={params.get("redirectTo") ? `/signup?redirectTo=${encodeURIComponent(params.get("redirectTo") ?? "")}` : "/signup"}>Create an account</Link>.
      </p>
    </div>
  );
}
