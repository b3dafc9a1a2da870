/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
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
import { PASSWORD_HINT } from "../components/password-hint";
import { formToObject, parseWith } from "../utils/forms.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";

const TITLES: Record<LinkState, string> = {
  valid: "Confirm your e-mail address",
  invalid: "This link does not work",
  expired: "This link has expired or was already used",
};

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${TITLES[data?.state ?? "invalid"]} — Accord` }];
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const browserSecret = readSignupSecret(request.headers.get("cookie"));
  const link = token ? await inspectConfirmationLink(token, browserSecret) : { state: "invalid" as const, userId: null, signingUpBrowser: false };
  const auth = await context.auth();
  // This browser knows the account's password: signed in to it, or it signed up for it.
  const ownAccount = (auth?.via === "session" && link.userId === auth.user.id) || link.signingUpBrowser;
  return data({ state: link.state, token: link.state === "valid" ? token : "", ownAccount, signedIn: auth != null }, { headers: NO_STORE });
}

const plain = z.object({ token: z.string().max(200) });
const chosen = z
  .object({
    token: z.string().max(200),
    name: nameField,
    password: passwordField,
    confirmPassword: z.string({ message: "Type the new password again." }).min(1, "Type the new password again."),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "The two passwords are not the same." });

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
  let form: Record<string, string>;
  try {
    form = formToObject(await request.formData());
  } catch {
    return answer({ state: "valid", fieldErrors: { form: "The form could not be read. Please try again." } });
  }
  const auth = await context.auth();
  const session = auth?.via === "session" ? { userId: auth.user.id, sessionId: auth.session.id } : null;
  const input = parseInput(form);
  if (!input.ok) return answer({ state: "valid", fieldErrors: input.fieldErrors });
  const browserSecret = readSignupSecret(request.headers.get("cookie"));
  const result = await confirmEmail({ token: input.token, session, chosen: input.chosen, browserSecret });
  if (result.ok) return afterConfirming(result, request.headers.get("user-agent"));
  if (result.reason === "choose-password") return answer({ state: "valid", fieldErrors: { form: "Choose the account's name and password to confirm." } });
  if (result.reason === "weak") return answer({ state: "valid", fieldErrors: { password: result.message } });
  return answer({ state: result.reason, fieldErrors: {} });
}

function Broken({ state, signedIn }: { state: "invalid" | "expired"; signedIn: boolean }) {
  return (
    <div className="page narrow">
      <h1>{TITLES[state]}</h1>
      <div className="alert error" role="alert">
        {state === "invalid"
          ? "The link is incomplete or was not made by Accord. Copy the whole link from the e-mail into the address bar, or ask for a new one."
          : "Confirmation links work once, for 48 hours, and only the newest one you asked for works. If you already confirmed your address, there is nothing more to do."}
      </div>
      <div className="actions">
        <Link className="button" to="/verify-email/resend">Send me a new link</Link>
        {signedIn ? <Link to="/workshops">Go to your workshops</Link> : <Link to="/login">Sign in</Link>}
      </div>
      {signedIn ? null : <p className="muted small">To ask for a new link, you sign in first; you can sign in before confirming.</p>}
    </div>
  );
}

export default function VerifyEmail() {
  const { state, token, ownAccount, signedIn } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const shown = result?.state ?? state;
  if (shown !== "valid") return <Broken state={shown} signedIn={signedIn} />;
  const errors = result?.fieldErrors ?? {};
  if (ownAccount) {
    return (
      <div className="page narrow">
        <h1>{TITLES.valid}</h1>
        <p>One more step: press the button to confirm that this e-mail address is yours.</p>
        <FormError message={errors.form} />
        <Form method="post" className="stack card">
          <input type="hidden" name="token" value={token} />
          <div className="actions">
            <button type="submit" disabled={busy}>{busy ? "Confirming…" : "Confirm my e-mail address"}</button>
          </div>
        </Form>
      </div>
    );
  }
  const count = Object.keys(errors).filter((k) => k !== "form").length;
  return (
    <div className="page narrow">
      <h1>{TITLES.valid}</h1>
      <p>
        To confirm that this address is yours, choose the account&apos;s name and password (you may use the password you
        chose when you signed up). Anyone else who was signed in to the account is signed out, and its access tokens stop
        working: from now on it is yours alone.
      </p>
      <FormError message={errors.form ?? (count > 0 ? (count === 1 ? "Please correct the field marked below." : "Please correct the fields marked below.") : null)} />
      {/* No action: the post goes to this URL, token included, so a refused attempt still shows a usable form. */}
      <Form method="post" className="stack card" noValidate>
        <input type="hidden" name="token" value={token} />
        <Field name="name" label="Your name" type="text" autoComplete="name" required maxLength={120} hint="Shown to the people in your workshops." error={errors.name} />
        <Field name="password" label="Password" type="password" autoComplete="new-password" hint={PASSWORD_HINT} required error={errors.password} />
        <Field name="confirmPassword" label="Password again" type="password" autoComplete="new-password" required error={errors.confirmPassword} />
        <div className="actions">
          <button type="submit" disabled={busy}>{busy ? "Confirming…" : "Confirm my e-mail address"}</button>
        </div>
      </Form>
    </div>
  );
}
