/**
 * /account/second-factor — set up a second factor: an authenticator app (scan the QR code, confirm a first code) and/or
 * passkeys (named; when each was last used; removed with the password or a code). The first one gives ten recovery
 * codes, shown once; they can be replaced by ten new ones. Turn it all off with the password or a code. Browser
 * sessions only. Rules: app/auth/second-factor.server.ts and app/auth/passkeys.server.ts.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { finishPasskeyRegistration, MAX_PASSKEY_NAME, MAX_RESPONSE_JSON, removePasskey, startPasskeyRegistration } from "../auth/passkeys.server";
import {
  checkOwnerProof,
  confirmEnrolment,
  disableSecondFactor,
  enrolmentInProgress,
  getSecondFactorStatus,
  MAX_CODE_INPUT,
  regenerateRecoveryCodes,
  startEnrolment,
} from "../auth/second-factor.server";
import { Field, FormError } from "../components/field";
import { PasskeyCeremony } from "../components/passkey-ceremony";
import { readForm } from "../utils/forms.server";
import { requireSessionUser } from "../utils/guards.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";
import { pleaseWaitIn } from "../utils/wait-words";
import type { SecurityRefusal } from "../auth/security-refusals";
import { securityWords } from "../auth/security-words.server";
import { formatDateTimeIn } from "../i18n/format";
import { Trans, useT } from "../i18n/react";
import { requestLocale, tFor } from "../i18n/strings.server";
import { securityStrings } from "../i18n/security-strings.server";
import type { Translate } from "../i18n/instance";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Accord" }];
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, session } = await requireSessionUser(request, context);
  const status = await getSecondFactorStatus(user.id);
  const enrolment = status.totp ? null : await enrolmentInProgress(user);
  const locale = await requestLocale(request, context);
  const t = tFor(locale);
  const passkeys = status.passkeys.map((p) => ({
    id: p.id,
    name: p.name,
    createdAt: p.createdAt.toISOString(),
    createdLabel: formatDateTimeIn(locale, p.createdAt),
    lastUsedLabel: p.lastUsedAt ? formatDateTimeIn(locale, p.lastUsedAt) : t("security:setup.never"),
  }));
  return data(
    {
      status: { enabled: status.enabled, totp: status.totp, recoveryCodesLeft: status.recoveryCodesLeft },
      passkeys,
      enrolment,
      sessionVerified: session.secondFactor,
      title: t("security:setup.metaTitle"),
      i18n: await securityStrings(request, context, ["ceremony", "setup"]),
    },
    { headers: NO_STORE },
  );
}

function schemaIn(t: Translate) {
  const code = z.string().max(MAX_CODE_INPUT, t("security:errors.codeTooLong"));
  const proof = { password: z.string().max(1024).optional(), code: code.optional() };
  const passkeyName = z
    .string()
    .trim()
    .min(1, t("security:errors.passkeyNameMissing"))
    .max(MAX_PASSKEY_NAME, t("security:errors.passkeyNameTooLong", { max: MAX_PASSKEY_NAME }));
  return z.discriminatedUnion("intent", [
    z.object({ intent: z.literal("start") }),
    z.object({ intent: z.literal("confirm"), code }),
    z.object({ intent: z.literal("disable"), ...proof }),
    z.object({ intent: z.literal("regenerate"), ...proof }),
    z.object({ intent: z.literal("passkey-start"), name: passkeyName }),
    z.object({ intent: z.literal("passkey"), name: passkeyName, response: z.string().max(MAX_RESPONSE_JSON, t("security:errors.answerTooLong")) }),
    z.object({ intent: z.literal("passkey-remove"), passkeyId: z.string().uuid(t("security:errors.choosePasskey")), ...proof }),
  ]);
}

type Result = { error?: string; recoveryCodes?: string[]; regenerated?: boolean; passkeyOptions?: { challenge: string }; name?: string; added?: string };

function refusal(t: Translate, refused: SecurityRefusal, status = 400) {
  const wait = refused.code === "tooManyAttempts" ? refused.retryAfterSeconds : undefined;
  const error = securityWords(t, refused);
  return data<Result>(
    { error: wait ? `${error} ${pleaseWaitIn(t, wait)}` : error },
    { status: wait ? 429 : status, headers: wait ? { ...NO_STORE, "Retry-After": String(wait) } : NO_STORE },
  );
}

const proofOf = (input: { password?: string; code?: string }) => ({ code: input.code?.trim() ? input.code : undefined, password: input.password || undefined });

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, session } = await requireSessionUser(request, context);
  const locale = await requestLocale(request, context);
  const t = tFor(locale);
  const NO_PROOF = t("security:errors.noProof");
  const form = await readForm(request, schemaIn(t), t);
  if (!form.ok) {
    // A field's own words, or (an unreadable body, no known intent) the form's.
    const unreadable = form.fieldErrors.form !== undefined || form.fieldErrors.intent !== undefined;
    return data<Result>({ error: unreadable ? t("security:errors.invalidForm") : form.firstError }, { status: 400, headers: NO_STORE });
  }
  const input = form.data;
  switch (input.intent) {
    case "start": {
      const started = await startEnrolment(user);
      if (!started) return data<Result>({ error: t("security:errors.alreadyHasApp") }, { status: 409, headers: NO_STORE });
      return redirect("/account/second-factor#set-up", { headers: NO_STORE });
    }
    case "confirm": {
      const result = await confirmEnrolment(user, session.id, input.code);
      if (!result.ok) return refusal(t, result.refusal);
      return data<Result>({ recoveryCodes: result.recoveryCodes }, { headers: NO_STORE });
    }
    case "disable": {
      const given = proofOf(input);
      if (!given.code && !given.password) return data<Result>({ error: NO_PROOF }, { status: 400, headers: NO_STORE });
      const result = await disableSecondFactor(user, given, context.clientIp, locale);
      if (!result.ok) return refusal(t, result.refusal);
      return redirect("/account/second-factor?done=off", { headers: NO_STORE });
    }
    case "regenerate": {
      const given = proofOf(input);
      if (!given.code && !given.password) return data<Result>({ error: NO_PROOF }, { status: 400, headers: NO_STORE });
      const result = await regenerateRecoveryCodes(user, given, context.clientIp, locale);
      if (!result.ok) return refusal(t, result.refusal);
      return data<Result>({ recoveryCodes: result.recoveryCodes, regenerated: true }, { headers: NO_STORE });
    }
    case "passkey-start": {
      const started = await startPasskeyRegistration(user, session);
      if (!started.ok) return refusal(t, started.refusal, 409);
      return data<Result>({ passkeyOptions: started.options, name: input.name }, { headers: NO_STORE });
    }
    case "passkey": {
      const result = await finishPasskeyRegistration(user, session, { name: input.name, response: input.response }, locale);
      if (!result.ok) return refusal(t, result.refusal);
      if (result.recoveryCodes) return data<Result>({ recoveryCodes: result.recoveryCodes }, { headers: NO_STORE });
      return redirect("/account/second-factor?done=passkey-added", { headers: NO_STORE });
    }
    case "passkey-remove": {
      const given = proofOf(input);
      if (!given.code && !given.password) return data<Result>({ error: NO_PROOF }, { status: 400, headers: NO_STORE });
      const proved = await checkOwnerProof(user, given, context.clientIp);
      if (!proved.ok) return refusal(t, proved.refusal);
      if (!(await removePasskey(user, input.passkeyId, locale))) return data<Result>({ error: t("security:errors.notYourPasskey") }, { status: 404, headers: NO_STORE });
      return redirect("/account/second-factor?done=passkey-removed", { headers: NO_STORE });
    }
  }
}

/** The notice after a redirect (`?done=`), in the page's language. */
function doneNotice(t: Translate, done: string | null): string | null {
  switch (done) {
    case "off": return t("security:setup.done.off");
    case "passkey-added": return t("security:setup.done.passkeyAdded");
    case "passkey-removed": return t("security:setup.done.passkeyRemoved");
    default: return null;
  }
}

