/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/** The two ways to invite: a link to share (role, expiry, how many may use it) and links mailed to addresses. */
import { Form } from "@remix-run/react";
import { MAX_INVITATION_ADDRESSES } from "../models/roles";
import { DaysSelect, RoleSelect, UsesSelect } from "./invitation-fields";

interface FormProps {
  action: string;
  busy: boolean;
  errors: Record<string, string>;
}

export function InviteLinkForm({ action, busy, errors }: FormProps) {
  return (
    <Form method="post" action={action} className="stack card" aria-labelledby="invite-link-title">
      <h3 id="invite-link-title">Create a link to share</h3>
      <input type="hidden" name="intent" value="invite" />
      <p className="muted">
        Whoever opens the link while signed in, with a confirmed e-mail address, joins with the role you choose here, as
        long as it has uses left. Someone who is already a member keeps their role.
      </p>
      <RoleSelect idPrefix="invite" label="Role for people who join with this link" error={errors.role} />
      <DaysSelect idPrefix="invite" label="The link stops working after" error={errors.days} />
      <UsesSelect idPrefix="invite" label="How many people can join with it" error={errors.uses} />
      <div className="actions">
        <button type="submit" disabled={busy}>Create invitation link</button>
      </div>
    </Form>
  );
}

export function InviteEmailForm({ action, busy, errors, emails }: FormProps & { emails: string }) {
  const error = errors.emails;
  return (
    <Form method="post" action={action} className="stack card" aria-labelledby="invite-email-title">
      <h3 id="invite-email-title">Invite by e-mail</h3>
      <input type="hidden" name="intent" value="invite-email" />
      <div className="field">
        <label htmlFor="invite-email-emails">E-mail addresses</label>
        <p className="hint" id="invite-email-emails-hint">
          {`One or more addresses (at most ${MAX_INVITATION_ADDRESSES}), separated by commas or new lines. Each gets a mail with the workshop, the role, the expiry and a link of its own that works once.`}
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
      <RoleSelect idPrefix="invite-email" label="Role for the people you invite" error={errors.role} />
      <DaysSelect idPrefix="invite-email" label="Their links stop working after" error={errors.days} />
      <div className="actions">
        <button type="submit" disabled={busy}>Send invitations</button>
      </div>
    </Form>
  );
}
