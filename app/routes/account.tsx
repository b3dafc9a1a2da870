/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/**
 * /account: profile (name), e-mail notifications, password, sessions and personal access tokens. One action, multiplexed by the
 * `intent` field; every intent has its own zod schema. Successes redirect back (POST/redirect/GET) with a
 * `done` word, except a new token, which is shown once in the POST's answer and never again.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { listAccessTokenViews, listSessionViews, revokeOwnSession } from "../auth/account.server";
import { createAccessToken, revokeAccessToken } from "../auth/access-tokens.server";
import { SCOPES, TOKEN_LIFETIMES_DAYS } from "../auth/token-scopes";
import { changePassword, renameUser } from "../auth/accounts.server";
import { serializeBlankSessionCookie, serializeSessionCookie } from "../auth/cookie.server";
import { nameField, passwordField } from "../auth/fields";
import { passwordProblem } from "../auth/password.server";
import { getSecondFactorStatus } from "../auth/second-factor.server";
import { invalidateSession, invalidateUserSessions } from "../auth/session.server";
import { AccessTokens } from "../components/access-tokens";
import { Field } from "../components/field";
import { PASSWORD_HINT } from "../components/password-hint";
import { setThreadEmails, threadEmailsOn } from "../threads/thread-mails.server";
import { formToObject, parseWith } from "../utils/forms.server";
import { requireSessionUser } from "../utils/guards.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";
import { saveAccountLanguage } from "../auth/account-language.server";
import { useT } from "../i18n/react";
import { isLocale, LOCALE_NAMES, LOCALES } from "../i18n/locales";
import { requestT } from "../i18n/strings.server";
import { securityStrings } from "../i18n/security-strings.server";

export const meta: MetaFunction = () => [{ title: "Your account — Accord" }];
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, session } = await requireSessionUser(request, context);
  const [sessions, tokens, secondFactor, threadEmails] = await Promise.all([
    listSessionViews(user.id, session.id),
    listAccessTokenViews(user.id),
    getSecondFactorStatus(user.id),
    threadEmailsOn(user.id),
  ]);
  return data(
    {
      user: { name: user.name, email: user.email, verified: user.emailVerifiedAt != null, language: isLocale(user.language) ? user.language : null },
      sessions,
      tokens,
      secondFactor,
      threadEmails,
      i18n: await securityStrings(request, context, ["tokens"], ["auth", "account"]),
    },
    { headers: NO_STORE },
  );
}

const tokenId = z.string().regex(/^[a-z2-9]{24}$/, "That item no longer exists.");

const schemas = {
  rename: z.object({ name: nameField }),
  notifications: z.object({ threadEmails: z.literal("on", { message: "Tick the box or leave it empty." }).optional() }),
  "change-password": z
    .object({
      currentPassword: z.string({ message: "Enter your current password." }).min(1, "Enter your current password.").max(1024),
      newPassword: passwordField,
      confirmPassword: z.string({ message: "Type the new password again." }).min(1, "Type the new password again."),
    })
    .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: "The two new passwords are not the same." }),
  // "" follows the browser; anything else must be one of the interface's languages.
  language: z.object({ language: z.enum(["", ...LOCALES], { message: "Choose one of the languages offered." }) }),
  "revoke-session": z.object({ sessionId: tokenId }),
  "revoke-other-sessions": z.object({}),
  "create-token": z.object({
    tokenName: z
      .string({ message: "Give the token a name." })
      .trim()
      .min(1, "Give the token a name, such as the script that will use it.")
      .max(80, "Use at most 80 characters.")
      .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "Remove control characters from the name."),
    scopes: z
      .array(z.enum(SCOPES, { message: "Choose the token's scopes from the list." }), { message: "Choose at least one scope." })
      .min(1, "Choose at least one scope: what may the token do?")
      .max(8, "Choose the token's scopes from the list."),
    lifetimeDays: z.coerce
      .number({ message: "Choose when the token expires." })
      .refine((d) => (TOKEN_LIFETIMES_DAYS as readonly number[]).includes(d), "Choose when the token expires: after 7, 30, 90 or 365 days."),
  }),
  "revoke-token": z.object({ tokenId }),
} as const;

type Intent = keyof typeof schemas;
const isIntent = (v: unknown): v is Intent => typeof v === "string" && Object.hasOwn(schemas, v);

/** Words for `?done=` after a successful change (a fixed list: nothing from the URL is echoed). */
const DONE: Record<string, { section: string; message: string }> = {
  name: { section: "profile", message: "Your name was changed." },
  "thread-emails-on": { section: "notifications", message: "Saved: you get an e-mail when you are mentioned or someone replies in your threads." },
  "thread-emails-off": { section: "notifications", message: "Saved: you get no e-mails about mentions and replies." },
  password: { section: "password", message: "Your password was changed. Every other browser and device was signed out." },
  session: { section: "sessions", message: "That session was signed out." },
  sessions: { section: "sessions", message: "Every other session was signed out." },
  "token-revoked": { section: "tokens", message: "The token was revoked. Anything still using it is now refused, and its live connections close within seconds." },
};

