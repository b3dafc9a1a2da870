/** The members page's second-factor parts: the workshop's setting, and resetting an organiser's lost second factor. */
import { Form } from "@remix-run/react";
import { useT } from "../i18n/react";

export function SecondFactorRule({ required, action, busy }: { required: boolean; action: string; busy: boolean }) {
  const { t } = useT();
  return (
    <section className="card" aria-labelledby="second-factor-rule">
      <h2 id="second-factor-rule">{t("workshop:secondFactor.title")}</h2>
      <p>
        {required
          ? t("workshop:secondFactor.on")
          : t("workshop:secondFactor.off")}
      </p>
      <Form method="post" action={action} className="inline-form">
        <input type="hidden" name="intent" value="second-factor-rule" />
        <input type="hidden" name="required" value={required ? "off" : "on"} />
        <button type="submit" className="secondary" disabled={busy}>
          {required ? t("workshop:secondFactor.stop") : t("workshop:secondFactor.require")}
        </button>
      </Form>
    </section>
  );
}

export function ResetSecondFactor({ member, action, busy }: { member: { userId: string; name: string }; action: string; busy: boolean }) {
  const { t } = useT();
  return (
    <Form method="post" action={action} className="inline-form">
      <input type="hidden" name="intent" value="reset-second-factor" />
      <input type="hidden" name="userId" value={member.userId} />
      <button type="submit" className="secondary" disabled={busy}>{t("workshop:secondFactor.reset", { name: member.name })}</button>
    </Form>
  );
}