type Passkey = { id: string; name: string; createdAt: string; createdLabel: string; lastUsedLabel: string };

export default function SecondFactorPage() {
  const { t } = useT();
  const { status, enrolment, passkeys } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const done = doneNotice(t, params.get("done"));
  return (
    <div className="page narrow">
      <p><Link to="/account">{t("security:setup.back")}</Link></p>
      <h1>{t("security:setup.title")}</h1>
      <FormError message={result?.error} />
      <div role="status">{done && !result ? <div className="alert ok">{done}</div> : null}</div>
      {result?.recoveryCodes ? (
        <RecoveryCodes codes={result.recoveryCodes} regenerated={Boolean(result.regenerated)} />
      ) : (
        <>
          {status.enabled ? (
            <section className="card stack" aria-labelledby="on-heading">
              <h2 id="on-heading">{t("security:setup.on.title")}</h2>
              <p>
                {[
                  status.totp && passkeys.length > 0
                    ? t("security:setup.on.appOrPasskey")
                    : status.totp
                      ? t("security:setup.on.app")
                      : t("security:setup.on.passkey"),
                  t("security:setup.on.codesLeft", { count: status.recoveryCodesLeft }),
                ].join(" ")}
              </p>
            </section>
          ) : (
            <section className="card stack">
              <p>{t("security:setup.intro")}</p>
            </section>
          )}
          <AuthenticatorApp on={status.totp} enrolment={enrolment} anyFactor={status.enabled} busy={busy} />
          <Passkeys passkeys={passkeys} busy={busy} options={result?.passkeyOptions ?? null} name={result?.name ?? null} />
          {status.enabled ? <RegenerateCodes busy={busy} /> : null}
          {status.enabled ? <TurnOff busy={busy} /> : null}
        </>
      )}
    </div>
  );
}

