/** A link made just now, shown once: in a read-only field (selectable without JavaScript) with a copy button. */
import { CopyBox, CopyButton } from "../components/copy-button";
import type { Role } from "../models/roles";
import { isoString } from "../utils/dates";
import { Trans, useT } from "../i18n/react";
import { dateTimeIn, roleName } from "../workshops/words";

export function NewInvitation({ invitation }: { invitation: { url: string; role: Role; expiresAt: string | Date; maxUses: number } }) {
  const { t, locale } = useT();
  return (
    <section className="card" aria-labelledby="new-invitation">
      <h2 id="new-invitation">{t("workshop:newInvitation.title")}</h2>
      <p id="new-invitation-help">
        <Trans
          k="workshop:newInvitation.help"
          values={{ count: invitation.maxUses, role: roleName(t, invitation.role), until: dateTimeIn(locale, invitation.expiresAt) }}
          tags={{ strong: (c) => <strong>{c}</strong>, time: (c) => <time dateTime={isoString(invitation.expiresAt)}>{c}</time> }}
        />
      </p>
      <label htmlFor="invitation-url">{t("workshop:newInvitation.link")}</label>
      <div className="copy-row">
        <CopyBox id="invitation-url" value={invitation.url} describedBy="new-invitation-help" />
        <CopyButton value={invitation.url} label={t("workshop:newInvitation.copy")} fieldId="invitation-url" />
      </div>
    </section>
  );
}