interface ActionResult {
  intent: Intent | null;
  fieldErrors: Record<string, string>;
  error?: string;
  created?: { name: string; token: string };
}

function refuse(result: ActionResult, status = 400) {
  return data(result, { status, headers: NO_STORE });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, session } = await requireSessionUser(request, context);
  let form: Record<string, string | string[]>;
  try {
    const body = await request.formData();
    // The scopes are checkboxes: every ticked one is sent under the same name.
    form = { ...formToObject(body), scopes: body.getAll("scopes").filter((v) => typeof v === "string") };
  } catch {
    return refuse({ intent: null, fieldErrors: {}, error: "The form could not be read. Please try again." });
  }
  const intent = form.intent;
  if (!isIntent(intent)) return refuse({ intent: null, fieldErrors: {}, error: "That action is not known. Please reload the page and try again." });
  const parsed = parseWith(schemas[intent], form);
  if (!parsed.ok) {
    const fieldErrors = { ...parsed.fieldErrors };
    // Name every problem at once: the new password's rules too, not only after the other fields are fixed.
    if (intent === "change-password" && !fieldErrors.newPassword && typeof form.newPassword === "string") {
      const problem = passwordProblem(form.newPassword, user);
      if (problem) fieldErrors.newPassword = problem;
    }
    if (intent === "language") fieldErrors.language = (await requestT(request, context))("account:language.invalid");
    return refuse({ intent, fieldErrors });
  }
  const input = parsed.data as Record<string, string>;

  switch (intent) {
    case "rename": {
      await renameUser(user.id, input.name);
      return redirect("/account?done=name#profile");
    }
    case "language": {
      await saveAccountLanguage(user.id, input.language);
      // The next page is read in the new language (the account's preference wins: app/i18n/locales.ts).
      return redirect("/account?done=language#language");
    }
    case "notifications": {
      const on = input.threadEmails === "on";
      await setThreadEmails(user.id, on);
      return redirect(`/account?done=${on ? "thread-emails-on" : "thread-emails-off"}#notifications`);
    }
    case "change-password": {
      const result = await changePassword(user, {
        currentPassword: input.currentPassword,
        newPassword: input.newPassword,
        userAgent: request.headers.get("user-agent"),
        secondFactorVerified: session.secondFactor,
      });
      if (!result.ok) return refuse({ intent, fieldErrors: result.fieldErrors as Record<string, string> });
      return redirect("/account?done=password#password", {
        headers: { "Set-Cookie": serializeSessionCookie(result.token, result.expiresAt) },
      });
    }
    case "revoke-session": {
      if (input.sessionId === session.id) {
        // Ending this browser's own session is signing out.
        await invalidateSession(session.id);
        return redirect("/login", { headers: { "Set-Cookie": serializeBlankSessionCookie() } });
      }
      const revoked = await revokeOwnSession(user.id, input.sessionId);
      if (!revoked) return refuse({ intent, fieldErrors: {}, error: "That session had already ended." }, 404);
      return redirect("/account?done=session#sessions");
    }
    case "revoke-other-sessions": {
      await invalidateUserSessions(user.id, session.id);
      return redirect("/account?done=sessions#sessions");
    }
    case "create-token": {
      const grant = parsed.data as z.infer<(typeof schemas)["create-token"]>;
      const { token } = await createAccessToken(user.id, { name: grant.tokenName, scopes: grant.scopes, lifetimeDays: grant.lifetimeDays, secondFactor: session.secondFactor });
      return data<ActionResult>({ intent, fieldErrors: {}, created: { name: grant.tokenName, token } }, { headers: NO_STORE });
    }
    case "revoke-token": {
      const revoked = await revokeAccessToken(user.id, input.tokenId);
      if (!revoked) return refuse({ intent, fieldErrors: {}, error: "That token had already been revoked." }, 404);
      return redirect("/account?done=token-revoked#tokens");
    }
  }
}

