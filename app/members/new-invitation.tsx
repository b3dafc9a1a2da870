/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/** A link made just now, shown once: in a read-only field (selectable without JavaScript) with a copy button. */
import { CopyBox, CopyButton } from "../components/copy-button";
import { ROLE_LABELS, type Role } from "../models/roles";
import { formatDateTime, isoString } from "../utils/dates";

export function NewInvitation({ invitation }: { invitation: { url: string; role: Role; expiresAt: string | Date; maxUses: number } }) {
  const who = invitation.maxUses === 1 ? "The first person who opens it" : `Up to ${invitation.maxUses} people who open it`;
  return (
    <section className="card" aria-labelledby="new-invitation">
      <h2 id="new-invitation">Your new invitation link</h2>
      <p id="new-invitation-help">
        Copy it now: it is shown only this once. {who} while signed in joins as <strong>{ROLE_LABELS[invitation.role]}</strong>{" "}
        until <time dateTime={isoString(invitation.expiresAt)}>{formatDateTime(invitation.expiresAt)}</time>, unless you revoke
        it. Send it only to the people you mean to invite.
      </p>
      <label htmlFor="invitation-url">Invitation link</label>
      <div className="copy-row">
        <CopyBox id="invitation-url" value={invitation.url} describedBy="new-invitation-help" />
        <CopyButton value={invitation.url} label="Copy link" fieldId="invitation-url" />
      </div>
    </section>
  );
}
