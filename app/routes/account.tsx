/**
 * /account: profile (name), e-mail notifications, password, sessions and personal access tokens. One action, multiplexed by the
 * `intent` field; every intent has its own zod schema. Successes redirect back (POST/redirect/GET) with a
 * `done` word, except a new token, which is shown once in the POST's answer and never again.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import type { Translate } from "../i18n/instance";
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
import { setThreadEmails, threadEmailsOn } from "../threads/thread-mails.server";
import { formToObject, parseWith } from "../utils/forms.server";
import { requireSessionUser } from "../utils/guards.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";
import { saveAccountLanguage } from "../auth/account-language.server";
import { Trans, useT } from "../i18n/react";
import { isLocale, LOCALE_NAMES, LOCALES } from "../i18n/locales";
import { requestLocale, requestT } from "../i18n/strings.server";
import { securityStrings } from "../i18n/security-strings.server";
import { fieldErrorsIn, fieldProblemWords, messageIn } from "../auth/field-words";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Accord" }];
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, session } = await requireSessionUser(request, context);
  const locale = await requestLocale(request, context);
  const [sessions, tokens, secondFactor, threadEmails] = await Promise.all([
    listSessionViews(user.id, session.id, locale),
    listAccessTokenViews(user.id, locale),
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
      title: (await requestT(request, context))("account:metaTitle"),
      i18n: await securityStrings(request, context, ["tokens"], ["auth", "account"]),
    },
    { headers: NO_STORE },
  );
}

// The messages below are keys, put in the reader's language by the action (`inWords`).
const tokenId = z.string().regex(/^[a-z2-9]{24}$/, "account:errors.gone");

const schemas = {
  rename: z.object({ name: nameField }),
  notifications: z.object({ threadEmails: z.literal("on", { message: "account:errors.checkbox" }).optional() }),
  "change-password": z
    .object({
      currentPassword: z.string({ message: "account:password.currentMissing" }).min(1, "account:password.currentMissing").max(1024),
      newPassword: passwordField,
      confirmPassword: z.string({ message: "account:password.againMissing" }).min(1, "account:password.againMissing"),
    })
    .refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: "account:password.different" }),
  // "" follows the browser; anything else must be one of the interface's languages.
  language: z.object({ language: z.enum(["", ...LOCALES], { message: "account:language.invalid" }) }),
  "revoke-session": z.object({ sessionId: tokenId }),
  "revoke-other-sessions": z.object({}),
  "create-token": z.object({
    tokenName: z
      .string({ message: "account:tokenErrors.nameMissing" })
      .trim()
      .min(1, "account:tokenErrors.nameEmpty")
      .max(80, "account:tokenErrors.nameTooLong")
      .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "account:tokenErrors.nameControl"),
    scopes: z
      .array(z.enum(SCOPES, { message: "account:tokenErrors.scopeUnknown" }), { message: "account:tokenErrors.scopesMissing" })
      .min(1, "account:tokenErrors.scopesEmpty")
      .max(8, "account:tokenErrors.scopeUnknown"),
    lifetimeDays: z.coerce
      .number({ message: "account:tokenErrors.lifetimeMissing" })
      .refine((d) => (TOKEN_LIFETIMES_DAYS as readonly number[]).includes(d), "account:tokenErrors.lifetimeUnknown"),
  }),
  "revoke-token": z.object({ tokenId }),
} as const;

type Intent = keyof typeof schemas;
const isIntent = (v: unknown): v is Intent => typeof v === "string" && Object.hasOwn(schemas, v);

/** Words for `?done=` after a successful change (a fixed list: nothing from the URL is echoed). */
const DONE: Record<string, { section: string; key: string }> = {
  name: { section: "profile", key: "account:done.name" },
  "thread-emails-on": { section: "notifications", key: "account:done.threadEmailsOn" },
  "thread-emails-off": { section: "notifications", key: "account:done.threadEmailsOff" },
  password: { section: "password", key: "account:done.password" },
  session: { section: "sessions", key: "account:done.session" },
  sessions: { section: "sessions", key: "account:done.sessions" },
  "token-revoked": { section: "tokens", key: "account:done.tokenRevoked" },
};

