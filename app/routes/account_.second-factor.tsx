/**
 * /account/second-factor — set up a second factor (scan the QR code, confirm a first code, keep the ten recovery
 * codes shown once), see how many recovery codes are left, turn it off with the password or a code. Browser sessions
 * only. Rules: app/auth/second-factor.server.ts.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import {
  confirmEnrolment,
  disableSecondFactor,
  enrolmentInProgress,
  getSecondFactorStatus,
  MAX_CODE_INPUT,
  startEnrolment,
} from "../auth/second-factor.server";
import { Field, FormError } from "../components/field";
import { readForm } from "../utils/forms.server";
import { requireSessionUser } from "../utils/guards.server";
import { forwardHeaders, NO_STORE } from "../utils/route-headers";
import { pleaseWait } from "../utils/wait-words";

export const meta: MetaFunction = () => [{ title: "Second factor — Your account — Accord" }];
export const headers = forwardHeaders;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, session } = await requireSessionUser(request, context);
  const status = await getSecondFactorStatus(user.id);
  const enrolment = status.enabled ? null : await enrolmentInProgress(user);
  return data({ status, enrolment, sessionVerified: session.secondFactor }, { headers: NO_STORE });
}

const code = z.string().max(MAX_CODE_INPUT, "A code is at most 6 digits, or a recovery code of 16 letters and digits.");
const schema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("start") }),
  z.object({ intent: z.literal("confirm"), code }),
  z.object({ intent: z.literal("disable"), password: z.string().max(1024).optional(), code: code.optional() }),
]);

type Result = { error?: string; recoveryCodes?: string[] };

export async function action({ request, context }: ActionFunctionArgs) {
  const { user, session } = await requireSessionUser(request, context);
  const form = await readForm(request, schema);
  if (!form.ok) return data<Result>({ error: form.firstError }, { status: 400, headers: NO_STORE });
  const input = form.data;
  switch (input.intent) {
    case "start": {
      const started = await startEnrolment(user);
      if (!started) return data<Result>({ error: "Your account already has a second factor: turn it off first to set up a new one." }, { status: 409, headers: NO_STORE });
      return redirect("/account/second-factor#set-up", { headers: NO_STORE });
    }
    case "confirm": {
      const result = await confirmEnrolment(user, session.id, input.code);
      if (!result.ok) return data<Result>({ error: result.error }, { status: 400, headers: NO_STORE });
      return data<Result>({ recoveryCodes: result.recoveryCodes }, { headers: NO_STORE });
    }
    case "disable": {
      const codeGiven = input.code?.trim() ? input.code : undefined;
      if (!codeGiven && !input.password) return data<Result>({ error: "Give your password, or a code from your app or a recovery code." }, { status: 400, headers: NO_STORE });
      const result = await disableSecondFactor(user, { code: codeGiven, password: input.password }, context.clientIp);
      if (!result.ok) {
        const wait = result.retryAfterSeconds;
        return data<Result>(
          { error: wait ? `${result.error} ${pleaseWait(wait)}` : result.error },
          { status: wait ? 429 : 400, headers: wait ? { ...NO_STORE, "Retry-After": String(wait) } : NO_STORE },
        );
      }
      return redirect("/account/second-factor?done=off", { headers: NO_STORE });
    }
  }
}

export default function SecondFactorPage() {
  const { status, enrolment } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="page narrow">
      <p><Link to="/account">← Your account</Link></p>
      <h1>Second factor</h1>
      <FormError message={result?.error} />
      <div role="status">{params.get("done") === "off" && !result ? <div className="alert ok">The second factor is off. Signing in needs only your password.</div> : null}</div>
      {result?.recoveryCodes ? (
        <RecoveryCodes codes={result.recoveryCodes} />
      ) : status.enabled ? (
        <Enabled recoveryCodesLeft={status.recoveryCodesLeft} busy={busy} />
      ) : enrolment ? (
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
      ) : (
        <section className="card stack">
          <p>
            With a second factor, signing in asks for your password and then a 6-digit code from an authenticator app on your phone
            (any app that reads “TOTP” QR codes). Workshops can require it of their organisers before they publish, moderate
            endorsements, export signers’ addresses or manage members.
          </p>
          <Form method="post">
            <input type="hidden" name="intent" value="start" />
            <button type="submit" disabled={busy}>Set up a second factor</button>
          </Form>
        </section>
      )}
    </div>
  );
}

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <section className="card stack" aria-labelledby="codes-heading">
      <div className="alert ok" role="status">The second factor is on. Other browsers signed in to your account were signed out.</div>
      <h2 id="codes-heading">Your recovery codes</h2>
      <p>
        Keep these ten codes somewhere safe (print them, or keep them in a password manager). Each one signs you in once if you
        lose your phone. They are shown only now.
      </p>
      <ul className="recovery-codes" aria-label="Recovery codes">
        {codes.map((c) => <li key={c}><code>{c}</code></li>)}
      </ul>
      <p><Link to="/account">Back to your account</Link></p>
    </section>
  );
}

function Enabled({ recoveryCodesLeft, busy }: { recoveryCodesLeft: number; busy: boolean }) {
  return (
    <section className="card stack" aria-labelledby="on-heading">
      <h2 id="on-heading">The second factor is on</h2>
      <p>Signing in asks for a code from your authenticator app. {recoveryCodesLeft} of 10 recovery codes are left.</p>
      <h2>Turn it off</h2>
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
