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
import { waitWordsIn } from "../utils/wait-words";
import { requireSessionUser } from "../utils/guards.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";
import { Trans, useT } from "../i18n/react";
import { requestT, routeStrings } from "../i18n/strings.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Accord" }];
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user } = await requireSessionUser(request, context);
  if (user.emailVerifiedAt) throw redirect("/account");
  const t = await requestT(request, context);
  return data({ email: user.email, title: t("auth:changeAddress.metaTitle"), i18n: await routeStrings(request, context, ["auth"]) }, { headers: NO_STORE });
}

const schema = z.object({ email: emailField });

export async function action({ request, context }: ActionFunctionArgs) {
  const { user } = await requireSessionUser(request, context);
  const t = await requestT(request, context);
  const parsed = await parseForm(request, schema, t);
  if (!parsed.ok) return data({ fieldErrors: parsed.fieldErrors }, { status: 400, headers: NO_STORE });
  const wait = await spendSignupAllowance({ email: parsed.data.email, ip: context.clientIp ?? "unknown" });
  if (wait > 0) {
    const form = t("auth:changeAddress.throttled", { wait: waitWordsIn(t, wait) });
    return data({ fieldErrors: { form } as Record<string, string> }, { status: 429, headers: { "Retry-After": String(wait), ...NO_STORE } });
  }
  const result = await changeUnconfirmedAddress(user, parsed.data.email);
  if (!result.ok && result.reason === "confirmed") return redirect("/account");
  if (!result.ok) return data({ fieldErrors: { email: t("auth:changeAddress.taken") } as Record<string, string> }, { status: 409, headers: NO_STORE });
  return redirect("/verify-email/resend?sent=changed");
}

export default function ChangeAddress() {
  const { t } = useT();
  const { email } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors: Record<string, string> = result?.fieldErrors ?? {};
  return (
    <div className="page narrow">
      <h1>{t("auth:changeAddress.title")}</h1>
      <p>
        <Trans k="auth:changeAddress.intro" values={{ email }} tags={{ strong: (c) => <strong>{c}</strong> }} />
      </p>
      <FormError message={errors.form} />
      <Form method="post" action="/verify-email/change" className="stack card" noValidate>
        <Field name="email" label={t("auth:changeAddress.email")} type="email" autoComplete="email" required maxLength={254} error={errors.email} />
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? t("auth:changeAddress.sending") : t("auth:changeAddress.send")}</button>
          <Link to="/verify-email/resend">{t("auth:changeAddress.back")}</Link>
        </div>
      </Form>
    </div>
  );
}