/** A field's message in the reader's language: this page's keys, the account fields' codes (app/auth/field-words.ts). */
function inWords(t: Translate, message: string): string {
  return message.startsWith("account:") ? t(message) : messageIn(t, message);
}

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
  const t = await requestT(request, context);
  let form: Record<string, string | string[]>;
  try {
    const body = await request.formData();
    // The scopes are checkboxes: every ticked one is sent under the same name.
    form = { ...formToObject(body), scopes: body.getAll("scopes").filter((v) => typeof v === "string") };
  } catch {
    return refuse({ intent: null, fieldErrors: {}, error: fieldProblemWords(t, "formUnreadable") });
  }
  const intent = form.intent;
  if (!isIntent(intent)) return refuse({ intent: null, fieldErrors: {}, error: t("account:errors.unknownAction") });
  const parsed = parseWith(schemas[intent], form);
  if (!parsed.ok) {
    const fieldErrors = { ...parsed.fieldErrors };
    // Name every problem at once: the new password's rules too, not only after the other fields are fixed.
    if (intent === "change-password" && !fieldErrors.newPassword && typeof form.newPassword === "string") {
      const problem = passwordProblem(form.newPassword, user);
      if (problem) fieldErrors.newPassword = problem;
    }
    return refuse({ intent, fieldErrors: Object.fromEntries(Object.entries(fieldErrors).map(([field, message]) => [field, inWords(t, message)])) });
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
      if (!result.ok) {
        return refuse({ intent, fieldErrors: fieldErrorsIn(t, result.fieldErrors) });
      }
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
      if (!revoked) return refuse({ intent, fieldErrors: {}, error: t("account:errors.sessionGone") }, 404);
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
      if (!revoked) return refuse({ intent, fieldErrors: {}, error: t("account:errors.tokenGone") }, 404);
      return redirect("/account?done=token-revoked#tokens");
    }
  }
}