function AuthenticatorApp({ on, enrolment, anyFactor, busy }: { on: boolean; enrolment: { qrSvg: string; typedKey: string } | null; anyFactor: boolean; busy: boolean }) {
  const { t } = useT();
  if (on) {
    return (
      <section className="card stack" aria-labelledby="app-heading">
        <h2 id="app-heading">{t("security:setup.app.title")}</h2>
        <p>{t("security:setup.app.on")}</p>
      </section>
    );
  }
  if (enrolment) {
    return (
      <section id="set-up" className="card stack" aria-labelledby="set-up-heading">
        <h2 id="set-up-heading">{t("security:setup.app.scan")}</h2>
        <div className="qr-code" role="img" aria-label={t("security:setup.app.qrLabel")} dangerouslySetInnerHTML={{ __html: enrolment.qrSvg }} />
        <p>
          <Trans k="security:setup.app.typeKey" values={{ typed: enrolment.typedKey }} tags={{ key: (c) => <code className="typed-key">{c}</code> }} />
        </p>
        <h2>{t("security:setup.app.typeCode")}</h2>
        <Form method="post" className="stack" noValidate>
          <input type="hidden" name="intent" value="confirm" />
          <Field name="code" label={t("security:setup.app.codeLabel")} autoComplete="one-time-code" inputMode="numeric" maxLength={MAX_CODE_INPUT} required />
          <div className="actions">
            <button type="submit" disabled={busy}>{busy ? t("security:setup.app.checking") : t("security:setup.app.turnOn")}</button>
          </div>
        </Form>
      </section>
    );
  }
  return (
    <section className="card stack" aria-labelledby="app-heading">
      <h2 id="app-heading">{t("security:setup.app.title")}</h2>
      <Form method="post">
        <input type="hidden" name="intent" value="start" />
        <button type="submit" disabled={busy}>{anyFactor ? t("security:setup.app.setUpApp") : t("security:setup.app.setUpFirst")}</button>
      </Form>
    </section>
  );
}

