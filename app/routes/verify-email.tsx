/**
 * /verify-email?token=… — the link of a confirmation mail. GET only looks at the link (mail scanners follow links);
 * POST confirms. Whoever confirms chooses the account's name and a new password, and everyone else is signed out
 * of it (app/auth/email-confirmation.server.ts) — unless this browser is signed in to that very account, or is the one
 * that signed up for it, when one button confirms (and, for the browser that signed up, signs in). Then the person is
 * taken back where they were heading when they signed up (the declaration they came to endorse, say).
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { serializeSessionCookie } from "../auth/cookie.server";
import { confirmEmail, inspectConfirmationLink } from "../auth/email-confirmation.server";
import { createSession } from "../auth/session.server";
import { clearSignupCookie, readSignupSecret } from "../auth/signup-browser.server";
import { safeRedirectTarget } from "../utils/guards.server";
import type { LinkState } from "../auth/email-links.server";
import { nameField, passwordField } from "../auth/fields";
import { passwordProblem } from "../auth/password.server";
import { Field, FormError } from "../components/field";
import type { Translate } from "../i18n/instance";
import { formToObject, parseWith } from "../utils/forms.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";
import { fieldProblemWords, messageIn } from "../auth/field-words";
import { useT } from "../i18n/react";
import { requestT, routeStrings } from "../i18n/strings.server";

function titleOf(t: Translate, state: LinkState): string {
  if (state === "valid") return t("auth:verify.titleValid");
  if (state === "expired") return t("auth:verify.titleExpired");
  return t("auth:verify.titleInvalid");
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Accord" }];
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const browserSecret = readSignupSecret(request.headers.get("cookie"));
  const link = token ? await inspectConfirmationLink(token, browserSecret) : { state: "invalid" as const, userId: null, signingUpBrowser: false };
  const auth = await context.auth();
  // This browser knows the account's password: signed in to it, or it signed up for it.
  const ownAccount = (auth?.via === "session" && link.userId === auth.user.id) || link.signingUpBrowser;
  const t = await requestT(request, context);
  return data(
    {
      state: link.state,
      token: link.state === "valid" ? token : "",
      ownAccount,
      signedIn: auth != null,
      title: t("auth:verify.metaTitle", { title: titleOf(t, link.state) }),
      i18n: await routeStrings(request, context, ["auth"]),
    },
    { headers: NO_STORE },
  );
}

const plain = z.object({ token: z.string().max(200) });
const chosen = z
  .object({
    token: z.string().max(200),
    name: nameField,
    password: passwordField,
    // Keys, put in the reader's language by the action (`inWords`).
    confirmPassword: z.string({ message: "auth:verify.againMissing" }).min(1, "auth:verify.againMissing"),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "auth:verify.different" });

/** Every message of the form in the reader's language (the account fields' codes: app/auth/field-words.ts). */
function inWords(t: Translate, errors: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, message.startsWith("auth:") ? t(message) : messageIn(t, message)]));
}

interface ActionResult {
  state: LinkState;
  fieldErrors: Record<string, string>;
}

/** The token, and the name and password when the form asked for them (then every problem is named at once). */
function parseInput(form: Record<string, string>) {
  if (!("password" in form)) {
    const parsed = parseWith(plain, form);
    return parsed.ok ? { ok: true as const, token: parsed.data.token, chosen: null } : { ok: false as const, fieldErrors: parsed.fieldErrors };
  }
  const parsed = parseWith(chosen, form);
  if (parsed.ok) return { ok: true as const, token: parsed.data.token, chosen: { name: parsed.data.name, password: parsed.data.password } };
  const problem = parsed.fieldErrors.password ? null : passwordProblem(form.password ?? "", { name: form.name });
  return { ok: false as const, fieldErrors: problem ? { ...parsed.fieldErrors, password: problem } : parsed.fieldErrors };
}

/** Where a confirmed person goes: back where they were heading (signed in when this browser signed up), else sign in. */
async function afterConfirming(result: Extract<Awaited<ReturnType<typeof confirmEmail>>, { ok: true }>, userAgent: string | null): Promise<Response> {
  const next = result.next ? safeRedirectTarget(result.next, "") : "";
  if (result.keptSession) return redirect(next || "/workshops");
  if (result.signIn) {
    const { token, session } = await createSession(result.userId, userAgent);
    const headers = new Headers({ "Set-Cookie": serializeSessionCookie(token, session.expiresAt) });
    headers.append("Set-Cookie", clearSignupCookie());
    return redirect(next || "/workshops", { headers });
  }
  return redirect(next ? `/login?verified=1&redirectTo=${encodeURIComponent(next)}` : "/login?verified=1");
}