function Notice({ section, result }: { section: string; result: ActionResult | undefined }) {
  const { t } = useT();
  const [params] = useSearchParams();
  const done = DONE[params.get("done") ?? ""];
  const ownError = result?.error && result.intent && sectionOf(result.intent) === section ? result.error : null;
  return (
    <>
      <div role="status">{!result && done?.section === section ? <div className="alert ok">{t(done.key)}</div> : null}</div>
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
  const languageError = errorsFor("language").language;
  const secondFactorMethod = secondFactor.totp
    ? secondFactor.passkeys.length > 0
      ? t("account:secondFactor.onTotpOrPasskey")
      : t("account:secondFactor.onTotp")
    : t("account:secondFactor.onPasskey");

  return (
    <div className="page reading">
      <h1>{t("account:title")}</h1>
      <p><Trans k="account:endorsementsLink" tags={{ go: (c) => <Link to="/account/endorsements">{c}</Link> }} /></p>
      {result?.intent == null && result?.error ? <div className="alert error" role="alert">{result.error}</div> : null}

      <section id="profile" aria-labelledby="profile-heading" className="card">
        <h2 id="profile-heading">{t("account:profile.title")}</h2>
        <Notice section="profile" result={result} />
        <dl className="facts">
          <dt>{t("account:profile.email")}</dt>
          <dd>
            {user.email}{" "}
            {user.verified ? (
              <span className="badge">{t("account:profile.confirmed")}</span>
            ) : (
              <>
                <span className="badge draft">{t("account:profile.notConfirmed")}</span> <Link to="/verify-email/resend">{t("account:profile.resend")}</Link>
              </>
            )}
          </dd>
        </dl>
        <Form method="post" action="/account" className="stack" noValidate>
          <input type="hidden" name="intent" value="rename" />
          <Field
            name="name"
            label={t("account:profile.name")}
            type="text"
            autoComplete="name"
            defaultValue={user.name}
            required
            maxLength={120}
            hint={t("account:profile.nameHint")}
            error={errorsFor("rename").name}
          />
          <div className="actions">
            <button type="submit" disabled={busyIntent === "rename"}>{busyIntent === "rename" ? t("account:saving") : t("account:profile.save")}</button>
          </div>
        </Form>
      </section>

      <section id="notifications" aria-labelledby="notifications-heading" className="card">
        <h2 id="notifications-heading">{t("account:notifications.title")}</h2>
        <Notice section="notifications" result={result} />
        <Form method="post" action="/account" className="stack" noValidate>
          <input type="hidden" name="intent" value="notifications" />
          <div className="checkbox-row">
            <input type="checkbox" id="thread-emails" name="threadEmails" value="on" defaultChecked={threadEmails} aria-describedby="thread-emails-hint" />
            <div>
              <label htmlFor="thread-emails">{t("account:notifications.label")}</label>
              <p className="hint" id="thread-emails-hint">{t("account:notifications.hint")}</p>
            </div>
          </div>
          <div className="actions">
            <button type="submit" disabled={busyIntent === "notifications"}>{busyIntent === "notifications" ? t("account:saving") : t("account:notifications.save")}</button>
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
              aria-describedby={languageError ? "account-language-hint account-language-error" : "account-language-hint"}
              aria-invalid={languageError ? true : undefined}
            >
              <option value="">{t("account:language.follow")}</option>
              {LOCALES.map((code) => (
                <option key={code} value={code} lang={code}>
                  {LOCALE_NAMES[code]}
                </option>
              ))}
            </select>
            <p className="hint" id="account-language-hint">{t("account:language.hint")}</p>
            {languageError ? (
              <p className="error" id="account-language-error" role="alert">
                {languageError}
              </p>
            ) : null}
          </div>
          <div className="actions">
            <button type="submit" disabled={busyIntent === "language"}>{busyIntent === "language" ? t("account:language.saving") : t("account:language.save")}</button>
          </div>
        </Form>
      </section>

      <section id="password" aria-labelledby="password-heading" className="card">
        <h2 id="password-heading">{t("account:password.title")}</h2>
        <Notice section="password" result={result} />
        <p>{t("account:password.intro")}</p>
        <Form method="post" action="/account" className="stack" noValidate>
          <input type="hidden" name="intent" value="change-password" />
          <input type="text" name="username" autoComplete="username" value={user.email} readOnly hidden />
          <Field name="currentPassword" label={t("account:password.current")} type="password" autoComplete="current-password" required error={errorsFor("change-password").currentPassword} />
          <Field name="newPassword" label={t("account:password.new")} type="password" autoComplete="new-password" hint={t("auth:fields.passwordHint")} required error={errorsFor("change-password").newPassword} />
          <Field name="confirmPassword" label={t("account:password.again")} type="password" autoComplete="new-password" required error={errorsFor("change-password").confirmPassword} />
          <div className="actions">
            <button type="submit" disabled={busyIntent === "change-password"}>
              {busyIntent === "change-password" ? t("account:password.changing") : t("account:password.change")}
            </button>
            <Link to="/forgot-password">{t("account:password.forgot")}</Link>
          </div>
        </Form>
      </section>

      <section id="second-factor" aria-labelledby="second-factor-heading" className="card">
        <h2 id="second-factor-heading">{t("account:secondFactor.title")}</h2>
        <p>
          {secondFactor.enabled
            ? `${secondFactorMethod} ${t("account:secondFactor.recoveryLeft", { count: secondFactor.recoveryCodesLeft })}`
            : t("account:secondFactor.off")}
        </p>
        <p><Link to="/account/second-factor">{secondFactor.enabled ? t("account:secondFactor.manage") : t("account:secondFactor.setUp")}</Link></p>
      </section>

      <section id="sessions" aria-labelledby="sessions-heading" className="card">
        <h2 id="sessions-heading">{t("account:sessions.title")}</h2>
        <Notice section="sessions" result={result} />
        <p>{t("account:sessions.intro")}</p>
        <div className="table-wrap">
          <table className="data responsive">
            <caption className="visually-hidden">{t("account:sessions.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("account:sessions.browser")}</th>
                <th scope="col">{t("account:sessions.signedIn")}</th>
                <th scope="col">{t("account:sessions.lastUsed")}</th>
                <th scope="col">{t("account:sessions.where")}</th>
                <th scope="col"><span className="visually-hidden">{t("account:sessions.actions")}</span></th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id}>
                  <td data-label={t("account:sessions.browser")}>
                    {s.browser} {s.current ? <span className="badge">{t("account:sessions.thisBrowser")}</span> : null}
                  </td>
                  <td data-label={t("account:sessions.signedIn")}><time dateTime={s.createdAt}>{s.createdLabel}</time></td>
                  <td data-label={t("account:sessions.lastUsed")}><time dateTime={s.lastUsedAt}>{s.lastUsedLabel}</time></td>
                  <td data-label={t("account:sessions.where")}>{s.placeLabel}</td>
                  <td>
                    <Form method="post" action="/account" className="inline-form">
                      <input type="hidden" name="intent" value="revoke-session" />
                      <input type="hidden" name="sessionId" value={s.id} />
                      <button
                        type="submit"
                        className="secondary"
                        aria-label={
                          s.current
                            ? t("account:sessions.signOutThis")
                            : t("account:sessions.signOutOther", { browser: s.browser, when: s.lastUsedLabel, place: s.placeLabel })
                        }
                      >
                        {t("account:sessions.signOut")}
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
              {t("account:sessions.signOutElsewhere")}
            </button>
          </Form>
        ) : (
          <p className="muted small">{t("account:sessions.noOthers")}</p>
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
        <h2 id="your-data-heading">{t("account:data.title")}</h2>
        <p>{t("account:data.intro")}</p>
        <p className="actions">
          <a className="button secondary" href="/account/data" download>{t("account:data.download")}</a>
          <Link to="/account/delete">{t("account:data.delete")}</Link>
        </p>
      </section>
    </div>
  );
}