function Passkeys({ passkeys, busy, options, name }: { passkeys: Passkey[]; busy: boolean; options: { challenge: string } | null; name: string | null }) {
  const { t } = useT();
  return (
    <section id="passkeys" className="card stack" aria-labelledby="passkeys-heading">
      <h2 id="passkeys-heading">{t("security:setup.passkeys.title")}</h2>
      {passkeys.length === 0 ? (
        <p>{t("security:setup.passkeys.none")}</p>
      ) : (
        <table>
          <caption className="visually-hidden">{t("security:setup.passkeys.caption")}</caption>
          <thead>
            <tr><th scope="col">{t("security:setup.passkeys.name")}</th><th scope="col">{t("security:setup.passkeys.added")}</th><th scope="col">{t("security:setup.passkeys.lastUsed")}</th></tr>
          </thead>
          <tbody>
            {passkeys.map((p) => (
              <tr key={p.id}>
                <td data-label={t("security:setup.passkeys.name")}>{p.name}</td>
                <td data-label={t("security:setup.passkeys.added")}><time dateTime={p.createdAt}>{p.createdLabel}</time></td>
                <td data-label={t("security:setup.passkeys.lastUsed")}>{p.lastUsedLabel}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{t("security:setup.passkeys.addTitle")}</h3>
      <PasskeyCeremony kind="register" options={options} label={t("security:setup.passkeys.add")} busy={busy} finishFields={name ? { name } : undefined}>
        <Field id="field-passkey-name" name="name" label={t("security:setup.passkeys.nameLabel")} hint={t("security:setup.passkeys.nameHint")} maxLength={MAX_PASSKEY_NAME} required />
      </PasskeyCeremony>
      {passkeys.length > 0 ? (
        <>
          <h3>{t("security:setup.passkeys.removeTitle")}</h3>
          <Form method="post" className="stack" noValidate>
            <input type="hidden" name="intent" value="passkey-remove" />
            <div className="field">
              <label htmlFor="field-passkey-id">{t("security:setup.passkeys.toRemove")}</label>
              <select id="field-passkey-id" name="passkeyId" required>
                {passkeys.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
              </select>
            </div>
            <Field id="field-remove-password" name="password" label={t("security:setup.proof.password")} type="password" autoComplete="current-password" />
            <Field id="field-remove-code" name="code" label={t("security:setup.proof.code")} autoComplete="one-time-code" maxLength={MAX_CODE_INPUT} />
            <div className="actions">
              <button type="submit" className="danger" disabled={busy}>{t("security:setup.passkeys.remove")}</button>
            </div>
          </Form>
        </>
      ) : null}
    </section>
  );
}

function RegenerateCodes({ busy }: { busy: boolean }) {
  const { t } = useT();
  return (
    <section id="recovery-codes" className="card stack" aria-labelledby="regenerate-heading">
      <h2 id="regenerate-heading">{t("security:setup.regenerate.title")}</h2>
      <p>{t("security:setup.regenerate.body")}</p>
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="intent" value="regenerate" />
        <Field id="field-regenerate-password" name="password" label={t("security:setup.proof.password")} type="password" autoComplete="current-password" />
        <Field id="field-regenerate-code" name="code" label={t("security:setup.proof.code")} autoComplete="one-time-code" maxLength={MAX_CODE_INPUT} />
        <div className="actions">
          <button type="submit" disabled={busy}>{t("security:setup.regenerate.submit")}</button>
        </div>
      </Form>
    </section>
  );
}

function RecoveryCodes({ codes, regenerated }: { codes: string[]; regenerated: boolean }) {
  const { t } = useT();
  return (
    <section className="card stack" aria-labelledby="codes-heading">
      <div className="alert ok" role="status">
        {regenerated ? t("security:setup.codes.regenerated") : t("security:setup.codes.turnedOn")}
      </div>
      <h2 id="codes-heading">{t("security:setup.codes.title")}</h2>
      <p>{t("security:setup.codes.body")}</p>
      <ul className="recovery-codes" aria-label={t("security:setup.codes.listLabel")}>
        {codes.map((c) => <li key={c}><code>{c}</code></li>)}
      </ul>
      <p><Link to="/account">{t("security:setup.codes.back")}</Link></p>
    </section>
  );
}

function TurnOff({ busy }: { busy: boolean }) {
  const { t } = useT();
  return (
    <section className="card stack" aria-labelledby="off-heading">
      <h2 id="off-heading">{t("security:setup.off.title")}</h2>
      <p>{t("security:setup.off.body")}</p>
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="intent" value="disable" />
        <Field name="password" label={t("security:setup.proof.password")} type="password" autoComplete="current-password" />
        <Field name="code" label={t("security:setup.proof.code")} autoComplete="one-time-code" maxLength={MAX_CODE_INPUT} />
        <div className="actions">
          <button type="submit" className="danger" disabled={busy}>{t("security:setup.off.submit")}</button>
        </div>
      </Form>
    </section>
  );
}
