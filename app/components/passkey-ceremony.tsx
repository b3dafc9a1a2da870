/**
 * A passkey ceremony in two posts: the form asks the server for options (intent "passkey-start", with any fields
 * given as children, e.g. the new passkey's name); when the action answers with options, the browser runs
 * `navigator.credentials.create/get` through @simplewebauthn/browser and the answer is posted back as JSON text
 * (intent "passkey", plus `finishFields`). Without WebAuthn in the browser, the button says so instead of failing.
 * The options are also in the form's `data-passkey-options` (what a non-browser client, or a test, reads).
 * Its words are in the `security` namespace, which the page's loader sends.
 */
import { Form, useSubmit } from "@remix-run/react";
import { browserSupportsWebAuthn, startAuthentication, startRegistration } from "@simplewebauthn/browser";
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { useT } from "../i18n/react";

/** `options`: what the server's action answered (generateRegistrationOptions or generateAuthenticationOptions, as JSON). */
interface Props {
  kind: "register" | "authenticate";
  options: { challenge: string } | null;
  label: string;
  busy: boolean;
  children?: ReactNode;
  finishFields?: Record<string, string>;
}

export function PasskeyCeremony(props: Props) {
  const { t } = useT();
  const submit = useSubmit();
  const [supported, setSupported] = useState<boolean | null>(null);
  const [problem, setProblem] = useState(false);
  const [waiting, setWaiting] = useState(false);
  const handled = useRef<string | null>(null);

  useEffect(() => setSupported(browserSupportsWebAuthn()), []);

  const { kind, options, finishFields } = props;
  useEffect(() => {
    if (!options || handled.current === options.challenge) return;
    handled.current = options.challenge;
    setProblem(false);
    setWaiting(true);
    const run = async () => {
      const answer =
        kind === "register"
          ? await startRegistration({ optionsJSON: options as unknown as PublicKeyCredentialCreationOptionsJSON })
          : await startAuthentication({ optionsJSON: options as unknown as PublicKeyCredentialRequestOptionsJSON });
      submit({ ...finishFields, intent: "passkey", response: JSON.stringify(answer) }, { method: "post" });
    };
    run()
      .catch(() => setProblem(true))
      .finally(() => setWaiting(false));
  }, [kind, options, finishFields, submit]);

  return (
    <Form method="post" className="stack" noValidate data-passkey-options={options ? JSON.stringify(options) : undefined}>
      <input type="hidden" name="intent" value="passkey-start" />
      {props.children}
      {problem ? <div className="alert error" role="alert">{t("security:ceremony.failed")}</div> : null}
      <div className="actions">
        <button type="submit" disabled={props.busy || waiting || supported === false}>
          {waiting ? t("security:ceremony.waiting") : props.label}
        </button>
      </div>
      {supported === false ? <p className="hint">{t("security:ceremony.unsupported")}</p> : null}
    </Form>
  );
}