function Notice({ section, result }: { section: string; result: ActionResult | undefined }) {
  const [params] = useSearchParams();
  const done = DONE[params.get("done") ?? ""];
  const ownError = result?.error && result.intent && sectionOf(result.intent) === section ? result.error : null;
  return (
    <>
      <div role="status">{!result && done?.section === section ? <div className="alert ok">{done.message}</div> : null}</div>
      {ownError ? <div className="alert error" role="alert">{ownError}</div> : null}
    </>
  );
}

function sectionOf(intent: Intent): string {
  if (intent === "rename") return "profile";
  if (intent === "notifications") return "notifications";
  if (intent === "language") return "language";
  if (intent === "change-password") return "password";
  if (intent === "revoke-session" || intent === "revoke-other-sessions") return "sessions";
  return "tokens";
}

export default function Account() {
  const { user, sessions, tokens, secondFactor, threadEmails } = useLoaderData<typeof loader>();
  const { t } = useT();
  const [search] = useSearchParams();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const navigation = useNavigation();
  const busyIntent = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const errorsFor = (intent: Intent): Record<string, string> => (result?.intent === intent ? result.fieldErrors : {});
  const others = sessions.filter((s) => !s.current).length;

  return (
    <div className="page reading">
      <h1>Your account</h1>
      <p><Link to="/account/endorsements">My endorsements</Link>: each one with its receipt, and a way to withdraw it.</p>
      {result?.intent == null && result?.error ? <div className="alert error" role="alert">{result.error}</div> : null}

      <section id="profile" aria-labelledby="profile-heading" className="card">
        <h2 id="profile-heading">Profile</h2>
        <Notice section="profile" result={result} />
        <dl className="facts">
          <dt>E-mail</dt>
          <dd>
            {user.email}{" "}
            {user.verified ? (
              <span className="badge">confirmed</span>
            ) : (
              <>
                <span className="badge draft">not confirmed yet</span> <Link to="/verify-email/resend">Send the confirmation link again</Link>
              </>
            )}
          </dd>
        </dl>
        <Form method="post" action="/account" className="stack" noValidate>
          <input type="hidden" name="intent" value="rename" />
          <Field
            name="name"
            label="Name"
            type="text"
            autoComplete="name"
            defaultValue={user.name}
            required
            maxLength={120}
            hint="Shown to the people in your workshops."
            error={errorsFor("rename").name}
          />
          <div className="actions">
            <button type="submit" disabled={busyIntent === "rename"}>{busyIntent === "rename" ? "Saving…" : "Save name"}</button>
          </div>
        </Form>
      </section>

      <section id="notifications" aria-labelledby="notifications-heading" className="card">
        <h2 id="notifications-heading">E-mail notifications</h2>
        <Notice section="notifications" result={result} />
        <Form method="post" action="/account" className="stack" noValidate>
          <input type="hidden" name="intent" value="notifications" />
          <div className="checkbox-row">
            <input type="checkbox" id="thread-emails" name="threadEmails" value="on" defaultChecked={threadEmails} aria-describedby="thread-emails-hint" />
            <div>
              <label htmlFor="thread-emails">E-mail me when I am mentioned or someone replies in my threads</label>
              <p className="hint" id="thread-emails-hint">At most one e-mail per thread every 10 minutes, with the quoted words and a link to the document.</p>
            </div>
          </div>
          <div className="actions">
            <button type="submit" disabled={busyIntent === "notifications"}>{busyIntent === "notifications" ? "Saving…" : "Save notifications"}</button>
          </div>
        </Form>
      </section>

      <section id="language" aria-labelledby="language-heading" className="card">
        <h2 id="language-heading">{t("account:language.title")}</h2>
        {search.get("done") === "language" ? <div className="alert ok" role="status">{t("account:language.saved")}</div> : null}
        <Form method="post" action="/account" className="stack" noValidate>
          <input type="hidden" name="intent" value="language" />
          <div className="field">
            <label htmlFor="account-language">{t("account:language.label")}</label>
            <select
              id="account-language"
              name="language"
              defaultValue={user.language ?? ""}
              aria-describedby={errorsFor("language").language ? "account-language-hint account-language-error" : "account-language-hint"}
              aria-invalid={errorsFor("language").language ? true : undefined}
            >
              <option value="">{t("account:language.follow")}</option>
              {LOCALES.map((code) => (
                <option key={code} value={code} lang={code}>
                  {LOCALE_NAMES[code]}
                </option>
              ))}
            </select>
            <p className="hint" id="account-language-hint">{t("account:language.hint")}</p>
            {errorsFor("language").language ? (
              <p className="error" id="account-language-error" role="alert">
                {errorsFor("language").language}
              </p>
            ) : null}
          </div>
          <div className="actions">
            <button type="submit" disabled={busyIntent === "language"}>{busyIntent === "language" ? t("account:language.saving") : t("account:language.save")}</button>
          </div>
        </Form>
      </section>

      <section id="password" aria-labelledby="password-heading" className="card">
        <h2 id="password-heading">Password</h2>
        <Notice section="password" result={result} />
        <p>Changing your password signs out every other browser and device.</p>
        <Form method="post" action="/account" className="stack" noValidate>
          <input type="hidden" name="intent" value="change-password" />
          <input type="text" name="username" autoComplete="username" value={user.email} readOnly hidden />
          <Field name="currentPassword" label="Current password" type="password" autoComplete="current-password" required error={errorsFor("change-password").currentPassword} />
          <Field name="newPassword" label="New password" type="password" autoComplete="new-password" hint={PASSWORD_HINT} required error={errorsFor("change-password").newPassword} />
          <Field name="confirmPassword" label="New password again" type="password" autoComplete="new-password" required error={errorsFor("change-password").confirmPassword} />
          <div className="actions">
            <button type="submit" disabled={busyIntent === "change-password"}>
              {busyIntent === "change-password" ? "Changing…" : "Change password"}
            </button>
            <Link to="/forgot-password">Forgot your current password?</Link>
          </div>
        </Form>
      </section>

      <section id="second-factor" aria-labelledby="second-factor-heading" className="card">
        <h2 id="second-factor-heading">Second factor</h2>
        <p>
          {secondFactor.enabled
            ? `On: signing in asks for ${secondFactor.totp ? "a code from your authenticator app" : "a passkey"}${secondFactor.totp && secondFactor.passkeys.length > 0 ? " or a passkey" : ""} after your password. ${secondFactor.recoveryCodesLeft} of 10 recovery codes left.`
            : "Off: signing in needs only your password. Organisers of many workshops must turn it on to publish, moderate and manage members."}
        </p>
        <p><Link to="/account/second-factor">{secondFactor.enabled ? "Manage your second factor" : "Set up a second factor"}</Link></p>
      </section>

      <section id="sessions" aria-labelledby="sessions-heading" className="card">
        <h2 id="sessions-heading">Sessions</h2>
        <Notice section="sessions" result={result} />
        <p>
          The browsers and devices signed in to your account. Sign out any you do not recognise, then change your password.
          “Where” is approximate: the time zone the browser reported and whether it was your current network (Accord keeps
          no IP address).
        </p>
        <div className="table-wrap">
          <table className="data responsive">
            <caption className="visually-hidden">Your sessions</caption>
            <thead>
              <tr>
                <th scope="col">Browser</th>
                <th scope="col">Signed in</th>
                <th scope="col">Last used</th>
                <th scope="col">Where</th>
                <th scope="col"><span className="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id}>
                  <td data-label="Browser">
                    {s.browser} {s.current ? <span className="badge">This browser</span> : null}
                  </td>
                  <td data-label="Signed in"><time dateTime={s.createdAt}>{s.createdLabel}</time></td>
                  <td data-label="Last used"><time dateTime={s.lastUsedAt}>{s.lastUsedLabel}</time></td>
                  <td data-label="Where">{s.placeLabel}</td>
                  <td>
                    <Form method="post" action="/account" className="inline-form">
                      <input type="hidden" name="intent" value="revoke-session" />
                      <input type="hidden" name="sessionId" value={s.id} />
                      <button
                        type="submit"
                        className="secondary"
                        aria-label={s.current ? "Sign out this browser" : `Sign out ${s.browser}, last used ${s.lastUsedLabel}, ${s.placeLabel}`}
                      >
                        Sign out
                      </button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {others > 0 ? (
          <Form method="post" action="/account" className="actions sessions-actions">
            <input type="hidden" name="intent" value="revoke-other-sessions" />
            <button type="submit" className="danger" disabled={busyIntent === "revoke-other-sessions"}>
              Sign out everywhere else
            </button>
          </Form>
        ) : (
          <p className="muted small">No other browser or device is signed in.</p>
        )}
      </section>

      <AccessTokens
        tokens={tokens}
        created={result?.created}
        errors={errorsFor("create-token")}
        busy={busyIntent === "create-token"}
        notice={<Notice section="tokens" result={result} />}
      />

      <section id="your-data" aria-labelledby="your-data-heading" className="card">
        <h2 id="your-data-heading">Your data</h2>
        <p>Download everything Accord holds about you, or delete your account.</p>
        <p className="actions">
          <a className="button secondary" href="/account/data" download>Download my data (JSON)</a>
          <Link to="/account/delete">Delete my account</Link>
        </p>
      </section>
    </div>
  );
}
