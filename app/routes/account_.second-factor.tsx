/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
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
import { pleaseWait } from "../utils/wait-words";
import { formatDateTime } from "../utils/when";

export const meta: MetaFunction = () => [{ title: "Second factor — Your account — Accord" }];
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, session } = await requireSessionUser(request, context);
  const status = await getSecondFactorStatus(user.id);
  const enrolment = status.totp ? null : await enrolmentInProgress(user);
  const passkeys = status.passkeys.map((p) => ({
    id: p.id,
    name: p.name,
    createdAt: p.createdAt.toISOString(),
    createdLabel: formatDateTime(p.createdAt),
    lastUsedLabel: p.lastUsedAt ? formatDateTime(p.lastUsedAt) : "never",
  }));
  return data({ status: { enabled: status.enabled, totp: status.totp, recoveryCodesLeft: status.recoveryCodesLeft }, passkeys, enrolment, sessionVerified: session.secondFactor }, { headers: NO_STORE });
}

const code = z.string().max(MAX_CODE_INPUT, "A code is at most 6 digits, or a recovery code of 16 letters and digits.");
const proof = { password: z.string().max(1024).optional(), code: code.optional() };
const passkeyName = z.string().trim().min(1, "Give the passkey a name (for example “Laptop” or “Phone”).").max(MAX_PASSKEY_NAME, `A passkey's name is at most ${MAX_PASSKEY_NAME} characters.`);
const schema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("start") }),
  z.object({ intent: z.literal("confirm"), code }),
  z.object({ intent: z.literal("disable"), ...proof }),
  z.object({ intent: z.literal("regenerate"), ...proof }),
  z.object({ intent: z.literal("passkey-start"), name: passkeyName }),
  z.object({ intent: z.literal("passkey"), name: passkeyName, response: z.string().max(MAX_RESPONSE_JSON, "That answer from the browser is too long.") }),
  z.object({ intent: z.literal("passkey-remove"), passkeyId: z.string().uuid("Choose a passkey to remove."), ...proof }),
]);

type Result = { error?: string; recoveryCodes?: string[]; regenerated?: boolean; passkeyOptions?: { challenge: string }; name?: string; added?: string };

function refusal(result: { error: string; retryAfterSeconds?: number }) {
  const wait = result.retryAfterSeconds;
  return data<Result>(
    { error: wait ? `${result.error} ${pleaseWait(wait)}` : result.error },
    { status: wait ? 429 : 400, headers: wait ? { ...NO_STORE, "Retry-After": String(wait) } : NO_STORE },
  );
}

const NO_PROOF = "Give your password, or a code from your app or a recovery code.";
const proofOf = (input: { password?: string; code?: string }) => ({ code: input.code?.trim() ? input.code : undefined, password: input.password || undefined });

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, session } = await requireSessionUser(request, context);
  const form = await readForm(request, schema);
  if (!form.ok) return data<Result>({ error: form.firstError }, { status: 400, headers: NO_STORE });
  const input = form.data;
  switch (input.intent) {
    case "start": {
      const started = await startEnrolment(user);
      if (!started) return data<Result>({ error: "Your account already has an authenticator app: turn the second factor off first to set up a new one." }, { status: 409, headers: NO_STORE });
      return redirect("/account/second-factor#set-up", { headers: NO_STORE });
    }
    case "confirm": {
      const result = await confirmEnrolment(user, session.id, input.code);
      if (!result.ok) return data<Result>({ error: result.error }, { status: 400, headers: NO_STORE });
      return data<Result>({ recoveryCodes: result.recoveryCodes }, { headers: NO_STORE });
    }
    case "disable": {
      const given = proofOf(input);
      if (!given.code && !given.password) return data<Result>({ error: NO_PROOF }, { status: 400, headers: NO_STORE });
      const result = await disableSecondFactor(user, given, context.clientIp);
      if (!result.ok) return refusal(result);
      return redirect("/account/second-factor?done=off", { headers: NO_STORE });
    }
    case "regenerate": {
      const given = proofOf(input);
      if (!given.code && !given.password) return data<Result>({ error: NO_PROOF }, { status: 400, headers: NO_STORE });
      const result = await regenerateRecoveryCodes(user, given, context.clientIp);
      if (!result.ok) return refusal(result);
      return data<Result>({ recoveryCodes: result.recoveryCodes, regenerated: true }, { headers: NO_STORE });
    }
    case "passkey-start": {
      const started = await startPasskeyRegistration(user, session);
      if (!started.ok) return data<Result>({ error: started.error }, { status: 409, headers: NO_STORE });
      return data<Result>({ passkeyOptions: started.options, name: input.name }, { headers: NO_STORE });
    }
    case "passkey": {
      const result = await finishPasskeyRegistration(user, session, { name: input.name, response: input.response });
      if (!result.ok) return data<Result>({ error: result.error }, { status: 400, headers: NO_STORE });
      if (result.recoveryCodes) return data<Result>({ recoveryCodes: result.recoveryCodes }, { headers: NO_STORE });
      return redirect("/account/second-factor?done=passkey-added", { headers: NO_STORE });
    }
    case "passkey-remove": {
      const given = proofOf(input);
      if (!given.code && !given.password) return data<Result>({ error: NO_PROOF }, { status: 400, headers: NO_STORE });
      const proved = await checkOwnerProof(user, given, context.clientIp);
      if (!proved.ok) return refusal(proved);
      if (!(await removePasskey(user, input.passkeyId))) return data<Result>({ error: "That passkey is not one of your account’s." }, { status: 404, headers: NO_STORE });
      return redirect("/account/second-factor?done=passkey-removed", { headers: NO_STORE });
    }
  }
}

