/**
 * /login/second-factor — the second step of signing in for an account with a second factor: a code from the
 * authenticator app, or a recovery code. Works only in the browser that gave the password (app/auth/pending-sign-in.server.ts).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { serializeSessionCookie } from "../auth/cookie.server";
import { completePendingSignIn, readPendingSignIn, serializePendingCookie } from "../auth/pending-sign-in.server";
import { MAX_CODE_INPUT, WRONG_CODE } from "../auth/second-factor.server";
import { Field, FormError } from "../components/field";
import { readFormFields } from "../utils/forms.server";
import { getUser, safeRedirectTarget } from "../utils/guards.server";
import { forwardHeaders } from "../utils/route-headers";
import { pleaseWait } from "../utils/wait-words";

export const meta: MetaFunction = () => [{ title: "Second factor — Sign in — Accord" }];
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getUser(context)) throw redirect("/workshops");
  const pending = await readPendingSignIn(request.headers.get("cookie"));
  if (!pending) throw redirect("/login?expired=1", { headers: { "Cache-Control": "no-store" } });
  return data(null, { headers: { "Cache-Control": "no-store" } });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const fields = await readFormFields(request);
  const code = fields?.code ?? "";
  const result = await completePendingSignIn({
    cookie: request.headers.get("cookie"),
    code: code.length > MAX_CODE_INPUT ? null : code,
    network: context.clientIp,
    userAgent: request.headers.get("user-agent"),
  });
  if (result.ok) {
    const headers = new Headers({ "Cache-Control": "no-store" });
    headers.append("Set-Cookie", serializeSessionCookie(result.sessionCookie.token, result.sessionCookie.expiresAt));
    headers.append("Set-Cookie", result.deviceCookie);
    headers.append("Set-Cookie", serializePendingCookie(null, null));
    return redirect(safeRedirectTarget(result.redirectTo), { headers });
  }
  if (result.reason === "throttled") {
    return data({ error: `Too many attempts. ${pleaseWait(result.retryAfterSeconds)}` }, { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } });
  }
  if (result.reason === "missing") {
    // Gone, expired, used up, or never this browser's: start again from the password.
    throw redirect("/login?expired=1", { headers: { "Set-Cookie": serializePendingCookie(null, null), "Cache-Control": "no-store" } });
  }
  const left = result.attemptsLeft === 1 ? "One try left" : `${result.attemptsLeft} tries left`;
  return data({ error: `${WRONG_CODE} ${left}.` }, { status: 400 });
}

export default function SecondFactorSignIn() {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="page narrow">
      <h1>Your second factor</h1>
      <FormError message={result?.error} />
      <Form method="post" className="stack card" noValidate>
          <Field
            name="code"
            label="Code"
            hint="The 6 digits your authenticator app shows for Accord, or one of your recovery codes."
            autoComplete="one-time-code"
            inputMode="text"
            spellCheck={false}
            autoCapitalize="none"
            maxLength={MAX_CODE_INPUT}
            required
            autoFocus
          />
          <div className="actions">
            <button type="submit" disabled={busy}>{busy ? "Checking…" : "Sign in"}</button>
          </div>
        </Form>
      <p>Lost your phone and your recovery codes? Ask another organiser of your workshop to reset your second factor.</p>
    </div>
  );
}
