/** The two ways to invite: a link to share (role, expiry, how many may use it) and links mailed to addresses. */
import { Form } from "@remix-run/react";
import { MAX_INVITATION_ADDRESSES } from "../models/roles";
import { DaysSelect, RoleSelect, UsesSelect } from "./invitation-fields";
import { useT } from "../i18n/react";

interface FormProps {
  action: string;
  busy: boolean;
  errors: Record<string, string>;
}

export function InviteLinkForm({ action, busy, errors }: FormProps) {
  const { t } = useT();
  return (
    <Form method="post" action={action} className="stack card" aria-labelledby="invite-link-title">
      <h3 id="invite-link-title">{t("workshop:invite.linkTitle")}</h3>
      <input type="hidden" name="intent" value="invite" />
      <p className="muted">{t("workshop:invite.linkHelp")}</p>
      <RoleSelect idPrefix="invite" label={t("workshop:invite.linkRole")} error={errors.role} />
      <DaysSelect idPrefix="invite" label={t("workshop:invite.linkDays")} error={errors.days} />
      <UsesSelect idPrefix="invite" label={t("workshop:invite.linkUses")} error={errors.uses} />
      <div className="actions">
        <button type="submit" disabled={busy}>{t("workshop:invite.createLink")}</button>
      </div>
    </Form>
  );
}

export function InviteEmailForm({ action, busy, errors, emails }: FormProps & { emails: string }) {
  const error = errors.emails;
  const { t } = useT();
  return (
    <Form method="post" action={action} className="stack card" aria-labelledby="invite-email-title">
      <h3 id="invite-email-title">{t("workshop:invite.emailTitle")}</h3>
      <input type="hidden" name="intent" value="invite-email" />
      <div className="field">
        <label htmlFor="invite-email-emails">{t("workshop:invite.emails")}</label>
        <p className="hint" id="invite-email-emails-hint">
          {t("workshop:invite.emailsHint", { max: MAX_INVITATION_ADDRESSES })}
        </p>
        <textarea
          id="invite-email-emails"
          name="emails"
          rows={4}
          defaultValue={emails}
          autoComplete="off"
          spellCheck={false}
          aria-describedby={error ? "invite-email-emails-hint invite-email-emails-error" : "invite-email-emails-hint"}
          aria-invalid={error ? true : undefined}
        />
        {error ? <p className="error" id="invite-email-emails-error">{error}</p> : null}
      </div>
      <RoleSelect idPrefix="invite-email" label={t("workshop:invite.emailRole")} error={errors.role} />
      <DaysSelect idPrefix="invite-email" label={t("workshop:invite.emailDays")} error={errors.days} />
      <div className="actions">
        <button type="submit" disabled={busy}>{t("workshop:invite.send")}</button>
      </div>
    </Form>
  );
}