const answer = (result: ActionResult) => data<ActionResult>(result, { status: 400, headers: NO_STORE });

export async function action({ request, context }: ActionFunctionArgs) {
  const t = await requestT(request, context);
  let form: Record<string, string>;
  try {
    form = formToObject(await request.formData());
  } catch {
    return answer({ state: "valid", fieldErrors: { form: fieldProblemWords(t, "formUnreadable") } });
  }
  const auth = await context.auth();
  const session = auth?.via === "session" ? { userId: auth.user.id, sessionId: auth.session.id } : null;
  const input = parseInput(form);
  if (!input.ok) return answer({ state: "valid", fieldErrors: inWords(t, input.fieldErrors) });
  const browserSecret = readSignupSecret(request.headers.get("cookie"));
  const result = await confirmEmail({ token: input.token, session, chosen: input.chosen, browserSecret });
  if (result.ok) return afterConfirming(result, request.headers.get("user-agent"));
  if (result.reason === "choose-password") return answer({ state: "valid", fieldErrors: { form: t("auth:verify.choose") } });
  if (result.reason === "weak") return answer({ state: "valid", fieldErrors: { password: fieldProblemWords(t, result.problem) } });
  return answer({ state: result.reason, fieldErrors: {} });
}

function Broken({ state, signedIn }: { state: "invalid" | "expired"; signedIn: boolean }) {
  const { t } = useT();
  return (
    <div className="page narrow">
      <h1>{titleOf(t, state)}</h1>
      <div className="alert error" role="alert">
        {state === "invalid" ? t("auth:verify.invalid") : t("auth:verify.expired")}
      </div>
      <div className="actions">
        <Link className="button" to="/verify-email/resend">{t("auth:verify.newLink")}</Link>
        {signedIn ? <Link to="/workshops">{t("auth:verify.goWorkshops")}</Link> : <Link to="/login">{t("auth:verify.signIn")}</Link>}
      </div>
      {signedIn ? null : <p className="muted small">{t("auth:verify.signInFirst")}</p>}
    </div>
  );
}

export default function VerifyEmail() {
  const { t } = useT();
  const { state, token, ownAccount, signedIn } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const shown = result?.state ?? state;
  if (shown !== "valid") return <Broken state={shown} signedIn={signedIn} />;
  const errors = result?.fieldErrors ?? {};
  if (ownAccount) {
    return (
      <div className="page narrow">
        <h1>{t("auth:verify.titleValid")}</h1>
        <p>{t("auth:verify.oneStep")}</p>
        <FormError message={errors.form} />
        <Form method="post" className="stack card">
          <input type="hidden" name="token" value={token} />
          <div className="actions">
            <button type="submit" disabled={busy}>{busy ? t("auth:verify.confirming") : t("auth:verify.confirm")}</button>
          </div>
        </Form>
      </div>
    );
  }
  const count = Object.keys(errors).filter((k) => k !== "form").length;
  return (
    <div className="page narrow">
      <h1>{t("auth:verify.titleValid")}</h1>
      <p>{t("auth:verify.chooseIntro")}</p>
      <FormError message={errors.form ?? (count > 0 ? t("auth:signup.fix", { count }) : null)} />
      {/* No action: the post goes to this URL, token included, so a refused attempt still shows a usable form. */}
      <Form method="post" className="stack card" noValidate>
        <input type="hidden" name="token" value={token} />
        <Field name="name" label={t("auth:signup.name")} type="text" autoComplete="name" required maxLength={120} hint={t("auth:verify.nameHint")} error={errors.name} />
        <Field name="password" label={t("auth:login.password")} type="password" autoComplete="new-password" hint={t("auth:fields.passwordHint")} required error={errors.password} />
        <Field name="confirmPassword" label={t("auth:verify.passwordAgain")} type="password" autoComplete="new-password" required error={errors.confirmPassword} />
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? t("auth:verify.confirming") : t("auth:verify.confirm")}</button>
        </div>
      </Form>
    </div>
  );
}
