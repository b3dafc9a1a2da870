/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/** The members page's second-factor parts: the workshop's setting, and resetting an organiser's lost second factor. */
import { Form } from "@remix-run/react";

export function SecondFactorRule({ required, action, busy }: { required: boolean; action: string; busy: boolean }) {
  return (
    <section className="card" aria-labelledby="second-factor-rule">
      <h2 id="second-factor-rule">Second factor for organisers</h2>
      <p>
        {required
          ? "On: organisers need a second factor (an authenticator app) to publish, moderate endorsements, export signers’ addresses and manage members."
          : "Off: organisers can publish, moderate endorsements, export signers’ addresses and manage members with a password alone."}
      </p>
      <Form method="post" action={action} className="inline-form">
        <input type="hidden" name="intent" value="second-factor-rule" />
        <input type="hidden" name="required" value={required ? "off" : "on"} />
        <button type="submit" className="secondary" disabled={busy}>
          {required ? "Stop requiring a second factor" : "Require a second factor of organisers"}
        </button>
      </Form>
    </section>
  );
}

export function ResetSecondFactor({ member, action, busy }: { member: { userId: string; name: string }; action: string; busy: boolean }) {
  return (
    <Form method="post" action={action} className="inline-form">
      <input type="hidden" name="intent" value="reset-second-factor" />
      <input type="hidden" name="userId" value={member.userId} />
      <button type="submit" className="secondary" disabled={busy}>{`Reset the second factor of ${member.name}`}</button>
    </Form>
  );
}
