/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * /verify-email/change — an account whose address is not confirmed moves to another address (a typo, or someone
 * else's address): the link goes to the new address, and the old one is free at once for its owner
 * (app/auth/email-confirmation.server.ts). Counts against the sign-up allowances of the IP and the new address.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { changeUnconfirmedAddress } from "../auth/email-confirmation.server";
import { emailField } from "../auth/fields";
import { spendSignupAllowance } from "../auth/request-limits.server";
import { Field, FormError } from "../components/field";
import { parseForm } from "../utils/forms.server";
import { waitWords } from "../utils/wait-words";
import { requireSessionUser } from "../utils/guards.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";

export const meta: MetaFunction = () => [{ title: "Change your e-mail address — Accord" }];
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireSessionUser(request, context);
  if (user.emailVerifiedAt) throw redirect("/account");
  return data({ email: user.email }, { headers: NO_STORE });
}

const schema = z.object({ email: emailField });

const TAKEN =
  "Another account already uses this address. If it is yours, sign out and sign in with it, or reset its password from the sign-in page.";

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireSessionUser(request, context);
  const parsed = await parseForm(request, schema);
  if (!parsed.ok) return data({ fieldErrors: parsed.fieldErrors }, { status: 400, headers: NO_STORE });
  const wait = await spendSignupAllowance({ email: parsed.data.email, ip: context.clientIp ?? "unknown" });
  if (wait > 0) {
    const form = `Too many attempts for this address or from your network. Please wait ${waitWords(wait)} and try again.`;
    return data({ fieldErrors: { form } as Record<string, string> }, { status: 429, headers: { "Retry-After": String(wait), ...NO_STORE } });
  }
  const result = await changeUnconfirmedAddress(user, parsed.data.email);
  if (!result.ok && result.reason === "confirmed") return redirect("/account");
  if (!result.ok) return data({ fieldErrors: { email: TAKEN } as Record<string, string> }, { status: 409, headers: NO_STORE });
  return redirect("/verify-email/resend?sent=changed");
}

export default function ChangeAddress() {
  const { email } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors: Record<string, string> = result?.fieldErrors ?? {};
  return (
    <div className="page narrow">
      <h1>Change your e-mail address</h1>
      <p>
        This account uses <strong>{email}</strong>, which is not confirmed yet. Give the right address: we send the
        confirmation link there, and {email} is no longer tied to this account.
      </p>
      <FormError message={errors.form} />
      <Form method="post" action="/verify-email/change" className="stack card" noValidate>
        <Field name="email" label="New e-mail address" type="email" autoComplete="email" required maxLength={254} error={errors.email} />
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? "Sending…" : "Send the link to this address"}</button>
          <Link to="/verify-email/resend">Back</Link>
        </div>
      </Form>
    </div>
  );
}
