import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { Translate } from "../i18n/instance";
import { z } from "zod";
import { peekEmailToken, resetPassword } from "../auth/accounts.server";
import { serializeBlankSessionCookie } from "../auth/cookie.server";
import { fieldProblemWords } from "../auth/field-words";
import { passwordField } from "../auth/fields";
import { Field, FormError } from "../components/field";
import { useT } from "../i18n/react";
import { requestT } from "../i18n/strings.server";
import { securityStrings } from "../i18n/security-strings.server";
import { parseForm } from "../utils/forms.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";

type LinkState = "valid" | "invalid" | "expired";

/** The page's heading for a link's state, in the page's language. */
function titleOf(t: Translate, state: LinkState): string {
  switch (state) {
    case "valid": return t("security:reset.titleValid");
    case "invalid": return t("security:reset.titleInvalid");
    case "expired": return t("security:reset.titleExpired");
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Accord" }];
export const headers = forwardHeaders;

/** GET shows the form for a usable link; it changes nothing. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const state: LinkState = token ? await peekEmailToken(token, "reset_password") : "invalid";
  const t = await requestT(request, context);
  return data(
    {
      state,
      token: state === "valid" ? token : "",
      title: t("security:reset.metaTitle", { title: titleOf(t, state) }),
      i18n: await securityStrings(request, context, ["reset"], ["auth"]),
    },
    { headers: NO_STORE },
  );
}

// The confirmation's messages are keys, put in the reader's language by the action (`inWords`).
const schema = z
  .object({
    token: z.string().max(200),
    password: passwordField,
    confirmPassword: z.string({ message: "security:reset.againMissing" }).min(1, "security:reset.againMissing"),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "security:reset.notSame" });

/** The form's messages in the reader's language: this page's keys; the rest parseForm has already put in words. */
function inWords(t: Translate, errors: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, message.startsWith("security:") ? t(message) : message]));
}

type ActionResult = { state: LinkState; fieldErrors: Record<string, string> };

export async function action({ request, context }: ActionFunctionArgs) {
  const t = await requestT(request, context);
  const parsed = await parseForm(request, schema, t);
  if (!parsed.ok) {
    return data<ActionResult>({ state: "valid", fieldErrors: inWords(t, parsed.fieldErrors) }, { status: 400, headers: NO_STORE });
  }
  const result = await resetPassword(parsed.data.token, parsed.data.password);
  if (!result.ok && result.reason === "weak") {
    return data<ActionResult>({ state: "valid", fieldErrors: { password: fieldProblemWords(t, result.problem) } }, { status: 400, headers: NO_STORE });
  }
  if (!result.ok) return data<ActionResult>({ state: result.reason, fieldErrors: {} }, { status: 400, headers: NO_STORE });
  // Every session of the account ended with the reset; forget this browser's one too.
  return redirect("/login?reset=1", { headers: { "Set-Cookie": serializeBlankSessionCookie() } });
}

export default function ResetPassword() {
  const { t } = useT();
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const state = result?.state ?? loaded.state;
  const fieldErrors = result?.fieldErrors ?? {};

  if (state !== "valid") {
    return (
      <div className="page narrow">
        <h1>{titleOf(t, state)}</h1>
        <div className="alert error" role="alert">
          {state === "invalid" ? t("security:reset.invalid") : t("security:reset.expired")}
        </div>
        <div className="actions">
          <Link className="button" to="/forgot-password">{t("security:reset.askNew")}</Link>
          <Link to="/login">{t("security:reset.signIn")}</Link>
        </div>
      </div>
    );
  }
  const count = Object.keys(fieldErrors).length;
  return (
    <div className="page narrow">
      <h1>{titleOf(t, state)}</h1>
      <p>{t("security:reset.intro")}</p>
      <FormError message={fieldErrors.form ?? (count > 0 ? t("auth:signup.fix", { count }) : null)} />
      {/* No action: the post goes to this URL, token included, so a refused attempt still shows a usable form. */}
      <Form method="post" className="stack card" noValidate>
        <input type="hidden" name="token" value={loaded.token} />
        <Field
          name="password"
          label={t("security:reset.newPassword")}
          type="password"
          autoComplete="new-password"
          hint={t("auth:fields.passwordHint")}
          required
          error={fieldErrors.password}
        />
        <Field
          name="confirmPassword"
          label={t("security:reset.again")}
          type="password"
          autoComplete="new-password"
          required
          error={fieldErrors.confirmPassword}
        />
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? t("security:reset.saving") : t("security:reset.save")}</button>
        </div>
      </Form>
    </div>
  );
}
