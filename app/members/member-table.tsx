/* eslint-disable i18next/no-literal-string -- I18N_TODO: this file still has English in its JSX (issue 14) */
/** The members table: name, e-mail, role, when they joined, and per member a role form and a "Remove" link. */
import { Form, Link } from "@remix-run/react";
import { ROLE_LABELS, type Role } from "../models/roles";
import { formatDate, isoString } from "../utils/dates";
import { RoleOptions } from "./invitation-fields";
import { ResetSecondFactor } from "./second-factor-rule";

export interface MemberView {
  userId: string;
  name: string;
  email: string;
  role: Role;
  joinedAt: string | Date;
  isYou: boolean;
  /** Has a second factor (an organiser's can be reset here by another organiser). */
  secondFactor: boolean;
}

export function MemberTable({ members, action, busy, resetKey }: { members: MemberView[]; action: string; busy: boolean; resetKey: number }) {
  if (members.length === 0) return <p className="empty">This workshop has no members yet.</p>;
  return (
    <div className="table-wrap">
      <table className="data responsive" aria-labelledby="members">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">E-mail</th>
            <th scope="col">Role</th>
            <th scope="col">Joined</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => {
            const selectId = `role-${m.userId}`;
            return (
              <tr key={m.userId}>
                <td data-label="Name">
                  {m.name}
                  {m.isYou ? <span className="muted"> (you)</span> : null}
                </td>
                <td data-label="E-mail">{m.email}</td>
                <td data-label="Role">
                  <span className="badge">{ROLE_LABELS[m.role]}</span>
                  {m.secondFactor ? <span className="badge">Second factor</span> : null}
                </td>
                <td data-label="Joined"><time dateTime={isoString(m.joinedAt)}>{formatDate(m.joinedAt)}</time></td>
                <td data-label="Change">
                  <Form key={`${m.role}:${resetKey}`} method="post" action={action} className="inline-form">
                    <input type="hidden" name="intent" value="role" />
                    <input type="hidden" name="userId" value={m.userId} />
                    <label className="visually-hidden" htmlFor={selectId}>{`Role for ${m.name}`}</label>
                    <select id={selectId} name="role" defaultValue={m.role}>
                      <RoleOptions />
                    </select>
                    <button type="submit" className="secondary" disabled={busy}>
                      Save<span className="visually-hidden">{` the role for ${m.name}`}</span>
                    </button>
                  </Form>
                  <p className="small">
                    <Link to={`${action}?remove=${m.userId}#confirm-remove`}>{`Remove ${m.name}`}</Link>
                  </p>
                  {m.role === "organizer" && m.secondFactor && !m.isYou ? <ResetSecondFactor member={m} action={action} busy={busy} /> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** "Remove …?": asked on a page of its own state (GET ?remove=…), done by POST. */
export function ConfirmRemoval({ person, action, busy }: { person: { userId: string; name: string; isYou: boolean }; action: string; busy: boolean }) {
  return (
    <section className="card" id="confirm-remove" aria-labelledby="confirm-remove-title">
      <h2 id="confirm-remove-title">{`Remove ${person.name}?`}</h2>
      <p>
        {person.isYou
          ? "You will leave this workshop and lose access to its documents. The invitation links you created stop working."
          : `${person.name} will lose access to this workshop and its documents, and the invitation links they created stop working. Links made before now will not let them back in: to bring them back later, send them a new invitation.`}
      </p>
      <Form method="post" action={action} className="actions">
        <input type="hidden" name="intent" value="remove" />
        <input type="hidden" name="userId" value={person.userId} />
        <button type="submit" className="danger" disabled={busy}>{`Remove ${person.name}`}</button>
        <Link to={action}>Cancel</Link>
      </Form>
    </section>
  );
}
