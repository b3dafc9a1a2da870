/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * /login/second-factor — the second step of signing in for an account with a second factor: a code from the
 * authenticator app, a recovery code, or one of the account's passkeys ("Use a passkey": the form asks for a challenge
 * bound to this pending sign-in, the browser signs it, the answer is posted back). Works only in the browser that gave
 * the password (app/auth/pending-sign-in.server.ts).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { serializeSessionCookie } from "../auth/cookie.server";
import { hasPasskeys, MAX_RESPONSE_JSON } from "../auth/passkeys.server";
import { completePendingSignIn, passkeyOptionsForPending, readPendingSignIn, serializePendingCookie } from "../auth/pending-sign-in.server";
import { MAX_CODE_INPUT, WRONG_CODE } from "../auth/second-factor.server";
import { Field, FormError } from "../components/field";
import { PasskeyCeremony } from "../components/passkey-ceremony";
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
  return data({ hasPasskey: await hasPasskeys(pending.userId) }, { headers: { "Cache-Control": "no-store" } });
}

const gone = () => redirect("/login?expired=1", { headers: { "Set-Cookie": serializePendingCookie(null, null), "Cache-Control": "no-store" } });

export async function action({ request, context }: ActionFunctionArgs) {
  const fields = await readFormFields(request);
  const cookie = request.headers.get("cookie");
  if (fields?.intent === "passkey-start") {
    const passkeyOptions = await passkeyOptionsForPending(cookie);
    if (!passkeyOptions) {
      if (!(await readPendingSignIn(cookie))) throw gone();
      return data({ error: "Your account has no passkey: type a code instead." }, { status: 400, headers: { "Cache-Control": "no-store" } });
    }
    return data({ passkeyOptions }, { headers: { "Cache-Control": "no-store" } });
  }
  const base = { cookie, network: context.clientIp, userAgent: request.headers.get("user-agent") };
  const response = fields?.response ?? "";
  const code = fields?.code ?? "";
  const result = await completePendingSignIn(
    fields?.intent === "passkey"
      ? { ...base, passkey: response.length > MAX_RESPONSE_JSON ? null : response }
      : { ...base, code: code.length > MAX_CODE_INPUT ? null : code },
  );
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
    throw gone();
  }
  const left = result.attemptsLeft === 1 ? "One try left" : `${result.attemptsLeft} tries left`;
  const wrong = fields?.intent === "passkey" ? "That passkey did not sign you in: use a passkey of this account, or type a code." : WRONG_CODE;
  return data({ error: `${wrong} ${left}.` }, { status: 400 });
}

export default function SecondFactorSignIn() {
  const { hasPasskey } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const passkeyOptions = result && "passkeyOptions" in result ? result.passkeyOptions : null;
  const error = result && "error" in result ? result.error : null;
  return (
    <div className="page narrow">
      <h1>Your second factor</h1>
      <FormError message={error} />
      {hasPasskey ? <PasskeyCeremony kind="authenticate" options={passkeyOptions} label="Use a passkey" busy={busy} /> : null}
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
