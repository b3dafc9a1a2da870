/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { peekEmailToken, resetPassword } from "../auth/accounts.server";
import { serializeBlankSessionCookie } from "../auth/cookie.server";
import { passwordField } from "../auth/fields";
import { Field, FormError } from "../components/field";
import { PASSWORD_HINT } from "../components/password-hint";
import { parseForm } from "../utils/forms.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";

type LinkState = "valid" | "invalid" | "expired";

const TITLES: Record<LinkState, string> = {
  valid: "Choose a new password",
  invalid: "This link does not work",
  expired: "This link has expired or was already used",
};

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${TITLES[data?.state ?? "invalid"]} — Accord` }];
export const headers = forwardHeaders;

/** GET shows the form for a usable link; it changes nothing. */
export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const state: LinkState = token ? await peekEmailToken(token, "reset_password") : "invalid";
  return data({ state, token: state === "valid" ? token : "" }, { headers: NO_STORE });
}

const schema = z
  .object({
    token: z.string().max(200),
    password: passwordField,
    confirmPassword: z.string({ message: "Type the new password again." }).min(1, "Type the new password again."),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "The two passwords are not the same." });

type ActionResult = { state: LinkState; fieldErrors: Record<string, string> };

export async function action({ request }: ActionFunctionArgs) {
  const parsed = await parseForm(request, schema);
  if (!parsed.ok) {
    return data<ActionResult>({ state: "valid", fieldErrors: parsed.fieldErrors }, { status: 400, headers: NO_STORE });
  }
  const result = await resetPassword(parsed.data.token, parsed.data.password);
  if (!result.ok && result.reason === "weak") {
    return data<ActionResult>({ state: "valid", fieldErrors: { password: result.message } }, { status: 400, headers: NO_STORE });
  }
  if (!result.ok) return data<ActionResult>({ state: result.reason, fieldErrors: {} }, { status: 400, headers: NO_STORE });
  // Every session of the account ended with the reset; forget this browser's one too.
  return redirect("/login?reset=1", { headers: { "Set-Cookie": serializeBlankSessionCookie() } });
}

export default function ResetPassword() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const state = result?.state ?? loaded.state;
  const fieldErrors = result?.fieldErrors ?? {};

  if (state !== "valid") {
    return (
      <div className="page narrow">
        <h1>{TITLES[state]}</h1>
        <div className="alert error" role="alert">
          {state === "invalid"
            ? "The link is incomplete or was not made by Accord. Copy the whole link from the e-mail into the address bar, or ask for a new one."
            : "Password reset links work once, for one hour, and only the newest one you asked for works."}
        </div>
        <div className="actions">
          <Link className="button" to="/forgot-password">Ask for a new link</Link>
          <Link to="/login">Sign in</Link>
        </div>
      </div>
    );
  }
  const count = Object.keys(fieldErrors).length;
  return (
    <div className="page narrow">
      <h1>{TITLES.valid}</h1>
      <p>Choosing a new password signs you out everywhere; you then sign in with the new one.</p>
      <FormError message={count > 0 ? (count === 1 ? "Please correct the field marked below." : "Please correct the fields marked below.") : null} />
      {/* No action: the post goes to this URL, token included, so a refused attempt still shows a usable form. */}
      <Form method="post" className="stack card" noValidate>
        <input type="hidden" name="token" value={loaded.token} />
        <Field name="password" label="New password" type="password" autoComplete="new-password" hint={PASSWORD_HINT} required error={fieldErrors.password} />
        <Field name="confirmPassword" label="New password again" type="password" autoComplete="new-password" required error={fieldErrors.confirmPassword} />
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? "Saving…" : "Save the new password"}</button>
        </div>
      </Form>
    </div>
  );
}