const DONE: Record<string, string> = {
  off: "The second factor is off. Signing in needs only your password.",
  "passkey-added": "The passkey was added. Signing in can now use it after your password.",
  "passkey-removed": "The passkey was removed.",
};

type Passkey = { id: string; name: string; createdAt: string; createdLabel: string; lastUsedLabel: string };

export default function SecondFactorPage() {
  const { status, enrolment, passkeys } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const done = params.get("done");
  return (
    <div className="page narrow">
      <p><Link to="/account">← Your account</Link></p>
      <h1>Second factor</h1>
      <FormError message={result?.error} />
      <div role="status">{done && DONE[done] && !result ? <div className="alert ok">{DONE[done]}</div> : null}</div>
      {result?.recoveryCodes ? (
        <RecoveryCodes codes={result.recoveryCodes} regenerated={Boolean(result.regenerated)} />
      ) : (
        <>
          {status.enabled ? (
            <section className="card stack" aria-labelledby="on-heading">
              <h2 id="on-heading">The second factor is on</h2>
              <p>
                Signing in asks, after your password, for {status.totp && passkeys.length > 0 ? "a code from your authenticator app or one of your passkeys" : status.totp ? "a code from your authenticator app" : "one of your passkeys"}. {status.recoveryCodesLeft} of 10 recovery codes are left.
              </p>
            </section>
          ) : (
            <section className="card stack">
              <p>
                With a second factor, signing in asks for your password and then a 6-digit code from an authenticator app on your phone
                (any app that reads “TOTP” QR codes), or a passkey (your device’s screen lock, or a security key). Workshops can require it
                of their organisers before they publish, moderate endorsements, export signers’ addresses or manage members.
              </p>
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
  if (on) {
    return (
      <section className="card stack" aria-labelledby="app-heading">
        <h2 id="app-heading">Authenticator app</h2>
        <p>On: your app’s 6-digit codes sign you in after your password.</p>
      </section>
    );
  }
  if (enrolment) {
    return (
      <section id="set-up" className="card stack" aria-labelledby="set-up-heading">
        <h2 id="set-up-heading">1. Scan this code with your authenticator app</h2>
        <div className="qr-code" role="img" aria-label="QR code of your Accord key for an authenticator app" dangerouslySetInnerHTML={{ __html: enrolment.qrSvg }} />
        <p>
          Or type this key into the app (time-based, 6 digits, every 30 seconds): <code className="typed-key">{enrolment.typedKey}</code>
        </p>
        <h2>2. Type the code the app shows</h2>
        <Form method="post" className="stack" noValidate>
          <input type="hidden" name="intent" value="confirm" />
          <Field name="code" label="Code from your app" autoComplete="one-time-code" inputMode="numeric" maxLength={MAX_CODE_INPUT} required />
          <div className="actions">
            <button type="submit" disabled={busy}>{busy ? "Checking…" : "Turn on the second factor"}</button>
          </div>
        </Form>
      </section>
    );
  }
  return (
    <section className="card stack" aria-labelledby="app-heading">
      <h2 id="app-heading">Authenticator app</h2>
      <Form method="post">
        <input type="hidden" name="intent" value="start" />
        <button type="submit" disabled={busy}>{anyFactor ? "Set up an authenticator app" : "Set up a second factor"}</button>
      </Form>
    </section>
  );
}

function Passkeys({ passkeys, busy, options, name }: { passkeys: Passkey[]; busy: boolean; options: { challenge: string } | null; name: string | null }) {
  return (
    <section id="passkeys" className="card stack" aria-labelledby="passkeys-heading">
      <h2 id="passkeys-heading">Passkeys</h2>
      {passkeys.length === 0 ? (
        <p>No passkey yet. A passkey is kept by your device (unlocked with its screen lock) or on a security key.</p>
      ) : (
        <table>
          <caption className="visually-hidden">Your passkeys</caption>
          <thead>
            <tr><th scope="col">Name</th><th scope="col">Added</th><th scope="col">Last used</th></tr>
          </thead>
          <tbody>
            {passkeys.map((p) => (
              <tr key={p.id}>
                <td data-label="Name">{p.name}</td>
                <td data-label="Added"><time dateTime={p.createdAt}>{p.createdLabel}</time></td>
                <td data-label="Last used">{p.lastUsedLabel}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Add a passkey</h3>
      <PasskeyCeremony kind="register" options={options} label="Add a passkey" busy={busy} finishFields={name ? { name } : undefined}>
        <Field id="field-passkey-name" name="name" label="Name of the passkey" hint="So you can tell your passkeys apart, e.g. “Laptop” or “Security key”." maxLength={MAX_PASSKEY_NAME} required />
      </PasskeyCeremony>
      {passkeys.length > 0 ? (
        <>
          <h3>Remove a passkey</h3>
          <Form method="post" className="stack" noValidate>
            <input type="hidden" name="intent" value="passkey-remove" />
            <div className="field">
              <label htmlFor="field-passkey-id">Passkey to remove</label>
              <select id="field-passkey-id" name="passkeyId" required>
                {passkeys.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
              </select>
            </div>
            <Field id="field-remove-password" name="password" label="Your password" type="password" autoComplete="current-password" />
            <Field id="field-remove-code" name="code" label="Or a code from your app, or a recovery code" autoComplete="one-time-code" maxLength={MAX_CODE_INPUT} />
            <div className="actions">
              <button type="submit" className="danger" disabled={busy}>Remove the passkey</button>
            </div>
          </Form>
        </>
      ) : null}
    </section>
  );
}

function RegenerateCodes({ busy }: { busy: boolean }) {
  return (
    <section id="recovery-codes" className="card stack" aria-labelledby="regenerate-heading">
      <h2 id="regenerate-heading">New recovery codes</h2>
      <p>Used some, or lost the list? Make ten new codes: the old ones stop working.</p>
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="intent" value="regenerate" />
        <Field id="field-regenerate-password" name="password" label="Your password" type="password" autoComplete="current-password" />
        <Field id="field-regenerate-code" name="code" label="Or a code from your app, or a recovery code" autoComplete="one-time-code" maxLength={MAX_CODE_INPUT} />
        <div className="actions">
          <button type="submit" disabled={busy}>Make new recovery codes</button>
        </div>
      </Form>
    </section>
  );
}

function RecoveryCodes({ codes, regenerated }: { codes: string[]; regenerated: boolean }) {
  return (
    <section className="card stack" aria-labelledby="codes-heading">
      <div className="alert ok" role="status">
        {regenerated ? "Ten new recovery codes were made; the previous ones no longer work." : "The second factor is on. Other browsers signed in to your account were signed out."}
      </div>
      <h2 id="codes-heading">Your recovery codes</h2>
      <p>
        Keep these ten codes somewhere safe (print them, or keep them in a password manager). Each one signs you in once if you
        lose your phone or your passkeys. They are shown only now.
      </p>
      <ul className="recovery-codes" aria-label="Recovery codes">
        {codes.map((c) => <li key={c}><code>{c}</code></li>)}
      </ul>
      <p><Link to="/account">Back to your account</Link></p>
    </section>
  );
}

function TurnOff({ busy }: { busy: boolean }) {
  return (
    <section className="card stack" aria-labelledby="off-heading">
      <h2 id="off-heading">Turn it off</h2>
      <p>Removes the authenticator app, every passkey and the recovery codes.</p>
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="intent" value="disable" />
        <Field name="password" label="Your password" type="password" autoComplete="current-password" />
        <Field name="code" label="Or a code from your app, or a recovery code" autoComplete="one-time-code" maxLength={MAX_CODE_INPUT} />
        <div className="actions">
          <button type="submit" className="danger" disabled={busy}>Turn off the second factor</button>
        </div>
      </Form>
    </section>
  );
}
