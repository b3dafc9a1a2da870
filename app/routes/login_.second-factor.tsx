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
import { MAX_CODE_INPUT } from "../auth/second-factor.server";
import { Field, FormError } from "../components/field";
import { PasskeyCeremony } from "../components/passkey-ceremony";
import { readFormFields } from "../utils/forms.server";
import { getUser, safeRedirectTarget } from "../utils/guards.server";
import { forwardHeaders } from "../utils/route-headers";
import { pleaseWaitIn } from "../utils/wait-words";
import { useT } from "../i18n/react";
import { requestT } from "../i18n/strings.server";
import { securityStrings } from "../i18n/security-strings.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Accord" }];
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (await getUser(context)) throw redirect("/workshops");
  const pending = await readPendingSignIn(request.headers.get("cookie"));
  if (!pending) throw redirect("/login?expired=1", { headers: { "Cache-Control": "no-store" } });
  const t = await requestT(request, context);
  return data(
    { hasPasskey: await hasPasskeys(pending.userId), title: t("security:signIn.metaTitle"), i18n: await securityStrings(request, context, ["ceremony", "signIn"]) },
    { headers: { "Cache-Control": "no-store" } },
  );
}

const gone = () => redirect("/login?expired=1", { headers: { "Set-Cookie": serializePendingCookie(null, null), "Cache-Control": "no-store" } });

export async function action({ request, context }: ActionFunctionArgs) {
  const t = await requestT(request, context);
  const fields = await readFormFields(request);
  const cookie = request.headers.get("cookie");
  if (fields?.intent === "passkey-start") {
    const passkeyOptions = await passkeyOptionsForPending(cookie);
    if (!passkeyOptions) {
      if (!(await readPendingSignIn(cookie))) throw gone();
      return data({ error: t("security:signIn.noPasskey") }, { status: 400, headers: { "Cache-Control": "no-store" } });
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
    return data({ error: t("security:signIn.throttled", { wait: pleaseWaitIn(t, result.retryAfterSeconds) }) }, { status: 429, headers: { "Retry-After": String(result.retryAfterSeconds) } });
  }
  if (result.reason === "missing") {
    // Gone, expired, used up, or never this browser's: start again from the password.
    throw gone();
  }
  const left = t("security:signIn.triesLeft", { count: result.attemptsLeft });
  const wrong = fields?.intent === "passkey" ? t("security:signIn.wrongPasskey") : t("security:errors.wrongCode");
  return data({ error: t("security:signIn.refused", { wrong, left }) }, { status: 400 });
}

export default function SecondFactorSignIn() {
  const { t } = useT();
  const { hasPasskey } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const passkeyOptions = result && "passkeyOptions" in result ? result.passkeyOptions : null;
  const error = result && "error" in result ? result.error : null;
  return (
    <div className="page narrow">
      <h1>{t("security:signIn.title")}</h1>
      <FormError message={error} />
      {hasPasskey ? <PasskeyCeremony kind="authenticate" options={passkeyOptions} label={t("security:signIn.usePasskey")} busy={busy} /> : null}
      <Form method="post" className="stack card" noValidate>
          <Field
            name="code"
            label={t("security:signIn.code")}
            hint={t("security:signIn.codeHint")}
            autoComplete="one-time-code"
            inputMode="text"
            spellCheck={false}
            autoCapitalize="none"
            maxLength={MAX_CODE_INPUT}
            required
            autoFocus
          />
          <div className="actions">
            <button type="submit" disabled={busy}>{busy ? t("security:signIn.checking") : t("security:signIn.submit")}</button>
          </div>
        </Form>
      <p>{t("security:signIn.lost")}</p>
    </div>
  );
}
